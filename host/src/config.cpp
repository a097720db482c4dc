#include <ecid/config.hpp>
#include <ecid/fields.hpp>
#include <ecid/log.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "yaml_check.hpp"

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
                {"base_url", "token_url", "client_id", "client_secret", "ca_file", "client_cert", "client_key",
                 "insecure_skip_tls_verify", "timeout_ms", "deadline_ms", "max_retries", "concurrency",
                 "batch_size", "breaker_failures", "breaker_cooldown_ms"});
    auto& c = out.http;
    c.base_url = r.scalar(h, "base_url", true);
    c.token_url = r.scalar(h, "token_url", false);
    c.client_id = r.scalar(h, "client_id", false);
    c.client_secret = r.scalar(h, "client_secret", false);
    c.ca_file = resolve(base, r.scalar(h, "ca_file", false)).string();
    c.client_cert = resolve(base, r.scalar(h, "client_cert", false)).string();
    c.client_key = resolve(base, r.scalar(h, "client_key", false)).string();
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
  r.only_keys(n, "eid", {"issuer", "client_id", "jwks", "ca_file", "algorithms", "clock_skew_s", "max_token_age_s",
                         "refetch_cooldown_s"});
  out.enabled = true;
  out.issuer = r.scalar(n, "issuer", true);
  out.client_id = r.scalar(n, "client_id", true);
  std::string jwks = r.scalar(n, "jwks", true);
  out.jwks = jwks.find("://") == std::string::npos ? resolve(base, jwks).string() : jwks;
  out.ca_file = resolve(base, r.scalar(n, "ca_file", false)).string();
  if (n["algorithms"].IsDefined()) {
    out.algorithms = r.string_list(n, "algorithms", true);
    for (const auto& a : out.algorithms)
      if (a != "RS256" && a != "PS256" && a != "ES256")
        r.fail(n["algorithms"], "eid.algorithms may hold only RS256, PS256 and ES256, not '" + a + "'");
  }
  out.clock_skew_s = static_cast<int>(r.integer(n, "clock_skew_s", out.clock_skew_s, 0, 3600));
  out.max_token_age_s = static_cast<int>(r.integer(n, "max_token_age_s", out.max_token_age_s, 0, 100000000));
  out.refetch_cooldown_s = static_cast<int>(r.integer(n, "refetch_cooldown_s", out.refetch_cooldown_s, 0, 86400));
}

void parse_policy(const Reader& r, const YAML::Node& n, std::vector<AdapterPolicy>& out) {
  r.expect_map(n, "policy");
  for (const auto& adapter_kv : n) {
    AdapterPolicy ap;
    ap.adapter = adapter_kv.first.Scalar();
    const YAML::Node& purposes = adapter_kv.second;
    r.expect_map(purposes, "policy." + ap.adapter);
    for (const auto& purpose_kv : purposes) {
      PurposePolicy pp;
      pp.id = purpose_kv.first.Scalar();
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

}  // namespace

Config parse_config(std::string_view yaml, const std::filesystem::path& base_dir, std::string_view name) {
  Reader r{std::string(name)};
  YAML::Node root = yaml_check::parse<ConfigError>(yaml, std::string(name));
  if (!root.IsMap()) r.fail_plain("the configuration must be a mapping of sections");
  r.only_keys(root, "the top level", {"adapters", "register", "audit", "eid", "policy"});
  Config c;
  if (YAML::Node a = root["adapters"]; a.IsDefined()) {
    r.expect_map(a, "adapters");
    r.only_keys(a, "adapters", {"directories"});
    for (const auto& d : r.string_list(a, "directories", true)) c.adapter_dirs.push_back(resolve(base_dir, d));
  }
  if (YAML::Node reg = root["register"]; reg.IsDefined()) {
    parse_register(r, reg, base_dir, c.population);
  } else {
    r.fail_plain("missing required section 'register'");
  }
  if (YAML::Node a = root["audit"]; a.IsDefined()) {
    r.expect_map(a, "audit");
    r.only_keys(a, "audit", {"path", "key_file", "anchor_file", "anchor_every"});
    c.audit_path = resolve(base_dir, r.scalar(a, "path", true));
    c.audit_key_file = resolve(base_dir, r.scalar(a, "key_file", true));
    c.audit_anchor_file = resolve(base_dir, r.scalar(a, "anchor_file", false));
    c.audit_anchor_every = static_cast<uint64_t>(r.integer(a, "anchor_every", 10000, 1, 1000000000));
  }
  if (YAML::Node e = root["eid"]; e.IsDefined() && !e.IsNull()) parse_eid(r, e, base_dir, c.eid);
  if (YAML::Node p = root["policy"]; p.IsDefined() && !p.IsNull()) parse_policy(r, p, c.policy);
  return c;
}

Config load_config(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(file.string() + ": cannot read the configuration file");
  std::stringstream ss;
  ss << in.rdbuf();
  Config c = parse_config(ss.str(), std::filesystem::absolute(file).parent_path(), file.string());
  c.file = file;
  if (c.population.http.insecure_skip_tls_verify)
    log::warn("register.http.insecure_skip_tls_verify is ON: TLS certificates are NOT verified. Test use only.");
  return c;
}

std::filesystem::path default_config_path() {
  if (const char* env = std::getenv("ECID_CONFIG"); env && *env) return env;
  return "config/ecid.yaml";
}

}  // namespace ecid
