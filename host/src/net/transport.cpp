#include "net/transport.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cctype>
#include <memory>
#include <strings.h>
#include <stdexcept>

namespace ecid::net {
namespace {

// Never through a proxy: libcurl matches names by suffix and addresses by CIDR (7.86+).
constexpr const char* kLoopbackNoProxy = "localhost,127.0.0.0/8,::1";

struct UrlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using Url = std::unique_ptr<CURLU, UrlFree>;

Url parse(const std::string& text) {
  Url u(curl_url());
  // Any scheme parses (socks5h for proxies; others get a clear "scheme must be" refusal).
  if (u && curl_url_set(u.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) u.reset();
  return u;
}

// One part of a parsed URL; empty when absent.
std::string part(const Url& u, CURLUPart which) {
  char* p = nullptr;
  if (curl_url_get(u.get(), which, &p, 0) != CURLUE_OK) return {};
  std::string s = p;
  curl_free(p);
  return s;
}

[[noreturn]] void refuse(std::string_view key, const std::string& url, const std::string& why) {
  throw std::invalid_argument(std::string(key) + ": '" + displayable_url(url) + "': " + why);
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  std::string h(host);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (strcasecmp(h.c_str(), "localhost") == 0) return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1)
    return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
  return false;
}

std::string url_host(const std::string& url) {
  Url u = parse(url);
  if (!u) return {};
  std::string h = part(u, CURLUPART_HOST);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

std::string displayable_url(const std::string& url) {
  Url u = parse(url);
  if (!u) return url;
  curl_url_set(u.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(u.get(), CURLUPART_PASSWORD, nullptr, 0);
  char* p = nullptr;
  if (curl_url_get(u.get(), CURLUPART_URL, &p, 0) != CURLUE_OK) return url;
  std::string s = p;
  curl_free(p);
  return s;
}

void check_url(const std::string& url, std::string_view key, bool allow_file) {
  if (allow_file && url.find("://") == std::string::npos) return;  // a local path
  Url u = parse(url);
  if (!u) refuse(key, url, "not a URL");
  const std::string scheme = part(u, CURLUPART_SCHEME);  // libcurl lower-cases it
  if (scheme == "https" || (allow_file && scheme == "file")) return;
  if (scheme != "http")
    refuse(key, url, std::string("the scheme must be https") + (allow_file ? " or file" : "") +
                         " (or http to a loopback address), not '" + scheme + "'");
  if (!is_loopback_host(part(u, CURLUPART_HOST)))
    refuse(key, url, "plain http is allowed only to a loopback address (127.0.0.0/8, ::1, localhost); use https");
}

void check_proxy(const std::string& proxy, std::string_view key) {
  if (proxy.empty()) return;
  Url u = parse(proxy);
  const std::string scheme = u ? part(u, CURLUPART_SCHEME) : std::string();
  if (!u || part(u, CURLUPART_HOST).empty() ||
      (scheme != "http" && scheme != "https" && scheme != "socks5" && scheme != "socks5h"))
    refuse(key, proxy, "not a proxy URL (http://, https://, socks5:// or socks5h://HOST:PORT)");
}

void apply_proxy(CURL* handle, const std::string& proxy) {
  // "" disables proxies outright, environment variables included (CURLOPT_PROXY docs).
  curl_easy_setopt(handle, CURLOPT_PROXY, proxy.c_str());
  curl_easy_setopt(handle, CURLOPT_NOPROXY, kLoopbackNoProxy);
}

}  // namespace ecid::net
