// ecid's configuration (config/ecid.yaml). Every key is validated: an unknown key or a wrong
// type is a ConfigError naming the file, the line and the key.
#pragma once

#include <ecid/register.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ecid {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One permitted purpose of one adapter.
struct PurposePolicy {
  std::string id;
  std::string legal_basis;
  FieldSet fields;  // fields answers for this purpose may carry
};

struct AdapterPolicy {
  std::string adapter;
  std::vector<PurposePolicy> purposes;
  const PurposePolicy* find(std::string_view purpose) const;
};

struct HttpRegisterConfig {
  std::string base_url;
  std::string token_url;
  std::string client_id;
  std::string client_secret;  // never logged
  std::string ca_file;
  std::string client_cert;
  std::string client_key;
  bool insecure_skip_tls_verify = false;  // test only; loud warning when set
  int timeout_ms = 2000;
  int deadline_ms = 10000;
  int max_retries = 2;
  int concurrency = 16;
  int batch_size = 100;
  int breaker_failures = 5;
  int breaker_cooldown_ms = 2000;
};

struct RegisterConfig {
  std::string backend = "embedded";  // embedded | http
  std::filesystem::path path;        // embedded SQLite file
  HttpRegisterConfig http;
};

// The trusted electronic-identity issuer (see docs/eid.md). Absent = eID queries unavailable.
struct EidConfig {
  bool enabled = false;
  std::string issuer;
  std::string client_id;
  std::string jwks;     // file path (resolved), file:// or https:// URL
  std::string ca_file;
  std::vector<std::string> algorithms{"RS256", "PS256", "ES256"};
  int clock_skew_s = 60;
  int max_token_age_s = 3600;  // 0 = no limit
  int refetch_cooldown_s = 60;
};

struct Config {
  std::filesystem::path file;  // where it was read from; empty when built in code
  std::vector<std::filesystem::path> adapter_dirs;
  RegisterConfig population;
  std::filesystem::path audit_path;        // empty: no audit trail
  std::filesystem::path audit_key_file;    // HMAC key for subject pseudonyms; created if absent
  std::filesystem::path audit_anchor_file; // chain heads, for detecting truncation
  uint64_t audit_anchor_every = 10000;
  EidConfig eid;
  std::vector<AdapterPolicy> policy;
  const AdapterPolicy* policy_for(std::string_view adapter) const;
};

// Reads and validates a configuration file. Relative paths are resolved against its folder.
Config load_config(const std::filesystem::path& file);
// Same from text; `base_dir` resolves relative paths; `name` is used in error messages.
Config parse_config(std::string_view yaml, const std::filesystem::path& base_dir,
                    std::string_view name = "<config>");

// The configuration file ecid uses when none is given: $ECID_CONFIG, else ./config/ecid.yaml.
std::filesystem::path default_config_path();

}  // namespace ecid
