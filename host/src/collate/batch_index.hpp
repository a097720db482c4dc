// Batch-wide knowledge for ECID_Q_BATCH_DUPLICATES: which keys (e.g. personal IDs) occur with
// several distinct values (e.g. social-insurance codes) anywhere in the input.
//
// Built by a first pass over the whole input in bounded memory: each (key, value) pair is
// appended to one of P partition files on disk by a hash of the key (P grows with the input
// size, so one partition stays near 40 MB); then each partition is sorted alone and only the
// pairs whose key has two or more values are kept, in `duplicates.bin`. The main pass holds
// just those: 16 bytes per record that shares its key with another value.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecid::collate {

using BatchPair = std::pair<uint64_t, uint64_t>;  // (encoded key, encoded value)

// Digit strings of 1-17 digits are encoded exactly (value, length: leading zeros kept); any
// other text by a 63-bit hash, marked by the top bit.
uint64_t encode_batch_value(std::string_view text);
// The digits back; empty for a hashed value.
std::string decode_batch_value(uint64_t encoded);

class DuplicateIndex {
 public:
  DuplicateIndex() = default;
  explicit DuplicateIndex(std::vector<BatchPair> sorted_pairs);
  // Reads duplicates.bin; throws std::runtime_error when it is missing or damaged.
  static DuplicateIndex load(const std::filesystem::path& file);
  // Values other than `own` that share `key`, ascending, at most `limit` (a key shared by
  // thousands of records must not cost thousands per record). Returns how many there are.
  size_t others(uint64_t key, uint64_t own, std::vector<uint64_t>& out, size_t limit) const;
  uint64_t keys() const;
  size_t pairs() const { return pairs_.size(); }

 private:
  bool may_hold(uint64_t key) const;
  std::vector<BatchPair> pairs_;  // sorted; only keys with two or more values
  // One bit per hash of a key in pairs_: almost every record's key is not a duplicate, and this
  // answers that from a few hundred KiB that stay in cache, instead of a binary search missing
  // the cache at every level (5% of a 10-million-record run).
  std::vector<uint64_t> filter_;
  uint64_t filter_mask_ = 0;
};

class BatchKeyCollector {
 public:
  // `partitions` files named dir/pass1.<n>.bin are created (truncated).
  BatchKeyCollector(const std::filesystem::path& dir, unsigned partitions);
  ~BatchKeyCollector();
  BatchKeyCollector(const BatchKeyCollector&) = delete;
  BatchKeyCollector& operator=(const BatchKeyCollector&) = delete;

  // Thread-safe.
  void add(const std::vector<BatchPair>& pairs);
  // Sorts each partition, writes `out` (atomically: temporary file, fsync, rename) and removes
  // the partition files. Returns the index.
  DuplicateIndex finish(const std::filesystem::path& out);

  static unsigned partitions_for(uint64_t input_bytes);

 private:
  struct Partition;
  std::filesystem::path dir_;
  std::vector<Partition> parts_;
  std::mutex mutex_;
};

}  // namespace ecid::collate
