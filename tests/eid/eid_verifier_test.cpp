// The negative suite of the ID-token verifier, after the OpenID relying-party conformance
// checks: every bad token must be refused, each with its own verdict.
#include "eid_test_support.hpp"
#include "eid/identity_service.hpp"

#include <ecid/sdk_answers.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <thread>

namespace ecid::eid::testing {
namespace {

// Key generation is slow (RSA): once for the whole suite, and cached across processes.
struct Keys {
  SigningKey rs = cached_key(Algorithm::RS256, "rs-1");
  SigningKey ps = cached_key(Algorithm::PS256, "ps-1");
  SigningKey es = cached_key(Algorithm::ES256, "es-1");
  SigningKey rs_next = cached_key(Algorithm::RS256, "rs-2");
};
const Keys& keys() {
  static const Keys k;
  return k;
}

std::vector<std::string> split(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot; (dot = token.find('.', start)) != std::string::npos; start = dot + 1)
    parts.push_back(token.substr(start, dot - start));
  parts.push_back(token.substr(start));
  return parts;
}

class EidVerifier : public ::testing::Test {
 protected:
  EidVerifier() : rng_(std::random_device{}()), clock_(std::chrono::system_clock::now()) {
    person_ = make_person(rng_);
    use_keys({keys().rs, keys().ps, keys().es});
  }

  void use_keys(std::vector<SigningKey> set) { write_jwks(jwks_path(), set); }
  std::filesystem::path jwks_path() const { return dir_ / "jwks.json"; }

  std::unique_ptr<Verifier> verifier(VerifierConfig config) {
    return std::make_unique<Verifier>(std::move(config), clock_.as_clock());
  }
  std::unique_ptr<Verifier> verifier() { return verifier(config_for(jwks_path().string())); }

  MintRequest request(int level = 2) const { return request_for(person_, clock_.now(), level); }
  ExpectedParty party(int min_level = 2) const { return ExpectedParty{person_.personal_id, min_level, {}, 0}; }

  AssertionCheck check(const std::string& token) { return verifier()->verify_for_party(token, party()); }

  // The reason is one line and carries none of the person's data.
  void expect_clean_reason(const AssertionCheck& c) const {
    EXPECT_FALSE(c.reason.empty());
    EXPECT_EQ(c.reason.find('\n'), std::string::npos);
    EXPECT_EQ(c.reason.find(person_.personal_id), std::string::npos) << c.reason;
    EXPECT_EQ(c.reason.find(person_.full_name), std::string::npos) << c.reason;
    EXPECT_EQ(c.reason.find(person_.birth_date), std::string::npos) << c.reason;
  }
  void expect_verdict(const AssertionCheck& c, Verdict v) const {
    EXPECT_EQ(verdict_code(c.verdict), verdict_code(v)) << c.reason;
    EXPECT_EQ(c.claims.has_value(), v == Verdict::Verified);
    expect_clean_reason(c);
  }

  std::mt19937 rng_;
  FakeClock clock_;
  TempDir dir_;
  Person person_;
};

// ---- what must pass

TEST_F(EidVerifier, Rs256Ps256Es256AllVerifyAndReturnTheClaims) {
  for (const SigningKey* key : {&keys().rs, &keys().ps, &keys().es}) {
    SCOPED_TRACE(std::string(algorithm_name(key->algorithm())));
    const auto c = check(mint_token(*key, request()));
    expect_verdict(c, Verdict::Verified);
    ASSERT_TRUE(c.claims);
    EXPECT_EQ(c.claims->personal_id, person_.personal_id);
    EXPECT_EQ(c.claims->full_name, person_.full_name);
    EXPECT_EQ(c.claims->birth_date, (PartialDate{person_.year, person_.month, person_.day}));
    EXPECT_EQ(c.claims->level, (AssuranceLevel{2, 0}));
    EXPECT_EQ(c.claims->algorithm, key->algorithm());
    EXPECT_EQ(c.claims->key_id, key->kid());
    EXPECT_EQ(c.claims->issuer, kIssuer);
    EXPECT_EQ(c.claims->account_type, "1");
    EXPECT_FALSE(c.claims->subject.empty());
  }
}

TEST_F(EidVerifier, PartialBirthDateWithZeroMonthAndDay) {
  auto r = request();
  r.birth_date = std::to_string(person_.year) + "0000";
  const auto c = check(mint_token(keys().rs, r));
  expect_verdict(c, Verdict::Verified);
  EXPECT_EQ(c.claims->birth_date, (PartialDate{person_.year, 0, 0}));
  EXPECT_TRUE(c.claims->birth_date.year_only());
}

TEST_F(EidVerifier, VerifyWithoutPartyAcceptsAnyPersonAtTheLevelAsked) {
  const auto c = verifier()->verify(mint_token(keys().es, request(1)), TokenRequirements{});
  expect_verdict(c, Verdict::Verified);
  EXPECT_EQ(c.claims->level.account, 1);
}

// ---- signature and algorithm

TEST_F(EidVerifier, OneFlippedSignatureByteIsSignatureInvalid) {
  for (const SigningKey* key : {&keys().rs, &keys().ps, &keys().es}) {
    auto r = request();
    r.forgery = Forgery::FlippedSignatureByte;
    expect_verdict(check(mint_token(*key, r)), Verdict::SignatureInvalid);
  }
}

TEST_F(EidVerifier, ChangedClaimUnderAValidSignatureIsSignatureInvalid) {
  auto parts = split(mint_token(keys().rs, request()));
  auto payload = nlohmann::json::parse(*base64url_decode(parts[1]));
  payload["acr"] = "urn:vn:vneid:account:2";
  payload["SoDinhDanh"] = make_person(rng_).personal_id;
  const std::string forged = parts[0] + "." + base64url_encode(payload.dump()) + "." + parts[2];
  expect_verdict(check(forged), Verdict::SignatureInvalid);
}

TEST_F(EidVerifier, AlgNoneIsNotAllowed) {
  auto r = request();
  r.forgery = Forgery::AlgNone;
  const std::string token = mint_token(keys().rs, r);
  EXPECT_EQ(token.back(), '.');  // really unsigned
  expect_verdict(check(token), Verdict::AlgorithmNotAllowed);
  // Also with a signature segment and other spellings.
  for (const char* alg : {"none", "None", "NONE"}) {
    const std::string header = std::string("{\"alg\":\"") + alg + "\",\"kid\":\"rs-1\"}";
    const std::string t = base64url_encode(header) + "." + split(token)[1] + "." + base64url_encode("x");
    expect_verdict(check(t), Verdict::AlgorithmNotAllowed);
  }
}

TEST_F(EidVerifier, Hs256SignedWithTheRsaPublicKeyIsNotAllowed) {
  auto r = request();
  r.forgery = Forgery::HmacWithPublicKey;
  const std::string token = mint_token(keys().rs, r);
  auto header = nlohmann::json::parse(*base64url_decode(split(token)[0]));
  EXPECT_EQ(header["alg"], "HS256");
  expect_verdict(check(token), Verdict::AlgorithmNotAllowed);
  // Other algorithms over a genuine signature: refused by name before any key is used.
  for (const char* alg : {"HS256", "HS384", "HS512", "RS384", "ES512", "EdDSA"}) {
    const std::string h = std::string("{\"alg\":\"") + alg + "\",\"kid\":\"rs-1\"}";
    const std::string t = base64url_encode(h) + "." + split(token)[1] + "." + split(token)[2];
    expect_verdict(check(t), Verdict::AlgorithmNotAllowed);
  }
}

TEST_F(EidVerifier, AlgorithmOffTheIssuersAllowListIsNotAllowed) {
  auto config = config_for(jwks_path().string());
  config.allowed_algorithms = {Algorithm::ES256};
  auto v = verifier(config);
  expect_verdict(v->verify_for_party(mint_token(keys().rs, request()), party()), Verdict::AlgorithmNotAllowed);
  expect_verdict(v->verify_for_party(mint_token(keys().ps, request()), party()), Verdict::AlgorithmNotAllowed);
  expect_verdict(v->verify_for_party(mint_token(keys().es, request()), party()), Verdict::Verified);
}

TEST_F(EidVerifier, Es256WithDerSignatureIsSignatureInvalid) {
  auto r = request();
  r.forgery = Forgery::EcdsaDerSignature;
  const std::string token = mint_token(keys().es, r);
  EXPECT_NE(base64url_decode(split(token)[2])->size(), 64u);  // really DER
  expect_verdict(check(token), Verdict::SignatureInvalid);
}

TEST_F(EidVerifier, HeaderAlgThatDoesNotFitTheKeyIsSignatureInvalid) {
  // ES256 header naming the RSA key: the key cannot check that algorithm.
  auto r = request();
  r.kid = keys().rs.kid();
  expect_verdict(check(mint_token(keys().es, r)), Verdict::SignatureInvalid);
  // PS256 header over an RS256 signature by the same key: padding differs.
  r = request();
  r.kid = keys().ps.kid();
  r.header_alg = "PS256";
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::SignatureInvalid);
}

// ---- issuer and audience

TEST_F(EidVerifier, WrongIssuer) {
  auto r = request();
  r.issuer = kIssuer + "-evil";
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::WrongIssuer);
}

TEST_F(EidVerifier, WrongAudience) {
  auto r = request();
  r.audience = {"another-client"};
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::WrongAudience);
}

TEST_F(EidVerifier, ExtraAudienceWithoutAzpIsMissingAzp) {
  auto r = request();
  r.audience = {kClientId, "another-client"};
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::MissingAzp);
}

TEST_F(EidVerifier, SeveralAudiencesWithWrongAzp) {
  auto r = request();
  r.audience = {kClientId, "another-client"};
  r.azp = "another-client";
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::WrongAzp);
  r.azp = kClientId;
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::Verified);
}

TEST_F(EidVerifier, AzpOfAnotherClientWithOneAudienceIsWrongAzp) {
  auto r = request();
  r.azp = "vnconnect";
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::WrongAzp);
}

// ---- time

TEST_F(EidVerifier, ExpiredBeyondSkewButAcceptedWithinIt) {
  auto r = request();
  r.issued_at = clock_.now() - 200s;
  r.lifetime = 100s;  // expired 100 s ago, skew 30 s
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::Expired);
  r.issued_at = clock_.now() - 120s;  // expired 20 s ago: within skew
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::Verified);
  // Boundary: now == exp + skew is expired.
  r.issued_at = clock_.now() - 130s;
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::Expired);
}

TEST_F(EidVerifier, IatInTheFutureIsNotYetValid) {
  auto r = request();
  r.issued_at = clock_.now() + 120s;
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::NotYetValid);
  r.issued_at = clock_.now() + 20s;  // within skew
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::Verified);
}

TEST_F(EidVerifier, NbfInTheFutureIsNotYetValid) {
  auto r = request();
  r.not_before = clock_.now() + 120s;
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::NotYetValid);
  r.not_before = clock_.now() - 1s;
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::Verified);
}

TEST_F(EidVerifier, TokenOlderThanMaxAgeIsTooOld) {
  auto r = request();
  r.issued_at = clock_.now() - 700s;  // limit 600 s
  r.lifetime = 3600s;
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::TooOld);
  auto config = config_for(jwks_path().string());
  config.max_token_age = 0s;  // no limit
  expect_verdict(verifier(config)->verify_for_party(mint_token(keys().rs, r), party()), Verdict::Verified);
}

// ---- nonce

TEST_F(EidVerifier, WrongNonceAndMissingNonceAreBadNonce) {
  auto r = request();
  r.nonce = "n-0S6_WzA2Mj";
  const std::string token = mint_token(keys().rs, r);
  auto p = party();
  p.nonce = "n-0S6_WzA2Mk";
  expect_verdict(verifier()->verify_for_party(token, p), Verdict::BadNonce);
  p.nonce = "n-0S6_WzA2Mj";
  expect_verdict(verifier()->verify_for_party(token, p), Verdict::Verified);

  const std::string without = mint_token(keys().rs, request());
  expect_verdict(verifier()->verify_for_party(without, p), Verdict::BadNonce);
  // No nonce asked: a token carrying one is fine.
  expect_verdict(verifier()->verify_for_party(token, party()), Verdict::Verified);
}

// ---- keys

TEST_F(EidVerifier, MissingKidWithOneKeyIsAccepted) {
  use_keys({keys().rs});
  auto r = request();
  r.include_kid = false;
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::Verified);
}

TEST_F(EidVerifier, MissingKidWithSeveralKeysIsUnknownKey) {
  use_keys({keys().rs, keys().rs_next});
  auto r = request();
  r.include_kid = false;
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::UnknownKey);
}

TEST_F(EidVerifier, UnknownKidRefetchesOnceThenRotationSucceedsAndCooldownHolds) {
  use_keys({keys().rs});
  auto v = verifier();
  expect_verdict(v->verify_for_party(mint_token(keys().rs, request()), party()), Verdict::Verified);
  EXPECT_EQ(v->key_stats().fetches, 1u);

  // The issuer rotates: the new key appears in the JWKS file.
  use_keys({keys().rs, keys().rs_next});
  clock_.advance(5s);
  expect_verdict(v->verify_for_party(mint_token(keys().rs_next, request()), party()), Verdict::Verified);
  EXPECT_EQ(v->key_stats().fetches, 2u);

  // An unknown kid within the cooldown: no fetch at all.
  auto r = request();
  r.kid = "attacker-kid";
  clock_.advance(10s);
  for (int i = 0; i < 20; ++i) {
    r.kid = "attacker-kid-" + std::to_string(i);
    expect_verdict(v->verify_for_party(mint_token(keys().rs, r), party()), Verdict::UnknownKey);
  }
  EXPECT_EQ(v->key_stats().fetches, 2u);

  // After the cooldown one more refetch is allowed, and only one.
  clock_.advance(61s);
  r = request();
  r.kid = "attacker-kid-x";
  expect_verdict(v->verify_for_party(mint_token(keys().rs, r), party()), Verdict::UnknownKey);
  expect_verdict(v->verify_for_party(mint_token(keys().rs, r), party()), Verdict::UnknownKey);
  EXPECT_EQ(v->key_stats().fetches, 3u);
  EXPECT_EQ(v->key_stats().keys, 2u);
}

TEST_F(EidVerifier, ConcurrentUnknownKidsCauseOneRefetch) {
  use_keys({keys().rs});
  auto v = verifier();
  ASSERT_TRUE(v->refresh_keys());
  std::vector<std::string> tokens;
  for (int i = 0; i < 40; ++i) {
    auto r = request();
    r.kid = "unknown-" + std::to_string(i);
    tokens.push_back(mint_token(keys().es, r));
  }
  std::atomic<int> unknown{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < 40; i += 4)
        if (v->verify_for_party(tokens[i], party()).verdict == Verdict::UnknownKey) ++unknown;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(unknown.load(), 40);
  EXPECT_EQ(v->key_stats().fetches, 2u);  // the explicit refresh and one refetch
}

TEST_F(EidVerifier, ConcurrentVerificationsWithOneKeyAllSucceed) {
  auto v = verifier();
  std::vector<std::string> tokens;
  for (const SigningKey* key : {&keys().rs, &keys().ps, &keys().es}) tokens.push_back(mint_token(*key, request()));
  std::atomic<int> verified{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 60; ++i) verified += v->verify_for_party(tokens[(i + t) % 3], party()).verified();
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(verified.load(), 240);
  EXPECT_EQ(v->key_stats().fetches, 1u);
}

TEST_F(EidVerifier, KeyCacheTtlRereadsTheJwks) {
  auto config = config_for(jwks_path().string());
  config.key_cache_ttl = 300s;
  auto v = verifier(config);
  expect_verdict(v->verify_for_party(mint_token(keys().rs, request()), party()), Verdict::Verified);
  // The issuer withdraws rs-1 (compromised): after the TTL it is no longer trusted.
  use_keys({keys().es});
  clock_.advance(301s);
  expect_verdict(v->verify_for_party(mint_token(keys().rs, request_for(person_, clock_.now())), party()),
                 Verdict::UnknownKey);
  EXPECT_EQ(v->key_stats().fetches, 2u);
}

TEST_F(EidVerifier, UnreadableJwksIsKeysUnavailableAndRetriedOnlyAfterCooldown) {
  auto v = verifier(config_for((dir_ / "missing.json").string()));
  const std::string token = mint_token(keys().rs, request());
  expect_verdict(v->verify_for_party(token, party()), Verdict::KeysUnavailable);
  expect_verdict(v->verify_for_party(token, party()), Verdict::KeysUnavailable);
  EXPECT_EQ(v->key_stats().fetches, 1u);
  EXPECT_EQ(v->key_stats().failed_fetches, 1u);
  EXPECT_FALSE(v->key_stats().last_error.empty());
}

TEST_F(EidVerifier, JwksWithoutUsableKeysIsKeysUnavailable) {
  // An HMAC ("oct") key and an encryption key are never used for ID tokens.
  std::ofstream(jwks_path()) << R"({"keys":[{"kty":"oct","kid":"rs-1","k":"c2VjcmV0"},)"
                             << R"({"kty":"RSA","use":"enc","kid":"x","n":"AQAB","e":"AQAB"}]})";
  auto first = verifier();
  expect_verdict(first->verify_for_party(mint_token(keys().rs, request()), party()), Verdict::KeysUnavailable);
  EXPECT_EQ(first->key_stats().skipped_keys, 2u);
  std::ofstream(jwks_path()) << "not json";
  auto v = verifier();
  expect_verdict(v->verify_for_party(mint_token(keys().rs, request()), party()), Verdict::KeysUnavailable);
  EXPECT_NE(v->key_stats().last_error.find("JSON"), std::string::npos);
}

// ---- malformed input

TEST_F(EidVerifier, TruncatedTokenIsMalformed) {
  const std::string token = mint_token(keys().rs, request());
  expect_verdict(check(token.substr(0, token.size() / 2)), Verdict::Malformed);
  expect_verdict(check(token.substr(0, token.find('.') + 5)), Verdict::Malformed);
  expect_verdict(check(""), Verdict::Malformed);
}

TEST_F(EidVerifier, GarbageIsMalformed) {
  std::string garbage(300, '\0');
  for (char& c : garbage) c = static_cast<char>(rng_() % 256);
  expect_verdict(check(garbage), Verdict::Malformed);
  expect_verdict(check("a.b.c"), Verdict::Malformed);
  expect_verdict(check("..."), Verdict::Malformed);
  expect_verdict(check("eyJhbGciOiJSUzI1NiJ9..sig"), Verdict::Malformed);
}

TEST_F(EidVerifier, BadBase64AndBadJsonAreMalformed) {
  const auto parts = split(mint_token(keys().rs, request()));
  expect_verdict(check(parts[0] + "=." + parts[1] + "." + parts[2]), Verdict::Malformed);    // padding
  expect_verdict(check("+" + parts[0].substr(1) + "." + parts[1] + "." + parts[2]), Verdict::Malformed);
  expect_verdict(check(parts[0] + "." + parts[1] + "." + parts[2] + "*"), Verdict::Malformed);
  expect_verdict(check(base64url_encode("{\"alg\":\"RS256\"") + "." + parts[1] + "." + parts[2]), Verdict::Malformed);
  expect_verdict(check(base64url_encode("[\"RS256\"]") + "." + parts[1] + "." + parts[2]), Verdict::Malformed);
  // A validly signed payload that is not JSON.
  const std::string header = R"({"alg":"RS256","kid":"rs-1"})";
  expect_verdict(check(sign_jws(keys().rs, header, "{\"iss\":")), Verdict::Malformed);
}

TEST_F(EidVerifier, MissingRequiredClaimIsMalformed) {
  for (const char* claim : {"SoDinhDanh", "HoVaTen", "NgayThangNamSinh", "exp", "iat", "sub", "iss", "aud"}) {
    SCOPED_TRACE(claim);
    auto r = request();
    r.omit_claims = {claim};
    expect_verdict(check(mint_token(keys().rs, r)), Verdict::Malformed);
  }
  auto r = request();
  r.birth_date = std::to_string(person_.year) + "0231";  // 31 February
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::Malformed);
  r = request();
  r.personal_id = person_.personal_id.substr(1);  // 11 digits
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::Malformed);
}

TEST_F(EidVerifier, IllTypedClaimsAreMalformed) {
  const std::string header = R"({"alg":"ES256","kid":"es-1"})";
  auto payload = nlohmann::json::parse(*base64url_decode(split(mint_token(keys().es, request()))[1]));
  auto with = [&](const char* name, nlohmann::json value) {
    auto p = payload;
    p[name] = std::move(value);
    return sign_jws(keys().es, header, p.dump());
  };
  expect_verdict(check(with("exp", "tomorrow")), Verdict::Malformed);
  expect_verdict(check(with("SoDinhDanh", std::stoll(person_.personal_id))), Verdict::Malformed);
  expect_verdict(check(with("aud", nlohmann::json::array({kClientId, 7}))), Verdict::Malformed);
  expect_verdict(check(with("nbf", nullptr)), Verdict::Malformed);
  expect_verdict(check(with("iat", 1e300)), Verdict::Malformed);
}

TEST_F(EidVerifier, RandomCorruptionsNeverVerify) {
  // Any change to the signed text or to the canonical signature must be caught, and no
  // input may crash the parser.
  std::mt19937 rng(1234);
  auto v = verifier();
  for (const SigningKey* key : {&keys().rs, &keys().es}) {
    const std::string token = mint_token(*key, request());
    ASSERT_TRUE(v->verify_for_party(token, party()).verified());
    for (int i = 0; i < 300; ++i) {
      std::string bad = token;
      switch (rng() % 4) {
        case 0: bad[rng() % bad.size()] = static_cast<char>(rng() % 256); break;
        case 1: bad.erase(rng() % bad.size(), 1 + rng() % 8); break;
        case 2: bad.insert(rng() % bad.size(), 1, "AZaz09-_.=+/ *"[rng() % 14]); break;
        case 3: std::swap(bad[rng() % bad.size()], bad[rng() % bad.size()]); break;
      }
      if (bad == token) continue;
      const auto c = v->verify_for_party(bad, party());
      EXPECT_FALSE(c.verified()) << "mutation " << i;
      expect_clean_reason(c);
    }
  }
}

TEST_F(EidVerifier, OversizedTokenIsRejectedBeforeParsing) {
  auto r = request();
  r.full_name = std::string(20000, 'A');
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::Oversized);
  // Garbage of the same size is Oversized too: nothing was parsed.
  expect_verdict(check(std::string(16 * 1024 + 1, '.')), Verdict::Oversized);
  // Exactly at the limit is read.
  auto config = config_for(jwks_path().string());
  const std::string token = mint_token(keys().rs, request());
  config.max_token_bytes = token.size();
  expect_verdict(verifier(config)->verify_for_party(token, party()), Verdict::Verified);
  config.max_token_bytes = token.size() - 1;
  expect_verdict(verifier(config)->verify_for_party(token, party()), Verdict::Oversized);
}

TEST_F(EidVerifier, WrongNumberOfSegmentsIsMalformed) {
  const auto parts = split(mint_token(keys().rs, request()));
  expect_verdict(check(parts[0] + "." + parts[1]), Verdict::Malformed);
  expect_verdict(check(parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[2]), Verdict::Malformed);
  expect_verdict(check(parts[0] + ".." + parts[1] + "." + parts[2] + "." + parts[2]), Verdict::Malformed);  // JWE shape
  expect_verdict(check(parts[0]), Verdict::Malformed);
}

TEST_F(EidVerifier, CriticalHeaderAndAccessTokenTypeAreMalformed) {
  const auto payload = *base64url_decode(split(mint_token(keys().rs, request()))[1]);
  expect_verdict(check(sign_jws(keys().rs, R"({"alg":"RS256","kid":"rs-1","crit":["exp"],"exp":1})", payload)),
                 Verdict::Malformed);
  expect_verdict(check(sign_jws(keys().rs, R"({"alg":"RS256","kid":"rs-1","typ":"at+jwt"})", payload)),
                 Verdict::Malformed);
  // A jku header is ignored: keys come only from our configuration.
  expect_verdict(check(sign_jws(keys().rs, R"({"alg":"RS256","kid":"rs-1","jku":"http://127.0.0.1:1/k"})", payload)),
                 Verdict::Verified);
}

// ---- the person and the level

TEST_F(EidVerifier, TokenForADifferentIdNumberIsDifferentPerson) {
  Person other = make_person(rng_);
  while (other.personal_id == person_.personal_id) other = make_person(rng_);
  auto r = request_for(other, clock_.now());
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::DifferentPerson);
  auto p = party();
  p.personal_id = "12345";
  expect_verdict(verifier()->verify_for_party(mint_token(keys().rs, request()), p), Verdict::DifferentPerson);
}

TEST_F(EidVerifier, LevelOneTokenWhenLevelTwoRequiredIsLevelTooLow) {
  const std::string level1 = mint_token(keys().rs, request(1));
  const auto c = check(level1);
  expect_verdict(c, Verdict::LevelTooLow);
  EXPECT_NE(c.reason.find("account level 1"), std::string::npos) << c.reason;
  expect_verdict(verifier()->verify_for_party(level1, party(1)), Verdict::Verified);
}

TEST_F(EidVerifier, AuthenticationLevelIsEnforced) {
  auto r = request();
  r.acr = *acr_for_level(default_acr_levels(), 1, 3);
  auto p = party(1);
  p.min_authentication_level = 4;
  expect_verdict(verifier()->verify_for_party(mint_token(keys().rs, r), p), Verdict::LevelTooLow);
  r.acr = *acr_for_level(default_acr_levels(), 2, 4);
  const auto c = verifier()->verify_for_party(mint_token(keys().rs, r), p);
  expect_verdict(c, Verdict::Verified);
  EXPECT_EQ(c.claims->level, (AssuranceLevel{2, 4}));
}

TEST_F(EidVerifier, MissingOrUnknownAcrIsLevelTooLow) {
  auto r = request();
  r.omit_claims = {"acr"};
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::LevelTooLow);
  r = request();
  r.acr = "urn:example:gold";
  expect_verdict(check(mint_token(keys().rs, r)), Verdict::LevelTooLow);
}

TEST_F(EidVerifier, KeycloakStyleAcrMapping) {
  auto config = config_for(jwks_path().string());
  config.acr_levels = {{"1", {1, 0}}, {"2", {2, 0}}};
  auto v = verifier(config);
  auto r = request();
  r.acr = "2";
  expect_verdict(v->verify_for_party(mint_token(keys().rs, r), party()), Verdict::Verified);
  r.acr = "1";
  expect_verdict(v->verify_for_party(mint_token(keys().rs, r), party()), Verdict::LevelTooLow);
  r.acr = "urn:vn:vneid:account:2";  // not in this issuer's mapping
  expect_verdict(v->verify_for_party(mint_token(keys().rs, r), party()), Verdict::LevelTooLow);
}

// ---- configuration and helpers

TEST_F(EidVerifier, ConfigurationThatCannotWorkIsRefused) {
  auto good = config_for(jwks_path().string());
  auto bad = good;
  bad.issuer.clear();
  EXPECT_THROW(Verifier{bad}, EidError);
  bad = good;
  bad.allowed_algorithms.clear();
  EXPECT_THROW(Verifier{bad}, EidError);
  bad = good;
  bad.acr_levels.push_back({"x", {3, 0}});
  EXPECT_THROW(Verifier{bad}, EidError);
  bad = good;
  bad.max_token_bytes = 0;
  EXPECT_THROW(Verifier{bad}, EidError);
  EXPECT_NO_THROW(Verifier{good});
}

TEST_F(EidVerifier, VerdictCodesAreDistinct) {
  std::set<std::string_view> codes;
  for (int v = 0; v <= static_cast<int>(Verdict::KeysUnavailable); ++v)
    EXPECT_TRUE(codes.insert(verdict_code(static_cast<Verdict>(v))).second);
  EXPECT_EQ(codes.size(), 18u);
}

// Adapters read the verdict as a contract code (1.3) and name it with the SDK's table: every
// verdict has a code, and the SDK names it as the host's reports and audit rows do.
TEST_F(EidVerifier, VerdictCodesAreTheContractsReasonNames) {
  for (int v = 0; v <= static_cast<int>(Verdict::KeysUnavailable); ++v) {
    const Verdict verdict = static_cast<Verdict>(v);
    const uint32_t reason = answer_reason_of(verdict);
    EXPECT_NE(reason, static_cast<uint32_t>(ECID_REASON_NONE)) << verdict_code(verdict);
    EXPECT_EQ(ecid::sdk::eid_reason_name(reason), verdict_code(verdict));
  }
}

TEST_F(EidVerifier, UnverifiedIssuerPeeks) {
  EXPECT_EQ(unverified_issuer(mint_token(keys().es, request())), kIssuer);
  EXPECT_FALSE(unverified_issuer("garbage"));
}

TEST(EidBase64url, RoundTripsAndRefusesNonCanonicalText) {
  std::mt19937 rng(42);
  for (std::size_t len = 0; len < 70; ++len) {
    std::string bytes(len, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() % 256);
    const std::string text = base64url_encode(bytes);
    EXPECT_EQ(text.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(base64url_decode(text), bytes);
  }
  EXPECT_EQ(base64url_decode("_-8"), std::string("\xff\xef", 2));
  EXPECT_FALSE(base64url_decode("QQ=="));  // padding
  EXPECT_FALSE(base64url_decode("QR"));    // non-zero trailing bits
  EXPECT_FALSE(base64url_decode("Q"));     // impossible length
  EXPECT_FALSE(base64url_decode("Q Q"));
  EXPECT_FALSE(base64url_decode("+/8"));   // standard alphabet
}

TEST(EidAlgorithms, OnlyTheThreeSupportedNamesParse) {
  EXPECT_EQ(parse_algorithm("RS256"), Algorithm::RS256);
  EXPECT_EQ(parse_algorithm("PS256"), Algorithm::PS256);
  EXPECT_EQ(parse_algorithm("ES256"), Algorithm::ES256);
  for (const char* name : {"none", "HS256", "rs256", "RS384", "ES256K", ""}) EXPECT_FALSE(parse_algorithm(name)) << name;
}

}  // namespace
}  // namespace ecid::eid::testing
