// ecid collate: a batch of participant records (CSV or XML, any size) against the register,
// streamed, resumable. docs/collation.md.
#include <ecid/audit.hpp>
#include <ecid/collate.hpp>
#include <ecid/interrupt.hpp>
#include <ecid/log.hpp>

#include <CLI/CLI.hpp>
#include <malloc.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.hpp"

namespace ecid::cli {
namespace {

struct CollateCli {
  std::string file;
  std::string out;
  std::string format = "auto";
  std::string summary = "text";
  std::string encoding = "auto";
  std::string checkpoint;
  std::string adapter;
  size_t chunk = 20000;
  unsigned threads = 2;
  bool restart = false;
};

std::string thousands(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string duration(double seconds) {
  if (seconds < 0 || seconds > 1e7) return "?";
  const auto s = static_cast<uint64_t>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(s / 3600), static_cast<unsigned long long>(s % 3600 / 60));
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(s / 60), static_cast<unsigned long long>(s % 60));
  else std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(s));
  return buf;
}

// One line on stderr, redrawn in place: the phase, a bar, counts, rate and time left. Rates and
// times left are per phase: the look-ups and the main pass each count from their own start.
void draw_progress(const CollationProgress& p) {
  using Phase = CollationProgress::Phase;
  static Phase shown = Phase::Indexing;
  static double phase_started = 0;
  static uint64_t phase_first = 0;
  const uint64_t count = p.phase == Phase::Collating ? p.records_this_run : p.records_done;
  if (p.phase != shown) {
    shown = p.phase;
    phase_started = p.seconds;
    phase_first = count;
  }
  double fraction = 0;
  if (p.phase == Phase::Indexing) fraction = p.bytes_total ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 0;
  else fraction = p.records_total ? static_cast<double>(p.records_done) / static_cast<double>(p.records_total) : 0;
  fraction = std::min(1.0, fraction);
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  const double elapsed = p.seconds - phase_started;
  const double rate = elapsed > 0 ? static_cast<double>(count - std::min(count, phase_first)) / elapsed : 0;
  std::string line;
  if (p.phase == Phase::Indexing) {
    line = "indexing   [" + bar + "] " + std::to_string(static_cast<int>(fraction * 100)) + "%  " +
           thousands(p.records_done) + " records";
  } else {
    const double left = rate > 0 ? static_cast<double>(p.records_total - std::min(p.records_total, p.records_done)) / rate : -1;
    const bool looking_up = p.phase == Phase::LookingUp;
    line = std::string(looking_up ? "looking up [" : "collating  [") + bar + "] " +
           std::to_string(static_cast<int>(fraction * 100)) + "%  " + thousands(p.records_done) + "/" +
           thousands(p.records_total) + (looking_up ? " IDs  " : " records  ") + thousands(static_cast<uint64_t>(rate)) +
           (looking_up ? " IDs/s  ETA " : " rec/s  ETA ") + duration(left);
  }
  std::fprintf(stderr, "\r%-110s", line.c_str());
  std::fflush(stderr);
}

void print_summary(const CollationSummary& s) {
  std::printf("collated %s records (%s, adapter %s) in %s%s\n", thousands(s.records).c_str(), s.format.c_str(),
              s.adapter.c_str(), duration(s.seconds).c_str(),
              s.resumed ? (" (continued from record " + thousands(s.resumed_at_record) + ")").c_str() : "");
  std::printf("results: %s\n", s.results.string().c_str());
  std::printf("\n%-40s %12s %8s\n", "class", "records", "share");
  for (const auto& [cls, n] : s.by_class)
    std::printf("%-40s %12s %7.2f%%\n", cls.c_str(), thousands(n).c_str(),
                s.records ? 100.0 * static_cast<double>(n) / static_cast<double>(s.records) : 0.0);
  std::printf("%-40s %12s\n", "total", thousands(s.records).c_str());
  std::printf("\nrecords needing attention: %s\n", thousands(s.attention).c_str());
  for (const auto& [enc, n] : s.by_encoding)
    std::printf("records decoded from %s: %s\n", enc.c_str(), thousands(n).c_str());
  if (s.blank_lines) std::printf("blank lines skipped: %s\n", thousands(s.blank_lines).c_str());
}

// The same summary for machines: one JSON object on stdout, counts as numbers.
void print_summary_json(const CollationSummary& s) {
  nlohmann::ordered_json j;
  j["records"] = s.records;
  j["format"] = s.format;
  j["adapter"] = s.adapter;
  j["job"] = s.job;
  j["results"] = s.results.string();
  j["seconds"] = s.seconds;
  j["resumed"] = s.resumed;
  if (s.resumed) j["resumed_at_record"] = s.resumed_at_record;
  j["attention"] = s.attention;
  j["exit_code"] = s.exit_class();
  j["by_class"] = s.by_class;
  j["by_finding"] = s.by_finding;
  j["by_encoding"] = s.by_encoding;
  j["blank_lines"] = s.blank_lines;
  j["duplicate_keys"] = s.duplicate_keys;
  std::cout << j.dump(2) << "\n";
}

int cmd_collate(const GlobalOptions& g, const CollateCli& c) {
  // First, before any database is opened: the register is read through SQLite's page cache, not
  // mapped, so that its pages do not count as this process's memory (the bound --help states).
  if (!limit_sqlite_memory_maps(0)) log::warn("collate: SQLite was already initialised; the register stays memory-mapped");
  // Chunks allocate and free the same amounts over and over: keep freed memory in the heap
  // instead of returning it to the kernel and faulting it in again (page faults are dear in a VM).
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  Config config = load(g);
  CollationOptions o;
  o.input = c.file;
  o.output = c.out;
  o.checkpoint_dir = c.checkpoint;
  o.format = c.format == "csv" ? BatchFormat::Csv : c.format == "xml" ? BatchFormat::Xml : BatchFormat::Auto;
  o.encoding = c.encoding == "utf8"    ? BatchEncoding::Utf8
               : c.encoding == "tcvn3" ? BatchEncoding::Tcvn3
               : c.encoding == "vni"   ? BatchEncoding::Vni
                                       : BatchEncoding::Auto;
  o.adapter = c.adapter;
  o.chunk_records = c.chunk;
  o.threads = c.threads;
  o.restart = c.restart;
  // As for ecid check: an audit trail in the configuration means every query is audited.
  std::unique_ptr<AuditLog> audit = open_configured_audit(config);
  if (audit) {
    o.audit = audit.get();
    o.audit_db = config.audit_path;
  }
  const bool tty = isatty(STDERR_FILENO) && !g.quiet;
  if (tty) o.progress = draw_progress;
  interrupt::install();
  o.stop = [] { return interrupt::requested() != 0; };
  Collation collation(config);
  for (const auto& r : collation.adapters().refused())
    if (!g.quiet) std::cerr << "ecid: warning: adapter refused: " << r.file.string() << ": " << r.reason << "\n";
  CollationSummary summary;
  try {
    summary = collation.run(o);
  } catch (const CollationError&) {
    if (tty) std::fprintf(stderr, "\n");
    throw;
  }
  if (tty) std::fprintf(stderr, "\n");
  if (audit) audit->close();
  if (summary.interrupted) {
    const int sig = interrupt::requested();
    std::cerr << "ecid: stopped by " << interrupt::name(sig) << " after " << thousands(summary.records)
              << " records; their results, audit rows and checkpoint are saved: run the same command again to "
                 "continue\n";
    return interrupt::exit_code(sig);
  }
  if (c.summary == "json") print_summary_json(summary);
  else if (!g.quiet) print_summary(summary);
  return summary.exit_class() == 0 ? kExitOk : kExitAttention;
}

}  // namespace

void add_collate_commands(CLI::App& app, const GlobalOptions& g, CommandTable& table) {
  auto c = std::make_shared<CollateCli>();
  auto* cmd = app.add_subcommand(
      "collate",
      "Collate a batch of social-insurance participant records (CSV with a header, or a ParticipantBatch XML) "
      "with the population register, record by record: one results row per input record, in input order.");
  cmd->footer(
      "Results: CSV columns record,line,offset,subject,class,findings,value,encoding,reason; a summary by class is "
      "printed at the end.\n"
      "Memory: bounded by the chunk size, whatever the input size: about 64 MiB + (2 x threads + 1) x chunk x 4 KiB "
      "(~400 MiB with the defaults), plus 16 bytes per record whose ID is shared with another SI code, plus the "
      "register's page cache.\n"
      "Resuming: progress is checkpointed in --checkpoint (default: OUT.checkpoint/) about once a second. If the run "
      "is interrupted (even kill -9), run the same command again: it continues from the last checkpoint, and the "
      "results file is identical to an uninterrupted run's. Results are written to OUT.partial and renamed to OUT "
      "when complete; the checkpoint folder is then removed. A checkpoint of a different input or different options "
      "is refused: use --restart to start over.\n"
      "Bad records (unparseable lines, broken elements, undecodable bytes) get a row of class bad_record with their "
      "line and byte offset; they never stop the batch.\n"
      "Audit: when the configuration has an audit: section, every register query gets one row in the audit trail, "
      "as with ecid check; a resumed run never writes a row twice.\n"
      "Stopping: on SIGINT or SIGTERM (Ctrl-C) no new chunk is started; the chunks being collated are finished and "
      "committed with their audit rows and a checkpoint, then ecid exits with 130 or 143 (run the same command "
      "again to continue). A second signal ends it at once, as kill -9 would.\n"
      "Files: the results, OUT.partial and the checkpoint folder's files are created mode 0640 (the folder 0750), "
      "never through a symbolic link and never into another user's file: such a name is refused, as is a checkpoint "
      "folder that is a link, another user's, or writable by others. The input must be a regular file (not a FIFO "
      "or a device).\n"
      "Exit codes: 0 every record verified; 1 some records need attention (mismatch, not found, bad record, ...); "
      "2 bad input or configuration, or the run failed (run it again to continue); 130/143 stopped by SIGINT/SIGTERM.");
  cmd->add_option("file", c->file, "The batch file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", c->out, "Results CSV (default: FILE.results.csv)");
  cmd->add_option("--format", c->format, "csv, xml, or auto: detected from the first character")
      ->check(CLI::IsMember({"auto", "csv", "xml"}));
  cmd->add_option("--summary", c->summary, "text (a table for people; none with -q) or json (one object on stdout, even with -q)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--encoding", c->encoding,
                  "auto (per record: UTF-8, else TCVN3 or VNI detected and decoded), utf8, tcvn3 or vni")
      ->check(CLI::IsMember({"auto", "utf8", "tcvn3", "vni"}));
  cmd->add_option("--checkpoint", c->checkpoint, "Checkpoint folder (default: OUT.checkpoint)");
  cmd->add_option("--chunk", c->chunk, "Records per chunk: the unit of work, memory and resuming (default 20000)")
      ->check(CLI::Range(size_t{1}, size_t{4194304}));
  cmd->add_option("--threads", c->threads, "Chunks processed at once (default 2)")->check(CLI::Range(1u, 64u));
  cmd->add_option("--adapter", c->adapter,
                  "Batch adapter (default: by the XML root element; social_insurance for CSV)");
  cmd->add_flag("--restart", c->restart, "Ignore and discard an existing checkpoint; start from the first record");
  table.add(cmd, [&g, c] { return cmd_collate(g, *c); });
}

}  // namespace ecid::cli
