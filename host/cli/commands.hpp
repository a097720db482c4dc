// The ecid command line is made of command groups, one file each; main.cpp wires them.
#pragma once

#include <ecid/config.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ecid::cli {

// Exit codes of every command: documented in README.md and `ecid --help`.
constexpr int kExitOk = 0;
constexpr int kExitAttention = 1;
constexpr int kExitBadInput = 2;

struct GlobalOptions {
  std::string config_path;
  bool verbose = false;
  bool quiet = false;
};

// The configuration named by --config, $ECID_CONFIG or config/ecid.yaml.
ecid::Config load(const GlobalOptions& g);

// A "\r<verb> done/total <unit> (pct) rate/s ETA" line on stderr for long work, only when stderr
// is a terminal and --quiet is off (a log file gets no carriage-return noise).
class ProgressLine {
 public:
  ProgressLine(const GlobalOptions& g, std::string verb, std::string unit);
  ~ProgressLine();  // ends the line if one was drawn
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  bool shown() const { return tty_; }
  void operator()(uint64_t done, uint64_t total);

 private:
  bool tty_;
  bool drawn_ = false;
  std::string verb_, unit_;
  std::chrono::steady_clock::time_point started_;
};

// Subcommands and what runs when the user picked them.
class CommandTable {
 public:
  void add(CLI::App* subcommand, std::function<int()> run) { entries_.emplace_back(subcommand, std::move(run)); }
  // Runs the chosen command; -1 when none was chosen.
  int run_chosen() const {
    for (const auto& [sub, run] : entries_)
      if (sub->parsed()) return run();
    return -1;
  }

 private:
  std::vector<std::pair<CLI::App*, std::function<int()>>> entries_;
};

void add_core_commands(CLI::App& app, const GlobalOptions& g, CommandTable& table);
void add_eid_commands(CLI::App& app, const GlobalOptions& g, CommandTable& table);
void add_audit_commands(CLI::App& app, const GlobalOptions& g, CommandTable& table);
void add_collate_commands(CLI::App& app, const GlobalOptions& g, CommandTable& table);
// `ecid adapters check`: the conformance kit (cmd_adapters_check.cpp), under `adapters`.
void add_adapters_check(CLI::App& adapters, CommandTable& table);

}  // namespace ecid::cli
