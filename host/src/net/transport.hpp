// The network rules shared by every libcurl handle ecid creates (register lookups, the token
// endpoint, the JWKS) and by the mock register: what counts as loopback, which URLs may be
// used, and how proxies are (not) used. One place, so the register and eID cannot drift apart.
#pragma once

#include <curl/curl.h>

#include <string>
#include <string_view>

namespace ecid::net {

// 127.0.0.0/8, ::1 (bare, bracketed or IPv4-mapped ::ffff:127.x.y.z) and the name localhost,
// which libcurl resolves to loopback itself, without asking DNS. Case-insensitive.
bool is_loopback_host(std::string_view host);

// The host of a URL as libcurl parses it, lower-case, IPv6 without brackets; empty when `url`
// is no URL.
std::string url_host(const std::string& url);

// Refuses (std::invalid_argument, one line naming `key` and the URL) anything but https, or
// plain http to a loopback host: plain http carries tokens, credentials and keys in clear, so
// it may not leave this machine. With `allow_file`, file:// URLs and plain paths (no "://")
// pass too.
void check_url(const std::string& url, std::string_view key, bool allow_file = false);

// Refuses a proxy that is not an http, https, socks5 or socks5h URL with a host. Empty passes.
void check_proxy(const std::string& proxy, std::string_view key);

// `url` without its user name and password, for messages.
std::string displayable_url(const std::string& url);

// The proxy policy: without a configured proxy, none at all (the http_proxy/HTTPS_PROXY/
// ALL_PROXY environment is ignored, so nobody can divert traffic by setting a variable);
// with one, it carries traffic to other hosts only, never to loopback.
void apply_proxy(CURL* handle, const std::string& proxy);

}  // namespace ecid::net
