#include <ecid/config.hpp>
#include <ecid/safe_files.hpp>
#include <ecid/fields.hpp>
#include <ecid/log.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "net/transport.hpp"
#include "config/yaml_check.hpp"

namespace ecid {

const PurposePolicy* AdapterPolicy::find(std::string_view purpose) const {
  for (const auto& p : purposes)
    if (p.id == purpose) return &p;
  return nullptr;
}

const AdapterPolicy* Config::policy_for(std::string_view adapter) const {
  for (const auto& p : policy)
    if (p.adapter == adapter) return &p;
  return nullptr;
}

namespace {

using Reader = yaml_check::Reader<ConfigError>;

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p) {
  if (p.empty()) return {};
  std::filesystem::path path(p);
  return path.is_absolute() ? path : (base / path).lexically_normal();
}

FieldSet parse_fields(const Reader& r, const YAML::Node& parent, std::string_view key) {
  FieldSet set;
  YAML::Node list = parent[std::string(key)];
  for (const std::string& name : r.string_list(parent, key, true)) {
    auto id = field_by_name(name);
    if (!id) {
      for (const auto& item : list)
        if (item.Scalar() == name) r.fail(item, "unknown register field '" + name + "'");
      r.fail(list, "unknown register field '" + name + "'");
    }
    set.add(*id);
  }
  return set;
}

// The OAuth2 client secret: from a file only its owner can read, from the environment, or, for
// a register on this machine only (the mock's well-known secret), inline.
std::string read_client_secret(const Reader& r, const YAML::Node& h, const std::filesystem::path& base,
                               const std::string& base_url) {
  const std::string inline_secret = r.scalar(h, "client_secret", false);
  const std::string file = r.scalar(h, "client_secret_file", false);
  const std::string env = r.scalar(h, "client_secret_env", false);
  if (int(!inline_secret.empty()) + int(!file.empty()) + int(!env.empty()) > 1)
    r.fail(h, "register.http: give one of client_secret, client_secret_file and client_secret_env");
  if (!file.empty()) {
    try {
      return read_secret_file(resolve(base, file), "register.http.client_secret_file");
    } catch (const std::runtime_error& e) {
      r.fail(h["client_secret_file"], e.what());
    }
  }
  if (!env.empty()) {
    const char* value = std::getenv(env.c_str());
    if (!value || !*value) r.fail(h["client_secret_env"], "register.http.client_secret_env: $" + env + " is not set");
    return value;
  }
  if (!inline_secret.empty() && !net::is_loopback_host(net::url_host(base_url)))
    r.fail(h["client_secret"],
           "register.http.client_secret may be written inline only for a register on this machine; use "
           "client_secret_file (mode 0600) or client_secret_env");
  return inline_secret;
}

void parse_register(const Reader& r, const YAML::Node& n, const std::filesystem::path& base, RegisterConfig& out) {
  r.expect_map(n, "register");
  r.only_keys(n, "register", {"backend", "path", "http"});
  out.backend = r.scalar(n, "backend", false);
  if (out.backend.empty()) out.backend = "embedded";
  if (out.backend != "embedded" && out.backend != "http")
    r.fail(n["backend"], "register.backend must be 'embedded' or 'http', not '" + out.backend + "'");
  out.path = resolve(base, r.scalar(n, "path", out.backend == "embedded"));
  if (YAML::Node h = n["http"]; h.IsDefined() && !h.IsNull()) {
    r.expect_map(h, "register.http");
    r.only_keys(h, "register.http",
                {"base_url", "token_url", "client_id", "client_secret", "client_secret_file", "client_secret_env",
                 "ca_file", "client_cert", "client_key", "proxy",
                 "insecure_skip_tls_verify", "timeout_ms", "deadline_ms", "max_retries", "concurrency",
                 "batch_size", "breaker_failures", "breaker_cooldown_ms"});
    auto& c = out.http;
    c.base_url = r.scalar(h, "base_url", true);
    c.token_url = r.scalar(h, "token_url", false);
    c.client_id = r.scalar(h, "client_id", false);
    c.client_secret = read_client_secret(r, h, base, c.base_url);
    c.ca_file = resolve(base, r.scalar(h, "ca_file", false)).string();
    c.client_cert = resolve(base, r.scalar(h, "client_cert", false)).string();
    c.client_key = resolve(base, r.scalar(h, "client_key", false)).string();
    if (!c.client_key.empty())
      if (std::string why = exposed_secret_reason(c.client_key); !why.empty())
        r.fail(h["client_key"], "register.http.client_key refused: " + why);
    c.proxy = r.scalar(h, "proxy", false);
    c.insecure_skip_tls_verify = r.boolean(h, "insecure_skip_tls_verify", false);
    c.timeout_ms = static_cast<int>(r.integer(h, "timeout_ms", c.timeout_ms, 1, 600000));
    c.deadline_ms = static_cast<int>(r.integer(h, "deadline_ms", c.deadline_ms, 1, 3600000));
    c.max_retries = static_cast<int>(r.integer(h, "max_retries", c.max_retries, 0, 10));
    c.concurrency = static_cast<int>(r.integer(h, "concurrency", c.concurrency, 1, 256));
    c.batch_size = static_cast<int>(r.integer(h, "batch_size", c.batch_size, 1, 10000));
    c.breaker_failures = static_cast<int>(r.integer(h, "breaker_failures", c.breaker_failures, 1, 1000));
    c.breaker_cooldown_ms = static_cast<int>(r.integer(h, "breaker_cooldown_ms", c.breaker_cooldown_ms, 1, 600000));
  } else if (out.backend == "http") {
    r.fail(n, "register.backend is 'http' but register.http is missing");
  }
}

void parse_eid(const Reader& r, const YAML::Node& n, const std::filesystem::path& base, EidConfig& out) {
  r.expect_map(n, "eid");
  r.only_keys(n, "eid", {"issuer", "client_id", "jwks", "ca_file", "proxy", "algorithms", "clock_skew_s",
                         "max_token_age_s", "refetch_cooldown_s", "replay_cache", "require_nonce"});
  out.enabled = true;
  out.issuer = r.scalar(n, "issuer", true);
  out.client_id = r.scalar(n, "client_id", true);
  std::string jwks = r.scalar(n, "jwks", true);
  out.jwks = jwks.find("://") == std::string::npos ? resolve(base, jwks).string() : jwks;
  out.ca_file = resolve(base, r.scalar(n, "ca_file", false)).string();
  out.proxy = r.scalar(n, "proxy", false);
  // Refused here, with the line, rather than when the first token arrives.
  auto refuse_at = [&](const char* key, auto check) {
    try {
      check();
    } catch (const std::invalid_argument& e) {
      r.fail(n[key], e.what());
    }
  };
  refuse_at("jwks", [&] { net::check_url(out.jwks, "eid.jwks", true); });
  refuse_at("proxy", [&] { net::check_proxy(out.proxy, "eid.proxy"); });
  if (n["algorithms"].IsDefined()) {
    out.algorithms = r.string_list(n, "algorithms", true);
    for (const auto& a : out.algorithms)
      if (a != "RS256" && a != "PS256" && a != "ES256")
        r.fail(n["algorithms"], "eid.algorithms may hold only RS256, PS256 and ES256, not '" + a + "'");
  }
  out.clock_skew_s = static_cast<int>(r.integer(n, "clock_skew_s", out.clock_skew_s, 0, 3600));
  out.max_token_age_s = static_cast<int>(r.integer(n, "max_token_age_s", out.max_token_age_s, 0, 100000000));
  // A token copied from a filing verifies again until it expires: a real issuer's tokens must
  // also be young. Only a test issuer's long-lived sample tokens may go without the bound.
  if ((out.max_token_age_s == 0 || out.max_token_age_s > 86400) && !is_test_issuer(out.issuer))
    r.fail(n["max_token_age_s"], "eid.max_token_age_s must be 1 to 86400 for a real issuer (e.g. 600); 0, no "
                                 "limit, is for a test issuer only");
  out.replay_cache = resolve(base, r.scalar(n, "replay_cache", false));
  out.require_nonce = r.boolean(n, "require_nonce", false);
  out.refetch_cooldown_s = static_cast<int>(r.integer(n, "refetch_cooldown_s", out.refetch_cooldown_s, 0, 86400));
}

void parse_policy(const Reader& r, const YAML::Node& n, std::vector<AdapterPolicy>& out) {
  r.expect_map(n, "policy");
  for (const auto& adapter_kv : n) {
    AdapterPolicy ap;
    ap.adapter = adapter_kv.first.Scalar();
    ap.where = r.where(adapter_kv.first);
    const YAML::Node& purposes = adapter_kv.second;
    r.expect_map(purposes, "policy." + ap.adapter);
    for (const auto& purpose_kv : purposes) {
      PurposePolicy pp;
      pp.id = purpose_kv.first.Scalar();
      pp.where = r.where(purpose_kv.first);
      const YAML::Node& body = purpose_kv.second;
      std::string where = "policy." + ap.adapter + "." + pp.id;
      r.expect_map(body, where);
      r.only_keys(body, where, {"legal_basis", "fields"});
      pp.legal_basis = r.scalar(body, "legal_basis", true);
      pp.fields = parse_fields(r, body, "fields");
      ap.purposes.push_back(std::move(pp));
    }
    out.push_back(std::move(ap));
  }
}


void parse_adapters(const Reader& r, const YAML::Node& a, const std::filesystem::path& base, Config& c) {
  r.expect_map(a, "adapters");
  r.only_keys(a, "adapters", {"directories", "sha256"});
  c.adapter_dirs.clear();
  c.adapter_sha256.clear();
  for (const auto& d : r.string_list(a, "directories", true)) c.adapter_dirs.push_back(resolve(base, d));
  if (YAML::Node pins = a["sha256"]; pins.IsDefined() && !pins.IsNull()) {
    r.expect_map(pins, "adapters.sha256");
    for (const auto& kv : pins) {
      std::string hex = kv.second.IsScalar() ? kv.second.Scalar() : "";
      bool ok = hex.size() == 64;
      for (char& ch : hex) {
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        ok = ok && std::isxdigit(static_cast<unsigned char>(ch));
      }
      if (!ok) r.fail(kv.second, "adapters.sha256." + kv.first.Scalar() + " must be 64 hex digits (`sha256sum LIBRARY`)");
      c.adapter_sha256[kv.first.Scalar()] = hex;
    }
  }
}

void parse_audit(const Reader& r, const YAML::Node& a, const std::filesystem::path& base, Config& c) {
  r.expect_map(a, "audit");
  c.audit_path.clear();
  c.audit_key_file.clear();
  c.audit_anchor_file.clear();
  c.audit_disabled = a["enabled"].IsDefined() && !r.boolean(a, "enabled", true);
  if (c.audit_disabled) {
    r.only_keys(a, "audit", {"enabled"});
    return;
  }
  r.only_keys(a, "audit", {"enabled", "path", "key_file", "anchor_file", "anchor_every"});
  c.audit_path = resolve(base, r.scalar(a, "path", true));
  c.audit_key_file = resolve(base, r.scalar(a, "key_file", true));
  c.audit_anchor_file = resolve(base, r.scalar(a, "anchor_file", false));
  c.audit_anchor_every = static_cast<uint64_t>(r.integer(a, "anchor_every", 10000, 1, 1000000000));
}

constexpr int kMaxExtendsDepth = 8;

Config load_config_file(const std::filesystem::path& file, int depth);

// The sections of `root` applied onto `c` (the configuration it extends, or a fresh one).
void apply_sections(const Reader& r, const YAML::Node& root, const std::filesystem::path& base_dir, Config& c,
                    bool extends) {
  if (YAML::Node a = root["adapters"]; a.IsDefined()) parse_adapters(r, a, base_dir, c);
  if (YAML::Node reg = root["register"]; reg.IsDefined()) {
    c.population = RegisterConfig{};
    parse_register(r, reg, base_dir, c.population);
  } else if (!extends) {
    r.fail_plain("missing required section 'register'");
  }
  if (YAML::Node a = root["audit"]; a.IsDefined()) {
    parse_audit(r, a, base_dir, c);
  } else if (!extends) {
    r.fail_plain("missing required section 'audit': every query is audited unless the configuration says "
                 "`audit: {enabled: false}`");
  }
  if (YAML::Node e = root["eid"]; e.IsDefined()) {
    c.eid = EidConfig{};
    if (!e.IsNull()) parse_eid(r, e, base_dir, c.eid);
  }
  if (YAML::Node p = root["policy"]; p.IsDefined()) {
    c.policy.clear();
    if (!p.IsNull()) parse_policy(r, p, c.policy);
  }
}

Config parse_config_at(std::string_view yaml, const std::filesystem::path& base_dir, std::string_view name, int depth) {
  Reader r{std::string(name)};
  YAML::Node root = yaml_check::parse<ConfigError>(yaml, std::string(name));
  if (!root.IsMap()) r.fail_plain("the configuration must be a mapping of sections");
  r.only_keys(root, "the top level", {"extends", "adapters", "register", "audit", "eid", "policy"});
  Config c;
  const std::string extends = r.scalar(root, "extends", false);
  if (!extends.empty()) {
    if (depth >= kMaxExtendsDepth) r.fail(root["extends"], "extends: more than " + std::to_string(kMaxExtendsDepth) + " levels (a cycle?)");
    c = load_config_file(resolve(base_dir, extends), depth + 1);
  }
  apply_sections(r, root, base_dir, c, !extends.empty());
  return c;
}

Config load_config_file(const std::filesystem::path& file, int depth) {
  // A configuration names the adapter code ecid runs and where personal data goes: whoever could
  // write it could make ecid run their code as this user.
  if (std::string why = unsafe_path_reason(file); !why.empty())
    throw ConfigError("configuration refused: " + why);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(file.string() + ": cannot read the configuration file");
  std::stringstream ss;
  ss << in.rdbuf();
  Config c = parse_config_at(ss.str(), std::filesystem::absolute(file).parent_path(), file.string(), depth);
  c.file = file;
  return c;
}

}  // namespace

Config parse_config(std::string_view yaml, const std::filesystem::path& base_dir, std::string_view name) {
  return parse_config_at(yaml, base_dir, name, 0);
}

Config load_config(const std::filesystem::path& file) {
  Config c = load_config_file(file, 0);
  if (c.population.http.insecure_skip_tls_verify)
    log::security("register.http.insecure_skip_tls_verify is ON: TLS certificates are NOT verified. Test use only.");
  if (c.audit_disabled)
    log::security(file.string() + " has `audit: {enabled: false}`: register queries and identity verifications leave NO audit trail");
  if (c.eid.enabled && !is_test_issuer(c.eid.issuer) && c.eid.replay_cache.empty())
    log::security("eid.replay_cache is not set: a token used in one filing is refused in another only within this "
                  "process; set it (shared by every ecid of the deployment) so that runs remember");
  if (c.eid.enabled && is_test_issuer(c.eid.issuer))
    log::security("eid.issuer " + c.eid.issuer + " is a TEST issuer: anyone holding its published keys can mint any identity; never trust it in production");
  if (!c.audit_key_file.empty()) {
    const std::filesystem::path key_dir = c.audit_key_file.parent_path();
    if (key_dir == c.audit_path.parent_path() || (!c.population.path.empty() && key_dir == c.population.path.parent_path()))
      log::security("the audit key " + c.audit_key_file.string() +
                    " is in the same folder as the audit trail or the register: one copy of that folder re-identifies "
                    "every pseudonym; keep the key elsewhere (docs/security.md)");
  }
  return c;
}

DefaultConfig default_config() {
  if (const char* env = std::getenv("ECID_CONFIG"); env && *env) return {env, "from $ECID_CONFIG"};
#ifdef ECID_BUILD_TREE
  // The source tree's configuration belongs to binaries of its own build tree only.
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::canonical("/proc/self/exe", ec);
  const std::filesystem::path build = std::filesystem::weakly_canonical(ECID_BUILD_TREE, ec);
  if (!exe.empty() && !build.empty()) {
    auto [b, e] = std::mismatch(build.begin(), build.end(), exe.begin(), exe.end());
    if (b == build.end())
      return {ECID_SOURCE_TREE_CONFIG, "the default for a binary of the build tree " + build.string() +
                                           ": no --config and no $ECID_CONFIG"};
  }
#endif
  return {ECID_SYSTEM_CONFIG, "the installed default: no --config and no $ECID_CONFIG"};
}

std::filesystem::path default_config_path() { return default_config().path; }

bool is_test_issuer(std::string_view issuer) {
  const std::string h = net::url_host(issuer.find("://") == std::string_view::npos ? "https://" + std::string(issuer)
                                                                                   : std::string(issuer));
  if (net::is_loopback_host(h)) return true;
  for (std::string_view tld : {".invalid", ".test", ".example", ".localhost"})
    if (h.ends_with(tld) || h == tld.substr(1)) return true;
  for (std::string_view domain : {"example.com", "example.net", "example.org"})
    if (h == domain || h.ends_with("." + std::string(domain))) return true;
  return false;
}

}  // namespace ecid
