// End to end: every traffic sample through ecid::Engine on freshly seeded registers, checked
// against samples/traffic/README.md (findings, document refs, and which register answered each
// round); then the multi-round flow with a register answer that changes the second round, and
// the findings only the environment can cause.
#include "../support/samples_support.hpp"

#include <ecid/audit.hpp>
#include <ecid/plate.hpp>

#include <regex>

using namespace samples_test;

namespace {

const fs::path kSamples = fs::path(ECID_SOURCE_DIR) / "samples/traffic";

class TrafficSamples : public ::testing::TestWithParam<std::pair<uint64_t, uint64_t>> {};

ecid::DocumentReport check(ecid::Engine& engine, const std::string& file) {
  return engine.check(file, ecid::testing::read_file((kSamples / file).string()));
}

std::shared_ptr<ecid::RegisterBackend> embedded(const fs::path& p) {
  return std::shared_ptr<ecid::RegisterBackend>(ecid::open_embedded_register(p.string()));
}

}  // namespace

TEST(TrafficSamplesReadme, ListsEverySampleAndCoversEveryFindingOfTheAdapter) {
  const Readme r = read_readme(kSamples, true);
  const auto files = sample_files(kSamples);
  ASSERT_GE(files.size(), 15u);
  for (const auto& f : files) {
    EXPECT_TRUE(r.document_refs.count(f)) << f << " is not in the samples table";
    EXPECT_TRUE(r.expected.count(f)) << f << " has no expected findings";
  }
  for (const auto& [f, _] : r.expected) EXPECT_TRUE(fs::exists(kSamples / f)) << f;
  std::set<std::string> covered;
  for (const auto& [f, subjects] : r.expected)
    for (const auto& [s, list] : subjects)
      for (const auto& e : list) covered.insert(e.code);
  for (const char* code : {"NOTICE_ROUTE", "PLATE_UNKNOWN", "PLATE_NOT_ACTIVE", "DECEASED", "ORGANISATION_OWNER",
                           "ORGANISATION_NOT_ACTIVE", "VERIFIED", "MISMATCH", "ID_NOT_FOUND", "UNDER_AGE",
                           "HELD_PLATE_AVAILABLE", "IDENTITY_VERIFIED", "IDENTITY_REJECTED", "INVALID_INPUT",
                           "NEEDS_REVIEW"})
    EXPECT_TRUE(covered.count(code)) << code << " is shown by no sample";
}

TEST_P(TrafficSamples, FindingsAndRoundsAreThoseTheReadmeLists) {
  const auto [people, seed] = GetParam();
  ecid::Engine engine(shipped_config(seeded(people, seed)));
  ASSERT_NE(engine.adapters().find("traffic"), nullptr) << [&] {
    std::string why;
    for (const auto& r : engine.adapters().refused()) why += r.file.string() + ": " + r.reason + "\n";
    return why;
  }();
  check_samples_against_readme(engine, kSamples, "traffic", true);
}

// The fixtures are in every register, whatever its size and seed.
INSTANTIATE_TEST_SUITE_P(Registers, TrafficSamples,
                         ::testing::Values(std::pair<uint64_t, uint64_t>{200, 1},
                                           std::pair<uint64_t, uint64_t>{6000, 20250701}));

// The multi-round flow: round 1 is planned from round 0's answer. With the seeded register the
// car of camera_car_owner.xml belongs to a person (round 1: population register); after the
// plate changes owner to an organisation, the same document asks the organisation register.
TEST(TrafficFlow, SecondRoundFollowsTheFirstAnswer) {
  const fs::path reg = seeded(200, 1);
  const std::string file = "camera_car_owner.xml";
  {
    ecid::Engine engine(shipped_config(reg));
    const auto report = check(engine, file);
    ASSERT_TRUE(report.ok) << report.error;
    ASSERT_EQ(report.rounds, 2u);
    ASSERT_EQ(report.queries.size(), 2u);
    EXPECT_EQ(report.queries[0].round, 0u);
    EXPECT_EQ(report.queries[0].kind, static_cast<uint32_t>(ECID_Q_VEHICLE_BY_PLATE));
    EXPECT_EQ(report.queries[0].source, "vehicle/embedded");
    EXPECT_EQ(report.queries[1].round, 1u);
    EXPECT_EQ(report.queries[1].kind, static_cast<uint32_t>(ECID_Q_PERSON_BY_ID));
    EXPECT_EQ(report.queries[1].source, "population/embedded");
    EXPECT_TRUE(findings_match(of_subject(report, "owner"),
                               {{"VERIFIED", "001085000101"}, {"NOTICE_ROUTE", "phường Ngọc Hà"}}));
  }
  // The plate passed to the school of fixture organisation 0300000202 on 2025-01-01.
  auto sold = std::make_shared<RewritingRegister>(embedded(reg), [](const ecid::LookupRequest& q, ecid::LookupResult& r) {
    if (q.kind != ECID_Q_VEHICLE_BY_PLATE || r.records.empty()) return;
    for (auto& [field, value] : r.records[0].values) {
      if (field == ECID_F_PLATE_HISTORY)
        value = "2019-03-02..2025-01-01:person:001085000101:active;2025-01-01..:organisation:0300000202:active";
      if (field == ECID_F_VEHICLE_OWNER_KIND) value = "organisation";
      if (field == ECID_F_VEHICLE_OWNER_ID) value = "0300000202";
    }
  });
  ecid::Engine engine(shipped_config(reg), sold);
  const auto report = check(engine, file);
  ASSERT_TRUE(report.ok) << report.error;
  ASSERT_EQ(report.queries.size(), 2u);
  EXPECT_EQ(report.queries[1].round, 1u);
  EXPECT_EQ(report.queries[1].kind, static_cast<uint32_t>(ECID_Q_ORGANISATION_BY_CODE));
  EXPECT_EQ(report.queries[1].source, "organisation/embedded");
  EXPECT_TRUE(findings_match(of_subject(report, "owner"),
                             {{"ORGANISATION_OWNER", "0300000202"}, {"NOTICE_ROUTE", "Lê Thánh Tôn"}}));
}

// The violation day decides the owner: every period of a real seeded plate history, probed on
// its first and last day, routes to the owner of that period.
TEST(TrafficFlow, EachPeriodOfASeededHistoryRoutesToItsOwner) {
  const fs::path reg = seeded(6000, 20250701);
  // Plates that changed owner with the vehicle (before 2023), both owners alive today.
  const auto transfers = rows(reg,
                              "SELECT a.plate, a.valid_from, a.valid_to, a.owner_id, b.owner_id, b.valid_from "
                              "FROM plate_history a JOIN plate_history b ON a.plate = b.plate AND b.valid_from = a.valid_to "
                              "JOIN person pa ON pa.pid = CAST(a.owner_id AS INTEGER) "
                              "JOIN person pb ON pb.pid = CAST(b.owner_id AS INTEGER) "
                              "WHERE a.status = 'active' AND b.status = 'active' AND a.owner_kind = 'person' "
                              "AND b.owner_kind = 'person' AND b.valid_to IS NULL "
                              "AND pa.death_date IS NULL AND pb.death_date IS NULL ORDER BY a.plate LIMIT 5");
  ASSERT_FALSE(transfers.empty()) << "the seed generates transfers with the plate";
  ecid::Engine engine(shipped_config(reg));
  for (const auto& t : transfers) {
    const auto plate = ecid::parse_plate(t[0]);
    ASSERT_TRUE(plate.plate) << t[0];
    auto owner_on = [&](const std::string& day) {
      const std::string doc = "<ViolationRecord xmlns=\"urn:ecid:traffic:camera:1\"><RecordId>T</RecordId><Time>" + day +
                              "T12:00:00+07:00</Time><Plate>" + plate.plate->display +
                              "</Plate><Violation code=\"6.9.b\"/></ViolationRecord>";
      const auto r = engine.check("probe.xml", doc);
      EXPECT_TRUE(r.ok) << r.error;
      for (const auto& f : r.findings)
        if (f.code == ECID_FINDING_VERIFIED) return f.value;
      return "(none)" + describe(r.findings);
    };
    // The last day of the first owner, the first day of the second.
    const std::string last_day = rows(reg, "SELECT date('" + t[2] + "', '-1 day')")[0][0];
    EXPECT_EQ(owner_on(last_day), t[3]) << t[0] << " on " << last_day;
    EXPECT_EQ(owner_on(t[5]), t[4]) << t[0] << " on " << t[5];
  }
}

TEST(TrafficEnvironment, RegisterFailuresAreErrors) {
  const fs::path reg = seeded(200, 1);
  for (uint32_t status : {ECID_ANSWER_UNAVAILABLE, ECID_ANSWER_BAD_ANSWER}) {
    auto failing = std::make_shared<RewritingRegister>(embedded(reg), [status](const ecid::LookupRequest&, ecid::LookupResult& r) {
      r.status = status;
      r.detail = "injected by the test";
      r.records.clear();
    });
    ecid::Engine engine(shipped_config(reg), failing);
    for (const char* file : {"camera_car_owner.xml", "registration_motorbike.xml"}) {
      const auto report = check(engine, file);
      ASSERT_TRUE(report.ok) << report.error;
      ASSERT_EQ(report.findings.size(), 1u) << file << describe(report.findings);
      EXPECT_EQ(report.findings[0].code, static_cast<uint32_t>(ECID_FINDING_REGISTER_UNAVAILABLE));
      EXPECT_EQ(report.findings[0].severity, static_cast<uint32_t>(ECID_SEVERITY_ERROR));
      EXPECT_NE(report.findings[0].detail.find("injected by the test"), std::string::npos);
      EXPECT_EQ(report.rounds, 1u) << "nothing to plan a second round from";
    }
  }
}

TEST(TrafficEnvironment, NarrowerPolicyIsRefusedBeforeAnyLookup) {
  const fs::path reg = seeded(200, 1);
  ecid::Config config = shipped_config(reg);
  bool narrowed = false;
  for (auto& ap : config.policy)
    if (ap.adapter == "traffic")
      for (auto& pp : ap.purposes)
        if (pp.id == "traffic.camera_notice") {
          ecid::FieldSet fields;
          for (uint32_t f : pp.fields.list())
            if (f != ECID_F_PLATE_HISTORY) fields.add(f);
          pp.fields = fields;
          narrowed = true;
        }
  ASSERT_TRUE(narrowed) << "config/ecid.yaml has no policy.traffic.traffic.camera_notice";
  int lookups = 0;
  auto counting = std::make_shared<RewritingRegister>(embedded(reg), [&](const ecid::LookupRequest&, ecid::LookupResult&) { ++lookups; });
  ecid::Engine engine(config, counting);
  const auto report = check(engine, "camera_car_owner.xml");
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(lookups, 0);
  EXPECT_TRUE(findings_match(of_subject(report, "vehicle"), {{"REFUSED_BY_POLICY", "plate_history"}}));
  EXPECT_EQ(report.exit_class(), 1);
}

// A child of the seeded register (not a fixture) applying today is under age; an adult of the
// register who holds a plate gets it offered back. Both found in the register, not hard-coded.
TEST(TrafficEnvironment, AgeAndHeldPlatesComeFromTheRegister) {
  const fs::path reg = seeded(6000, 20250701);
  ecid::Engine engine(shipped_config(reg));
  auto application = [](const std::string& id, const std::string& name, const std::string& birth, const std::string& kind) {
    return "<PlateRegistration xmlns=\"urn:ecid:traffic:registration:1\"><ApplicationId>A-1</ApplicationId>"
           "<ApplicationDate>2025-06-10</ApplicationDate><Vehicle kind=\"" + kind + "\"/><Applicant><FullName>" + name +
           "</FullName><BirthDate>" + birth + "</BirthDate><PersonalId>" + id + "</PersonalId></Applicant></PlateRegistration>";
  };
  const auto children = rows(reg,
                             "SELECT printf('%012d', pid), full_name, birth_date FROM person WHERE death_date IS NULL "
                             "AND length(birth_date) = 10 AND birth_date > '2011-01-01' AND pid % 1000000 >= 1000 "
                             "ORDER BY pid LIMIT 5");
  ASSERT_FALSE(children.empty());
  for (const auto& c : children) {
    const auto r = engine.check("child.xml", application(c[0], c[1], c[2], "motorbike"));
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(findings_match(of_subject(r, "applicant"), {{"VERIFIED", ""}, {"UNDER_AGE", ""}})) << c[0];
    EXPECT_EQ(r.rounds, 1u) << "no plates are looked at for a child";
  }
  // Plates held today (since at most 5 years) for living adults with a full birth date.
  const auto held = rows(reg,
                         "SELECT h.owner_id, p.full_name, p.birth_date, v.vehicle_kind, h.plate, h.valid_from "
                         "FROM plate_history h JOIN vehicle v ON v.plate = h.plate "
                         "JOIN person p ON p.pid = CAST(h.owner_id AS INTEGER) "
                         "WHERE h.valid_to IS NULL AND h.status = 'held' AND h.owner_kind = 'person' "
                         "AND p.death_date IS NULL AND length(p.birth_date) = 10 AND h.valid_from <= '2025-06-10' "
                         "AND p.pid % 1000000 >= 1000 ORDER BY h.plate LIMIT 5");
  ASSERT_FALSE(held.empty()) << "the seed holds plates for sellers";
  for (const auto& h : held) {
    const auto r = engine.check("held.xml", application(h[0], h[1], h[2], h[3]));
    ASSERT_TRUE(r.ok) << r.error;
    const auto plate = ecid::parse_plate(h[4]);
    ASSERT_TRUE(plate.plate);
    bool offered = false;
    for (const auto& f : r.findings)
      if (f.code == ECID_FINDING_HELD_PLATE_AVAILABLE && f.value == plate.plate->display) offered = true;
    EXPECT_TRUE(offered) << h[4] << " held for " << h[0] << describe(r.findings);
    EXPECT_EQ(r.rounds, 2u);
  }
}

TEST(TrafficEnvironment, HostileDocumentsAreRefusedWithAReason) {
  ecid::Engine engine(shipped_config(seeded(200, 1)));
  const std::vector<std::string> bad = {
      "<ViolationRecord xmlns=\"urn:ecid:traffic:camera:1\"><Time>2025-01-01T00:00:00Z</Time></ViolationRecord>",
      "<ViolationRecord xmlns=\"urn:ecid:traffic:camera:1\"><Plate>30A-123.45",
      "<PlateRegistration xmlns=\"urn:ecid:traffic:registration:1\"><ApplicationDate>2025-01-01</ApplicationDate>"
      "<Vehicle kind=\"boat\"/><Applicant/></PlateRegistration>",
      "<PlateRegistration xmlns=\"urn:ecid:traffic:registration:1\"><ApplicationDate>2031-01-01</ApplicationDate>"
      "<Vehicle kind=\"car\"/><Applicant/></PlateRegistration>",
  };
  for (const auto& doc : bad) {
    const auto report = engine.check("bad.xml", doc);
    EXPECT_FALSE(report.ok) << doc;
    EXPECT_FALSE(report.error.empty());
    EXPECT_EQ(report.error.find('\n'), std::string::npos) << report.error;
    EXPECT_EQ(report.exit_class(), 2);
  }
}

// A plate look-up by plate names the owner and the earlier owners of its history: each of those
// people must find it by their own ID (`ecid audit find --id`), an organisation owner is nobody.
TEST(TrafficAudit, EveryPersonAPlateAnswerNamesFindsIt) {
  const fs::path reg = seeded(6000, 20250701);
  const auto plates = rows(reg,
                           "SELECT plate, max(valid_from) FROM plate_history GROUP BY plate "
                           "HAVING count(DISTINCT owner_id) >= 2 ORDER BY plate LIMIT 8");
  ASSERT_GE(plates.size(), 4u) << "the seed generates plates with several owners";
  ecid::Config c = shipped_config(reg);
  const fs::path dir = folder() / "audit-history";
  fs::remove_all(dir);
  c.audit_path = dir / "audit.db";
  c.audit_key_file = dir / "audit.key";
  c.audit_anchor_file = dir / "audit.anchors";
  {
    ecid::Engine engine(c);
    for (const auto& p : plates) {
      const auto plate = ecid::parse_plate(p[0]);
      ASSERT_TRUE(plate.plate) << p[0];
      const std::string doc = "<ViolationRecord xmlns=\"urn:ecid:traffic:camera:1\"><RecordId>H-" + p[0] +
                              "</RecordId><Time>" + p[1] + "T12:00:00+07:00</Time><Plate>" + plate.plate->display +
                              "</Plate><Violation code=\"6.9.b\"/></ViolationRecord>";
      ASSERT_TRUE(engine.check("history.xml", doc).ok);
    }
  }
  ecid::AuditOptions o;
  o.path = c.audit_path;
  o.key_file = c.audit_key_file;
  const std::string key = ecid::load_audit_key(o);
  size_t people = 0, organisations = 0;
  for (const auto& p : plates) {
    for (const auto& owner : rows(reg, "SELECT DISTINCT owner_kind, owner_id FROM plate_history WHERE plate = '" + p[0] + "'")) {
      size_t disclosures = 0;
      for (const auto& row : ecid::find_audit(c.audit_path, key, owner[1]))
        if (row.kind == "register_disclosure" && row.document_ref == "H-" + p[0]) {
          ++disclosures;
          EXPECT_EQ(row.outcome, "disclosed by vehicle.by_plate");
          EXPECT_EQ(row.purpose, "traffic.camera_notice");
        }
      if (owner[0] == "person") {
        ++people;
        EXPECT_EQ(disclosures, 1u) << p[0] << ": an owner of its history";
      } else {
        ++organisations;
        EXPECT_EQ(disclosures, 0u) << p[0] << ": an organisation is nobody's personal data";
      }
    }
  }
  EXPECT_GE(people, 8u);
  EXPECT_TRUE(ecid::verify_audit(c.audit_path, c.audit_anchor_file).ok);
}

// A plate look-up by owner has no key: its audit row must still name the owner, or a citizen's
// access request (`ecid audit find --id`) would miss who listed their plates.
TEST(TrafficAudit, AKeylessPlateLookupIsAuditedUnderTheOwner) {
  ecid::Config c = shipped_config(seeded(200, 1));
  const fs::path dir = folder() / "audit-owner";
  fs::remove_all(dir);
  c.audit_path = dir / "audit.db";
  c.audit_key_file = dir / "audit.key";
  c.audit_anchor_file = dir / "audit.anchors";
  const std::string sample = ecid::testing::read_file((kSamples / "registration_motorbike.xml").string());
  std::smatch m;
  ASSERT_TRUE(std::regex_search(sample, m, std::regex("<PersonalId>([0-9]{12})</PersonalId>")));
  const std::string owner = m[1];
  {
    ecid::Engine engine(c);
    const ecid::DocumentReport report = check(engine, "registration_motorbike.xml");
    ASSERT_TRUE(report.ok) << report.error;
  }
  ecid::AuditOptions o;
  o.path = c.audit_path;
  o.key_file = c.audit_key_file;
  const auto rows = ecid::find_audit(c.audit_path, ecid::load_audit_key(o), owner);
  std::set<std::string> disclosed;
  for (const auto& row : rows)
    for (const auto& f : row.fields_disclosed) disclosed.insert(f);
  EXPECT_GE(rows.size(), 2u) << "the population look-up and the plate look-up";
  EXPECT_TRUE(disclosed.count("plate")) << "no audit row of the owner's plate look-up";
}
