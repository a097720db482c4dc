// What every HTTP exchange of the register client has in common (exchange.hpp).
#include "exchange.hpp"

#include "net/transport.hpp"

#include <algorithm>
#include <random>

namespace ecid::http {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kBackoffBase{50};
constexpr milliseconds kBackoffCap{2000};

size_t collect_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  size_t n = size * count;
  if (sink->data.size() + n > kMaxAnswerBytes) {
    sink->too_big = true;
    return 0;  // aborts the transfer
  }
  sink->data.append(data, n);
  return n;
}

std::mt19937_64& jitter_rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

}  // namespace

long ms_until(Clock::time_point t, Clock::time_point now) {
  auto d = std::chrono::duration_cast<milliseconds>(t - now).count();
  return d < 1 ? 1 : static_cast<long>(d);
}

milliseconds backoff(int attempt) {
  long long ceiling = std::min<long long>(kBackoffCap.count(), kBackoffBase.count() << std::min(attempt, 10));
  std::uniform_int_distribution<long long> d(0, ceiling);
  return milliseconds(d(jitter_rng()));
}

void apply_common_options(CURL* c, const HttpRegisterConfig& cfg) {
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a register does not redirect queries
  net::apply_proxy(c, cfg.proxy);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "ecid-register-client/1");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect_body);
  if (cfg.insecure_skip_tls_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  } else {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  }
  if (!cfg.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, cfg.ca_file.c_str());
  if (!cfg.client_cert.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, cfg.client_cert.c_str());
  if (!cfg.client_key.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, cfg.client_key.c_str());
}

std::string transport_detail(CURLcode rc, const char* error_buffer, long timeout_ms) {
  if (rc == CURLE_OPERATION_TIMEDOUT) return "no answer from the register within " + std::to_string(timeout_ms) + " ms";
  std::string text = error_buffer != nullptr && error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
  return "register unreachable: " + text;
}

}  // namespace ecid::http
