// The adapter conformance kit behind `ecid adapters check` (cmd_adapters_check.cpp).
#pragma once

#include "commands.hpp"

#include <string>

namespace ecid::cli {

struct AdaptersCheckOptions {
  std::string library;   // the adapter .so under test
  std::string corpus;    // optional folder of *.xml (+ <name>.expected.json)
  std::string manifest;  // optional; default: the manifest beside the library naming it
  std::string report;    // optional file for the JSON report
  std::string format = "text";
  int timeout_s = 300;   // per check group
  bool update = false;   // rewrite the goldens that differ (after an intended change), showing each change
};

// Runs every check group in its own child process; 0 all passed, 1 some failed, 2 bad input.
int run_adapters_check(const AdaptersCheckOptions& options);

}  // namespace ecid::cli
