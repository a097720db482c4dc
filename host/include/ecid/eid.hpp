// Electronic identity: verification of VNeID-style OpenID Connect ID tokens (compact JWS),
// binding a verified token to a party of a document, and a mock issuer for tests, samples
// and operators. See docs/eid.md.
//
// Only RS256, PS256 and ES256 can ever be accepted; `none`, HMAC and everything else are
// refused whatever the configuration says. Keys come only from the configured JWKS source,
// never from the token (jku, x5u, jwk headers are ignored).
#pragma once

#include <ecid/date.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ecid::eid {

// Thrown by the issuer side (key generation, key files, minting) and by Verifier's
// constructor for a configuration that cannot work. Verification itself never throws.
class EidError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Algorithm { RS256, PS256, ES256 };
std::string_view algorithm_name(Algorithm alg);  // "RS256", …
// Exact JOSE name of a supported algorithm; nullopt for anything else ("none", "HS256", …).
std::optional<Algorithm> parse_algorithm(std::string_view name);

// Assurance established by a login. Decree 69/2024: account level 1 (self-registered) or
// 2 (registered in person with biometrics); authentication level 1–4. 0 = not stated.
struct AssuranceLevel {
  int account = 0;
  int authentication = 0;
  bool operator==(const AssuranceLevel&) const = default;
};

// One `acr` value the issuer sends and the assurance it stands for.
struct AcrLevel {
  std::string acr;
  AssuranceLevel level;
};

// urn:vn:vneid:account:1 → {1,0}, urn:vn:vneid:account:2 → {2,0},
// urn:vn:vneid:auth:1..3 → {1,n} (any VNeID account is at least level 1),
// urn:vn:vneid:auth:4 → {2,4} (level 4 requires a level-2 account holder).
// Keycloak-style issuers sending "1"/"2" are configured explicitly (see docs/eid.md).
std::vector<AcrLevel> default_acr_levels();

// The first acr in `levels` mapped exactly to {account_level, authentication_level};
// nullopt if there is none. For minting tokens of a given level.
std::optional<std::string> acr_for_level(std::span<const AcrLevel> levels, int account_level,
                                         int authentication_level = 0);

// One trusted issuer. A deployment with several issuers builds one Verifier per issuer
// (unverified_issuer() tells which one to try).
struct VerifierConfig {
  std::string issuer;     // exact `iss`, e.g. "https://sso.dancuquocgia.gov.vn/auth/realms/citizen"
  std::string client_id;  // our audience; `azp` must equal it when the token has several audiences
  std::vector<Algorithm> allowed_algorithms{Algorithm::RS256, Algorithm::PS256, Algorithm::ES256};
  // JWKS location: a file path, a file:// URL, an https:// URL (libcurl, TLS verified) or an
  // http:// URL to a loopback address; anything else is refused by the constructor.
  std::string jwks_source;
  std::string ca_file;  // extra CA bundle (PEM) for https JWKS; empty = system store
  std::string proxy;    // proxy URL for an https JWKS; empty = none (http_proxy etc. ignored)
  std::chrono::seconds clock_skew{60};         // tolerance on exp, nbf and iat
  std::chrono::seconds max_token_age{3600};    // now - iat; 0 = no limit
  std::chrono::seconds refetch_cooldown{60};   // minimum time between unknown-kid refetches
  std::chrono::seconds key_cache_ttl{3600};    // keys are re-read after this; 0 = only on unknown kid
  std::chrono::milliseconds fetch_timeout{5000};
  std::vector<AcrLevel> acr_levels = default_acr_levels();
  std::size_t max_token_bytes = 16 * 1024;     // checked before any parsing
  std::size_t max_jwks_bytes = 1024 * 1024;
};

}  // namespace ecid::eid
namespace ecid {
struct Config;
}
namespace ecid::eid {

// The verifier settings of the configuration's eid: section (one place for the engine and the
// `ecid eid verify` command). Unknown algorithm names are dropped (config loading rejects them).
VerifierConfig verifier_config_from(const Config& config);

enum class Verdict {
  Verified,
  LevelTooLow,          // acr missing, unknown, or below what was required
  Expired,              // now ≥ exp + skew
  NotYetValid,          // nbf or iat later than now + skew
  TooOld,               // now - iat > max_token_age
  WrongIssuer,
  WrongAudience,
  MissingAzp,           // several audiences and no azp
  WrongAzp,             // azp present and not our client id
  BadNonce,             // a nonce was expected and the token's is missing or different
  SignatureInvalid,     // includes an ES256 signature not in raw r||s form
  AlgorithmNotAllowed,  // none, HS*, unknown, or not on the issuer's allow-list
  UnknownKey,           // no key for the kid even after one refetch, or no kid and several keys
  Malformed,            // segments, base64url, JSON, or a required claim missing / ill-typed
  Oversized,            // longer than max_token_bytes
  DifferentPerson,      // the token's personal ID is not the party's
  Replayed,             // already used with another document before it expired (ReplayCache)
  KeysUnavailable       // the JWKS could not be fetched or held no usable key (not a rejection of the token)
};
// Stable snake_case code for reports and logs: "verified", "level_too_low", …
std::string_view verdict_code(Verdict verdict);

// Claims of a verified token. Contains personal data: never log it.
struct VerifiedClaims {
  std::string personal_id;  // SoDinhDanh, 12 digits
  std::string full_name;    // HoVaTen as sent (may lack diacritics)
  PartialDate birth_date;   // NgayThangNamSinh; YYYY0000 / YYYYMM00 give partial dates
  AssuranceLevel level;     // from acr through the configured mapping
  std::string acr;
  std::string subject;      // sub
  std::string account_type; // LoaiTaiKhoan, empty if absent
  std::optional<std::int64_t> auth_time;  // seconds since the epoch
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::string issuer;
  std::string token_id;     // jti, empty when the token has none
  std::string key_id;
  Algorithm algorithm = Algorithm::RS256;
};

struct AssertionCheck {
  Verdict verdict = Verdict::Malformed;
  std::string reason;                   // one line, no personal data
  std::optional<VerifiedClaims> claims;  // present iff verdict == Verified
  bool verified() const { return verdict == Verdict::Verified; }
};

// What a token must satisfy beyond signature, issuer, audience and time.
struct TokenRequirements {
  std::optional<std::string> personal_id;  // when set, SoDinhDanh must equal it
  int min_level = 1;                       // minimum account level
  int min_authentication_level = 0;        // 0 = not required
  std::optional<std::string> nonce;        // when set, the token's nonce must equal it
};

// The party of a document the token must belong to.
struct ExpectedParty {
  std::string personal_id;  // 12 digits
  int min_level = 2;        // level 2 is what the law treats as presenting the card
  std::optional<std::string> nonce;
  int min_authentication_level = 0;
};

struct KeyCacheStats {
  std::uint64_t fetches = 0;         // attempts to read the JWKS source, successful or not
  std::uint64_t failed_fetches = 0;
  std::size_t keys = 0;              // usable keys held now
  std::size_t skipped_keys = 0;      // JWKs the last fetch ignored (other use, type, size, duplicate kid)
  std::string last_error;            // of the last failed fetch; empty if none
};

class Verifier {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // Validates the configuration (throws EidError). Keys are fetched on first use or by
  // refresh_keys(). `clock` defaults to the system clock; it also paces refetches.
  explicit Verifier(VerifierConfig config, Clock clock = {});
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  // Checks signature and claims. Thread-safe; never throws (std::bad_alloc aside).
  AssertionCheck verify(std::string_view token, const TokenRequirements& requirements) const;
  // verify() with the party's personal ID required to match. An empty or non-12-digit
  // party ID gives DifferentPerson: nothing can be bound to it.
  AssertionCheck verify_for_party(std::string_view token, const ExpectedParty& party) const;

  // Reads the JWKS now, replacing the key set on success. Returns false and sets *error
  // (when given) on failure; the old keys stay in use. Thread-safe.
  bool refresh_keys(std::string* error = nullptr);
  KeyCacheStats key_stats() const;
  const VerifierConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The `iss` of a token without verifying anything, to choose a Verifier; nullopt when the
// token cannot be read. Never trust the value for anything else.
std::optional<std::string> unverified_issuer(std::string_view token);

// ---- issuer side: keys, JWKS, minting --------------------------------------------------

struct MintRequest;

// A private signing key with its JWS algorithm and key id. Copies share the key.
class SigningKey {
 public:
  // RS256/PS256: RSA-2048; ES256: P-256. Empty kid = the RFC 7638 thumbprint.
  static SigningKey generate(Algorithm alg, std::string kid = {});
  // Reads an unencrypted PEM private key (PKCS#8 or traditional). The key type must fit
  // `alg` (RSA ≥ 2048 bits, or EC P-256); without `alg`, RSA gives RS256 and P-256 ES256.
  // Empty kid = the thumbprint, as generate() and so the JWKS written from it use.
  static SigningKey load_pem(const std::filesystem::path& file, std::optional<Algorithm> alg = std::nullopt,
                             std::string kid = {});

  // Writes the private key as unencrypted PKCS#8 PEM with permissions 0600. Refuses to
  // replace an existing file unless `overwrite`.
  void save_pem(const std::filesystem::path& file, bool overwrite = false) const;

  Algorithm algorithm() const;
  const std::string& kid() const;
  std::string thumbprint() const;         // RFC 7638, base64url SHA-256
  std::string public_jwk_json() const;    // {"kty",…,"kid","alg","use":"sig"}
  std::string public_key_pem() const;     // SubjectPublicKeyInfo PEM
  // JWS signature of `signing_input` (ES256 as raw r||s, 64 bytes).
  std::string sign(std::string_view signing_input) const;

  struct Impl;

 private:
  friend std::string mint_token(const SigningKey& key, const MintRequest& request);
  explicit SigningKey(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// {"keys":[…]} with the public halves only.
std::string jwks_json(std::span<const SigningKey> keys);
// Writes jwks_json() atomically (temporary file then rename) so readers never see half a file.
void write_jwks(const std::filesystem::path& file, std::span<const SigningKey> keys);

// The mock issuer's key material, as `ecid eid keygen` writes it into `dir` (created if
// needed): eid-rs256.pem (RSA-2048) and eid-es256.pem (P-256), both 0600, and jwks.json with
// their public halves. Refuses to replace existing key files unless `overwrite`.
struct IssuerKeyFiles {
  std::filesystem::path rs256_private_key;
  std::filesystem::path es256_private_key;
  std::filesystem::path jwks;
  std::vector<SigningKey> keys;  // RS256 first, then ES256
};
IssuerKeyFiles generate_issuer_keys(const std::filesystem::path& dir, bool overwrite = false);

// Deliberately broken tokens, for tests and for operators checking a relying party.
enum class Forgery {
  None,
  AlgNone,               // header alg "none", empty signature
  HmacWithPublicKey,     // header alg HS256, HMAC keyed with the signer's public key PEM
  EcdsaDerSignature,     // ES256 signature left in DER form instead of raw r||s
  FlippedSignatureByte,  // one byte of a valid signature inverted
};

struct MintRequest {
  std::string issuer;
  std::vector<std::string> audience;  // one entry → "aud" is a string; several → an array
  std::optional<std::string> azp;
  std::string subject;                 // empty = a random UUID
  std::string personal_id;             // SoDinhDanh
  std::string full_name;               // HoVaTen
  std::string birth_date;              // NgayThangNamSinh, YYYYMMDD
  std::string acr;                     // see acr_for_level()
  std::string account_type = "1";      // LoaiTaiKhoan
  std::optional<std::string> nonce;
  std::optional<std::chrono::system_clock::time_point> issued_at;  // default: now
  std::chrono::seconds lifetime{300};  // exp = iat + lifetime (may be negative for tests)
  std::optional<std::chrono::system_clock::time_point> not_before;
  std::optional<std::chrono::system_clock::time_point> auth_time;  // default: iat
  std::vector<std::string> omit_claims;  // claim names to leave out, e.g. {"exp"}
  std::optional<std::string> kid;        // header kid; default: the key's kid
  bool include_kid = true;
  std::optional<std::string> header_alg; // override the header's alg (signature unchanged)
  Forgery forgery = Forgery::None;
};

// A compact JWS ID token signed by `key`. Throws EidError on a request it cannot build.
std::string mint_token(const SigningKey& key, const MintRequest& request);
// header_json and payload_json are used verbatim (base64url-encoded) and signed by `key`:
// for tests that need exact control over the parts.
std::string sign_jws(const SigningKey& key, std::string_view header_json, std::string_view payload_json);

// RFC 4648 §5 without padding.
std::string base64url_encode(std::string_view bytes);
// Strict: only the URL-safe alphabet, no padding, canonical trailing bits. nullopt if invalid.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace ecid::eid
