// ecid's configuration (config/ecid.yaml). Every key is validated: an unknown key or a wrong
// type is a ConfigError naming the file, the line and the key.
#pragma once

#include <ecid/fields.hpp>

#include <filesystem>
#include <map>
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
  std::string where;  // "FILE:LINE" of its key, for messages; empty when built in code
  std::string legal_basis;
  FieldSet fields;  // fields answers for this purpose may carry
};

struct AdapterPolicy {
  std::string adapter;
  std::string where;  // "FILE:LINE" of its key, for messages; empty when built in code
  std::vector<PurposePolicy> purposes;
  const PurposePolicy* find(std::string_view purpose) const;
};

struct HttpRegisterConfig {
  std::string base_url;
  std::string token_url;
  std::string client_id;
  // Never logged. From client_secret_file (mode 0600) or client_secret_env; written inline
  // only for a loopback register (the mock's well-known secret).
  std::string client_secret;
  std::string ca_file;
  std::string client_cert;
  std::string client_key;
  // Proxy URL for a non-loopback register; empty = no proxy at all (http_proxy etc. ignored).
  std::string proxy;
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
  std::string jwks;     // file path (resolved), file:// or https:// URL (http:// to loopback)
  std::string ca_file;
  std::string proxy;    // proxy URL for an https JWKS; empty = no proxy (environment ignored)
  std::vector<std::string> algorithms{"RS256", "PS256", "ES256"};
  int clock_skew_s = 60;
  int max_token_age_s = 600;  // now - iat; 0 (no limit) only for a test issuer
  // Tokens already used, each bound to the first document it came with (docs/security.md):
  // a SQLite file; empty = this process's memory only (a CLI run forgets between runs).
  std::filesystem::path replay_cache;
  bool require_nonce = false;  // a token must carry the nonce its document carries
  int refetch_cooldown_s = 60;
};

struct Config {
  std::filesystem::path file;  // where it was read from; empty when built in code
  std::vector<std::filesystem::path> adapter_dirs;
  // adapters.sha256: adapter name -> SHA-256 of its library. When set, only these load.
  std::map<std::string, std::string> adapter_sha256;
  RegisterConfig population;
  std::filesystem::path audit_path;        // empty: no audit trail (only with audit_disabled)
  // `audit: {enabled: false}`: the operator's explicit choice to query without a trail. Without
  // it, an engine refuses a configuration that has no audit path.
  bool audit_disabled = false;
  std::filesystem::path audit_key_file;    // HMAC key for subject pseudonyms; created if absent
  std::filesystem::path audit_anchor_file; // chain heads, for detecting truncation
  uint64_t audit_anchor_every = 10000;
  EidConfig eid;
  std::vector<AdapterPolicy> policy;
  const AdapterPolicy* policy_for(std::string_view adapter) const;
};

// Reads and validates a configuration file. Relative paths are resolved against its folder.
// `extends: FILE` at the top level reads FILE first; each section this file has replaces that
// section of FILE. Refused: a file (or a folder above it) that someone other than root or the
// user running ecid could write, since it names the code ecid loads (docs/security.md).
Config load_config(const std::filesystem::path& file);
// Same from text; `base_dir` resolves relative paths; `name` is used in error messages.
Config parse_config(std::string_view yaml, const std::filesystem::path& base_dir,
                    std::string_view name = "<config>");

// The configuration file ecid uses when none is given: $ECID_CONFIG; else, for an ecid run from
// its build tree, the source tree's config/ecid.yaml; else the system path (/etc/ecid/ecid.yaml
// for an install to /usr). Never a path relative to the current folder.
std::filesystem::path default_config_path();
// The same, with why that path: "from $ECID_CONFIG", the build tree's or the installed default.
struct DefaultConfig {
  std::filesystem::path path;
  std::string why;
};
DefaultConfig default_config();

// True for an issuer that can only be a test one: its host is in a name space reserved for
// tests (.invalid, .test, .example, .localhost, example.com/net/org) or is a loopback address.
// Every run that trusts one says so on stderr, in the report and in the audit trail.
bool is_test_issuer(std::string_view issuer);

}  // namespace ecid
