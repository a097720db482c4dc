// `ecid adapters check`: the conformance kit's command line (the kit: ecid/conformance.hpp).
#include "commands.hpp"

#include <ecid/conformance.hpp>

#include <memory>

namespace ecid::cli {

void add_adapters_check(CLI::App& adapters, CommandTable& table) {
  auto o = std::make_shared<ConformanceOptions>();
  auto* check = adapters.add_subcommand(
      "check", "Conformance kit: run an adapter library through the contract's checks (exit 1 if any fails)");
  check->add_option("library", o->library, "The adapter's shared library (PATH.so)")->required();
  check->add_option("--corpus", o->corpus, "Folder of sample documents (*.xml, optional <name>.expected.json)");
  check->add_option("--manifest", o->manifest, "Manifest to use (default: the one beside the library naming it)");
  check->add_option("--report", o->report, "Also write the JSON report to this file");
  check->add_option("--format", o->format, "text (one line per check) or json")->check(CLI::IsMember({"text", "json"}));
  check->add_flag("--update", o->update,
                  "Rewrite each <name>.expected.json that differs from what the adapter now plans (after an intended "
                  "change), printing what changed; review the diff before committing");
  check->add_option("--timeout", o->timeout_s, "Seconds each check group may take (default 300)")
      ->check(CLI::Range(1, 3600));
  table.add(check, [o] { return run_conformance_kit(*o); });
}

}  // namespace ecid::cli
