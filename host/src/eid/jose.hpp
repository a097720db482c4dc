// Private JOSE building blocks of the eid module: OpenSSL handles, JWK import/export,
// JWS signing and verification, and reading a JWKS source.
#pragma once

#include <ecid/eid.hpp>

#include <openssl/evp.h>

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecid::eid::detail {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
// Keys are shared between the cache and verifications in flight.
using SharedPkey = std::shared_ptr<EVP_PKEY>;
SharedPkey share(PkeyPtr key);

// The OpenSSL error queue as one line (and clears it).
std::string openssl_errors();

enum class KeyType { Rsa, EcP256 };

// Verification contexts prepared once per key and algorithm: EVP_DigestVerifyInit costs
// about as much as a fifth of an RSA-2048 verification, copying a prepared context a
// twentieth of that. Shared by every verification with the key.
class PreparedVerification {
 public:
  explicit PreparedVerification(SharedPkey key) : key_(std::move(key)) {}
  ~PreparedVerification();
  PreparedVerification(const PreparedVerification&) = delete;
  PreparedVerification& operator=(const PreparedVerification&) = delete;

  // A fresh context ready for EVP_DigestVerify with `alg`; nullptr on failure. Caller frees.
  EVP_MD_CTX* context(Algorithm alg);
  EVP_PKEY* key() const { return key_.get(); }

 private:
  SharedPkey key_;
  std::mutex mutex_;  // the templates are only read by copies, but created lazily
  std::array<EVP_MD_CTX*, 3> templates_{};  // by Algorithm
};

// A public key taken from a JWKS.
struct VerificationKey {
  std::string kid;                 // empty when the JWK has none
  KeyType type = KeyType::Rsa;
  std::optional<Algorithm> alg;    // the JWK's "alg", when stated
  std::shared_ptr<PreparedVerification> verification;
};

// Can `key` check a signature made with `alg`? (type fits, and the JWK's alg if stated)
bool key_fits(const VerificationKey& key, Algorithm alg);

struct ParsedJwks {
  std::vector<VerificationKey> keys;
  std::size_t skipped = 0;  // JWKs ignored: other use, unsupported type, weak, duplicate kid
};
// nullopt with *error set when the text is not a JWKS at all.
std::optional<ParsedJwks> parse_jwks(std::string_view json, std::string* error);

// One JWK (RSA or P-256 public key) → key; nullopt if unusable.
PkeyPtr rsa_public_key(std::string_view n, std::string_view e);
PkeyPtr ec_p256_public_key(std::string_view x, std::string_view y);

// The public JWK members of a key (kty and n/e or crv/x/y), as ordered JSON text fragments.
struct JwkPublicParts {
  KeyType type = KeyType::Rsa;
  std::string n, e;  // RSA, big-endian bytes
  std::string x, y;  // EC, 32 bytes each
};
JwkPublicParts public_parts(EVP_PKEY* key);

// Verifies a JWS signature as sent in the token (ES256: raw r||s). Thread-safe.
bool verify_jws_signature(PreparedVerification& key, Algorithm alg, std::string_view signing_input,
                          std::string_view signature);
// Signs; ES256 gives raw r||s unless `der` is asked for. Throws EidError.
std::string sign_jws_signature(EVP_PKEY* key, Algorithm alg, std::string_view signing_input,
                               bool der = false);
// ECDSA P-256 signature forms; nullopt when the input is not of the expected form.
std::optional<std::string> ecdsa_raw_to_der(std::string_view raw);
std::optional<std::string> ecdsa_der_to_raw(std::string_view der);

// Reads the JWKS text from a file path, file:// or http(s):// URL. nullopt with *error set.
std::optional<std::string> fetch_jwks_text(const VerifierConfig& config, std::string* error);

}  // namespace ecid::eid::detail
