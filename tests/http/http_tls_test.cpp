// HTTPS to the mock register: certificates are verified unless the test-only switch is on,
// a private CA is honoured, and mutual TLS works with a client certificate.
#include "http_test_support.hpp"

#include "../support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>

namespace ecid::testing {
namespace {

// A self-signed certificate (its own CA) for IP 127.0.0.1, written as PEM files.
void make_certificate(const std::filesystem::path& cert_file, const std::filesystem::path& key_file,
                      const char* usage) {
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
      {NID_ext_key_usage, usage},
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

class HttpsRegister : public ::testing::Test {
 protected:
  void SetUp() override {
    make_certificate(dir_ / "server.pem", dir_ / "server.key", "serverAuth");
    make_certificate(dir_ / "client.pem", dir_ / "client.key", "clientAuth");
  }
  std::unique_ptr<MockRegisterServer> start(bool mutual) {
    MockRegisterOptions o;
    o.tls_cert_file = (dir_ / "server.pem").string();
    o.tls_key_file = (dir_ / "server.key").string();
    if (mutual) o.tls_client_ca_file = (dir_ / "client.pem").string();
    return start_mock(o);
  }
  LookupResult lookup(const HttpRegisterConfig& c) {
    auto http = open_http_register(c);
    return run(*http, {by_id("001085000101")})[0];
  }
  TempDir dir_;
};

TEST_F(HttpsRegister, VerifiesTheServerAgainstTheConfiguredCa) {
  auto server = start(false);
  ASSERT_EQ(server->base_url().rfind("https://127.0.0.1:", 0), 0u);
  HttpRegisterConfig c = http_config(*server);
  c.max_retries = 0;
  LookupResult unknown_ca = lookup(c);
  EXPECT_EQ(unknown_ca.status, ECID_ANSWER_UNAVAILABLE) << "a certificate from an unknown CA must be refused";
  c.ca_file = (dir_ / "server.pem").string();
  LookupResult trusted = lookup(c);
  EXPECT_EQ(trusted.status, ECID_ANSWER_FOUND) << trusted.detail;
}

TEST_F(HttpsRegister, InsecureSwitchSkipsVerification) {
  auto server = start(false);
  HttpRegisterConfig c = http_config(*server);
  c.insecure_skip_tls_verify = true;
  EXPECT_EQ(lookup(c).status, ECID_ANSWER_FOUND);
}

TEST_F(HttpsRegister, MutualTlsNeedsTheClientCertificate) {
  auto server = start(true);
  HttpRegisterConfig c = http_config(*server);
  c.ca_file = (dir_ / "server.pem").string();
  c.max_retries = 0;
  LookupResult without = lookup(c);
  EXPECT_EQ(without.status, ECID_ANSWER_UNAVAILABLE);
  EXPECT_EQ(server->counters().tokens_issued, 0u);
  c.client_cert = (dir_ / "client.pem").string();
  c.client_key = (dir_ / "client.key").string();
  LookupResult with = lookup(c);
  EXPECT_EQ(with.status, ECID_ANSWER_FOUND) << with.detail;
}

}  // namespace
}  // namespace ecid::testing
