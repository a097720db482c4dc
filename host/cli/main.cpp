// ecid — the command line of the ecid plugin host.
// Exit codes: 0 all verified, 1 findings need attention, 2 bad input or configuration.
#include <ecid/config.hpp>
#include <ecid/engine.hpp>
#include <ecid/fields.hpp>
#include <ecid/findings.hpp>
#include <ecid/loader.hpp>
#include <ecid/log.hpp>
#include <ecid/report.hpp>
#include <ecid/seed.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitAttention = 1;
constexpr int kExitBadInput = 2;

struct GlobalOptions {
  std::string config_path;
  bool verbose = false;
  bool quiet = false;
};

ecid::Config load(const GlobalOptions& g) {
  std::filesystem::path p = g.config_path.empty() ? ecid::default_config_path() : std::filesystem::path(g.config_path);
  return ecid::load_config(p);
}

bool read_file(const std::string& path, std::string& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read file";
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

int cmd_adapters_list(const GlobalOptions& g, const std::string& format) {
  ecid::Config config = load(g);
  ecid::AdapterRegistry registry;
  for (const auto& dir : config.adapter_dirs) registry.load_directory(dir);
  if (format == "json") {
    nlohmann::ordered_json j;
    j["loaded"] = nlohmann::ordered_json::array();
    for (const auto& a : registry.loaded()) {
      nlohmann::ordered_json e;
      e["name"] = a->manifest.name;
      e["version"] = a->manifest.version;
      e["abi"] = std::to_string(a->manifest.abi_major) + "." + std::to_string(a->manifest.abi_minor);
      e["library"] = a->manifest.library.string();
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
                << a->manifest.abi_minor << "  " << a->manifest.library.string() << "\n";
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
  ecid::Config config = load(g);
  ecid::Engine engine(config);
  for (const auto& r : engine.adapters().refused())
    if (!g.quiet) std::cerr << "ecid: warning: adapter refused: " << r.file.string() << ": " << r.reason << "\n";
  std::vector<ecid::DocumentReport> reports;
  int worst = kExitOk;
  for (const auto& file : files) {
    std::string bytes, error;
    ecid::DocumentReport report;
    if (!read_file(file, bytes, error)) {
      report.file = file;
      report.error = error;
    } else {
      report = engine.check(file, bytes);
    }
    worst = std::max(worst, report.exit_class());
    if (format == "json") {
      reports.push_back(std::move(report));
    } else {
      std::cout << ecid::render_text(report, show_queries) << "\n";
    }
  }
  if (format == "json") std::cout << ecid::render_json(reports);
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
  bool tty = isatty(STDERR_FILENO) && !g.quiet;
  auto started = std::chrono::steady_clock::now();
  ecid::SeedOptions options;
  options.people = people;
  options.seed = seed;
  options.path = out;
  options.overwrite = force;
  if (tty) {
    options.progress = [&](uint64_t done, uint64_t total) {
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      double rate = s > 0 ? done / s : 0;
      double eta = rate > 0 ? (total - done) / rate : 0;
      std::fprintf(stderr, "\rseeding %llu/%llu people (%3.0f%%) %8.0f people/s  ETA %4.0fs",
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                   total ? 100.0 * done / total : 100.0, rate, eta);
    };
  }
  ecid::seed_register(options);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (tty) std::fprintf(stderr, "\n");
  if (!g.quiet)
    std::printf("seeded %llu people into %s in %.2f s (%.0f people/s)\n", static_cast<unsigned long long>(people),
                out.c_str(), secs, secs > 0 ? people / secs : 0.0);
  return kExitOk;
}

int cmd_findings(bool markdown) {
  if (markdown) {
    // docs/findings.md is this output; a test keeps them identical.
    std::cout << "# Finding codes\n\nGenerated by `ecid findings --markdown` from host/src/findings.cpp; do not edit by hand.\n"
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

int main(int argc, char** argv) {
  CLI::App app{"ecid — checks sector documents against the population register through per-sector adapters.\n"
               "Exit codes: 0 all verified, 1 findings need attention, 2 bad input or configuration."};
  app.require_subcommand(1);
  GlobalOptions g;
  app.add_option("-c,--config", g.config_path, "Configuration file (default: $ECID_CONFIG, else config/ecid.yaml)");
  app.add_flag("-v,--verbose", g.verbose, "Log what ecid does (never full ID numbers or names)");
  app.add_flag("-q,--quiet", g.quiet, "Only errors on stderr");

  auto* adapters = app.add_subcommand("adapters", "Adapter plugins");
  adapters->require_subcommand(1);
  std::string list_format = "text";
  auto* list = adapters->add_subcommand("list", "List loaded and refused adapters, with reasons (exit 1 if any refused)");
  list->add_option("--format", list_format, "text or json")->check(CLI::IsMember({"text", "json"}));

  auto* check = app.add_subcommand("check", "Check documents; one report per document");
  std::vector<std::string> files;
  std::string check_format = "text";
  bool show_queries = false;
  check->add_option("files", files, "Sector documents (XML)")->required();
  check->add_option("--format", check_format, "text (a table for people) or json")->check(CLI::IsMember({"text", "json"}));
  check->add_flag("--queries", show_queries, "Also list every register query and who answered it");

  auto* reg = app.add_subcommand("register", "The embedded population register");
  reg->require_subcommand(1);
  auto* seed = reg->add_subcommand("seed", "Create a deterministic synthetic register (plus the fixture citizens)");
  uint64_t people = 10000, seed_value = 1;
  std::string out;
  bool force = false;
  seed->add_option("--people", people, "How many synthetic people (default 10000)")->check(CLI::Range(uint64_t{0}, uint64_t{200000000}));
  seed->add_option("--seed", seed_value, "Random seed: the same seed gives the same register (default 1)");
  seed->add_option("--out", out, "Register file (default: register.path of the configuration)");
  seed->add_flag("--force", force, "Replace an existing register file");

  auto* findings = app.add_subcommand("findings", "Print the table of finding codes: meaning and what to do next");
  bool markdown = false;
  findings->add_flag("--markdown", markdown, "As the Markdown table of docs/findings.md");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }
  ecid::log::set_level(g.verbose ? ecid::log::Level::Debug : g.quiet ? ecid::log::Level::Error : ecid::log::Level::Warn);
  try {
    if (*list) return cmd_adapters_list(g, list_format);
    if (*check) return cmd_check(g, files, check_format, show_queries);
    if (*seed) return cmd_seed(g, people, seed_value, out, force);
    if (*findings) return cmd_findings(markdown);
  } catch (const std::exception& e) {
    std::cerr << "ecid: " << e.what() << "\n";
    return kExitBadInput;
  }
  return kExitBadInput;
}
