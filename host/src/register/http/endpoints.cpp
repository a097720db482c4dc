// The register client's endpoint URLs and the checks of its configuration (endpoints.hpp).
#include "endpoints.hpp"

#include "net/transport.hpp"
#include "protocol.hpp"

#include <ecid/http_register.hpp>

#include <filesystem>
#include <stdexcept>
#include <utility>

namespace ecid {

namespace http {

Endpoints endpoints_of(const HttpRegisterConfig& config) {
  std::string base = config.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return {base + std::string(kLookupPath), base + std::string(kBatchPath),
          config.token_url.empty() ? base + std::string(kTokenPath) : config.token_url};
}

}  // namespace http

void validate_http_register_config(const HttpRegisterConfig& c) {
  if (c.base_url.empty()) throw std::invalid_argument("register.http.base_url is required");
  net::check_url(c.base_url, "register.http.base_url");
  if (!c.token_url.empty()) net::check_url(c.token_url, "register.http.token_url");
  net::check_proxy(c.proxy, "register.http.proxy");
  if (!c.token_url.empty() && c.client_id.empty())
    throw std::invalid_argument("register.http.token_url is set but register.http.client_id is not");
  if (!c.client_id.empty() && c.client_secret.empty())
    throw std::invalid_argument("register.http.client_id is set but register.http.client_secret is not");
  if (!c.client_key.empty() && c.client_cert.empty())
    throw std::invalid_argument("register.http.client_key is set but register.http.client_cert is not");
  for (auto [key, file] : {std::pair{"ca_file", &c.ca_file}, {"client_cert", &c.client_cert}, {"client_key", &c.client_key}})
    if (!file->empty() && !std::filesystem::is_regular_file(*file))
      throw std::invalid_argument(std::string("register.http.") + key + ": no such file '" + *file + "'");
  if (c.timeout_ms <= 0 || c.deadline_ms <= 0 || c.max_retries < 0 || c.concurrency <= 0 || c.batch_size <= 0 ||
      c.breaker_failures <= 0 || c.breaker_cooldown_ms <= 0)
    throw std::invalid_argument("register.http: timeouts, concurrency, batch size and breaker settings must be positive");
}

}  // namespace ecid
