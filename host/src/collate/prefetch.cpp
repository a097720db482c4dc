#include "collate/prefetch.hpp"

#include "collate/files.hpp"

#include "adapter/policy_gate.hpp"

#include <ecid/log.hpp>
#include <ecid/register_schema.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <stdexcept>
#include <thread>

namespace ecid::collate {
namespace {

constexpr size_t kSortBlockKeys = 4u << 20;          // 64 MB of keys sorted at once
constexpr size_t kLookupBatch = 16384;               // requests per backend call
constexpr size_t kAnswerRunBytes = 48u << 20;        // answers buffered per worker before a run is written
constexpr size_t kReadBuffer = 1u << 20;
constexpr size_t kRequestBlockBytes = 64u << 20;     // legacy/candidate requests sorted at once

std::FILE* buffered(std::FILE* f) {
  std::setvbuf(f, nullptr, _IOFBF, kReadBuffer);
  return f;
}

std::FILE* open_file(const std::filesystem::path& p) {
  std::FILE* f = std::fopen(p.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + p.string());
  return buffered(f);
}

// Never through a link, never another user's file, mode 0640 (files.hpp).
std::FILE* create_file(const std::filesystem::path& p) { return buffered(create_stream(p)); }

void write_or_throw(std::FILE* f, const void* data, size_t size, const std::filesystem::path& p) {
  if (size && std::fwrite(data, 1, size, f) != size) throw std::runtime_error("writing " + p.string() + " failed (disk full?)");
}

void close_or_throw(std::FILE* f, const std::filesystem::path& p) {
  if (std::fflush(f) != 0 || std::fclose(f) != 0) throw std::runtime_error("writing " + p.string() + " failed (disk full?)");
}

// Answer encoding: query u64, fingerprint u64, status u8, record count u8, detail length u16,
// detail, then per record: value count u8, then per value: field u8, length u16, bytes.
// Native byte order: the file never leaves the host.
void encode(std::string& out, uint64_t query, uint64_t fingerprint, const LookupResult& r) {
  char head[20];
  const auto status = static_cast<uint8_t>(r.status);
  const size_t n_records = r.status == ECID_ANSWER_FOUND ? std::min<size_t>(r.records.size(), 255) : 0;
  const auto records = static_cast<uint8_t>(n_records);
  const auto detail_len = static_cast<uint16_t>(std::min<size_t>(r.detail.size(), 65535));
  std::memcpy(head, &query, 8);
  std::memcpy(head + 8, &fingerprint, 8);
  head[16] = static_cast<char>(status);
  head[17] = static_cast<char>(records);
  std::memcpy(head + 18, &detail_len, 2);
  out.append(head, 20);
  out.append(r.detail.data(), detail_len);
  for (size_t k = 0; k < n_records; ++k) {
    const RegisterRecord& rec = r.records[k];
    const auto count = static_cast<uint8_t>(std::min<size_t>(rec.values.size(), 255));
    out += static_cast<char>(count);
    for (size_t i = 0; i < count; ++i) {
      char v[3];
      v[0] = static_cast<char>(static_cast<uint8_t>(rec.values[i].first));
      const auto len = static_cast<uint16_t>(std::min<size_t>(rec.values[i].second.size(), 65535));
      std::memcpy(v + 1, &len, 2);
      out.append(v, 3);
      out.append(rec.values[i].second.data(), len);
    }
  }
}

// Answers of one worker, written as a run sorted by query number when the buffer is full.
class AnswerRuns {
 public:
  AnswerRuns(const std::filesystem::path& dir, std::vector<std::filesystem::path>& runs, std::mutex& runs_mutex)
      : dir_(dir), runs_(runs), runs_mutex_(runs_mutex) {
    bytes_.reserve(kAnswerRunBytes + (1 << 20));
  }
  void add(uint64_t query, uint64_t fingerprint, const LookupResult& r) {
    const size_t begin = bytes_.size();
    encode(bytes_, query, fingerprint, r);
    entries_.push_back({query, begin, bytes_.size() - begin});
    if (bytes_.size() >= kAnswerRunBytes) flush();
  }
  void flush() {
    if (entries_.empty()) return;
    std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.query < b.query; });
    std::filesystem::path p;
    {
      std::lock_guard lock(runs_mutex_);
      p = dir_ / ("prefetch.answers." + std::to_string(runs_.size()) + ".bin");
      runs_.push_back(p);
    }
    std::FILE* f = create_file(p);
    for (const Entry& e : entries_) write_or_throw(f, bytes_.data() + e.offset, e.length, p);
    close_or_throw(f, p);
    entries_.clear();
    bytes_.clear();
  }

 private:
  struct Entry {
    uint64_t query;
    size_t offset, length;
  };
  std::filesystem::path dir_;
  std::vector<std::filesystem::path>& runs_;
  std::mutex& runs_mutex_;
  std::vector<Entry> entries_;
  std::string bytes_;
};

// Request encoding in prefetch.requests.bin: length u32 (of what follows), query u64, kind u32,
// key length u16, key, claim count u8, then per claim: field u32, length u16, value.
void encode_request(std::string& out, const PrefetchRequest& r) {
  std::string body;
  auto put = [&](const void* p, size_t n) { body.append(static_cast<const char*>(p), n); };
  put(&r.query, 8);
  put(&r.kind, 4);
  const auto key_len = static_cast<uint16_t>(std::min<size_t>(r.key.size(), 65535));
  put(&key_len, 2);
  body.append(r.key.data(), key_len);
  const auto claims = static_cast<uint8_t>(std::min<size_t>(r.claims.size(), 255));
  put(&claims, 1);
  for (size_t i = 0; i < claims; ++i) {
    put(&r.claims[i].field, 4);
    const auto len = static_cast<uint16_t>(std::min<size_t>(r.claims[i].value.size(), 65535));
    put(&len, 2);
    body.append(r.claims[i].value.data(), len);
  }
  const auto total = static_cast<uint32_t>(body.size());
  out.append(reinterpret_cast<const char*>(&total), 4);
  out += body;
}

bool decode_request(std::string_view in, PrefetchRequest& r) {
  auto get = [&](void* p, size_t n) {
    if (in.size() < n) return false;
    std::memcpy(p, in.data(), n);
    in.remove_prefix(n);
    return true;
  };
  uint16_t key_len;
  uint8_t claims;
  if (!get(&r.query, 8) || !get(&r.kind, 4) || !get(&key_len, 2) || in.size() < key_len) return false;
  r.key.assign(in.data(), key_len);
  in.remove_prefix(key_len);
  if (!get(&claims, 1)) return false;
  r.claims.resize(claims);
  for (Claim& c : r.claims) {
    uint16_t len;
    if (!get(&c.field, 4) || !get(&len, 2) || in.size() < len) return false;
    c.value.assign(in.data(), len);
    in.remove_prefix(len);
  }
  return true;
}

const std::string* claim_value(const PrefetchRequest& r, uint32_t field) {
  for (const Claim& c : r.claims)
    if (c.field == field) return &c.value;
  return nullptr;
}

// Register order for legacy look-ups and candidate searches: by kind, then legacy number, or
// name key, birth date and place (the index the search walks).
std::string sort_key(const PrefetchRequest& r) {
  std::string k(1, static_cast<char>('0' + r.kind));
  if (r.kind == ECID_Q_PERSON_CANDIDATES) {
    const std::string* name = claim_value(r, ECID_F_FULL_NAME);
    const std::string* birth = claim_value(r, ECID_F_BIRTH_DATE);
    const std::string* place = claim_value(r, ECID_F_BIRTH_REGISTRATION_PLACE);
    k += register_schema::name_key(name ? *name : std::string());
    k += '\0';
    k += birth ? *birth : std::string();
    k += '\0';
    k += place ? *place : std::string();
  } else {
    k += r.key;
  }
  return k;
}

// A sorted run of keys read in order.
class KeyRun {
 public:
  explicit KeyRun(const std::filesystem::path& p) : path_(p), file_(open_file(p)) { refill(); }
  explicit KeyRun(std::vector<PrefetchKey> in_memory) : buf_(std::move(in_memory)) {}
  ~KeyRun() {
    if (file_) std::fclose(file_);
  }
  bool empty() const { return at_ >= buf_.size(); }
  const PrefetchKey& head() const { return buf_[at_]; }
  void pop() {
    if (++at_ >= buf_.size() && file_) refill();
  }

 private:
  void refill() {
    buf_.resize(65536);
    const size_t n = std::fread(buf_.data(), sizeof(PrefetchKey), buf_.size(), file_);
    buf_.resize(n);
    at_ = 0;
  }
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::vector<PrefetchKey> buf_;
  size_t at_ = 0;
};

bool key_less(const PrefetchKey& a, const PrefetchKey& b) { return a.id != b.id ? a.id < b.id : a.query < b.query; }

}  // namespace

bool is_prefetchable_kind(uint32_t kind) {
  return kind == ECID_Q_PERSON_BY_ID || kind == ECID_Q_PERSON_BY_LEGACY_ID || kind == ECID_Q_PERSON_CANDIDATES;
}

uint64_t request_fingerprint(uint32_t kind, std::string_view key, std::span<const Claim> claims) {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&](std::string_view bytes) {
    for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
    h = (h ^ 0x1f) * 0x100000001b3ULL;
  };
  mix(std::string_view(reinterpret_cast<const char*>(&kind), sizeof kind));
  mix(key);
  if (kind == ECID_Q_PERSON_CANDIDATES) {
    // The claims the register searches on, in field order, whatever order they were planned in.
    for (uint32_t field : {ECID_F_FULL_NAME, ECID_F_BIRTH_DATE, ECID_F_BIRTH_REGISTRATION_PLACE}) {
      for (const Claim& c : claims) {
        if (c.field != field) continue;
        mix(std::string_view(reinterpret_cast<const char*>(&field), sizeof field));
        mix(c.value);
        break;
      }
    }
  }
  return h;
}

PrefetchCollector::PrefetchCollector(const std::filesystem::path& dir)
    : keys_path_(dir / "prefetch.keys.bin"), requests_path_(dir / "prefetch.requests.bin") {
  keys_ = create_file(keys_path_);
  requests_ = create_file(requests_path_);
}

PrefetchCollector::~PrefetchCollector() {
  if (keys_) std::fclose(keys_);
  if (requests_) std::fclose(requests_);
}

void PrefetchCollector::add(const std::vector<PrefetchKey>& keys, const std::vector<PrefetchRequest>& requests,
                            const std::string& purpose, const FieldSet& fields) {
  if (keys.empty() && requests.empty()) return;
  std::string encoded;
  for (const PrefetchRequest& r : requests) encode_request(encoded, r);
  std::lock_guard lock(mutex_);
  if (plan_.purpose.empty()) plan_.purpose = purpose;
  if (purpose != plan_.purpose) {
    // One purpose per prefetch: the others are looked up live, where their purpose is sent.
    mixed_purposes_ = true;
    return;
  }
  plan_.fields = plan_.fields | fields;
  write_or_throw(keys_, keys.data(), keys.size() * sizeof(PrefetchKey), keys_path_);
  write_or_throw(requests_, encoded.data(), encoded.size(), requests_path_);
  plan_.keys += keys.size();
  plan_.requests += requests.size();
}

PrefetchPlan PrefetchCollector::finish() {
  close_or_throw(keys_, keys_path_);
  keys_ = nullptr;
  close_or_throw(requests_, requests_path_);
  requests_ = nullptr;
  if (mixed_purposes_) log::info("collate: queries of a second purpose are looked up in input order");
  return plan_;
}

namespace {

// Look-ups for the workers: the requests and, per request, (query number, fingerprint).
struct LookupJob {
  std::vector<LookupRequest> requests;
  std::vector<std::pair<uint64_t, uint64_t>> ids;
};

}  // namespace

std::vector<std::filesystem::path> build_prefetch(const std::filesystem::path& dir, const PrefetchPlan& plan,
                                                  RegisterBackend& population, unsigned threads,
                                                  const std::function<void(uint64_t, uint64_t)>& progress) {
  namespace fs = std::filesystem;
  const auto started = std::chrono::steady_clock::now();
  const uint64_t total = plan.keys + plan.requests;
  std::vector<fs::path> runs;
  std::mutex runs_mutex, queue_mutex;
  std::condition_variable queue_changed;
  std::deque<LookupJob> queue;
  bool done = false;
  std::exception_ptr error;
  uint64_t looked_up = 0;
  const unsigned n_workers = std::max(1u, threads);
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < n_workers; ++t) {
    workers.emplace_back([&] {
      try {
        AnswerRuns out(dir, runs, runs_mutex);
        std::vector<LookupResult> results;
        while (true) {
          LookupJob job;
          {
            std::unique_lock lock(queue_mutex);
            queue_changed.wait(lock, [&] { return !queue.empty() || done || error; });
            if (error || queue.empty()) break;
            job = std::move(queue.front());
            queue.pop_front();
            queue_changed.notify_all();
          }
          results.resize(job.requests.size());
          for (LookupResult& r : results) {  // reused: keeps its capacity
            r.status = ECID_ANSWER_UNAVAILABLE;
            r.records.clear();
            r.detail.clear();
            r.source.clear();
          }
          try {
            population.lookup(job.requests, results);
          } catch (const std::exception&) {
            for (LookupResult& r : results) {
              r.status = ECID_ANSWER_UNAVAILABLE;  // retried live by the main pass
              r.records.clear();
            }
          }
          for (size_t i = 0; i < job.requests.size(); ++i) out.add(job.ids[i].first, job.ids[i].second, results[i]);
          std::lock_guard lock(queue_mutex);
          looked_up += job.requests.size();
        }
        out.flush();
      } catch (...) {
        std::lock_guard lock(queue_mutex);
        if (!error) error = std::current_exception();
        queue_changed.notify_all();
      }
    });
  }
  // Hands a job to the workers (waits while they are busy). False when a worker failed.
  auto push = [&](LookupJob&& job) {
    std::unique_lock lock(queue_mutex);
    queue_changed.wait(lock, [&] { return queue.size() < 2 * n_workers || error; });
    if (error) return false;
    queue.push_back(std::move(job));
    queue_changed.notify_all();
    const uint64_t d = looked_up;
    lock.unlock();
    if (progress) progress(d, total);
    return true;
  };
  auto request_for = [&](uint32_t kind, std::string key, std::vector<Claim> claims) {
    LookupRequest r;
    r.kind = kind;
    r.key = std::move(key);
    r.claims = std::move(claims);
    r.fields = plan.fields;
    if (needs_record_personal_id(kind)) r.fields = r.fields | FieldSet{ECID_F_PERSONAL_ID};
    r.purpose = plan.purpose;
    return r;
  };
  std::vector<fs::path> sorted_files;
  bool ok = true;
  try {
    // 1. By-ID keys: sorted runs (one stays in memory when all fit in one block), then merged.
    std::vector<std::unique_ptr<KeyRun>> key_runs;
    {
      std::FILE* in = open_file(dir / "prefetch.keys.bin");
      std::vector<PrefetchKey> block;
      while (true) {
        block.resize(kSortBlockKeys);
        const size_t n = std::fread(block.data(), sizeof(PrefetchKey), block.size(), in);
        block.resize(n);
        if (n == 0) break;
        std::sort(block.begin(), block.end(), key_less);
        if (n < kSortBlockKeys && sorted_files.empty()) {
          key_runs.push_back(std::make_unique<KeyRun>(std::move(block)));
          block = {};
          break;
        }
        const fs::path p = dir / ("prefetch.sorted." + std::to_string(sorted_files.size()) + ".bin");
        std::FILE* out = create_file(p);
        write_or_throw(out, block.data(), block.size() * sizeof(PrefetchKey), p);
        close_or_throw(out, p);
        sorted_files.push_back(p);
      }
      std::fclose(in);
      for (const fs::path& p : sorted_files) key_runs.push_back(std::make_unique<KeyRun>(p));
    }
    auto cmp = [](const KeyRun* a, const KeyRun* b) { return key_less(b->head(), a->head()); };
    std::priority_queue<KeyRun*, std::vector<KeyRun*>, decltype(cmp)> heap(cmp);
    for (auto& r : key_runs)
      if (!r->empty()) heap.push(r.get());
    LookupJob job;
    auto new_job = [&] {
      job = {};
      job.ids.reserve(kLookupBatch);
      job.requests.reserve(kLookupBatch);
    };
    new_job();
    char key[13];
    key[12] = '\0';
    while (!heap.empty() && ok) {
      KeyRun* r = heap.top();
      heap.pop();
      const PrefetchKey k = r->head();
      r->pop();
      if (!r->empty()) heap.push(r);
      uint64_t id = k.id;
      for (int i = 11; i >= 0; --i, id /= 10) key[i] = static_cast<char>('0' + id % 10);
      job.ids.emplace_back(k.query, request_fingerprint(ECID_Q_PERSON_BY_ID, std::string_view(key, 12), {}));
      job.requests.push_back(request_for(ECID_Q_PERSON_BY_ID, std::string(key, 12), {}));
      if (job.requests.size() == kLookupBatch) {
        ok = push(std::move(job));
        new_job();
      }
    }
    if (ok && !job.requests.empty()) ok = push(std::move(job));
    key_runs.clear();

    log::debug("collate: prefetch: " + std::to_string(plan.keys) + " by-ID look-ups handed out in " +
               std::to_string(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()) + " s");
    // 2. Legacy look-ups and candidate searches: sorted in blocks of bounded size.
    std::FILE* in = open_file(dir / "prefetch.requests.bin");
    std::vector<std::pair<std::string, PrefetchRequest>> block;
    size_t block_bytes = 0;
    auto flush_block = [&] {
      std::sort(block.begin(), block.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : a.second.query < b.second.query;
      });
      LookupJob j;
      for (auto& [sk, r] : block) {
        j.ids.emplace_back(r.query, request_fingerprint(r.kind, r.key, r.claims));
        j.requests.push_back(request_for(r.kind, std::move(r.key), std::move(r.claims)));
        if (j.requests.size() == kLookupBatch && ok) {
          ok = push(std::move(j));
          j = {};
        }
      }
      if (ok && !j.requests.empty()) ok = push(std::move(j));
      block.clear();
      block_bytes = 0;
    };
    std::string body;
    while (ok) {
      uint32_t length;
      if (std::fread(&length, 4, 1, in) != 1) break;
      body.resize(length);
      PrefetchRequest r;
      if (std::fread(body.data(), 1, length, in) != length || !decode_request(body, r)) {
        std::fclose(in);
        throw std::runtime_error((dir / "prefetch.requests.bin").string() + " is damaged");
      }
      block_bytes += length + 64;
      std::string sk = sort_key(r);
      block.emplace_back(std::move(sk), std::move(r));
      if (block_bytes >= kRequestBlockBytes) flush_block();
    }
    std::fclose(in);
    if (ok && !block.empty()) flush_block();
  } catch (...) {
    std::lock_guard lock(queue_mutex);
    if (!error) error = std::current_exception();
  }
  {
    std::lock_guard lock(queue_mutex);
    done = true;
    queue_changed.notify_all();
  }
  for (auto& w : workers) w.join();
  std::error_code ignored;
  for (const fs::path& p : sorted_files) fs::remove(p, ignored);
  if (error) std::rethrow_exception(error);
  if (progress) progress(total, total);
  std::sort(runs.begin(), runs.end());
  return runs;
}

struct PrefetchCursor::Run {
  std::FILE* file = nullptr;
  std::filesystem::path path;
  uint64_t offset = 0;  // of the head entry in the file
  bool has_head = false;
  PrefetchedAnswer head;
  std::string buf;  // file bytes from buf_offset
  uint64_t buf_offset = 0;
  size_t at = 0;    // next unparsed byte in buf
  bool eof = false;

  ~Run() {
    if (file) std::fclose(file);
  }
  // Makes `n` bytes available from `at`; false at the end of the file.
  bool need(size_t n) {
    if (buf.size() - at >= n) return true;
    buf.erase(0, at);
    buf_offset += at;
    at = 0;
    while (buf.size() < n && !eof) {
      const size_t old = buf.size();
      buf.resize(old + kReadBuffer);
      const size_t got = std::fread(buf.data() + old, 1, kReadBuffer, file);
      buf.resize(old + got);
      if (got == 0) eof = true;
    }
    return buf.size() >= n;
  }
  [[noreturn]] void damaged() const { throw std::runtime_error(path.string() + " is damaged"); }
  // Parses the entry at `at` into head.
  void read() {
    has_head = false;
    offset = buf_offset + at;
    if (!need(20)) {
      if (buf.size() != at) damaged();
      return;
    }
    const char* p = buf.data() + at;
    uint16_t detail_len;
    std::memcpy(&head.query, p, 8);
    std::memcpy(&head.fingerprint, p + 8, 8);
    head.status = static_cast<uint8_t>(p[16]);
    const auto records = static_cast<uint8_t>(p[17]);
    std::memcpy(&detail_len, p + 18, 2);
    at += 20;
    if (!need(detail_len)) damaged();
    head.detail.assign(buf.data() + at, detail_len);
    at += detail_len;
    head.records.clear();
    head.records.resize(records);
    for (RegisterRecord& rec : head.records) {
      if (!need(1)) damaged();
      const auto count = static_cast<uint8_t>(buf[at]);
      ++at;
      rec.values.reserve(count);
      for (uint8_t v = 0; v < count; ++v) {
        if (!need(3)) damaged();
        const auto field = static_cast<uint8_t>(buf[at]);
        uint16_t len;
        std::memcpy(&len, buf.data() + at + 1, 2);
        at += 3;
        if (!need(len)) damaged();
        rec.values.emplace_back(field, std::string(buf.data() + at, len));
        at += len;
      }
    }
    has_head = true;
  }
};

PrefetchCursor::PrefetchCursor(const std::vector<std::filesystem::path>& runs, const std::vector<uint64_t>& offsets) {
  for (size_t i = 0; i < runs.size(); ++i) {
    auto r = std::make_unique<Run>();
    r->path = runs[i];
    r->file = open_file(runs[i]);
    r->buf_offset = i < offsets.size() ? offsets[i] : 0;
    if (std::fseek(r->file, static_cast<long>(r->buf_offset), SEEK_SET) != 0)
      throw std::runtime_error("cannot seek in " + runs[i].string());
    r->read();
    runs_.push_back(std::move(r));
  }
}

PrefetchCursor::~PrefetchCursor() = default;

void PrefetchCursor::take(uint64_t end, std::vector<PrefetchedAnswer>& out) {
  // Few runs (one per ~48 MB of answers): a linear scan for the smallest head is enough.
  while (true) {
    Run* best = nullptr;
    for (auto& r : runs_)
      if (r->has_head && r->head.query < end && (!best || r->head.query < best->head.query)) best = r.get();
    if (!best) return;
    out.push_back(std::move(best->head));
    best->read();
  }
}

std::vector<uint64_t> PrefetchCursor::offsets() const {
  std::vector<uint64_t> out;
  for (const auto& r : runs_) out.push_back(r->offset);
  return out;
}

}  // namespace ecid::collate
