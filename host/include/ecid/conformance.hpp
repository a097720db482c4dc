// The adapter conformance kit behind `ecid adapters check`: runs an adapter library through the
// contract's rules with the production loader, host services and adapter driver
// (docs/writing-an-adapter.md describes the checks and the corpus format).
#pragma once

#include <string>

namespace ecid {

struct ConformanceOptions {
  std::string library;   // the adapter .so under test
  std::string corpus;    // optional folder of *.xml (+ <name>.expected.json)
  std::string manifest;  // optional; default: the manifest beside the library naming it
  std::string report;    // optional file for the JSON report
  std::string format = "text";
  int timeout_s = 300;   // per check group
  bool update = false;   // rewrite the goldens that differ (after an intended change), showing each change
};

// Runs every check group in its own child process; 0 all passed, 1 some failed, 2 bad input.
// Results go to stdout (text or JSON), input problems to stderr.
int run_conformance_kit(const ConformanceOptions& options);

}  // namespace ecid
