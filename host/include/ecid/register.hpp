// Register backends: the population register (and, later, specialised registers) behind one
// batch interface. Backends return whole records; policy trimming and claim comparison
// happen in the host, once, whatever the backend.
#pragma once

#include <ecid/contract.h>
#include <ecid/fields.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecid {

struct Claim {
  uint32_t field = 0;  // ecid_field
  std::string value;
};

// One look-up as the backend sees it (after the policy gate).
struct LookupRequest {
  uint32_t kind = 0;          // ecid_query_kind
  std::string key;            // personal ID, legacy ID, plate, organisation code
  std::vector<Claim> claims;  // for candidate searches: name, birth date, birth registration place
  FieldSet fields;            // fields the caller may receive (the backend may return fewer)
  std::string purpose;        // sent to remote registers with each request
  std::string document_ref;
};

struct RegisterRecord {
  std::vector<std::pair<uint32_t, std::string>> values;  // (ecid_field, value); absent = not held
  const std::string* find(uint32_t field) const {
    for (const auto& [f, v] : values) if (f == field) return &v;
    return nullptr;
  }
};

struct LookupResult {
  uint32_t status = ECID_ANSWER_UNAVAILABLE;  // ecid_answer_status
  std::string source;                        // answering register, e.g. "vehicle/embedded"; empty = source_name()
  std::string detail;                        // reason for non-FOUND; no personal data
  uint32_t reason = 0;                       // ecid_answer_reason, where there is a code for it
  std::vector<RegisterRecord> records;
};

// A register backend. lookup() answers every request (results.size() == requests.size());
// it never throws for a single bad request, only marks it. Thread-safe unless noted.
class RegisterBackend {
 public:
  virtual ~RegisterBackend() = default;
  // e.g. "population/embedded", shown in reports as the answering register.
  virtual std::string source_name() const = 0;
  virtual void lookup(std::span<const LookupRequest> requests, std::span<LookupResult> results) = 0;
};

// Opens the embedded SQLite register read-only. Throws std::runtime_error naming the file.
std::unique_ptr<RegisterBackend> open_embedded_register(const std::string& path);

struct Config;
// The backend the configuration's register: section names (embedded or http), for every user of
// the register (engine, collation). Throws ConfigError for an unknown backend or bad settings.
std::unique_ptr<RegisterBackend> open_configured_register(const Config& config);

}  // namespace ecid
