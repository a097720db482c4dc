// Issue 21, the network: what ecid trusts on the wire. Each test replays an attack on the old
// defaults with real components on loopback — the mock register, a JWKS server, a fake proxy,
// the ecid-mock-register binary — and sends nothing to any other address: `.invalid` hosts are
// either refused before any I/O or reached only through the fake proxy, which never resolves them.
#include "../eid/eid_test_support.hpp"
#include "../eid/jwks_server.hpp"
#include "../http/http_test_support.hpp"

#include <ecid/config.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

extern char** environ;

namespace ecid::security {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Polls `done` every 10 ms until it holds or `limit` passes.
template <class Condition>
bool eventually(Condition done, std::chrono::milliseconds limit = 5000ms) {
  for (auto end = Clock::now() + limit; Clock::now() < end; std::this_thread::sleep_for(10ms))
    if (done()) return true;
  return done();
}

// A "proxy" on 127.0.0.1 that proxies nothing: it notes the first line of every connection (a
// CONNECT, or an absolute-URI request for plain http), then hangs up, so the client fails fast.
class FakeProxy {
 public:
  FakeProxy() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("cannot listen on a loopback port");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeProxy() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_.load(); }
  std::vector<std::string> first_lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      ++connections_;
      std::string line = first_line(c);
      ::close(c);
      std::lock_guard lock(mutex_);
      lines_.push_back(std::move(line));
    }
  }
  static std::string first_line(int c) {
    std::string got;
    char buf[512];
    for (auto end = Clock::now() + 2s; got.find("\r\n") == std::string::npos && got.size() < 4096 && Clock::now() < end;) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    return got.substr(0, got.find("\r\n"));
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
  std::thread thread_;
};

// Every proxy variable libcurl reads points at `proxy` (and no_proxy is cleared), as on a host
// whose environment an attacker, or a well-meaning administrator, set; restored afterwards.
class ProxyEnvironment {
 public:
  explicit ProxyEnvironment(const std::string& proxy) {
    for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
      set(name, proxy.c_str());
    for (const char* name : {"no_proxy", "NO_PROXY"}) set(name, nullptr);
  }
  ~ProxyEnvironment() {
    for (const auto& [name, value] : saved_)
      value ? ::setenv(name.c_str(), value->c_str(), 1) : ::unsetenv(name.c_str());
  }

 private:
  void set(const char* name, const char* value) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    value ? ::setenv(name, value, 1) : ::unsetenv(name);
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// --- item 5: where the JWKS may come from -------------------------------------------------

TEST(JwksSource, PlainHttpFromAnotherHostIsRefusedBeforeAnyFetch) {
  // Constructing the verifier fetches nothing; the refusal must come there, not at first use.
  const std::pair<std::string, std::string> refused[] = {
      {"http://jwks.invalid/certs", "http://jwks.invalid/certs"},
      {"HTTP://JWKS.INVALID:8080/certs", "JWKS.INVALID:8080/certs"},
      {"http://127.0.0.1.jwks.invalid/certs", "http://127.0.0.1.jwks.invalid/certs"},
      {"http://localhost.jwks.invalid/certs", "http://localhost.jwks.invalid/certs"},
      {"ftp://127.0.0.1/certs", "ftp://127.0.0.1/certs"}};
  for (const auto& [url, shown] : refused) {
    try {
      eid::Verifier v(eid::testing::config_for(url));
      ADD_FAILURE() << "accepted " << url;
    } catch (const eid::EidError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("jwks_source: '"), std::string::npos) << what;
      EXPECT_NE(what.find(shown), std::string::npos) << "the message names the URL: " << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
  // The configuration says so too, with the key and the line.
  const std::string yaml = "register:\n  path: r.db\neid:\n  issuer: https://sso.example.test/\n  client_id: c\n"
                           "  jwks: http://jwks.invalid/certs\naudit:\n  enabled: false\n";
  try {
    parse_config(yaml, "/tmp", "ecid.yaml");
    ADD_FAILURE() << "a plain-http JWKS from another host was configured";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("ecid.yaml:6: eid.jwks: 'http://jwks.invalid/certs'"), std::string::npos) << what;
  }
}

TEST(JwksSource, LoopbackHttpHttpsAndFilesStillWork) {
  for (const std::string url : {"https://sso.example.test/certs", "http://127.0.0.2:9/certs", "http://[::1]:9/certs",
                                "http://localhost:9/certs", "file:///etc/ecid/jwks.json", "/etc/ecid/jwks.json"})
    EXPECT_NO_THROW(eid::Verifier(eid::testing::config_for(url))) << url;  // nothing fetched yet

  eid::testing::JwksServer server(std::make_unique<httplib::Server>());
  server.serve(eid::jwks_json(std::vector{eid::testing::cached_key(eid::Algorithm::ES256, "net-es")}));
  eid::Verifier v(eid::testing::config_for(server.url()));
  std::string error;
  EXPECT_TRUE(v.refresh_keys(&error)) << error;
  EXPECT_EQ(server.requests(), 1);
}

TEST(JwksSource, RedirectsNeverLeadToPlainHttp) {
  // The loopback source may be plain http; where it redirects to may not (it could be anywhere).
  eid::testing::JwksServer real(std::make_unique<httplib::Server>());
  real.serve(eid::jwks_json(std::vector{eid::testing::cached_key(eid::Algorithm::ES256, "net-es")}));
  eid::testing::JwksServer redirecting(std::make_unique<httplib::Server>());
  redirecting.redirect(real.url());
  eid::Verifier v(eid::testing::config_for(redirecting.url()));
  std::string error;
  EXPECT_FALSE(v.refresh_keys(&error));
  EXPECT_EQ(redirecting.requests(), 1);
  EXPECT_EQ(real.requests(), 0) << "followed a redirect to plain http";
}

// --- item 10: proxies ----------------------------------------------------------------------

// The environment points every proxy variable at `env_proxy_`; `configured_proxy_` is the one a
// configuration may name. Neither may see loopback traffic.
class Proxies : public ::testing::Test {
 protected:
  Proxies() : environment_(env_proxy_.url()) {}
  void TearDown() override { EXPECT_EQ(env_proxy_.connections(), 0) << "the http_proxy environment was used"; }

  static HttpRegisterConfig fast(HttpRegisterConfig c) {
    c.max_retries = 0;
    c.timeout_ms = 2000;
    c.deadline_ms = 3000;
    return c;
  }
  static eid::VerifierConfig jwks_config(const std::string& url) {
    eid::VerifierConfig c = eid::testing::config_for(url);
    c.fetch_timeout = 2000ms;
    return c;
  }

  FakeProxy env_proxy_;
  FakeProxy configured_proxy_;
  ProxyEnvironment environment_;
};

TEST_F(Proxies, LoopbackRegisterQueriesWithCredentialsBypassTheEnvironmentsProxy) {
  auto server = testing::start_mock();
  auto client = open_http_register(fast(testing::http_config(*server)));
  std::vector<LookupRequest> requests;
  for (const auto& id : testing::existing_ids(3, 21)) requests.push_back(testing::by_id(id));
  for (const LookupResult& r : testing::run(*client, requests))
    EXPECT_EQ(r.status, ECID_ANSWER_FOUND) << r.detail;
  EXPECT_GE(server->counters().tokens_issued, 1u) << "the client credentials went to the register itself";
}

TEST_F(Proxies, LoopbackJwksBypassesTheEnvironmentsProxy) {
  eid::testing::JwksServer server(std::make_unique<httplib::Server>());
  server.serve(eid::jwks_json(std::vector{eid::testing::cached_key(eid::Algorithm::ES256, "net-es")}));
  eid::Verifier v(jwks_config(server.url()));
  std::string error;
  EXPECT_TRUE(v.refresh_keys(&error)) << error;
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(Proxies, AConfiguredProxyCarriesRemoteRegisterTrafficButNeverLoopback) {
  auto server = testing::start_mock();
  HttpRegisterConfig local = fast(testing::http_config(*server));
  local.proxy = configured_proxy_.url();
  auto client = open_http_register(local);
  const std::string id = testing::existing_ids(1, 22).front();
  EXPECT_EQ(testing::run(*client, {testing::by_id(id)}).front().status, ECID_ANSWER_FOUND);
  EXPECT_EQ(configured_proxy_.connections(), 0) << "loopback traffic went through the configured proxy";

  HttpRegisterConfig remote = local;
  remote.base_url = "https://register.invalid";
  auto remote_client = open_http_register(remote);
  const LookupResult r = testing::run(*remote_client, {testing::by_id(id)}).front();
  EXPECT_EQ(r.status, ECID_ANSWER_UNAVAILABLE) << r.detail;
  ASSERT_TRUE(eventually([&] { return !configured_proxy_.first_lines().empty(); }));
  EXPECT_EQ(configured_proxy_.first_lines().front(), "CONNECT register.invalid:443 HTTP/1.1");
}

TEST_F(Proxies, AConfiguredProxyCarriesAnHttpsJwksFetch) {
  eid::VerifierConfig c = jwks_config("https://jwks.invalid/certs");
  c.proxy = configured_proxy_.url();
  eid::Verifier v(c);
  EXPECT_FALSE(v.refresh_keys());
  ASSERT_TRUE(eventually([&] { return !configured_proxy_.first_lines().empty(); }));
  EXPECT_EQ(configured_proxy_.first_lines().front(), "CONNECT jwks.invalid:443 HTTP/1.1");
}

TEST(ProxyConfiguration, KeysAreReadAndBadProxiesRefused) {
  const std::string yaml = "register:\n  backend: http\n  http:\n    base_url: https://register.example.test\n"
                           "    proxy: http://proxy.example.test:3128\n"
                           "eid:\n  issuer: https://sso.example.test/\n  client_id: c\n"
                           "  jwks: https://sso.example.test/certs\n  proxy: socks5h://127.0.0.1:1080\n"
                           "audit:\n  enabled: false\n";
  const Config c = parse_config(yaml, "/tmp", "ecid.yaml");
  EXPECT_EQ(c.population.http.proxy, "http://proxy.example.test:3128");
  EXPECT_EQ(c.eid.proxy, "socks5h://127.0.0.1:1080");
  EXPECT_EQ(eid::verifier_config_from(c).proxy, c.eid.proxy);

  HttpRegisterConfig h = c.population.http;
  h.proxy = "proxy.example.test:3128";  // no scheme: libcurl would guess
  EXPECT_THROW(validate_http_register_config(h), std::invalid_argument);
  try {
    std::string ftp = yaml;
    ftp.replace(ftp.find("socks5h://127.0.0.1:1080"), 24, "ftp://127.0.0.1:21");
    parse_config(ftp, "/tmp", "ecid.yaml");
    ADD_FAILURE() << "an ftp proxy was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("ecid.yaml:10: eid.proxy"), std::string::npos) << e.what();
  }
}

// --- item 11: the mock register off loopback ------------------------------------------------

struct Exit {
  std::optional<int> code;  // nullopt: still running after the limit (then killed)
  std::string first_stdout_line, stderr_text;
};

// Runs ecid-mock-register on the test register with `args`, ECID_MOCK_CLIENT_SECRET set to
// `env_secret` (or unset). Stops it with SIGTERM once it printed its ready line.
Exit run_mock_register(std::vector<std::string> args, const char* env_secret = nullptr) {
  const std::string exe = std::string(ECID_BINARY_DIR) + "/bin/ecid-mock-register";
  args.insert(args.begin(), {exe, "--register", testing::register_path(), "--port", "0"});
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e)
    if (std::string_view(*e).rfind("ECID_MOCK_CLIENT_SECRET=", 0) != 0) env.emplace_back(*e);
  if (env_secret) env.push_back(std::string("ECID_MOCK_CLIENT_SECRET=") + env_secret);
  auto pointers = [](std::vector<std::string>& v) {
    std::vector<char*> p;
    for (auto& s : v) p.push_back(s.data());
    p.push_back(nullptr);
    return p;
  };
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  pid_t pid = 0;
  auto argv = pointers(args);
  auto envp = pointers(env);
  const int spawned = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err[1]);
  if (spawned != 0) throw std::runtime_error("cannot run " + exe);

  Exit result;
  int status = 0;
  std::string stdout_text;
  char buf[4096];
  auto drain = [&](int fd, std::string& into) {
    for (pollfd p{fd, POLLIN, 0}; ::poll(&p, 1, 0) > 0;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      into.append(buf, static_cast<size_t>(n));
    }
  };
  bool stopping = false;
  bool exited = eventually([&] {
    drain(out[0], stdout_text);
    drain(err[0], result.stderr_text);
    if (!stopping && stdout_text.find('\n') != std::string::npos) stopping = ::kill(pid, SIGTERM) == 0;  // ready
    return ::waitpid(pid, &status, WNOHANG) == pid;
  });
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  } else if (WIFEXITED(status)) {
    result.code = WEXITSTATUS(status);
  }
  drain(err[0], result.stderr_text);
  result.first_stdout_line = stdout_text.substr(0, stdout_text.find('\n'));
  ::close(out[0]);
  ::close(err[0]);
  return result;
}

TEST(MockRegisterExposure, AnyAddressWithTheDefaultSecretIsRefused) {
  const Exit e = run_mock_register({"--host", "0.0.0.0"});
  ASSERT_TRUE(e.code.has_value()) << "still serving the public default secret on 0.0.0.0";
  EXPECT_EQ(*e.code, 2);
  EXPECT_EQ(e.first_stdout_line, "");
  EXPECT_NE(e.stderr_text.find("0.0.0.0 is not a loopback address"), std::string::npos) << e.stderr_text;
  EXPECT_NE(e.stderr_text.find("--client-secret"), std::string::npos) << e.stderr_text;
  EXPECT_EQ(std::count(e.stderr_text.begin(), e.stderr_text.end(), '\n'), 1) << "one line: " << e.stderr_text;
}

TEST(MockRegisterExposure, AnyAddressWithAnOwnSecretStarts) {
  for (const auto& [args, env_secret] : {std::pair<std::vector<std::string>, const char*>{
                                             {"--host", "0.0.0.0", "--client-secret", "not-the-default"}, nullptr},
                                         {{"--host", "0.0.0.0"}, "not-the-default-either"}}) {
    const Exit e = run_mock_register(args, env_secret);
    EXPECT_EQ(e.first_stdout_line.rfind("listening on 0.0.0.0:", 0), 0u) << e.first_stdout_line << e.stderr_text;
    EXPECT_EQ(e.code, 0) << e.stderr_text;
    EXPECT_EQ(e.stderr_text.find("not-the-default"), std::string::npos) << "the secret was printed";
  }
}

}  // namespace
}  // namespace ecid::security
