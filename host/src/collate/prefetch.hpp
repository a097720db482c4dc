// Register look-ups in register order instead of input order.
//
// A random point look-up into a 10-million-row register costs ~6 µs here (cache and TLB misses
// on a 4 GB file), a candidate search ~100 µs; the same look-ups in ascending key order cost
// ~1.5 µs and ~30 µs, because neighbouring keys share B-tree pages. So the first pass also
// records every person query of round 0 (by ID, by legacy ID, candidate search) with a query
// number made of its record number and its rank in the record. By-ID keys are sorted whole
// (external merge sort in bounded memory); legacy and candidate requests are sorted in blocks of
// bounded size. They are looked up in that order through the register backend, and the answers
// are written sorted by query number, in runs. The main pass reads them in input order alongside
// the chunks and answers those queries from them; any query without a usable prefetched answer
// (another round, an adapter that plans differently, a register failure) is looked up live.
// Semantically a cache: results are identical either way.
#pragma once

#include <ecid/register.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ecid::collate {

// Query number: record number (1-based, in the file) × 16 + rank of the person query in its record.
inline uint64_t prefetch_query_number(uint64_t record, uint32_t rank) { return record * 16 + rank; }
constexpr uint32_t kMaxPrefetchedPerRecord = 16;

// What makes two person queries the same question for the register: kind, key, and for a
// candidate search the claims the register searches on (name, birth date, place).
uint64_t request_fingerprint(uint32_t kind, std::string_view key, std::span<const Claim> claims);
bool is_prefetchable_kind(uint32_t kind);

struct PrefetchKey {
  uint64_t id;     // the personal ID as a number
  uint64_t query;  // prefetch_query_number()
};

// A legacy-ID look-up or a candidate search, as the register will be asked.
struct PrefetchRequest {
  uint64_t query = 0;
  uint32_t kind = 0;
  std::string key;
  std::vector<Claim> claims;
};

// A register answer kept for the main pass.
struct PrefetchedAnswer {
  uint64_t query = 0;
  uint64_t fingerprint = 0;  // to check it answers the same question
  uint32_t status = 0;
  std::string detail;
  std::vector<RegisterRecord> records;  // with the fields of PrefetchPlan::fields the person has
};

// What the first pass decided to prefetch: one purpose and the union of the fields needed.
struct PrefetchPlan {
  std::string purpose;
  FieldSet fields;
  uint64_t keys = 0;      // by-ID look-ups
  uint64_t requests = 0;  // legacy look-ups and candidate searches
};

// First pass: collects what to prefetch (thread-safe), in dir/prefetch.keys.bin and
// dir/prefetch.requests.bin.
class PrefetchCollector {
 public:
  explicit PrefetchCollector(const std::filesystem::path& dir);
  ~PrefetchCollector();
  PrefetchCollector(const PrefetchCollector&) = delete;
  PrefetchCollector& operator=(const PrefetchCollector&) = delete;

  // One chunk's queries, all for `purpose` and needing at most `fields`.
  void add(const std::vector<PrefetchKey>& keys, const std::vector<PrefetchRequest>& requests,
           const std::string& purpose, const FieldSet& fields);
  // Closes the files; the plan for build_prefetch().
  PrefetchPlan finish();

 private:
  std::filesystem::path keys_path_, requests_path_;
  std::FILE* keys_ = nullptr;
  std::FILE* requests_ = nullptr;
  std::mutex mutex_;
  PrefetchPlan plan_;
  bool mixed_purposes_ = false;
};

// Looks everything up in key order (`threads` batches at once) and writes the answers sorted by
// query number in runs: dir/prefetch.answers.<n>.bin. Returns the run files. `progress(done,
// total)` is called from the calling thread.
std::vector<std::filesystem::path> build_prefetch(const std::filesystem::path& dir, const PrefetchPlan& plan,
                                                  RegisterBackend& population, unsigned threads,
                                                  const std::function<void(uint64_t, uint64_t)>& progress);

// Main pass: the answers in query-number order, merged from the runs.
class PrefetchCursor {
 public:
  // `offsets`: where each run continues (from a checkpoint); empty = from the start.
  PrefetchCursor(const std::vector<std::filesystem::path>& runs, const std::vector<uint64_t>& offsets);
  ~PrefetchCursor();
  PrefetchCursor(const PrefetchCursor&) = delete;
  PrefetchCursor& operator=(const PrefetchCursor&) = delete;

  // Appends every answer with query number < end, in order.
  void take(uint64_t end, std::vector<PrefetchedAnswer>& out);
  // Per run: the offset of its next unread answer (for a checkpoint).
  std::vector<uint64_t> offsets() const;

 private:
  struct Run;
  std::vector<std::unique_ptr<Run>> runs_;
};

}  // namespace ecid::collate
