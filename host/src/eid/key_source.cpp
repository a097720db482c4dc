// Reading the JWKS: a local file directly, URLs (file://, https://, http:// to loopback) through
// libcurl. The Verifier's constructor has checked the source against net::check_url.
#include "eid/jose.hpp"
#include "net/transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <mutex>

namespace ecid::eid::detail {
namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

struct Body {
  std::string text;
  std::size_t limit = 0;
  bool too_large = false;
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<Body*>(user);
  const std::size_t n = size * count;
  if (body->text.size() + n > body->limit) {
    body->too_large = true;
    return 0;  // aborts the transfer
  }
  body->text.append(data, n);
  return n;
}

struct EasyFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::optional<std::string> fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return std::nullopt;
}

std::optional<std::string> read_file(const std::string& path, std::size_t limit, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(error, "cannot open JWKS file");
  std::string text;
  char buf[8192];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > limit) return fail(error, "JWKS larger than the configured limit");
  }
  if (in.bad()) return fail(error, "cannot read JWKS file");
  return text;
}

std::optional<std::string> read_url(const VerifierConfig& config, std::string* error) {
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

  std::unique_ptr<CURL, EasyFree> curl(curl_easy_init());
  if (!curl) return fail(error, "cannot start libcurl");
  const bool file = starts_with_ci(config.jwks_source, "file://");
  Body body;
  body.limit = config.max_jwks_bytes;
  char curl_error[CURL_ERROR_SIZE] = {};
  std::unique_ptr<curl_slist, SlistFree> headers(curl_slist_append(nullptr, "Accept: application/json"));
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, config.jwks_source.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, file ? "file" : "http,https");
  // Redirects go to https only: plain http is allowed for the configured loopback source (the
  // constructor checked it), never for a host a redirect names, which could be anywhere.
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  net::apply_proxy(c, config.proxy);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(config.fetch_timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.fetch_timeout.count()));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!config.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, config.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(config.max_jwks_bytes));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "ecid-eid/1");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_error);

  const CURLcode rc = curl_easy_perform(c);
  if (body.too_large || rc == CURLE_FILESIZE_EXCEEDED) return fail(error, "JWKS larger than the configured limit");
  if (rc != CURLE_OK)
    return fail(error, std::string("JWKS fetch failed: ") + (curl_error[0] ? curl_error : curl_easy_strerror(rc)));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  const bool http = starts_with_ci(config.jwks_source, "http");
  if (http && status != 200) return fail(error, "JWKS fetch answered HTTP " + std::to_string(status));
  return std::move(body.text);
}

}  // namespace

std::optional<std::string> fetch_jwks_text(const VerifierConfig& config, std::string* error) {
  const std::string& source = config.jwks_source;
  if (starts_with_ci(source, "http://") || starts_with_ci(source, "https://") || starts_with_ci(source, "file://"))
    return read_url(config, error);
  if (source.find("://") != std::string::npos) return fail(error, "JWKS source scheme not supported");
  return read_file(source, config.max_jwks_bytes, error);
}

}  // namespace ecid::eid::detail
