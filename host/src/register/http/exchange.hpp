// What every HTTP exchange of the register client has in common, whether it fetches a token or
// carries queries: the libcurl options of each handle, the capped answer body, a failed
// transfer in words, and the retry backoff.
#pragma once

#include <ecid/config.hpp>

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <string>

namespace ecid::http {

using Clock = std::chrono::steady_clock;

// A larger answer aborts its transfer.
inline constexpr size_t kMaxAnswerBytes = size_t{64} << 20;

// Whole milliseconds from `now` to `t`, at least 1.
long ms_until(Clock::time_point t, Clock::time_point now);

// Full jitter: uniform in [0, min(cap, base·2^attempt)] (attempt ≥ 1).
std::chrono::milliseconds backoff(int attempt);

// Where a transfer writes its answer (CURLOPT_WRITEDATA): at most kMaxAnswerBytes.
struct BodySink {
  std::string data;
  bool too_big = false;
};

// The options every handle gets after curl_easy_reset: http(s) only, no redirects, the proxy
// policy, kept-alive connections, TLS verification and client certificate, the BodySink writer.
void apply_common_options(CURL* handle, const HttpRegisterConfig& config);

// A transfer that ended without an HTTP answer, in words for a detail.
std::string transport_detail(CURLcode rc, const char* error_buffer, long timeout_ms);

}  // namespace ecid::http
