// A real HTTP register server on loopback for tests, samples and benchmarks: it serves a
// register file made by `ecid register seed` over ecid's register protocol v1
// (docs/register-protocol.md), answering through the embedded backend so both backends give
// the same answers. It issues and requires its own OAuth2 client-credentials tokens and can
// inject faults (latency, 5xx, connection resets, malformed bodies, a slow token endpoint).
//
// Runs in-process on its own threads (tests, benchmarks) or as the ecid-mock-register
// executable. A process serving it must ignore SIGPIPE, or a client that hangs up (and every
// injected reset) kills it: cpp-httplib writes without MSG_NOSIGNAL. The library leaves the
// process's signal dispositions to its owner: ecid-mock-register's main and the test fixtures.
#pragma once

#include <ecid/register.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace ecid {

struct MockFaults {
  int latency_ms = 0;         // added before every register answer
  double error_rate = 0;      // share of register requests answered 503
  double reset_rate = 0;      // share of register requests whose connection is reset (TCP RST)
  double malformed_rate = 0;  // share answered 200 with an unusable body or answer
  double throttle_rate = 0;   // share answered 429 rate_limited with Retry-After: retry_after_s
  int retry_after_s = 1;
  int token_latency_ms = 0;   // added before every token answer
};

struct MockCounters {
  uint64_t register_requests = 0;  // POST /v1/lookup and /v1/lookup/batch, faulted ones included
  uint64_t queries = 0;            // queries answered (not counting faulted requests)
  uint64_t token_requests = 0;
  uint64_t tokens_issued = 0;
  uint64_t unauthorized = 0;       // register requests refused with 401
  uint64_t injected_errors = 0;
  uint64_t injected_resets = 0;
  uint64_t injected_malformed = 0;
  uint64_t injected_throttles = 0;
  uint64_t health_requests = 0;
};

struct MockRegisterOptions {
  std::string register_path;  // required unless a backend is given
  std::string host = "127.0.0.1";
  int port = 0;  // 0: the kernel picks one; see port()
  bool require_token = true;
  std::string client_id = "ecid-dev";
  std::string client_secret = "ecid-dev-secret";
  int token_lifetime_s = 300;
  bool admin = true;  // /admin/faults, /admin/counters, /admin/revoke-tokens (loopback callers only)
  int threads = 128;  // one per kept-alive connection: size it above the clients' concurrency
  // HTTPS when both are set; mutual TLS when a client CA is set too.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  uint64_t fault_seed = 1;
  MockFaults faults;
};

// Why these options must not be served, or "" when they may: tokens required on an address
// other than loopback with the default client secret, which anyone can read here.
std::string unsafe_mock_exposure(const MockRegisterOptions& options);

class MockRegisterServer {
 public:
  // Opens options.register_path with open_embedded_register (throws std::runtime_error).
  explicit MockRegisterServer(MockRegisterOptions options);
  // Serves any backend (tests may wrap one).
  MockRegisterServer(MockRegisterOptions options, std::shared_ptr<RegisterBackend> backend);
  ~MockRegisterServer();
  MockRegisterServer(const MockRegisterServer&) = delete;
  MockRegisterServer& operator=(const MockRegisterServer&) = delete;

  // Binds and serves on a background thread; returns the port. Throws std::runtime_error
  // when the options are unsafe (unsafe_mock_exposure), the address cannot be bound or the
  // TLS files cannot be loaded.
  int start();
  // Stops accepting, closes connections and joins the threads. Idempotent.
  void stop();
  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:43121" (https with TLS)

  void set_faults(const MockFaults& faults);
  MockFaults faults() const;
  MockCounters counters() const;
  void reset_counters();
  // Forgets every issued token: the next register request with one gets 401.
  void revoke_tokens();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecid
