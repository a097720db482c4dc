// End to end: every seals sample through ecid::Engine on freshly seeded registers, checked
// against samples/seals/README.md; then the findings only the environment can cause.
#include "../support/samples_support.hpp"

using namespace samples_test;

namespace {

const fs::path kSamples = fs::path(ECID_SOURCE_DIR) / "samples/seals";

class SealsSamples : public ::testing::TestWithParam<std::pair<uint64_t, uint64_t>> {};

std::shared_ptr<ecid::RegisterBackend> embedded(const fs::path& p) {
  return std::shared_ptr<ecid::RegisterBackend>(ecid::open_embedded_register(p.string()));
}

}  // namespace

TEST(SealsSamplesReadme, ListsEverySampleAndCoversEveryFindingOfTheAdapter) {
  const Readme r = read_readme(kSamples, false);
  const auto files = sample_files(kSamples);
  ASSERT_GE(files.size(), 4u);
  for (const auto& f : files) {
    EXPECT_TRUE(r.document_refs.count(f)) << f << " is not in the samples table";
    EXPECT_TRUE(r.expected.count(f)) << f << " has no expected findings";
  }
  std::set<std::string> covered;
  for (const auto& [f, subjects] : r.expected)
    for (const auto& [s, list] : subjects)
      for (const auto& e : list) covered.insert(e.code);
  for (const char* code : {"VERIFIED", "ORGANISATION_NOT_FOUND", "ORGANISATION_NOT_ACTIVE", "REPRESENTATIVE_MISMATCH",
                           "DECEASED", "MISMATCH", "INVALID_INPUT", "IDENTITY_VERIFIED"})
    EXPECT_TRUE(covered.count(code)) << code << " is shown by no sample";
}

TEST_P(SealsSamples, FindingsAreThoseTheReadmeLists) {
  const auto [people, seed] = GetParam();
  ecid::Engine engine(shipped_config(seeded(people, seed)));
  ASSERT_NE(engine.adapters().find("seals"), nullptr);
  check_samples_against_readme(engine, kSamples, "seals", false);
  // The registers that answered: organisation and population, in one round.
  const auto report = engine.check("batch.xml", ecid::testing::read_file((kSamples / "seal_reregistration_batch.xml").string()));
  EXPECT_EQ(report.rounds, 1u);
  EXPECT_EQ(rounds_text(report), "organisation, population");
}

INSTANTIATE_TEST_SUITE_P(Registers, SealsSamples,
                         ::testing::Values(std::pair<uint64_t, uint64_t>{200, 1},
                                           std::pair<uint64_t, uint64_t>{6000, 20250701}));

TEST(SealsEnvironment, RegisterFailuresAreErrorsOnEverySubject) {
  const fs::path reg = seeded(200, 1);
  auto failing = std::make_shared<RewritingRegister>(embedded(reg), [](const ecid::LookupRequest&, ecid::LookupResult& r) {
    r.status = ECID_ANSWER_UNAVAILABLE;
    r.detail = "injected by the test";
    r.records.clear();
  });
  ecid::Engine engine(shipped_config(reg), failing);
  const auto report = engine.check("new.xml", ecid::testing::read_file((kSamples / "seal_new_registration.xml").string()));
  ASSERT_TRUE(report.ok) << report.error;
  for (const char* subject : {"organisation", "representative", "filer"}) {
    const auto fs = of_subject(report, subject);
    ASSERT_FALSE(fs.empty()) << subject;
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_REGISTER_UNAVAILABLE)) << subject << describe(fs);
    EXPECT_EQ(fs[0].severity, static_cast<uint32_t>(ECID_SEVERITY_ERROR));
  }
}

TEST(SealsEnvironment, NarrowerPolicyIsRefusedBeforeAnyLookup) {
  const fs::path reg = seeded(200, 1);
  ecid::Config config = shipped_config(reg);
  bool narrowed = false;
  for (auto& ap : config.policy)
    if (ap.adapter == "seals")
      for (auto& pp : ap.purposes)
        if (pp.id == "seals.registration") {
          ecid::FieldSet fields;
          for (uint32_t f : pp.fields.list())
            if (f != ECID_F_ORG_STATUS) fields.add(f);
          pp.fields = fields;
          narrowed = true;
        }
  ASSERT_TRUE(narrowed) << "config/ecid.yaml has no policy.seals.seals.registration";
  int organisation_lookups = 0;
  auto counting = std::make_shared<RewritingRegister>(embedded(reg), [&](const ecid::LookupRequest& q, ecid::LookupResult&) {
    organisation_lookups += q.kind == ECID_Q_ORGANISATION_BY_CODE;
  });
  ecid::Engine engine(config, counting);
  const auto report =
      engine.check("batch.xml", ecid::testing::read_file((kSamples / "seal_reregistration_batch.xml").string()));
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(organisation_lookups, 0);
  for (int i = 1; i <= 5; ++i) {
    const auto fs = of_subject(report, "application[" + std::to_string(i) + "] organisation");
    bool refused = false;
    for (const auto& f : fs) refused = refused || (f.code == ECID_FINDING_REFUSED_BY_POLICY && mentions(f, "org_status"));
    EXPECT_TRUE(refused) << i << describe(fs);
  }
}

// Random organisations of a seeded register: their legal representatives are living citizens
// of the same register, and an application written from the register's own data verifies.
TEST(SealsEnvironment, SeededOrganisationsVerifyFromTheirOwnData) {
  const fs::path reg = seeded(6000, 20250701);
  ecid::Engine engine(shipped_config(reg));
  const auto organisations = rows(reg,
                                  "SELECT o.code, o.name, p.full_name, p.birth_date, printf('%012d', p.pid), p.death_date "
                                  "FROM organisation o JOIN person p ON p.pid = CAST(o.representative_id AS INTEGER) "
                                  "WHERE o.status = 'active' AND substr(o.code, 3) >= '00001000' "
                                  "AND p.full_name = o.representative_name ORDER BY o.code LIMIT 6");
  ASSERT_EQ(organisations.size(), 6u) << "random organisations whose representative is a row of person";
  EXPECT_EQ(rows(reg, "SELECT count(*) FROM organisation o LEFT JOIN person p ON p.pid = CAST(o.representative_id AS "
                      "INTEGER) WHERE p.pid IS NULL OR p.full_name <> o.representative_name OR p.death_date IS NOT NULL")[0][0],
            "0")
      << "every representative is a living citizen of the register, under the same name";
  for (const auto& o : organisations) {
    const std::string doc =
        "<SealRegistration xmlns=\"urn:ecid:seals:registration:1\"><ApplicationId>X</ApplicationId>"
        "<Organisation code=\"" + o[0] + "\"><Name>" + o[1] +
        "</Name><EstablishmentDecision>1/QĐ</EstablishmentDecision></Organisation><SealType>symbol</SealType>"
        "<LegalRepresentative><FullName>" + o[2] + "</FullName><BirthDate>" + o[3] + "</BirthDate><PersonalId>" + o[4] +
        "</PersonalId></LegalRepresentative><Filer><FullName>" + o[2] + "</FullName><PersonalId>" + o[4] +
        "</PersonalId><IntroductionLetter>1/GGT</IntroductionLetter></Filer></SealRegistration>";
    const auto report = engine.check("x.xml", doc);
    ASSERT_TRUE(report.ok) << report.error;
    for (const char* subject : {"organisation", "representative", "filer"})
      EXPECT_TRUE(findings_match(of_subject(report, subject), {{"VERIFIED", ""}})) << o[0] << " " << subject;
  }
}
