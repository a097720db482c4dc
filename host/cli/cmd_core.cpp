// ecid core commands: adapters list, check, register seed, findings.
#include "commands.hpp"

#include <ecid/config.hpp>
#include <ecid/engine.hpp>
#include <ecid/fields.hpp>
#include <ecid/findings.hpp>
#include <ecid/interrupt.hpp>
#include <ecid/loader.hpp>
#include <ecid/log.hpp>
#include <ecid/report.hpp>
#include <ecid/register_schema.hpp>
#include <ecid/safe_files.hpp>
#include <ecid/seed.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

namespace ecid::cli {

ecid::Config load(const GlobalOptions& g) {
  const ecid::DefaultConfig d = ecid::default_config();
  const std::filesystem::path p = g.config_path.empty() ? d.path : std::filesystem::path(g.config_path);
  // Say where ecid looked and why there: a missing default is otherwise a puzzle.
  if (std::error_code ec; !std::filesystem::exists(p, ec))
    throw ecid::ConfigError("no configuration file at " + p.string() + " (" +
                            (g.config_path.empty() ? d.why : std::string("given with --config")) +
                            "): give --config FILE or set ECID_CONFIG; samples/ecid.yaml is the samples' one");
  return ecid::load_config(p);
}

ProgressLine::ProgressLine(const GlobalOptions& g, std::string verb, std::string unit)
    : tty_(isatty(STDERR_FILENO) && !g.quiet),
      verb_(std::move(verb)),
      unit_(std::move(unit)),
      started_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() {
  if (drawn_) std::fputc('\n', stderr);
}

void ProgressLine::operator()(uint64_t done, uint64_t total) {
  if (!tty_) return;
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double rate = s > 0 ? done / s : 0;
  const double eta = rate > 0 && total > done ? (total - done) / rate : 0;
  std::fprintf(stderr, "\r%s %llu/%llu %s (%3.0f%%) %8.0f %s/s  ETA %4.0fs", verb_.c_str(),
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total), unit_.c_str(),
               total ? 100.0 * static_cast<double>(std::min(done, total)) / static_cast<double>(total) : 100.0, rate,
               unit_.c_str(), eta);
  drawn_ = true;
}

namespace {

// What ecid check reads of one document, checked before reading: /dev/zero or a FIFO would
// otherwise be read until memory runs out. Larger than any sector document (the court adapter
// takes 4 MiB); batches go to ecid collate, which streams them.
constexpr uint64_t kMaxCheckDocumentBytes = uint64_t{64} << 20;

int cmd_adapters_list(const GlobalOptions& g, const std::string& format) {
  ecid::Config config = load(g);
  ecid::AdapterRegistry registry;
  registry.load_configured(config);
  if (format == "json") {
    nlohmann::ordered_json j;
    j["loaded"] = nlohmann::ordered_json::array();
    for (const auto& a : registry.loaded()) {
      nlohmann::ordered_json e;
      e["name"] = a->manifest.name;
      e["version"] = a->manifest.version;
      e["abi"] = std::to_string(a->manifest.abi_major) + "." + std::to_string(a->manifest.abi_minor);
      e["library"] = a->manifest.library.string();
      e["sha256"] = ecid::library_sha256(a->manifest.library);
      for (const auto& t : a->manifest.document_types) e["document_types"].push_back(t.root + "{" + t.namespace_uri + "}");
      j["loaded"].push_back(e);
    }
    j["refused"] = nlohmann::ordered_json::array();
    for (const auto& r : registry.refused()) j["refused"].push_back({{"file", r.file.string()}, {"reason", r.reason}});
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "loaded (" << registry.loaded().size() << "):\n";
    for (const auto& a : registry.loaded()) {
      std::cout << "  " << a->manifest.name << " " << a->manifest.version << "  ABI " << a->manifest.abi_major << "."
                << a->manifest.abi_minor << "  " << a->manifest.library.string() << "\n      sha256 " << ecid::library_sha256(a->manifest.library)
                << "\n";
      for (const auto& t : a->manifest.document_types)
        std::cout << "      handles " << t.root << " {" << t.namespace_uri << "}\n";
    }
    std::cout << "refused (" << registry.refused().size() << "):\n";
    for (const auto& r : registry.refused()) std::cout << "  " << r.file.string() << ": " << r.reason << "\n";
  }
  return registry.refused().empty() ? kExitOk : kExitAttention;
}

int cmd_check(const GlobalOptions& g, const std::vector<std::string>& files, const std::string& format,
              bool show_queries) {
  if (std::count(files.begin(), files.end(), "-") > 1)
    throw std::invalid_argument("'-' (the standard input) can be given only once");
  ecid::Config config = load(g);
  ecid::Engine engine(config);
  for (const auto& r : engine.adapters().refused())
    if (!g.quiet) std::cerr << "ecid: warning: adapter refused: " << r.file.string() << ": " << r.reason << "\n";
  // SIGINT/SIGTERM: the document being checked is finished (or abandoned before its next
  // register queries), its audit rows committed, and the reports so far printed.
  ecid::interrupt::install();
  engine.set_stop([] { return ecid::interrupt::requested() != 0; });
  std::vector<ecid::DocumentReport> reports;
  int worst = kExitOk;
  size_t checked = 0;
  for (const auto& file : files) {
    if (ecid::interrupt::requested()) break;
    ecid::DocumentReport report;
    try {
      report = engine.check(file, file == "-" ? ecid::read_standard_input(kMaxCheckDocumentBytes)
                                              : ecid::read_regular_file(file, kMaxCheckDocumentBytes));
    } catch (const ecid::UnsafeFileError& e) {
      report.file = file;
      report.error = e.what();
    }
    if (report.interrupted) break;
    ++checked;
    worst = std::max(worst, report.exit_class());
    if (format == "json") {
      reports.push_back(std::move(report));
    } else {
      std::cout << ecid::render_text(report, show_queries) << "\n";
    }
  }
  if (format == "json") std::cout << ecid::render_json(reports);
  if (const int sig = ecid::interrupt::requested(); sig != 0 && checked < files.size()) {
    std::cout.flush();
    std::cerr << "ecid: stopped by " << ecid::interrupt::name(sig) << ": " << checked << " of " << files.size()
              << " documents checked and reported; the others were not checked\n";
    return ecid::interrupt::exit_code(sig);
  }
  return worst;
}

int cmd_seed(const GlobalOptions& g, uint64_t people, uint64_t seed, std::string out, bool force) {
  if (out.empty()) {
    ecid::Config config = load(g);
    out = config.population.path.string();
    if (out.empty()) throw ecid::ConfigError("no register path: give --out or set register.path in the configuration");
  }
  if (std::filesystem::exists(out) && !force) {
    std::cerr << "ecid: " << out << " already exists; use --force to replace it\n";
    return kExitBadInput;
  }
  if (auto parent = std::filesystem::path(out).parent_path(); !parent.empty())
    std::filesystem::create_directories(parent);
  auto started = std::chrono::steady_clock::now();
  ecid::SeedOptions options;
  options.people = people;
  options.seed = seed;
  options.path = out;
  options.overwrite = force;
  {
    ProgressLine progress(g, "seeding", "people");
    if (progress.shown()) options.progress = [&](uint64_t done, uint64_t total) { progress(done, total); };
    ecid::seed_register(options);
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!g.quiet)
    std::printf("seeded %llu people into %s in %.2f s (%.0f people/s)\n", static_cast<unsigned long long>(people),
                out.c_str(), secs, secs > 0 ? people / secs : 0.0);
  return kExitOk;
}

// Exit 0: current; 1: made by another seed generator (re-seed it); 2: missing or not a register.
int cmd_register_info(const GlobalOptions& g, std::string path) {
  if (path.empty()) {
    ecid::Config config = load(g);
    path = config.population.path.string();
    if (path.empty()) throw ecid::ConfigError("no register path: give --path or set register.path in the configuration");
  }
  ecid::RegisterInfo info;
  try {
    info = ecid::read_register_info(path);
  } catch (const std::runtime_error& e) {
    std::cerr << "ecid: " << e.what() << "\n";
    return kExitBadInput;
  }
  namespace schema = ecid::register_schema;
  std::printf("register %s\n  schema version    %d (this build reads %d)\n  seed generator    %d (this build's is %d)\n"
              "  people            %llu, seed %s, born by %s\n  created           %s\n",
              path.c_str(), info.schema_version, schema::kSchemaVersion, info.generator_version,
              schema::kSeedGeneratorVersion, static_cast<unsigned long long>(info.people), info.seed.c_str(),
              info.reference_date.c_str(), info.created_at.c_str());
  if (info.current()) return kExitOk;
  std::printf("not current: `ecid register seed --force --people %llu --seed %s` makes one this build expects\n",
              static_cast<unsigned long long>(info.people), info.seed.c_str());
  return kExitAttention;
}

int cmd_findings(bool markdown) {
  if (markdown) {
    // docs/findings.md is this output; a test keeps them identical.
    std::cout << "# Finding codes\n\nGenerated by `ecid findings --markdown` from host/src/vocabulary/findings.cpp; do not edit by hand.\n"
                 "Severity is set per finding by the adapter: `ok`, `attention` (exit code 1) or `error`.\n\n"
                 "| code | name | meaning | what the operator should do next |\n|---|---|---|---|\n";
    for (const auto& f : ecid::all_findings())
      std::cout << "| " << f.code << " | `" << f.name << "` | " << f.meaning << " | " << f.next_step << " |\n";
    return kExitOk;
  }
  std::cout << "CODE  NAME                          MEANING / NEXT STEP\n";
  for (const auto& f : ecid::all_findings()) {
    std::printf("%4u  %-28s  %s\n", f.code, std::string(f.name).c_str(), std::string(f.meaning).c_str());
    std::printf("      %-28s  → %s\n", "", std::string(f.next_step).c_str());
  }
  return kExitOk;
}

}  // namespace

void add_core_commands(CLI::App& app, const GlobalOptions& g, CommandTable& table) {
  auto* adapters = app.add_subcommand("adapters", "Adapter plugins");
  adapters->require_subcommand(1);
  auto list_format = std::make_shared<std::string>("text");
  auto* list = adapters->add_subcommand("list", "List loaded and refused adapters, with reasons (exit 1 if any refused)");
  list->add_option("--format", *list_format, "text or json")->check(CLI::IsMember({"text", "json"}));
  table.add(list, [&g, list_format] { return cmd_adapters_list(g, *list_format); });
  add_adapters_check(*adapters, table);

  struct CheckOptions {
    std::vector<std::string> files;
    std::string format = "text";
    bool show_queries = false;
  };
  auto co = std::make_shared<CheckOptions>();
  auto* check = app.add_subcommand("check", "Check documents; one report per document");
  check->add_option("files", co->files, "Sector documents (XML); - reads one from the standard input")->required();
  check->add_option("--format", co->format, "text (a table for people) or json")->check(CLI::IsMember({"text", "json"}));
  check->add_flag("--queries", co->show_queries, "Also list every register query and who answered it");
  check->footer(
      "Documents must be regular files (or -, the standard input) of at most 64 MiB: a FIFO, a device, a directory or a larger file is refused "
      "unread (that document's report says why; exit code 2). Larger batches: ecid collate.\n"
      "SIGINT or SIGTERM (Ctrl-C): the document being checked is finished, or abandoned before its next register "
      "queries; every query answered has its audit row; the reports of the documents checked are printed (--format "
      "json: still one valid JSON document); exit code 130 or 143. A second signal ends ecid at once.");
  table.add(check, [&g, co] { return cmd_check(g, co->files, co->format, co->show_queries); });

  struct SeedCli {
    uint64_t people = 10000, seed = 1;
    std::string out;
    bool force = false;
  };
  auto so = std::make_shared<SeedCli>();
  auto* reg = app.add_subcommand("register", "The embedded population register");
  reg->require_subcommand(1);
  auto* seed = reg->add_subcommand("seed", "Create a deterministic synthetic register (plus the fixture citizens)");
  seed->add_option("--people", so->people, "How many synthetic people (default 10000)")
      ->check(CLI::Range(uint64_t{0}, uint64_t{200000000}));
  seed->add_option("--seed", so->seed, "Random seed: the same seed gives the same register (default 1)");
  seed->add_option("--out", so->out, "Register file (default: register.path of the configuration)");
  seed->add_flag("--force", so->force, "Replace an existing register file");
  table.add(seed, [&g, so] { return cmd_seed(g, so->people, so->seed, so->out, so->force); });
  auto info_path = std::make_shared<std::string>();
  auto* info = reg->add_subcommand(
      "info", "Describe a register file: schema, seed generator, people (exit 1 if not made by this build's generator)");
  info->add_option("--path", *info_path, "Register file (default: register.path of the configuration)");
  table.add(info, [&g, info_path] { return cmd_register_info(g, *info_path); });

  auto markdown = std::make_shared<bool>(false);
  auto* findings = app.add_subcommand("findings", "Print the table of finding codes: meaning and what to do next");
  findings->add_flag("--markdown", *markdown, "As the Markdown table of docs/findings.md");
  table.add(findings, [markdown] { return cmd_findings(*markdown); });
}

}  // namespace ecid::cli
