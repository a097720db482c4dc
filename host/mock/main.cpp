// ecid-mock-register: serves a register file made by `ecid register seed` over ecid's register
// protocol v1 on loopback, for samples, manual tests and benchmarks. Another address needs a
// client secret of the operator's own (exit 2 otherwise). The first line on stdout
// is "listening on HOST:PORT"; SIGINT or SIGTERM stops it cleanly.
#include <ecid/mock_register.hpp>

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  ecid::MockRegisterOptions o;
  CLI::App app{"ecid-mock-register: a mock population register server (ecid register protocol v1)"};
  app.add_option("--register", o.register_path, "register file made by `ecid register seed`")->required();
  app.add_option("--host", o.host, "address to listen on (loopback by default)")->capture_default_str();
  app.add_option("--port", o.port, "port; 0 lets the kernel pick one (printed on the first line)")
      ->capture_default_str()->check(CLI::Range(0, 65535));
  app.add_option("--client-id", o.client_id, "OAuth2 client id accepted by /oauth2/token")->capture_default_str();
  app.add_option("--client-secret", o.client_secret,
                 "its secret (or set ECID_MOCK_CLIENT_SECRET; never printed)");
  app.add_option("--token-lifetime", o.token_lifetime_s, "token lifetime in seconds")
      ->capture_default_str()->check(CLI::Range(1, 86400));
  bool no_auth = false, no_admin = false;
  app.add_flag("--no-auth", no_auth, "serve register requests without a token");
  app.add_flag("--no-admin", no_admin, "disable /admin/faults, /admin/counters, /admin/revoke-tokens");
  app.add_option("--threads", o.threads, "server threads (one per kept-alive connection)")
      ->capture_default_str()->check(CLI::Range(4, 4096));
  app.add_option("--tls-cert", o.tls_cert_file, "serve HTTPS with this PEM certificate");
  app.add_option("--tls-key", o.tls_key_file, "its PEM private key");
  app.add_option("--tls-client-ca", o.tls_client_ca_file, "require client certificates signed by this CA (mutual TLS)");
  auto& f = o.faults;
  app.add_option("--latency-ms", f.latency_ms, "fault: added latency per register request")->check(CLI::Range(0, 600000));
  app.add_option("--error-rate", f.error_rate, "fault: share of register requests answered 503")->check(CLI::Range(0.0, 1.0));
  app.add_option("--reset-rate", f.reset_rate, "fault: share of connections reset")->check(CLI::Range(0.0, 1.0));
  app.add_option("--malformed-rate", f.malformed_rate, "fault: share of malformed answers")->check(CLI::Range(0.0, 1.0));
  app.add_option("--token-latency-ms", f.token_latency_ms, "fault: added latency per token request")
      ->check(CLI::Range(0, 600000));
  app.add_option("--throttle-rate", f.throttle_rate, "fault: share of register requests answered 429 with Retry-After")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--retry-after-s", f.retry_after_s, "the Retry-After seconds of throttled answers")
      ->capture_default_str()->check(CLI::Range(0, 86400));
  app.add_option("--fault-seed", o.fault_seed, "seed of the fault draws")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  o.require_token = !no_auth;
  o.admin = !no_admin;
  if (app.count("--client-secret") == 0)
    if (const char* s = std::getenv("ECID_MOCK_CLIENT_SECRET"); s && *s) o.client_secret = s;
  if (std::string why = ecid::unsafe_mock_exposure(o); !why.empty()) {
    std::cerr << "ecid-mock-register: " << why << std::endl;
    return 2;  // bad configuration, as in ecid's exit codes
  }

  // A client that hangs up must not kill the server (cpp-httplib writes without MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  // Block the stop signals before any thread starts, so only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  try {
    ecid::MockRegisterServer server(o);
    int port = server.start();
    std::string host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
    std::cout << "listening on " << host << ":" << port << std::endl;
    std::cerr << "ecid-mock-register: " << server.base_url() << (o.require_token ? " (OAuth2 client '" + o.client_id + "')" : " (no auth)")
              << "; stop with Ctrl-C" << std::endl;
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.stop();
    ecid::MockCounters c = server.counters();
    std::cerr << "ecid-mock-register: stopped; " << c.register_requests << " register requests, " << c.queries
              << " queries, " << c.tokens_issued << " tokens issued" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "ecid-mock-register: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
