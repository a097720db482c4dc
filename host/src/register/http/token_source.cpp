// OAuth2 client credentials for the register client (token_source.hpp).
#include "token_source.hpp"

#include "json.hpp"
#include "protocol.hpp"

#include <ecid/log.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <strings.h>
#include <thread>

namespace ecid::http {
namespace {

using std::chrono::milliseconds;

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string url_escape(CURL* c, const std::string& s) {
  char* e = curl_easy_escape(c, s.data(), static_cast<int>(s.size()));
  std::string out = e != nullptr ? e : "";
  curl_free(e);
  return out;
}

// The "error" of an OAuth2 error answer, when it is a protocol token (only those are echoed).
std::string oauth_error(const std::string& body) {
  JsonReader in(body);
  std::string key, code;
  if (!in.begin_object()) return {};
  while (in.next_key(key)) {
    if (key == "error" && in.peek() == JsonReader::Type::String) in.read_string(code);
    else in.skip_value();
  }
  return is_wire_token(code) ? code : std::string();
}

}  // namespace

TokenSource::~TokenSource() {
  if (easy_ != nullptr) curl_easy_cleanup(easy_);
}

TokenSource::Token TokenSource::get(Clock::time_point deadline, const std::string& rejected) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  if (!token_.empty() && token_ != rejected && now < refresh_at_) return {true, token_, {}};
  Token fresh = fetch(deadline);
  if (fresh.ok) return fresh;
  // Refreshing early failed but the old token has not expired: keep using it.
  if (!token_.empty() && token_ != rejected && now < expires_at_) return {true, token_, {}};
  return fresh;
}

TokenSource::Token TokenSource::fetch(Clock::time_point deadline) {
  if (easy_ == nullptr) {
    easy_ = curl_easy_init();
    if (easy_ == nullptr) return {false, {}, "cannot create a libcurl handle"};
  }
  CURL* c = easy_;
  std::string basic = "Authorization: Basic " +
                      base64(url_escape(c, cfg_.client_id) + ":" + url_escape(c, cfg_.client_secret));
  std::string last_error;
  bool refused = false;
  for (int attempt = 0; attempt <= cfg_.max_retries; ++attempt) {
    auto now = Clock::now();
    if (attempt > 0) {
      auto wait = backoff(attempt);
      if (now + wait >= deadline) break;
      std::this_thread::sleep_for(wait);
      now = Clock::now();
    }
    if (now >= deadline) break;
    long timeout = std::min<long>(cfg_.timeout_ms, ms_until(deadline, now));
    BodySink body;
    char error[CURL_ERROR_SIZE] = {};
    curl_slist* headers = curl_slist_append(nullptr, basic.c_str());
    headers = curl_slist_append(headers, "Content-Type: application/x-www-form-urlencoded");
    headers = curl_slist_append(headers, "Accept: application/json");
    curl_easy_reset(c);
    apply_common_options(c, cfg_);
    curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "grant_type=client_credentials");
    // Tokens are fetched minutes apart: do not hold a connection (and a server thread) open.
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
      last_error = "token endpoint: " + transport_detail(rc, error, timeout);
      continue;
    }
    if (status == 429 || status >= 500) {
      last_error = "token endpoint answered HTTP " + std::to_string(status);
      continue;
    }
    if (status != 200) {
      std::string code = oauth_error(body.data);
      last_error = "token endpoint refused the client credentials (HTTP " + std::to_string(status) +
                   (code.empty() ? "" : " " + code) + ")";
      refused = true;
      break;  // credentials or configuration: retrying will not help
    }
    std::string why;
    if (parse_token(body.data, why)) return {true, token_, {}};
    last_error = "token endpoint answered an unusable token response: " + why;
  }
  if (last_error.empty()) last_error = "no time left before the deadline to fetch an access token";
  log::warn("cannot obtain a register access token: " + last_error);
  return {false, {}, last_error, !refused};
}

bool TokenSource::parse_token(const std::string& body, std::string& why) {
  JsonReader in(body);
  std::string key, access, type;
  int64_t expires_in = -1;
  if (!in.begin_object()) return (why = "not a JSON object"), false;
  while (in.next_key(key)) {
    if (key == "access_token") in.read_string(access);
    else if (key == "token_type") in.read_string(type);
    else if (key == "expires_in") in.read_int(expires_in);
    else in.skip_value();
  }
  if (in.failed() || !in.at_end()) return (why = "malformed JSON"), false;
  if (access.empty()) return (why = "no access_token"), false;
  if (strcasecmp(type.c_str(), "bearer") != 0) return (why = "token_type is not Bearer"), false;
  if (expires_in == 0 || expires_in < -1) return (why = "expires_in is not positive"), false;
  if (expires_in == -1) expires_in = 60;  // RFC 6749 leaves it optional: assume a short life
  const auto now = Clock::now();
  const milliseconds lifetime(expires_in * 1000);
  // Refresh a fifth of the lifetime (at most a minute) before expiry, so a request never
  // leaves with a token that dies on the way.
  const milliseconds margin = std::min<milliseconds>(lifetime / 5, milliseconds(60000));
  token_ = std::move(access);
  expires_at_ = now + lifetime;
  refresh_at_ = expires_at_ - margin;
  return true;
}

}  // namespace ecid::http
