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

}  // namespace
}  // namespace ecid::security
