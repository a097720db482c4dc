// The collation run: a first pass builds the batch-wide duplicate index, the main pass streams
// chunks through worker threads and commits their rows in input order, with checkpoints.
#include <ecid/audit.hpp>
#include <ecid/collate.hpp>
#include <ecid/log.hpp>
#include <ecid/safe_files.hpp>

#include "collate/batch_index.hpp"
#include "collate/chunk.hpp"
#include "collate/files.hpp"
#include "collate/input.hpp"
#include "collate/prefetch.hpp"
#include "eid/identity_service.hpp"
#include "adapter/policy_gate.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

namespace ecid {
namespace {

using collate::BatchReader;
using collate::ChunkResult;
using collate::ChunkRunner;
using collate::RawChunk;
using collate::ReaderPosition;
using collate::SummaryCounts;
using collate::write_file_atomically;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr int kCheckpointVersion = 1;
// Bytes per record in flight, measured on the social-insurance adapter (chunk document, parsed
// records, queries, answers, findings and rows), with a margin: docs/collation.md, "Memory".
constexpr uint64_t kBytesPerRecordInFlight = 4096;
constexpr uint64_t kFixedBytes = 64u << 20;  // reader buffers, pass-1 partition sort, code

std::string format_name(BatchFormat f) { return f == BatchFormat::Xml ? "xml" : "csv"; }
std::string encoding_name(BatchEncoding e) {
  switch (e) {
    case BatchEncoding::Utf8: return "utf8";
    case BatchEncoding::Tcvn3: return "tcvn3";
    case BatchEncoding::Vni: return "vni";
    default: return "auto";
  }
}

std::string random_job_id() {
  std::random_device rd;
  char buf[33];
  for (int i = 0; i < 4; ++i) std::snprintf(buf + 8 * i, 9, "%08x", rd());
  return std::string(buf, 32);
}

// What identifies the input: a checkpoint is only continued on the same bytes.
struct InputIdentity {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  std::string head;  // FNV-1a of the first MiB, hex
  bool operator==(const InputIdentity&) const = default;
};

InputIdentity identify(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) throw CollationError("cannot read '" + file.string() + "'");
  InputIdentity id;
  id.size = static_cast<uint64_t>(st.st_size);
  id.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  std::ifstream in(file, std::ios::binary);
  std::string head(1 << 20, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : head) h = (h ^ c) * 0x100000001b3ULL;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  id.head = buf;
  return id;
}

std::string register_identity(const Config& config, const RegisterBackend& population, bool configured) {
  std::string id = population.source_name();
  if (configured && config.population.backend == "embedded") {
    struct stat st {};
    if (::stat(config.population.path.c_str(), &st) == 0)
      id += ":" + fs::absolute(config.population.path).string() + ":" + std::to_string(st.st_size) + ":" +
            std::to_string(st.st_mtim.tv_sec);
  }
  return id;
}

struct Checkpoint {
  std::string job;
  nlohmann::json identity;  // input, options, adapter, register: all must match to continue
  bool indexed = false;
  uint64_t total_records = 0;
  uint64_t duplicate_keys = 0;
  collate::PrefetchPlan prefetch_plan;
  bool prefetched = false;
  std::vector<std::string> prefetch_runs;
  std::vector<uint64_t> prefetch_offsets;
  uint64_t chunks = 0;  // chunks committed
  ReaderPosition position;
  uint64_t output_size = 0;
  SummaryCounts counts;
  uint64_t audit_seq = 0;  // audit head after the last committed chunk's rows were flushed

  nlohmann::json to_json() const {
    nlohmann::json j;
    j["version"] = kCheckpointVersion;
    j["job"] = job;
    j["identity"] = identity;
    j["indexed"] = indexed;
    j["total_records"] = total_records;
    j["duplicate_keys"] = duplicate_keys;
    j["prefetch"] = {{"purpose", prefetch_plan.purpose}, {"fields", prefetch_plan.fields.list()},
                     {"keys", prefetch_plan.keys}, {"requests", prefetch_plan.requests}, {"done", prefetched},
                     {"runs", prefetch_runs}, {"offsets", prefetch_offsets}};
    j["chunks"] = chunks;
    j["position"] = {{"offset", position.offset}, {"line", position.line}, {"record", position.record},
                     {"blank_lines", position.blank_lines}};
    j["output_size"] = output_size;
    j["counts"] = {{"records", counts.records}, {"attention", counts.attention}, {"by_class", counts.by_class},
                   {"by_finding", counts.by_finding}, {"by_encoding", counts.by_encoding}};
    j["audit_seq"] = audit_seq;
    return j;
  }
  static Checkpoint from_json(const nlohmann::json& j) {
    if (j.at("version").get<int>() != kCheckpointVersion) throw std::runtime_error("unknown checkpoint version");
    Checkpoint c;
    c.job = j.at("job").get<std::string>();
    c.identity = j.at("identity");
    c.indexed = j.at("indexed").get<bool>();
    c.total_records = j.at("total_records").get<uint64_t>();
    c.duplicate_keys = j.at("duplicate_keys").get<uint64_t>();
    const auto& pf = j.at("prefetch");
    c.prefetch_plan.purpose = pf.at("purpose").get<std::string>();
    for (uint32_t f : pf.at("fields").get<std::vector<uint32_t>>()) c.prefetch_plan.fields.add(f);
    c.prefetch_plan.keys = pf.at("keys").get<uint64_t>();
    c.prefetch_plan.requests = pf.at("requests").get<uint64_t>();
    c.prefetched = pf.at("done").get<bool>();
    c.prefetch_runs = pf.at("runs").get<std::vector<std::string>>();
    c.prefetch_offsets = pf.at("offsets").get<std::vector<uint64_t>>();
    c.chunks = j.at("chunks").get<uint64_t>();
    const auto& p = j.at("position");
    c.position.offset = p.at("offset").get<uint64_t>();
    c.position.line = p.at("line").get<uint64_t>();
    c.position.record = p.at("record").get<uint64_t>();
    c.position.blank_lines = p.at("blank_lines").get<uint64_t>();
    c.output_size = j.at("output_size").get<uint64_t>();
    const auto& k = j.at("counts");
    c.counts.records = k.at("records").get<uint64_t>();
    c.counts.attention = k.at("attention").get<uint64_t>();
    c.counts.by_class = k.at("by_class").get<std::map<std::string, uint64_t>>();
    c.counts.by_finding = k.at("by_finding").get<std::map<std::string, uint64_t>>();
    c.counts.by_encoding = k.at("by_encoding").get<std::map<std::string, uint64_t>>();
    c.audit_seq = j.at("audit_seq").get<uint64_t>();
    return c;
  }
};

// Audit rows a killed run already committed for chunks past its checkpoint, per chunk: a
// re-run chunk skips that many of its (identical, identically ordered) events.
std::map<uint64_t, uint64_t> audited_chunks(const fs::path& db, const std::string& job, uint64_t after_seq) {
  std::map<uint64_t, uint64_t> found;
  if (db.empty() || !fs::exists(db)) return found;
  AuditRange range;
  range.from_seq = after_seq + 1;
  std::stringstream lines;
  export_audit(db, range, lines);
  const std::string prefix = "collate:" + job + ":";
  std::string line;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("document_ref")) continue;
    const std::string ref = j["document_ref"].get<std::string>();
    if (ref.rfind(prefix, 0) != 0) continue;
    ++found[std::stoull(ref.substr(prefix.size()))];
  }
  return found;
}

// A reader thread, `threads` workers and the calling thread committing results in chunk order.
// At most `max_in_flight` chunks exist at once (read, being processed, or waiting to commit).
// When `drain` turns true (checked by the committing thread), no chunk is read or started any
// more; the chunks already being processed are committed, in order, then run() returns, with
// cut_short() true if chunks were left. Work a register has answered is never thrown away.
template <class Result>
class Pipeline {
 public:
  using Work = std::function<Result(const RawChunk&)>;
  using Commit = std::function<void(Result&)>;

  // `on_read` runs on the reader thread, in chunk order, right after a chunk is read.
  void run(BatchReader& reader, size_t chunk_records, uint64_t first_index, unsigned threads, Work work,
           Commit commit, std::function<void()> idle, std::function<void(RawChunk&)> on_read = {},
           const std::function<bool()>& drain = {}) {
    const size_t max_in_flight = 2 * static_cast<size_t>(threads) + 1;
    std::thread reader_thread([&] {
      try {
        uint64_t index = first_index;
        while (true) {
          {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [&] { return stop_ || draining_ || in_flight_ < max_in_flight; });
            if (stop_) return;
            if (draining_) {
              cut_short_ = true;
              break;
            }
          }
          auto chunk = std::make_unique<RawChunk>();
          if (!reader.next(chunk_records, *chunk)) break;
          chunk->index = index++;
          if (on_read) on_read(*chunk);
          std::lock_guard lock(mutex_);
          if (draining_) {
            cut_short_ = true;
            break;
          }
          todo_.push_back(std::move(chunk));
          ++in_flight_;
          changed_.notify_all();
        }
      } catch (...) {
        fail(std::current_exception());
      }
      std::lock_guard lock(mutex_);
      reader_done_ = true;
      changed_.notify_all();
    });
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        try {
          while (true) {
            std::unique_ptr<RawChunk> chunk;
            {
              std::unique_lock lock(mutex_);
              changed_.wait(lock, [&] { return stop_ || !todo_.empty() || reader_done_; });
              if (stop_ || todo_.empty()) return;
              chunk = std::move(todo_.front());
              todo_.pop_front();
            }
            const uint64_t index = chunk->index;
            Result r = work(*chunk);
            chunk.reset();  // the chunk's memory goes before the result waits for its turn
            std::lock_guard lock(mutex_);
            done_.emplace(index, std::move(r));
            changed_.notify_all();
          }
        } catch (...) {
          fail(std::current_exception());
        }
      });
    }
    std::exception_ptr error;
    uint64_t next = first_index;
    try {
      while (true) {
        if (drain && !draining_ && drain()) {
          std::lock_guard lock(mutex_);
          draining_ = true;
          if (!todo_.empty() || !reader_done_) cut_short_ = true;
          in_flight_ -= todo_.size();  // read, not started: dropped, they come again next run
          todo_.clear();
          changed_.notify_all();
        }
        Result r;
        {
          std::unique_lock lock(mutex_);
          changed_.wait_for(lock, std::chrono::milliseconds(100), [&] {
            return error_ || done_.count(next) || (reader_done_ && in_flight_ == 0);
          });
          if (error_) break;
          auto it = done_.find(next);
          if (it == done_.end()) {
            if (reader_done_ && in_flight_ == 0) break;
            lock.unlock();
            idle();
            continue;
          }
          r = std::move(it->second);
          done_.erase(it);
        }
        commit(r);
        ++next;
        std::lock_guard lock(mutex_);
        --in_flight_;
        changed_.notify_all();
      }
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
      if (!error) error = error_;
      changed_.notify_all();
    }
    reader_thread.join();
    for (auto& w : workers) w.join();
    if (error) std::rethrow_exception(error);
  }

  bool cut_short() const { return cut_short_; }

 private:
  void fail(std::exception_ptr e) {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = e;
    stop_ = true;
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<RawChunk>> todo_;
  std::map<uint64_t, Result> done_;
  size_t in_flight_ = 0;
  bool reader_done_ = false;
  bool stop_ = false;
  bool draining_ = false;
  bool cut_short_ = false;
  std::exception_ptr error_;
};

// Thrown to leave the index and prefetch passes when options.stop turns true: they keep no
// partial progress, so nothing needs committing.
struct Interrupted {};

struct IndexResult {
  uint64_t records = 0;
  uint64_t end_offset = 0;
};

}  // namespace

bool limit_sqlite_memory_maps(uint64_t bytes) {
  const auto limit = static_cast<sqlite3_int64>(bytes);
  return sqlite3_config(SQLITE_CONFIG_MMAP_SIZE, limit, limit) == SQLITE_OK;
}

uint64_t collation_memory_bound(const CollationOptions& options) {
  const uint64_t threads = std::max(1u, options.threads);
  return kFixedBytes + (2 * threads + 1) * options.chunk_records * kBytesPerRecordInFlight;
}

struct Collation::Impl {
  Config config;
  AdapterRegistry registry;
  std::shared_ptr<RegisterBackend> population;
  std::unique_ptr<eid::IdentityService> identity_service;  // null when no issuer is configured
  bool configured_register = false;

  const LoadedAdapter& choose_adapter(const CollationOptions& o, const BatchReader& reader) const {
    auto known = [&] {
      std::string names;
      for (const auto& l : registry.loaded()) names += (names.empty() ? "" : ", ") + l->manifest.name;
      std::string refused;
      for (const auto& r : registry.refused()) refused += "; refused: " + r.file.filename().string() + ": " + r.reason;
      return (names.empty() ? std::string("no adapter is loaded") : "loaded: " + names) + refused;
    };
    if (!o.adapter.empty()) {
      if (const LoadedAdapter* a = registry.find(o.adapter)) return *a;
      throw CollationError("no adapter named '" + o.adapter + "' (" + known() + ")");
    }
    if (reader.format() == BatchFormat::Xml) {
      if (const LoadedAdapter* a = registry.route(reader.root_local_name(), reader.root_namespace())) return *a;
      throw CollationError("no adapter handles root element " + reader.root_local_name() + "{" +
                           reader.root_namespace() + "} (" + known() + ")");
    }
    if (const LoadedAdapter* a = registry.find("social_insurance")) return *a;
    throw CollationError("no adapter for CSV batches: the social_insurance adapter is not loaded (" + known() + ")");
  }

  CollationSummary run(const CollationOptions& in) {
    const auto started = Clock::now();
    CollationOptions o = in;
    if (o.input.empty()) throw CollationError("no input file");
    if (o.output.empty()) o.output = o.input.string() + ".results.csv";
    if (o.checkpoint_dir.empty()) o.checkpoint_dir = o.output.string() + ".checkpoint";
    if (o.chunk_records == 0 || o.chunk_records > (1u << 22)) throw CollationError("--chunk must be 1 to 4194304 records");
    o.threads = std::clamp(o.threads, 1u, 64u);
    const fs::path partial = o.output.string() + ".partial";
    const fs::path checkpoint_file = o.checkpoint_dir / "checkpoint.json";
    const fs::path duplicates_file = o.checkpoint_dir / "duplicates.bin";

    BatchReader reader(o.input, o.format, o.encoding);
    const LoadedAdapter& adapter = choose_adapter(o, reader);

    nlohmann::json identity;
    const InputIdentity input = identify(o.input);
    identity["input"] = {{"path", fs::absolute(o.input).string()}, {"size", input.size}, {"mtime_ns", input.mtime_ns},
                         {"head", input.head}};
    identity["format"] = format_name(reader.format());
    identity["encoding"] = encoding_name(o.encoding);
    identity["chunk_records"] = o.chunk_records;
    identity["adapter"] = adapter.manifest.name + " " + adapter.manifest.version;
    identity["register"] = register_identity(config, *population, configured_register);
    identity["output"] = fs::absolute(o.output).string();
    identity["prefetch"] = o.prefetch;

    Checkpoint state;
    CollationSummary summary;
    // The folder holds prefetched register answers and is where every temporary file goes: it
    // must be this user's and closed to others before anything is read from or written to it.
    try {
      ensure_private_dir(o.checkpoint_dir);
    } catch (const UnsafeFileError& e) {
      throw CollationError(e.what());
    }
    if (o.restart) {
      if (std::string kept = collate::remove_checkpoint_dir(o.checkpoint_dir); !kept.empty())
        throw CollationError("--restart: checkpoint folder " + o.checkpoint_dir.string() +
                             " holds files ecid did not write (" + kept + "): name another folder with --checkpoint");
      std::error_code ignored;
      fs::remove(partial, ignored);  // a link itself, never what it points to
      ensure_private_dir(o.checkpoint_dir);
    }
    if (fs::exists(checkpoint_file)) {
      try {
        std::ifstream f(checkpoint_file);
        state = Checkpoint::from_json(nlohmann::json::parse(f));
      } catch (const std::exception& e) {
        throw CollationError("checkpoint " + checkpoint_file.string() + " is unreadable (" + e.what() +
                             "); rerun with --restart to start over");
      }
      if (state.identity != identity) {
        std::string what;
        for (const auto& [k, v] : identity.items())
          if (!state.identity.contains(k) || state.identity[k] != v) what += (what.empty() ? "" : ", ") + k;
        throw CollationError("checkpoint in " + o.checkpoint_dir.string() + " belongs to another run (" + what +
                             " differ); rerun with --restart to start over");
      }
      summary.resumed = true;
      summary.resumed_at_record = state.position.record;
      log::info("collate: continuing job " + state.job + " after " + std::to_string(state.chunks) + " chunks");
    } else {
      state.job = random_job_id();
      state.identity = identity;
      write_file_atomically(checkpoint_file, state.to_json().dump(1));
    }
    for (const std::string& w : reader.warnings()) log::warn("collate: " + w);
    // Before any register query: a results file that cannot be written safely (a planted link,
    // another user's file) stops the run here, not after the passes that query the register.
    const bool fresh_output = state.chunks == 0 && state.output_size == 0;
    std::optional<collate::AppendFile> results;
    try {
      if (fresh_output) results.emplace(partial);
      else results.emplace(partial, state.output_size);
    } catch (const UnsafeFileError& e) {
      throw CollationError(e.what());
    }
    if (fresh_output) results->append(collate::kResultsHeader);

    collate::ChunkContext ctx;
    ctx.config = &config;
    ctx.adapter = &adapter;
    ctx.population = population.get();
    ctx.reader = &reader;
    ctx.job = state.job;
    ctx.audit = o.audit;
    ctx.identity = identity_service.get();
    {
      ChunkRunner probe(ctx);
      if (std::string why = probe.probe_frame(); !why.empty())
        throw CollationError(adapter.manifest.name + " adapter refuses '" + o.input.string() + "': " + why);
    }

    CollationProgress progress;
    progress.bytes_total = reader.size();
    auto last_progress = Clock::now() - std::chrono::seconds(1);
    auto report = [&](bool force) {
      if (!o.progress) return;
      const auto now = Clock::now();
      if (!force && now - last_progress < std::chrono::milliseconds(100)) return;
      last_progress = now;
      progress.seconds = std::chrono::duration<double>(now - started).count();
      o.progress(progress);
    };

    // Pass 1: the batch-wide duplicate index, and the by-ID look-ups to prefetch in ID order.
    collate::DuplicateIndex duplicates;
    if (!state.indexed) {
      progress.phase = CollationProgress::Phase::Indexing;
      collate::BatchKeyCollector collector(o.checkpoint_dir, collate::BatchKeyCollector::partitions_for(reader.size()));
      collate::PrefetchCollector prefetch(o.checkpoint_dir);
      reader.seek({});
      uint64_t records = 0;
      Pipeline<IndexResult> pipeline;
      pipeline.run(
          reader, o.chunk_records, 0, o.threads,
          [&](const RawChunk& chunk) {
            collate::IndexOutput out;
            ChunkRunner(ctx).index(chunk, out);
            collector.add(out.pairs);
            if (o.prefetch) prefetch.add(out.keys, out.requests, out.purpose, out.fields);
            return IndexResult{chunk.slots.size(), chunk.end.offset};
          },
          [&](IndexResult& r) {
            if (o.stop && o.stop()) throw Interrupted{};
            records += r.records;
            progress.records_done = records;
            progress.bytes_done = r.end_offset;
            report(false);
          },
          [&] { report(false); });
      duplicates = collector.finish(duplicates_file);
      state.prefetch_plan = prefetch.finish();
      log::info("collate: indexed " + std::to_string(records) + " records in " +
                std::to_string(std::chrono::duration<double>(Clock::now() - started).count()) + " s; " +
                std::to_string(duplicates.keys()) + " shared keys, " +
                std::to_string(state.prefetch_plan.keys + state.prefetch_plan.requests) + " look-ups to prefetch");
      state.indexed = true;
      state.prefetched = false;
      state.total_records = records;
      state.duplicate_keys = duplicates.keys();
      write_file_atomically(checkpoint_file, state.to_json().dump(1));
    } else {
      duplicates = collate::DuplicateIndex::load(duplicates_file);
    }
    ctx.duplicates = &duplicates;
    if (!state.prefetched) {
      progress.phase = CollationProgress::Phase::LookingUp;
      progress.records_total = state.prefetch_plan.keys + state.prefetch_plan.requests;
      const auto runs = collate::build_prefetch(o.checkpoint_dir, state.prefetch_plan, *population, o.threads,
                                                [&](uint64_t done, uint64_t) {
                                                  if (o.stop && o.stop()) throw Interrupted{};
                                                  progress.records_done = done;
                                                  report(false);
                                                });
      state.prefetch_runs.clear();
      for (const fs::path& p : runs) state.prefetch_runs.push_back(p.filename().string());
      state.prefetch_offsets.clear();
      state.prefetched = true;
      write_file_atomically(checkpoint_file, state.to_json().dump(1));
      // Only once the checkpoint no longer needs them: killed before this point, the next run
      // prefetches again from these files.
      std::error_code ignored;
      fs::remove(o.checkpoint_dir / "prefetch.keys.bin", ignored);
      fs::remove(o.checkpoint_dir / "prefetch.requests.bin", ignored);
      log::info("collate: prefetched " + std::to_string(state.prefetch_plan.keys + state.prefetch_plan.requests) +
                " look-ups; " +
                std::to_string(std::chrono::duration<double>(Clock::now() - started).count()) + " s since the start");
    }
    ctx.prefetch_purpose = state.prefetch_plan.purpose;
    ctx.prefetch_fields = state.prefetch_plan.fields;
    std::vector<fs::path> run_paths;
    for (const std::string& r : state.prefetch_runs) run_paths.push_back(o.checkpoint_dir / r);
    collate::PrefetchCursor cursor(run_paths, state.prefetch_offsets);

    // Pass 2.
    progress.phase = CollationProgress::Phase::Collating;
    progress.records_total = state.total_records;
    progress.records_done = state.counts.records;
    progress.bytes_done = state.position.offset;
    std::map<uint64_t, uint64_t> audited;
    if (o.audit && summary.resumed) audited = audited_chunks(o.audit_db, state.job, state.audit_seq);
    reader.seek(state.position);
    auto last_checkpoint = Clock::now();
    auto save = [&] {
      results->sync();
      if (o.audit) state.audit_seq = o.audit->flush().seq;
      state.output_size = results->size();
      write_file_atomically(checkpoint_file, state.to_json().dump(1));
      last_checkpoint = Clock::now();
    };
    std::vector<std::string> warnings;
    uint64_t prefetch_hits = 0, live_lookups = 0;
    Pipeline<ChunkResult> pipeline;
    pipeline.run(
        reader, o.chunk_records, state.chunks, o.threads, [&](const RawChunk& chunk) { return ChunkRunner(ctx).run(chunk); },
        [&](ChunkResult& r) {
          results->append(r.rows);
          if (o.audit && !r.audit.empty()) {
            const uint64_t skip = audited.count(r.index) ? audited[r.index] : 0;
            if (skip < r.audit.size()) o.audit->append_rows(r.audit, static_cast<size_t>(skip));
          }
          for (std::string& w : r.warnings)
            if (warnings.size() < 100) warnings.push_back(std::move(w));
          state.counts.add(r.counts);
          state.position = r.end;
          state.prefetch_offsets = r.prefetch_offsets;
          prefetch_hits += r.prefetch_hits;
          live_lookups += r.live_lookups;
          ++state.chunks;
          progress.records_done = state.counts.records;
          progress.records_this_run += r.counts.records;
          progress.bytes_done = r.end.offset;
          if (o.after_chunk) o.after_chunk(state.counts.records);
          if (Clock::now() - last_checkpoint >= o.checkpoint_every) save();
          report(false);
        },
        [&] { report(false); },
        [&](RawChunk& chunk) {
          // The chunk's prefetched answers travel with it; the cursor's position after it goes
          // into the checkpoint written once the chunk is committed.
          cursor.take(collate::prefetch_query_number(chunk.end.record + 1, 0), chunk.prefetched);
          chunk.prefetch_offsets = cursor.offsets();
        },
        o.stop);
    save();
    log::info("collate: " + std::to_string(prefetch_hits) + " look-ups answered from the prefetch, " +
              std::to_string(live_lookups) + " live");
    log::info("collate: " + std::to_string(progress.records_this_run) + " records collated; " +
              std::to_string(std::chrono::duration<double>(Clock::now() - started).count()) + " s since the start");
    report(true);
    results->close();
    auto summarise = [&] {
      summary.records = state.counts.records;
      summary.by_class = state.counts.by_class;
      summary.by_finding = state.counts.by_finding;
      summary.by_encoding = state.counts.by_encoding;
      summary.attention = state.counts.attention;
      summary.blank_lines = state.position.blank_lines;
      summary.chunks = state.chunks;
      summary.duplicate_keys = state.duplicate_keys;
      summary.adapter = adapter.manifest.name;
      summary.format = format_name(reader.format());
      summary.job = state.job;
      summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
      for (const std::string& w : warnings) log::warn("collate: " + w);
      for (const std::string& w : reader.warnings()) log::warn("collate: " + w);
      return summary;
    };
    if (pipeline.cut_short()) {
      // Stopped: results, audit rows and checkpoint are committed; the same call continues.
      summary.interrupted = true;
      summary.results = partial;
      return summarise();
    }
    // Forget the checkpoint before publishing the results: a kill in between then costs a rerun
    // from the start, never a checkpoint pointing at a results file that was moved away.
    std::error_code ec;
    fs::remove(checkpoint_file, ec);
    collate::fsync_directory(o.checkpoint_dir);
    fs::rename(partial, o.output, ec);
    if (ec) throw std::runtime_error("cannot move " + partial.string() + " onto " + o.output.string() + ": " + ec.message());
    collate::fsync_directory(fs::absolute(o.output).parent_path());
    if (std::string kept = collate::remove_checkpoint_dir(o.checkpoint_dir); !kept.empty())
      log::warn("collate: checkpoint folder " + o.checkpoint_dir.string() + " left in place: it holds files ecid did not write (" +
                kept + ")");
    summary.results = o.output;
    return summarise();
  }
};

Collation::Collation(const Config& config, std::shared_ptr<RegisterBackend> population) : impl_(std::make_unique<Impl>()) {
  impl_->config = config;
  impl_->registry.load_configured(config);
  check_policy_names(config, impl_->registry);
  if (population) {
    impl_->population = std::move(population);
  } else {
    impl_->population = open_configured_register(config);
    impl_->configured_register = true;
  }
  impl_->identity_service = eid::open_identity_service(config);
}

Collation::~Collation() = default;

const AdapterRegistry& Collation::adapters() const { return impl_->registry; }

CollationSummary Collation::run(const CollationOptions& options) {
  try {
    return impl_->run(options);
  } catch (const Interrupted&) {
    // Stopped while indexing or prefetching: nothing collated, nothing to commit.
    CollationSummary s;
    s.interrupted = true;
    return s;
  }
}

}  // namespace ecid
