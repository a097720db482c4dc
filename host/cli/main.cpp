// ecid — the command line of the ecid plugin host.
// Exit codes: 0 all verified, 1 findings need attention, 2 bad input or configuration,
// 130/143 stopped by SIGINT/SIGTERM (what was finished is reported, audited and checkpointed).
#include <ecid/log.hpp>

#include <sys/resource.h>

#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
  using namespace ecid::cli;
  // A core dump would carry register answers, tokens and keys to wherever cores are collected.
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  CLI::App app{"ecid — checks sector documents against the population register through per-sector adapters.\n"
               "Exit codes: 0 all verified, 1 findings need attention, 2 bad input or configuration, 130/143 stopped "
               "by SIGINT/SIGTERM before the end (the work finished is reported with its audit rows committed; "
               "ecid collate continues from its checkpoint when run again)."};
  app.require_subcommand(1);
  GlobalOptions g;
  app.add_option("-c,--config", g.config_path, "Configuration file (default: $ECID_CONFIG, else config/ecid.yaml)");
  app.add_flag("-v,--verbose", g.verbose, "Log what ecid does (never full ID numbers or names)");
  app.add_flag("-q,--quiet", g.quiet, "Only errors on stderr");

  CommandTable table;
  add_core_commands(app, g, table);
  add_eid_commands(app, g, table);
  add_audit_commands(app, g, table);
  add_collate_commands(app, g, table);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }
  ecid::log::set_level(g.verbose ? ecid::log::Level::Debug : g.quiet ? ecid::log::Level::Error : ecid::log::Level::Warn);
  try {
    int rc = table.run_chosen();
    return rc < 0 ? kExitBadInput : rc;
  } catch (const std::exception& e) {
    std::cerr << "ecid: " << e.what() << "\n";
    return kExitBadInput;
  }
}
