// The remote population register over HTTP (libcurl), speaking ecid's register protocol v1
// (docs/register-protocol.md). Same batch interface as the embedded register.
//
// What one lookup() call does: splits the requests into up to `concurrency` HTTP requests of
// at most `batch_size` queries each (one query → POST /v1/lookup, several → /v1/lookup/batch),
// runs them concurrently on kept-alive connections, retries failed ones (transport errors,
// 429/5xx, unparseable bodies) at most `max_retries` times with exponential backoff and full
// jitter, gives up at the overall deadline, and fails fast while the circuit breaker is open.
// A late, malformed or incomplete answer becomes UNAVAILABLE or BAD_ANSWER with a detail —
// never NOT_FOUND. lookup() is thread-safe: concurrent callers use separate connection sets.
#pragma once

#include <ecid/config.hpp>
#include <ecid/register.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace ecid {

// One HTTP exchange with the register, as seen by the client (for benchmarks and tests).
struct HttpExchange {
  std::chrono::microseconds latency{0};
  size_t queries = 0;     // queries carried by the request
  long http_status = 0;   // 0 when no HTTP answer arrived
  bool ok = false;        // usable answer
  bool new_connection = false;  // a connection was opened for it (not reused)
};

struct HttpRegisterHooks {
  // Called after every register request (not token requests), from the calling thread.
  std::function<void(const HttpExchange&)> on_exchange;
};

// Checks the configuration (URLs, the https rule, TLS files). Throws std::invalid_argument
// with a message naming the key and the URL. Plain http is allowed only to loopback
// (127.0.0.0/8, ::1, localhost); the proxy, when set, must be a proxy URL.
void validate_http_register_config(const HttpRegisterConfig& config);

// Opens the remote register; nothing is sent until the first lookup. Throws
// std::invalid_argument as validate_http_register_config does.
std::unique_ptr<RegisterBackend> open_http_register(const HttpRegisterConfig& config,
                                                    HttpRegisterHooks hooks = {});

}  // namespace ecid
