// The engine: routes a document to its adapter, runs the adapter's plan round by round
// through the policy gate and the register backends, and collects the findings.
#pragma once

#include <ecid/config.hpp>
#include <ecid/findings.hpp>
#include <ecid/loader.hpp>
#include <ecid/register.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ecid {

// What was asked and who answered: makes multi-round flows visible in the report.
struct QueryTrace {
  uint32_t id = 0;
  uint32_t round = 0;
  uint32_t kind = 0;  // ecid_query_kind
  std::string subject_ref;
  std::string purpose;
  std::string source;    // answering register, or "policy" for refusals
  uint32_t status = 0;   // ecid_answer_status
  std::string detail;
  std::vector<uint32_t> fields_disclosed;
};

struct DocumentReport {
  std::string file;
  std::string adapter;
  std::string adapter_version;
  std::string document_ref;
  bool ok = false;     // false: the document could not be checked; `error` says why
  std::string error;
  std::vector<Finding> findings;
  std::vector<QueryTrace> queries;
  // Said by the host, not the adapter: e.g. identities verified against a test issuer.
  std::vector<std::string> warnings;
  uint32_t rounds = 0;
  double elapsed_ms = 0;
  // Abandoned because Engine's stop predicate turned true before a round's queries; `error`
  // says so. The rounds already answered are audited; no finding is released.
  bool interrupted = false;
  // 0 all verified, 1 something needs attention, 2 the document could not be checked.
  int exit_class() const;
};

class Engine {
 public:
  // Loads adapters (bad ones are refused and listed, never fatal) and opens the register.
  // Throws ConfigError / std::runtime_error when the configuration cannot work at all.
  explicit Engine(const Config& config);
  // For tests: a given backend instead of the configured one.
  Engine(const Config& config, std::shared_ptr<RegisterBackend> population);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const AdapterRegistry& adapters() const;
  // Checked before each round's register queries; once it returns true, check() abandons the
  // document (report.interrupted) rather than query more. Set before checking; commands set it
  // from SIGINT and SIGTERM (ecid/interrupt.hpp).
  void set_stop(std::function<bool()> stop);
  // Thread-safe: several documents may be checked at once.
  DocumentReport check(std::string_view file_name, std::string_view bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecid
