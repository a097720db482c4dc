// Collation: a batch of records (a CSV export or an XML batch, any size) checked record by record
// against the population register through a batch adapter, streamed in bounded memory, with a
// results file in input order and checkpoints that let a killed run continue where it stopped.
// docs/collation.md explains the design, the file formats, the memory bound and resuming.
#pragma once

#include <ecid/config.hpp>
#include <ecid/loader.hpp>
#include <ecid/register.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

namespace ecid {

class AuditLog;

enum class BatchFormat { Auto, Csv, Xml };
enum class BatchEncoding { Auto, Utf8, Tcvn3, Vni };

struct CollationProgress {
  // Indexing: first pass over the input (bytes); LookingUp: register look-ups in ID order
  // (records_done / records_total count look-ups); Collating: the main pass (records).
  enum class Phase { Indexing, LookingUp, Collating };
  Phase phase = Phase::Indexing;
  uint64_t records_done = 0;
  uint64_t records_total = 0;  // known once indexing is done; 0 while indexing
  uint64_t bytes_done = 0;     // of the input file
  uint64_t bytes_total = 0;
  uint64_t records_this_run = 0;  // records collated by this process (not restored from a checkpoint)
  double seconds = 0;             // since run() started
};

struct CollationOptions {
  std::filesystem::path input;
  // Results CSV, one row per input record in input order. Written as `output` + ".partial" and
  // renamed onto `output` when complete. Empty: `input` + ".results.csv".
  std::filesystem::path output;
  // Checkpoint folder; empty: `output` + ".checkpoint". Removed when the run completes.
  std::filesystem::path checkpoint_dir;
  BatchFormat format = BatchFormat::Auto;      // Auto: '<' as first character means XML
  BatchEncoding encoding = BatchEncoding::Auto;  // Auto: per record, UTF-8 else TCVN3/VNI detected
  // The batch adapter by name; empty: XML goes to the adapter of its root element, CSV to
  // "social_insurance".
  std::string adapter;
  size_t chunk_records = 20000;  // records per chunk: the unit of work, memory and checkpoints
  unsigned threads = 2;          // chunks processed at once
  bool restart = false;          // discard an existing checkpoint instead of continuing from it
  // Look up person.by_id queries in ID order before the main pass (docs/collation.md, "Access
  // order"). Off: every look-up is made in input order. Results are identical either way.
  bool prefetch = true;
  // A checkpoint is written after a chunk when this much time passed since the last one (and at
  // the end). Zero: after every chunk.
  std::chrono::milliseconds checkpoint_every{1000};
  // Optional audit trail: one row per register query, tagged "collate:<job>:<chunk>" so that a
  // resumed run never writes a chunk's rows twice (docs/collation.md, "Resuming").
  AuditLog* audit = nullptr;
  std::filesystem::path audit_db;  // the audit database `audit` writes to (read when resuming)
  // Called from the thread that called run(), about ten times a second at most.
  std::function<void(const CollationProgress&)> progress;
  // Checked between chunks (and while indexing and prefetching): once it returns true, no new
  // chunk is started; the chunks already being collated are committed (results rows, audit
  // rows, checkpoint) and run() returns with `interrupted` set. The same call continues later.
  // The command line sets it from SIGINT and SIGTERM (ecid/interrupt.hpp).
  std::function<bool()> stop;
  // Called after each chunk's rows are written (with the records written so far), before the
  // checkpoint that may follow. An exception thrown here stops the run the way a crash would;
  // tests use it to interrupt a run at a chosen chunk.
  std::function<void(uint64_t records)> after_chunk;
};

struct CollationSummary {
  uint64_t records = 0;                         // rows in the results file
  std::map<std::string, uint64_t> by_class;     // class (the record's first finding) → rows
  std::map<std::string, uint64_t> by_finding;   // finding name → rows carrying it
  std::map<std::string, uint64_t> by_encoding;  // "tcvn3" / "vni" → records decoded from it
  uint64_t attention = 0;    // rows with a finding that is not OK (includes bad records)
  uint64_t blank_lines = 0;  // CSV lines holding nothing: not records
  uint64_t chunks = 0;
  uint64_t duplicate_keys = 0;  // IDs shared by several records with different sector IDs
  bool resumed = false;         // continued from a checkpoint
  uint64_t resumed_at_record = 0;
  std::string adapter;
  std::string format;  // "csv" or "xml"
  std::string job;     // the job id (also in audit document references)
  std::filesystem::path results;
  double seconds = 0;  // of this process's run
  // Stopped by options.stop before the end: `results` is the partial file, the checkpoint
  // continues the run, and the counts are those of the records committed so far.
  bool interrupted = false;
  // 0: every record verified; 1: some record needs attention.
  int exit_class() const { return attention == 0 ? 0 : 1; }
};

// The run cannot start or continue: missing input, no adapter, a checkpoint of another run,
// an input the adapter refuses as a whole (e.g. a CSV header without the required columns).
class CollationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Collation {
 public:
  // Loads the configured adapters and opens the configured register (or uses `population`).
  explicit Collation(const Config& config, std::shared_ptr<RegisterBackend> population = nullptr);
  ~Collation();
  Collation(const Collation&) = delete;
  Collation& operator=(const Collation&) = delete;

  const AdapterRegistry& adapters() const;

  // Runs (or continues) one collation. Throws CollationError, or std::runtime_error for I/O
  // failures; the checkpoint then still allows the same call to continue later.
  CollationSummary run(const CollationOptions& options);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Caps SQLite's memory-mapped I/O in this process (0: none). Pages of a mapped register file
// count in the process's resident set, once per connection, so a collation that reads a 4 GB
// register in ID order would otherwise "use" gigabytes; read() into SQLite's page cache is as
// fast for that access order. Only effective before the process opens its first SQLite
// database; returns false when it is too late.
bool limit_sqlite_memory_maps(uint64_t bytes);

// Upper bound of the memory a run with these options holds, in bytes, excluding the register
// backend's own caches (docs/collation.md, "Memory").
uint64_t collation_memory_bound(const CollationOptions& options);

}  // namespace ecid
