// Where the register client sends its requests: the URLs of the protocol's endpoints on the
// configured register. The configuration's own checks (URLs, the https rule, proxy, TLS files)
// are validate_http_register_config() in http_register.hpp, defined beside these.
#pragma once

#include <ecid/config.hpp>

#include <string>

namespace ecid::http {

struct Endpoints {
  std::string lookup;  // one query
  std::string batch;   // several
  std::string token;   // OAuth2 token endpoint: token_url, or the register's own
};

// base_url (trailing slashes dropped) joined with the protocol's paths.
Endpoints endpoints_of(const HttpRegisterConfig& config);

}  // namespace ecid::http
