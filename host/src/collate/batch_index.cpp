#include "collate/batch_index.hpp"

#include "collate/files.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace ecid::collate {
namespace {

constexpr uint64_t kHashed = uint64_t{1} << 63;
constexpr char kMagic[8] = {'E', 'C', 'I', 'D', 'D', 'U', 'P', '1'};

uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

}  // namespace

uint64_t encode_batch_value(std::string_view text) {
  if (!text.empty() && text.size() <= 17 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    uint64_t value = 0;
    for (char c : text) value = value * 10 + static_cast<uint64_t>(c - '0');
    return (value << 5) | text.size();  // < 10^17 * 32 < 2^63
  }
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then mixed
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
  return mix64(h) | kHashed;
}

std::string decode_batch_value(uint64_t encoded) {
  if (encoded & kHashed) return {};
  const size_t length = encoded & 31;
  std::string digits = std::to_string(encoded >> 5);
  if (digits.size() < length) digits.insert(0, length - digits.size(), '0');
  return digits;
}

DuplicateIndex DuplicateIndex::load(const std::filesystem::path& file) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot read " + file.string());
  char magic[8];
  uint64_t count = 0;
  bool ok = std::fread(magic, 1, 8, f) == 8 && std::memcmp(magic, kMagic, 8) == 0 &&
            std::fread(&count, sizeof count, 1, f) == 1 && count < (uint64_t{1} << 40);
  std::vector<BatchPair> pairs;
  if (ok) {
    pairs.resize(count);
    ok = std::fread(pairs.data(), sizeof(BatchPair), count, f) == count && std::is_sorted(pairs.begin(), pairs.end());
  }
  std::fclose(f);
  if (!ok) throw std::runtime_error(file.string() + " is damaged");
  return DuplicateIndex(std::move(pairs));
}

namespace {
uint64_t filter_hash(uint64_t key) { return (key ^ (key >> 29)) * 0xBF58476D1CE4E5B9ull >> 17; }
}  // namespace

DuplicateIndex::DuplicateIndex(std::vector<BatchPair> sorted_pairs) : pairs_(std::move(sorted_pairs)) {
  // About 16 bits per pair: a non-duplicate key passes with probability < 1/8.
  uint64_t bits = 64;
  while (bits < pairs_.size() * 16) bits <<= 1;
  filter_.assign(bits / 64, 0);
  filter_mask_ = bits - 1;
  for (const BatchPair& p : pairs_) {
    const uint64_t h = filter_hash(p.first) & filter_mask_;
    filter_[h >> 6] |= uint64_t{1} << (h & 63);
  }
}

bool DuplicateIndex::may_hold(uint64_t key) const {
  if (filter_.empty()) return false;  // default-constructed: no pairs
  const uint64_t h = filter_hash(key) & filter_mask_;
  return (filter_[h >> 6] >> (h & 63)) & 1;
}

size_t DuplicateIndex::others(uint64_t key, uint64_t own, std::vector<uint64_t>& out, size_t limit) const {
  out.clear();
  if (!may_hold(key)) return 0;
  const auto first = std::lower_bound(pairs_.begin(), pairs_.end(), BatchPair{key, 0});
  const auto last = std::upper_bound(first, pairs_.end(), BatchPair{key, UINT64_MAX});
  // The pairs are unique and sorted: one of them may be `own`.
  const bool has_own = std::binary_search(first, last, BatchPair{key, own});
  for (auto it = first; it != last && out.size() < limit; ++it)
    if (it->second != own) out.push_back(it->second);
  return static_cast<size_t>(last - first) - (has_own ? 1 : 0);
}

uint64_t DuplicateIndex::keys() const {
  uint64_t n = 0;
  for (size_t i = 0; i < pairs_.size(); ++i)
    if (i == 0 || pairs_[i].first != pairs_[i - 1].first) ++n;
  return n;
}

struct BatchKeyCollector::Partition {
  std::filesystem::path path;
  std::FILE* file = nullptr;
};

unsigned BatchKeyCollector::partitions_for(uint64_t input_bytes) {
  // ~256 MiB of input per partition: at ~100 bytes a record, ~2.7 M pairs, ~43 MB to sort.
  const uint64_t p = input_bytes / (256u << 20) + 1;
  return static_cast<unsigned>(std::min<uint64_t>(p, 1024));
}

BatchKeyCollector::BatchKeyCollector(const std::filesystem::path& dir, unsigned partitions) : dir_(dir) {
  parts_.resize(std::max(1u, partitions));
  for (size_t i = 0; i < parts_.size(); ++i) {
    parts_[i].path = dir / ("pass1." + std::to_string(i) + ".bin");
    parts_[i].file = create_stream(parts_[i].path);
    std::setvbuf(parts_[i].file, nullptr, _IOFBF, 1 << 16);
  }
}

BatchKeyCollector::~BatchKeyCollector() {
  for (Partition& p : parts_) {
    if (p.file) std::fclose(p.file);
    std::error_code ignored;
    std::filesystem::remove(p.path, ignored);
  }
}

void BatchKeyCollector::add(const std::vector<BatchPair>& pairs) {
  std::lock_guard lock(mutex_);
  for (const BatchPair& pair : pairs) {
    Partition& p = parts_[mix64(pair.first) % parts_.size()];
    if (std::fwrite(&pair, sizeof pair, 1, p.file) != 1)
      throw std::runtime_error("writing " + p.path.string() + " failed (disk full?)");
  }
}

DuplicateIndex BatchKeyCollector::finish(const std::filesystem::path& out) {
  std::vector<BatchPair> shared;
  std::vector<BatchPair> part;
  for (Partition& p : parts_) {
    if (std::fclose(p.file) != 0) {
      p.file = nullptr;
      throw std::runtime_error("writing " + p.path.string() + " failed (disk full?)");
    }
    p.file = nullptr;
    std::FILE* f = std::fopen(p.path.c_str(), "rb");
    if (!f) throw std::runtime_error("cannot read " + p.path.string());
    std::fseek(f, 0, SEEK_END);
    const long bytes = std::ftell(f);
    std::fseek(f, 0, SEEK_SET);
    part.resize(static_cast<size_t>(bytes) / sizeof(BatchPair));
    const size_t got = std::fread(part.data(), sizeof(BatchPair), part.size(), f);
    std::fclose(f);
    if (got != part.size()) throw std::runtime_error("reading " + p.path.string() + " failed");
    std::sort(part.begin(), part.end());
    part.erase(std::unique(part.begin(), part.end()), part.end());
    for (size_t i = 0; i < part.size();) {
      size_t j = i + 1;
      while (j < part.size() && part[j].first == part[i].first) ++j;
      if (j - i > 1) shared.insert(shared.end(), part.begin() + static_cast<std::ptrdiff_t>(i),
                                   part.begin() + static_cast<std::ptrdiff_t>(j));
      i = j;
    }
    std::error_code ignored;
    std::filesystem::remove(p.path, ignored);
    part.clear();
    part.shrink_to_fit();
  }
  std::sort(shared.begin(), shared.end());
  std::string bytes(kMagic, 8);
  const uint64_t count = shared.size();
  bytes.append(reinterpret_cast<const char*>(&count), sizeof count);
  bytes.append(reinterpret_cast<const char*>(shared.data()), shared.size() * sizeof(BatchPair));
  write_file_atomically(out, bytes);
  return DuplicateIndex(std::move(shared));
}

}  // namespace ecid::collate
