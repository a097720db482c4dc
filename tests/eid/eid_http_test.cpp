// The JWKS fetched from real servers on loopback (plain HTTP and HTTPS with a certificate
// made here), through the verifier's libcurl path.
#include "eid_test_support.hpp"
#include "jwks_server.hpp"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

namespace ecid::eid::testing {
namespace {

// A self-signed certificate for IP 127.0.0.1, written as PEM files for the TLS server.
void make_certificate(const std::filesystem::path& cert_file, const std::filesystem::path& key_file) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  const std::pair<int, const char*> extensions[] = {
      {NID_basic_constraints, "critical,CA:TRUE"},
      {NID_key_usage, "critical,digitalSignature,keyCertSign"},
      {NID_ext_key_usage, "serverAuth"},
      {NID_subject_key_identifier, "hash"},
      {NID_subject_alt_name, "IP:127.0.0.1"},
  };
  for (const auto& [nid, value] : extensions) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    ASSERT_NE(ext, nullptr) << value;
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  FILE* f = std::fopen(cert_file.c_str(), "w");
  PEM_write_X509(f, cert);
  std::fclose(f);
  f = std::fopen(key_file.c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
}

class EidHttpJwks : public ::testing::Test {
 protected:
  EidHttpJwks() : rng_(std::random_device{}()), clock_(std::chrono::system_clock::now()) { person_ = make_person(rng_); }

  static void SetUpTestSuite() {
    first_ = new SigningKey(cached_key(Algorithm::RS256, "http-first"));
    second_ = new SigningKey(cached_key(Algorithm::ES256, "http-second"));
  }
  static void TearDownTestSuite() {
    delete first_;
    delete second_;
  }
  static std::string jwks(std::vector<SigningKey> keys) { return jwks_json(keys); }

  std::unique_ptr<Verifier> verifier(const std::string& url, std::string ca_file = {}) {
    auto config = config_for(url);
    config.ca_file = std::move(ca_file);
    config.fetch_timeout = std::chrono::milliseconds(3000);
    return std::make_unique<Verifier>(config, clock_.as_clock());
  }
  std::string token(const SigningKey& key) { return mint_token(key, request_for(person_, clock_.now())); }
  ExpectedParty party() const { return ExpectedParty{person_.personal_id, 2, {}, 0}; }

  static inline SigningKey* first_ = nullptr;
  static inline SigningKey* second_ = nullptr;
  std::mt19937 rng_;
  FakeClock clock_;
  Person person_;
};

TEST_F(EidHttpJwks, JwksServedOverHttpOnLoopbackVerifiesAndRotates) {
  JwksServer server(std::make_unique<httplib::Server>());
  server.serve(jwks({*first_}));
  auto v = verifier(server.url());

  auto c = v->verify_for_party(token(*first_), party());
  EXPECT_EQ(c.verdict, Verdict::Verified) << c.reason;
  EXPECT_EQ(server.requests(), 1);
  c = v->verify_for_party(token(*first_), party());  // warm cache: no request
  EXPECT_EQ(c.verdict, Verdict::Verified) << c.reason;
  EXPECT_EQ(server.requests(), 1);

  server.serve(jwks({*first_, *second_}));
  c = v->verify_for_party(token(*second_), party());
  EXPECT_EQ(c.verdict, Verdict::Verified) << c.reason;
  EXPECT_EQ(server.requests(), 2);

  auto r = request_for(person_, clock_.now());
  r.kid = "never-published";
  c = v->verify_for_party(mint_token(*first_, r), party());
  EXPECT_EQ(c.verdict, Verdict::UnknownKey) << c.reason;
  EXPECT_EQ(server.requests(), 2);  // within the cooldown of the rotation refetch
  EXPECT_EQ(v->key_stats().fetches, 2u);
}

TEST_F(EidHttpJwks, ServerErrorIsKeysUnavailable) {
  JwksServer server(std::make_unique<httplib::Server>());
  server.serve("{\"error\":\"down\"}", 500);
  auto v = verifier(server.url());
  const auto c = v->verify_for_party(token(*first_), party());
  EXPECT_EQ(c.verdict, Verdict::KeysUnavailable) << c.reason;
  EXPECT_NE(c.reason.find("HTTP 500"), std::string::npos) << c.reason;
  EXPECT_EQ(server.requests(), 1);

  // Recovery is picked up once the cooldown has passed, not before.
  server.serve(jwks({*first_}));
  EXPECT_EQ(v->verify_for_party(token(*first_), party()).verdict, Verdict::KeysUnavailable);
  EXPECT_EQ(server.requests(), 1);
  clock_.advance(61s);
  const auto later = v->verify_for_party(token(*first_), party());
  EXPECT_EQ(later.verdict, Verdict::Verified) << later.reason;
  EXPECT_EQ(server.requests(), 2);
}

TEST_F(EidHttpJwks, UnknownKidWhileTheIssuerIsDownIsKeysUnavailable) {
  JwksServer server(std::make_unique<httplib::Server>());
  server.serve(jwks({*first_}));
  auto v = verifier(server.url());
  ASSERT_TRUE(v->refresh_keys());
  server.serve("", 503);
  // The kid may exist in a rotated set we cannot read: not a rejection of the token.
  EXPECT_EQ(v->verify_for_party(token(*second_), party()).verdict, Verdict::KeysUnavailable);
  EXPECT_EQ(server.requests(), 2);
  // Known keys keep working meanwhile; the next unknown kid waits for the cooldown.
  EXPECT_EQ(v->verify_for_party(token(*first_), party()).verdict, Verdict::Verified);
  EXPECT_EQ(v->verify_for_party(token(*second_), party()).verdict, Verdict::UnknownKey);
  EXPECT_EQ(server.requests(), 2);
}

TEST_F(EidHttpJwks, OversizedJwksIsRefused) {
  JwksServer server(std::make_unique<httplib::Server>());
  server.serve(jwks({*first_}) + std::string(5000, ' '));
  auto config = config_for(server.url());
  config.max_jwks_bytes = 2000;
  Verifier v(config, clock_.as_clock());
  std::string error;
  EXPECT_FALSE(v.refresh_keys(&error));
  EXPECT_NE(error.find("limit"), std::string::npos) << error;
}

TEST_F(EidHttpJwks, ClosedPortIsKeysUnavailable) {
  // A port the kernel handed out and that is closed again: nothing listens there.
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);
  ::close(probe);
  auto v = verifier("http://127.0.0.1:" + std::to_string(port) + "/jwks.json");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(v->verify_for_party(token(*first_), party()).verdict, Verdict::KeysUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);  // refused at once, not timed out
}

TEST_F(EidHttpJwks, HttpsVerifiesTheServerCertificate) {
  TempDir dir;
  make_certificate(dir / "cert.pem", dir / "key.pem");
  JwksServer server(std::make_unique<httplib::SSLServer>((dir / "cert.pem").c_str(), (dir / "key.pem").c_str()));
  server.serve(jwks({*first_}));

  // Not signed by a CA we trust: refused.
  auto untrusting = verifier(server.url("https"));
  std::string error;
  EXPECT_FALSE(untrusting->refresh_keys(&error));
  EXPECT_NE(error.find("certificate"), std::string::npos) << error;
  EXPECT_EQ(untrusting->verify_for_party(token(*first_), party()).verdict, Verdict::KeysUnavailable);

  // Trusted through the configured CA file: accepted.
  auto trusting = verifier(server.url("https"), (dir / "cert.pem").string());
  const auto c = trusting->verify_for_party(token(*first_), party());
  EXPECT_EQ(c.verdict, Verdict::Verified) << c.reason;
}

TEST_F(EidHttpJwks, FileUrlIsReadThroughLibcurl) {
  TempDir dir;
  const std::vector<SigningKey> keys{*second_};
  write_jwks(dir / "jwks.json", keys);
  auto v = verifier("file://" + (dir / "jwks.json").string());
  const auto c = v->verify_for_party(token(*second_), party());
  EXPECT_EQ(c.verdict, Verdict::Verified) << c.reason;
  EXPECT_THROW(verifier("ftp://127.0.0.1/jwks.json"), EidError);  // https, file or loopback http only
}

}  // namespace
}  // namespace ecid::eid::testing
