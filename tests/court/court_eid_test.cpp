// End to end: online court filings through ecid::Engine, with the filer's electronic identity
// assertion verified by the engine's eID verifier. Every key and JWKS is generated here and
// every token minted here relative to the current time, so nothing depends on the committed
// mock keys or on the date the test runs.
#include "../support/samples_support.hpp"

#include <ecid/config.hpp>
#include <ecid/eid.hpp>
#include <ecid/engine.hpp>
#include <ecid/fields.hpp>
#include <ecid/findings.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace samples_test;
namespace eid = ecid::eid;

namespace {

constexpr const char* kIssuer = "https://issuer.court-test.invalid";
constexpr const char* kClientId = "ecid-court-test";
constexpr const char* kFiler = "filer (party[1])";

// Fixture citizens (docs/register.md): in every seeded register.
constexpr const char* kAnId = "001085000101";
const std::string kAnName = "Nguy\xE1\xBB\x85n V\xC4\x83n An";
constexpr const char* kAnBirth = "19850215";
constexpr const char* kNgocId = "079190000202";
const std::string kNgocName = "Tr\xE1\xBA\xA7n Th\xE1\xBB\x8B B\xC3\xAD" "ch Ng\xE1\xBB\x8D" "c";
constexpr const char* kNgocBirth = "19900709";
constexpr const char* kNobodyId = "001095999999";  // never in any register

std::string party_xml(const std::string& role, const std::string& name, const std::string& birth,
                      const std::string& id) {
  return "<Party role=\"" + role + "\"><FullName>" + name + "</FullName><BirthDate>" + birth +
         "</BirthDate><PersonalId>" + id + "</PersonalId></Party>";
}

const std::string kAnParty = party_xml("plaintiff", kAnName, "15/02/1985", kAnId);
const std::string kNgocParty = party_xml("defendant", kNgocName, "09/07/1990", "079 190 000 202");

// An online filing by party `filer` carrying `token` (none when nullopt).
std::string online_filing(const std::optional<std::string>& token, const std::string& filer = "1",
                          const std::string& parties = kAnParty + kNgocParty,
                          const std::string& channel = "online") {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<CaseFiling xmlns=\"urn:ecid:court:filing:1\"><CaseNumber>70/2026/TLST-DS</CaseNumber>";
  x += "<Filer party=\"" + filer + "\" channel=\"" + channel + "\">";
  if (token) x += "<Assertion>" + *token + "</Assertion>";
  x += "</Filer><Parties>" + parties + "</Parties></CaseFiling>";
  return x;
}

const ecid::QueryTrace* assertion_trace(const ecid::DocumentReport& r) {
  for (const auto& q : r.queries)
    if (q.kind == ECID_Q_EID_ASSERTION) return &q;
  return nullptr;
}

class CourtEid : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ecid::testing::TempDir();
    register_ = seeded(200, 1);
    rs256_ = new eid::SigningKey(eid::SigningKey::generate(eid::Algorithm::RS256, "court-test-rs256"));
    es256_ = new eid::SigningKey(eid::SigningKey::generate(eid::Algorithm::ES256, "court-test-es256"));
    ps256_ = new eid::SigningKey(eid::SigningKey::generate(eid::Algorithm::PS256, "court-test-ps256"));
    outsider_ = new eid::SigningKey(eid::SigningKey::generate(eid::Algorithm::RS256, "court-test-outsider"));
    jwks_ = dir_->path() / "jwks.json";
    eid::write_jwks(jwks_, std::vector<eid::SigningKey>{*rs256_, *es256_, *ps256_});
  }
  static void TearDownTestSuite() {
    delete rs256_;
    delete es256_;
    delete ps256_;
    delete outsider_;
    delete dir_;
  }

  // The shipped configuration (so the shipped court policy applies) with our own issuer.
  static ecid::Config config(const fs::path& jwks = jwks_) {
    ecid::Config c = shipped_config(register_, dir_->path());
    c.eid.enabled = true;
    c.eid.issuer = kIssuer;
    c.eid.client_id = kClientId;
    c.eid.jwks = jwks.string();
    c.eid.algorithms = {"RS256", "PS256", "ES256"};
    c.eid.clock_skew_s = 60;
    c.eid.max_token_age_s = 600;
    c.eid.refetch_cooldown_s = 60;
    return c;
  }

  // A valid level-2 token for An, changed by `tweak`.
  static std::string mint(const eid::SigningKey& key, const std::function<void(eid::MintRequest&)>& tweak = {}) {
    eid::MintRequest m;
    m.issuer = kIssuer;
    m.audience = {kClientId};
    m.personal_id = kAnId;
    m.full_name = kAnName;
    m.birth_date = kAnBirth;
    m.acr = *eid::acr_for_level(eid::default_acr_levels(), 2);
    m.lifetime = std::chrono::minutes(10);
    if (tweak) tweak(m);
    return eid::mint_token(key, m);
  }

  static ecid::DocumentReport check(ecid::Engine& engine, const std::string& doc) {
    ecid::DocumentReport r = engine.check("online.xml", doc);
    EXPECT_TRUE(r.ok) << r.error;
    return r;
  }

  static ecid::testing::TempDir* dir_;
  static fs::path register_;
  static fs::path jwks_;
  static eid::SigningKey* rs256_;
  static eid::SigningKey* es256_;
  static eid::SigningKey* ps256_;
  static eid::SigningKey* outsider_;
};

ecid::testing::TempDir* CourtEid::dir_ = nullptr;
fs::path CourtEid::register_;
fs::path CourtEid::jwks_;
eid::SigningKey* CourtEid::rs256_ = nullptr;
eid::SigningKey* CourtEid::es256_ = nullptr;
eid::SigningKey* CourtEid::ps256_ = nullptr;
eid::SigningKey* CourtEid::outsider_ = nullptr;

}  // namespace

TEST_F(CourtEid, VerifiedFilerWithEachAlgorithm) {
  ecid::Engine engine(config());
  ASSERT_NE(engine.adapters().find("court"), nullptr);
  for (const eid::SigningKey* key : {rs256_, es256_, ps256_}) {
    SCOPED_TRACE(std::string(eid::algorithm_name(key->algorithm())));
    const auto r = check(engine, online_filing(mint(*key)));
    const auto fs = of_subject(r, kFiler);
    ASSERT_EQ(fs.size(), 1u) << describe(r.findings);
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_IDENTITY_VERIFIED));
    EXPECT_EQ(fs[0].severity, static_cast<uint32_t>(ECID_SEVERITY_OK));
    EXPECT_EQ(fs[0].value, "level 2");
    // The test issuer (a .invalid host) is named in the finding: nothing it verifies is genuine.
    EXPECT_EQ(fs[0].detail, "verified at account level 2 (TEST issuer https://issuer.court-test.invalid: not a genuine identity)");
    // Both parties verify and are served: the whole filing needs no attention.
    EXPECT_EQ(r.exit_class(), 0) << describe(r.findings);
    EXPECT_EQ(r.rounds, 1u);
    const ecid::QueryTrace* q = assertion_trace(r);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->subject_ref, kFiler);
    EXPECT_EQ(q->purpose, "court.case_filing");
    EXPECT_EQ(q->source, "eid");
    EXPECT_EQ(q->status, static_cast<uint32_t>(ECID_ANSWER_FOUND));
    EXPECT_EQ(q->fields_disclosed, std::vector<uint32_t>{ECID_F_EID_LEVEL});
  }
}

TEST_F(CourtEid, FilerMayBeAnyPartyAndIsBoundToThatPartysId) {
  ecid::Engine engine(config());
  const std::string ngoc_token = mint(*rs256_, [](eid::MintRequest& m) {
    m.personal_id = kNgocId;
    m.full_name = kNgocName;
    m.birth_date = kNgocBirth;
  });
  // Party 2's printed ID "079 190 000 202" is compacted before it is bound.
  auto r = check(engine, online_filing(ngoc_token, "2"));
  EXPECT_EQ(of_subject(r, "filer (party[2])").size(), 1u);
  EXPECT_EQ(of_subject(r, "filer (party[2])")[0].code, static_cast<uint32_t>(ECID_FINDING_IDENTITY_VERIFIED))
      << describe(r.findings);
  // The same token filed as party 1 is somebody else's.
  r = check(engine, online_filing(ngoc_token, "1"));
  const auto fs = of_subject(r, kFiler);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_IDENTITY_REJECTED));
  EXPECT_EQ(fs[0].value, "different_person");
  EXPECT_EQ(fs[0].detail.rfind("different_person: ", 0), 0u) << fs[0].detail;
}

// Every way a token is refused, each one finding with the verifier's one reason.
TEST_F(CourtEid, EachRejectionIsIdentityRejected) {
  using namespace std::chrono;
  struct Case {
    std::string verdict;
    std::string token;
  };
  const auto now = system_clock::now();
  const std::vector<Case> cases = {
      {"level_too_low", mint(*rs256_, [](eid::MintRequest& m) { m.acr = *eid::acr_for_level(eid::default_acr_levels(), 1); })},
      {"level_too_low", mint(*rs256_, [](eid::MintRequest& m) { m.acr = "urn:unknown:acr"; })},
      {"expired", mint(*rs256_, [&](eid::MintRequest& m) {
         m.issued_at = now - hours(2);
         m.lifetime = hours(1);
       })},
      {"not_yet_valid", mint(*rs256_, [&](eid::MintRequest& m) { m.issued_at = now + hours(1); })},
      {"too_old", mint(*rs256_, [&](eid::MintRequest& m) {
         m.issued_at = now - minutes(20);  // the test's issuer allows 600 s
         m.lifetime = hours(1);
       })},
      {"wrong_issuer", mint(*rs256_, [](eid::MintRequest& m) { m.issuer = "https://elsewhere.invalid"; })},
      {"wrong_audience", mint(*rs256_, [](eid::MintRequest& m) { m.audience = {"ecid-land-registry"}; })},
      {"missing_azp", mint(*rs256_, [](eid::MintRequest& m) { m.audience = {kClientId, "other"}; })},
      {"wrong_azp", mint(*rs256_, [](eid::MintRequest& m) {
         m.audience = {kClientId, "other"};
         m.azp = "other";
       })},
      {"signature_invalid", mint(*rs256_, [](eid::MintRequest& m) { m.forgery = eid::Forgery::FlippedSignatureByte; })},
      {"signature_invalid", mint(*es256_, [](eid::MintRequest& m) { m.forgery = eid::Forgery::EcdsaDerSignature; })},
      {"algorithm_not_allowed", mint(*rs256_, [](eid::MintRequest& m) { m.forgery = eid::Forgery::AlgNone; })},
      {"algorithm_not_allowed", mint(*rs256_, [](eid::MintRequest& m) { m.forgery = eid::Forgery::HmacWithPublicKey; })},
      {"unknown_key", mint(*outsider_)},
      {"malformed", "not.a.token"},
      {"malformed", mint(*rs256_, [](eid::MintRequest& m) { m.omit_claims = {"SoDinhDanh"}; })},
      {"different_person", mint(*rs256_, [](eid::MintRequest& m) { m.personal_id = kNgocId; })},
  };
  ecid::Engine engine(config());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.verdict);
    const auto r = check(engine, online_filing(c.token));
    const auto fs = of_subject(r, kFiler);
    ASSERT_EQ(fs.size(), 1u) << describe(r.findings);
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_IDENTITY_REJECTED)) << describe(fs);
    EXPECT_EQ(fs[0].severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));
    EXPECT_EQ(fs[0].value, c.verdict) << fs[0].detail;
    EXPECT_EQ(fs[0].detail.rfind(c.verdict + ": ", 0), 0u) << fs[0].detail;
    EXPECT_EQ(fs[0].detail.find(kAnId), std::string::npos) << "no personal data in " << fs[0].detail;
    EXPECT_EQ(fs[0].detail.find("Nguy"), std::string::npos) << fs[0].detail;
    // The parties are checked whatever the filer's token is.
    EXPECT_EQ(of_subject(r, "party[1] (plaintiff)")[0].code, static_cast<uint32_t>(ECID_FINDING_VERIFIED));
    EXPECT_EQ(r.exit_class(), 1);
  }
}

TEST_F(CourtEid, RegisterCrossCheckOfTheTokensNameAndBirthDate) {
  ecid::Engine engine(config());
  struct Case {
    std::string what;
    std::string name;
    std::string birth;
    std::vector<std::pair<uint32_t, uint32_t>> expected;  // (finding, field)
  };
  const std::vector<Case> cases = {
      // VNeID may send names without diacritics: agreeing once they are removed is enough.
      {"name without diacritics", "NGUYEN VAN AN", kAnBirth, {{ECID_FINDING_IDENTITY_VERIFIED, ECID_F_EID_LEVEL}}},
      {"lower case without diacritics", "nguyen van an", kAnBirth, {{ECID_FINDING_IDENTITY_VERIFIED, ECID_F_EID_LEVEL}}},
      {"year-only birth date", kAnName, "19850000", {{ECID_FINDING_IDENTITY_VERIFIED, ECID_F_EID_LEVEL}}},
      {"someone else's name", kNgocName, kAnBirth, {{ECID_FINDING_MISMATCH, ECID_F_FULL_NAME}}},
      {"another birth date", kAnName, "19850216", {{ECID_FINDING_MISMATCH, ECID_F_BIRTH_DATE}}},
      {"both differ", kNgocName, kNgocBirth,
       {{ECID_FINDING_MISMATCH, ECID_F_FULL_NAME}, {ECID_FINDING_MISMATCH, ECID_F_BIRTH_DATE}}},
      // Diacritics present but other ones: not what VNeID does; an operator must look.
      {"other diacritics", "Nguy\xE1\xBB\x85n V\xC4\x83n \xE1\xBA\xA4n", kAnBirth,
       {{ECID_FINDING_NEEDS_REVIEW, ECID_F_FULL_NAME}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const auto r = check(engine, online_filing(mint(*rs256_, [&](eid::MintRequest& m) {
                                                 m.full_name = c.name;
                                                 m.birth_date = c.birth;
                                               })));
    const auto fs = of_subject(r, kFiler);
    ASSERT_EQ(fs.size(), c.expected.size()) << describe(fs);
    for (size_t i = 0; i < fs.size(); ++i) {
      EXPECT_EQ(fs[i].code, c.expected[i].first) << describe(fs);
      EXPECT_EQ(fs[i].field, c.expected[i].second) << describe(fs);
      if (fs[i].code == ECID_FINDING_MISMATCH) {
        EXPECT_NE(fs[i].detail.find(fs[i].field == ECID_F_FULL_NAME
                                        ? "the electronic identity's name disagrees with the register"
                                        : "the electronic identity's birth date disagrees with the register"),
                  std::string::npos)
            << fs[i].detail;
      }
    }
    // The filing party's own claims are the document's, not the token's: still verified.
    EXPECT_EQ(of_subject(r, "party[1] (plaintiff)")[0].code, static_cast<uint32_t>(ECID_FINDING_VERIFIED));
  }
}

TEST_F(CourtEid, TokenForAnIdNobodyHolds) {
  ecid::Engine engine(config());
  const std::string nobody = party_xml("plaintiff", "Tr\xC6\xB0\xC6\xA1ng V\xC4\x83n Minh", "1995", kNobodyId);
  const auto r = check(engine, online_filing(mint(*rs256_, [](eid::MintRequest& m) {
                                               m.personal_id = kNobodyId;
                                               m.full_name = "Truong Van Minh";
                                               m.birth_date = "19950000";
                                             }),
                                             "1", nobody));
  const auto fs = of_subject(r, kFiler);
  ASSERT_EQ(fs.size(), 1u) << describe(r.findings);
  EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_ID_NOT_FOUND));
  EXPECT_EQ(fs[0].field, static_cast<uint32_t>(ECID_F_PERSONAL_ID));
  EXPECT_EQ(of_subject(r, "party[1] (plaintiff)")[0].code, static_cast<uint32_t>(ECID_FINDING_ID_NOT_FOUND));
}

TEST_F(CourtEid, MissingAssertionAndOtherChannels) {
  ecid::Engine engine(config());
  auto r = check(engine, online_filing(std::nullopt));
  auto fs = of_subject(r, kFiler);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_IDENTITY_REJECTED));
  EXPECT_EQ(fs[0].detail, "online filing requires a level-2 electronic identity assertion");
  EXPECT_EQ(assertion_trace(r), nullptr);
  EXPECT_EQ(r.exit_class(), 1);
  // At the counter, no assertion is needed and the filing is as clean as its parties.
  r = check(engine, online_filing(std::nullopt, "1", kAnParty + kNgocParty, "in_person"));
  EXPECT_TRUE(of_subject(r, kFiler).empty()) << describe(r.findings);
  EXPECT_EQ(r.exit_class(), 0) << describe(r.findings);
}

TEST_F(CourtEid, NoIssuerOrNoKeysIsAnErrorNotARejection) {
  {
    ecid::Config c = config();
    c.eid = ecid::EidConfig{};  // no eid: section
    ecid::Engine engine(c);
    const auto r = check(engine, online_filing(mint(*rs256_)));
    const auto fs = of_subject(r, kFiler);
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_REGISTER_UNAVAILABLE));
    EXPECT_EQ(fs[0].severity, static_cast<uint32_t>(ECID_SEVERITY_ERROR));
    EXPECT_NE(fs[0].detail.find("no electronic-identity issuer"), std::string::npos) << fs[0].detail;
  }
  {
    ecid::Engine engine(config(dir_->path() / "no-such-jwks.json"));
    const auto r = check(engine, online_filing(mint(*rs256_)));
    const auto fs = of_subject(r, kFiler);
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_REGISTER_UNAVAILABLE));
    EXPECT_EQ(fs[0].detail.rfind("keys_unavailable: ", 0), 0u) << fs[0].detail;
    EXPECT_EQ(r.exit_class(), 1);
  }
}

TEST_F(CourtEid, PolicyWithoutTheLevelRefusesTheAssertionOnly) {
  ecid::Config c = config();
  bool narrowed = false;
  for (auto& ap : c.policy)
    if (ap.adapter == "court")
      for (auto& pp : ap.purposes)
        if (pp.id == "court.case_filing") {
          ASSERT_TRUE(pp.fields.has(ECID_F_EID_LEVEL)) << "config/ecid.yaml must grant eid_level to the court";
          ecid::FieldSet fields;
          for (uint32_t f : pp.fields.list())
            if (f != ECID_F_EID_LEVEL) fields.add(f);
          pp.fields = fields;
          narrowed = true;
        }
  ASSERT_TRUE(narrowed);
  ecid::Engine engine(c);
  const auto r = check(engine, online_filing(mint(*rs256_)));
  const auto fs = of_subject(r, kFiler);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_REFUSED_BY_POLICY));
  EXPECT_NE(fs[0].detail.find("eid_level"), std::string::npos) << fs[0].detail;
  EXPECT_EQ(of_subject(r, "party[1] (plaintiff)")[0].code, static_cast<uint32_t>(ECID_FINDING_VERIFIED));
}

// The issuer rotates its key: a token with a kid the engine has not seen makes it read the
// JWKS again; a withdrawn key stops being trusted.
TEST_F(CourtEid, RotatedKeyIsPickedUpFromTheRewrittenJwks) {
  const fs::path jwks = dir_->path() / "rotating-jwks.json";
  const eid::SigningKey old_key = eid::SigningKey::generate(eid::Algorithm::RS256, "court-2025");
  const eid::SigningKey new_key = eid::SigningKey::generate(eid::Algorithm::ES256, "court-2026");
  eid::write_jwks(jwks, std::vector<eid::SigningKey>{old_key});
  ecid::Config c = config(jwks);
  c.eid.refetch_cooldown_s = 0;  // every unknown kid may refetch: the steps below are immediate
  ecid::Engine engine(c);
  auto verdict = [&](const eid::SigningKey& key) {
    const auto r = check(engine, online_filing(mint(key)));
    const auto fs = of_subject(r, kFiler);
    if (fs.size() != 1) return std::string("findings:") + describe(fs);
    return fs[0].code == ECID_FINDING_IDENTITY_VERIFIED ? std::string("verified") : fs[0].value;
  };
  EXPECT_EQ(verdict(old_key), "verified");
  EXPECT_EQ(verdict(new_key), "unknown_key");  // signed before the issuer published it
  eid::write_jwks(jwks, std::vector<eid::SigningKey>{old_key, new_key});
  EXPECT_EQ(verdict(new_key), "verified");
  EXPECT_EQ(verdict(old_key), "verified");
  eid::write_jwks(jwks, std::vector<eid::SigningKey>{new_key});  // the old key is withdrawn
  EXPECT_EQ(verdict(new_key), "verified");                       // the cached set still serves new_key
  EXPECT_EQ(verdict(*outsider_), "unknown_key");  // an unknown kid makes it refetch
  EXPECT_EQ(verdict(old_key), "unknown_key");  // the refetched set has no old key
}

TEST_F(CourtEid, RefetchesArePacedSoTokensCannotDriveThem) {
  const fs::path jwks = dir_->path() / "paced-jwks.json";
  const eid::SigningKey first = eid::SigningKey::generate(eid::Algorithm::ES256, "paced-1");
  const eid::SigningKey second = eid::SigningKey::generate(eid::Algorithm::ES256, "paced-2");
  eid::write_jwks(jwks, std::vector<eid::SigningKey>{first});
  ecid::Config c = config(jwks);
  c.eid.refetch_cooldown_s = 3600;
  ecid::Engine engine(c);
  auto value = [&](const eid::SigningKey& key) {
    const auto fs = of_subject(check(engine, online_filing(mint(key))), kFiler);
    return fs.size() == 1 ? (fs[0].code == ECID_FINDING_IDENTITY_VERIFIED ? "verified" : fs[0].value) : "?";
  };
  EXPECT_EQ(value(first), "verified");
  // The first unknown kid after start-up refetches at once and finds the rotated key.
  eid::write_jwks(jwks, std::vector<eid::SigningKey>{first, second});
  EXPECT_EQ(value(second), "verified");
  // A third key published now is not seen until the cooldown passes: unknown kids cannot
  // make the engine hammer the issuer.
  const eid::SigningKey third = eid::SigningKey::generate(eid::Algorithm::ES256, "paced-3");
  eid::write_jwks(jwks, std::vector<eid::SigningKey>{first, second, third});
  EXPECT_EQ(value(third), "unknown_key");
  EXPECT_EQ(value(first), "verified");
}

TEST_F(CourtEid, ConcurrentFilingsGiveTheSameVerdicts) {
  ecid::Engine engine(config());
  const std::string good = online_filing(mint(*rs256_));
  const std::string bad = online_filing(mint(*rs256_, [](eid::MintRequest& m) { m.personal_id = kNgocId; }));
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const bool want_good = (i + t) % 2 == 0;
        const auto r = engine.check("x.xml", want_good ? good : bad);
        const auto fs = of_subject(r, kFiler);
        const uint32_t expected = want_good ? ECID_FINDING_IDENTITY_VERIFIED : ECID_FINDING_IDENTITY_REJECTED;
        if (!r.ok || fs.size() != 1 || fs[0].code != expected) ++wrong;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}
