// The ecid command line is made of command groups, one file each; main.cpp wires them.
#pragma once

#include <ecid/config.hpp>

#include <CLI/CLI.hpp>

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
