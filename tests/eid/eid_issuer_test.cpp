// The mock issuer: key files, the published JWKS, and the forged tokens the negative suite
// relies on (they must really be what they claim to be).
#include "eid_test_support.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <sys/stat.h>

#include <fstream>

namespace ecid::eid::testing {
namespace {

unsigned file_mode(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 0777;
}

std::vector<std::string> split(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot; (dot = token.find('.', start)) != std::string::npos; start = dot + 1)
    parts.push_back(token.substr(start, dot - start));
  parts.push_back(token.substr(start));
  return parts;
}

TEST(EidIssuer, PrivateKeyFileIs0600AndNotSilentlyReplaced) {
  TempDir dir;
  const auto key = SigningKey::generate(Algorithm::ES256);
  const auto file = dir / "issuer-es256.pem";
  key.save_pem(file);
  EXPECT_EQ(file_mode(file), 0600u);
  std::ifstream in(file);
  std::string first_line;
  std::getline(in, first_line);
  EXPECT_EQ(first_line, "-----BEGIN PRIVATE KEY-----");
  EXPECT_THROW(key.save_pem(file), EidError);

  // Replacing a world-readable file tightens it.
  const auto loose = dir / "loose.pem";
  std::ofstream(loose) << "old";
  ::chmod(loose.c_str(), 0644);
  key.save_pem(loose, /*overwrite=*/true);
  EXPECT_EQ(file_mode(loose), 0600u);
}

TEST(EidIssuer, LoadedKeyKeepsItsThumbprintAndSignsForTheSameJwks) {
  TempDir dir;
  for (Algorithm alg : {Algorithm::RS256, Algorithm::ES256}) {
    const auto key = SigningKey::generate(alg);
    EXPECT_EQ(key.kid(), key.thumbprint());
    EXPECT_EQ(key.kid().size(), 43u);  // base64url of 32 bytes
    key.save_pem(dir / "k.pem", true);
    const auto loaded = SigningKey::load_pem(dir / "k.pem", alg);
    EXPECT_EQ(loaded.kid(), key.kid());
    EXPECT_EQ(loaded.public_jwk_json(), key.public_jwk_json());

    const std::vector<SigningKey> published{key};
    write_jwks(dir / "jwks.json", published);
    FakeClock clock(std::chrono::system_clock::now());
    Verifier verifier(config_for((dir / "jwks.json").string()), clock.as_clock());
    std::mt19937 rng(7);
    const Person person = make_person(rng);
    const auto c = verifier.verify_for_party(mint_token(loaded, request_for(person, clock.now())),
                                             ExpectedParty{person.personal_id, 2, {}, 0});
    EXPECT_TRUE(c.verified()) << c.reason;
  }
  EXPECT_NE(SigningKey::generate(Algorithm::ES256).kid(), SigningKey::generate(Algorithm::ES256).kid());
}

TEST(EidIssuer, KeyOfTheWrongTypeOrAnUnreadableFileIsRefused) {
  TempDir dir;
  SigningKey::generate(Algorithm::ES256).save_pem(dir / "ec.pem");
  EXPECT_THROW(SigningKey::load_pem(dir / "ec.pem", Algorithm::RS256), EidError);
  EXPECT_THROW(SigningKey::load_pem(dir / "missing.pem", Algorithm::ES256), EidError);
  std::ofstream(dir / "junk.pem") << "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  EXPECT_THROW(SigningKey::load_pem(dir / "junk.pem", Algorithm::ES256), EidError);
}

TEST(EidIssuer, JwksHoldsPublicKeysWithKidAlgAndUse) {
  TempDir dir;
  const std::vector<SigningKey> keys{SigningKey::generate(Algorithm::RS256, "r"),
                                     SigningKey::generate(Algorithm::PS256, "p"),
                                     SigningKey::generate(Algorithm::ES256, "e")};
  write_jwks(dir / "jwks.json", keys);
  // Written atomically: nothing but the file is left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
  const auto doc = nlohmann::json::parse(std::ifstream(dir / "jwks.json"));
  ASSERT_EQ(doc["keys"].size(), 3u);
  const char* algs[] = {"RS256", "PS256", "ES256"};
  const char* kids[] = {"r", "p", "e"};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& jwk = doc["keys"][i];
    EXPECT_EQ(jwk["kid"], kids[i]);
    EXPECT_EQ(jwk["alg"], algs[i]);
    EXPECT_EQ(jwk["use"], "sig");
    for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "k"}) EXPECT_FALSE(jwk.contains(secret)) << secret;
  }
  EXPECT_EQ(doc["keys"][0]["kty"], "RSA");
  EXPECT_EQ(base64url_decode(doc["keys"][0]["n"].get<std::string>())->size(), 256u);  // 2048 bits
  EXPECT_EQ(doc["keys"][0]["e"], "AQAB");
  EXPECT_EQ(doc["keys"][2]["kty"], "EC");
  EXPECT_EQ(doc["keys"][2]["crv"], "P-256");
  EXPECT_EQ(base64url_decode(doc["keys"][2]["x"].get<std::string>())->size(), 32u);
  EXPECT_EQ(base64url_decode(doc["keys"][2]["y"].get<std::string>())->size(), 32u);
}

TEST(EidIssuer, MintedTokenCarriesTheRequestedClaims) {
  const auto key = SigningKey::generate(Algorithm::ES256, "k1");
  std::mt19937 rng(11);
  const Person person = make_person(rng);
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'750'000'000));
  auto r = request_for(person, now, 1);
  r.nonce = "abc";
  r.audience = {kClientId, "other"};
  r.azp = kClientId;
  r.lifetime = 90s;
  const auto parts = split(mint_token(key, r));
  ASSERT_EQ(parts.size(), 3u);
  const auto header = nlohmann::json::parse(*base64url_decode(parts[0]));
  EXPECT_EQ(header["alg"], "ES256");
  EXPECT_EQ(header["kid"], "k1");
  const auto payload = nlohmann::json::parse(*base64url_decode(parts[1]));
  EXPECT_EQ(payload["iss"], kIssuer);
  EXPECT_EQ(payload["aud"], nlohmann::json::array({kClientId, "other"}));
  EXPECT_EQ(payload["azp"], kClientId);
  EXPECT_EQ(payload["iat"], 1'750'000'000);
  EXPECT_EQ(payload["exp"], 1'750'000'090);
  EXPECT_EQ(payload["nonce"], "abc");
  EXPECT_EQ(payload["acr"], "urn:vn:vneid:account:1");
  EXPECT_EQ(payload["SoDinhDanh"], person.personal_id);
  EXPECT_EQ(payload["HoVaTen"], person.full_name);
  EXPECT_EQ(payload["NgayThangNamSinh"], person.birth_date);
  EXPECT_EQ(base64url_decode(parts[2])->size(), 64u);  // raw r||s
}

TEST(EidIssuer, HmacForgeryReallyUsesThePublicKeyAsSecret) {
  const auto key = SigningKey::generate(Algorithm::RS256, "k");
  std::mt19937 rng(3);
  auto r = request_for(make_person(rng), std::chrono::system_clock::now());
  r.forgery = Forgery::HmacWithPublicKey;
  const auto parts = split(mint_token(key, r));
  const std::string input = parts[0] + "." + parts[1];
  const std::string pem = key.public_key_pem();
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  ASSERT_TRUE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, pem.data(), pem.size(),
                        reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, sizeof mac, &len));
  EXPECT_EQ(*base64url_decode(parts[2]), std::string(reinterpret_cast<char*>(mac), len));
}

TEST(EidIssuer, KeygenWritesBothKeysAndTheirJwks) {
  TempDir dir;
  const auto files = generate_issuer_keys(dir / "keys");
  EXPECT_EQ(file_mode(files.rs256_private_key), 0600u);
  EXPECT_EQ(file_mode(files.es256_private_key), 0600u);
  EXPECT_THROW(generate_issuer_keys(dir / "keys"), EidError);  // keys are not silently replaced

  // `ecid eid issue` loads a key file without being told its algorithm.
  const auto rs = SigningKey::load_pem(files.rs256_private_key);
  const auto es = SigningKey::load_pem(files.es256_private_key);
  EXPECT_EQ(rs.algorithm(), Algorithm::RS256);
  EXPECT_EQ(es.algorithm(), Algorithm::ES256);
  FakeClock clock(std::chrono::system_clock::now());
  Verifier verifier(config_for(files.jwks.string()), clock.as_clock());
  std::mt19937 rng(5);
  const Person person = make_person(rng);
  for (const SigningKey* key : {&rs, &es}) {
    const auto c = verifier.verify_for_party(mint_token(*key, request_for(person, clock.now())),
                                             ExpectedParty{person.personal_id, 2, {}, 0});
    EXPECT_TRUE(c.verified()) << c.reason;
  }
}

TEST(EidIssuer, AcrForLevel) {
  const auto levels = default_acr_levels();
  EXPECT_EQ(acr_for_level(levels, 2), "urn:vn:vneid:account:2");
  EXPECT_EQ(acr_for_level(levels, 1), "urn:vn:vneid:account:1");
  EXPECT_EQ(acr_for_level(levels, 2, 4), "urn:vn:vneid:auth:4");
  EXPECT_FALSE(acr_for_level(levels, 3));
}

}  // namespace
}  // namespace ecid::eid::testing
