// Adapter-level tests: the real libecid_traffic.so, driven round by round on the SDK's test
// harness (the host's own driver). No register, no engine: every answer is constructed here, so
// the tests reach the statuses a healthy register never gives (eID not wired, owner missing, …).
#include "../support/temp_dir.hpp"

#include <ecid/testing/adapter_harness.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

using namespace ecid::testing;

namespace {

const std::string kLibrary = std::string(ECID_ADAPTER_DIR) + "/libecid_traffic.so";
// 2025-06-15T00:00:00Z: the day these tests' dates are written against.
constexpr FakeClock kClock{1749945600, 2025};

std::string camera(const std::string& plate, const std::string& time = "2025-03-14T08:15:32+07:00",
                   const std::string& extra = "<Violation code=\"6.9.b\">Vượt đèn đỏ</Violation>") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ViolationRecord xmlns=\"urn:ecid:traffic:camera:1\">"
         "<RecordId>REC-1</RecordId><Device id=\"D1\" type=\"fixed\">Camera</Device>"
         "<Time>" + time + "</Time><Place province=\"01\">Hà Nội</Place><Plate colour=\"white\">" + plate + "</Plate>" +
         extra + "</ViolationRecord>";
}

struct Applicant {
  std::string name = "Nguyễn Văn An";
  std::string birth = "15/02/1985";
  std::string sex = "Nam";
  std::string id = "001085000101";
  std::string assertion;
  std::string guardian;
};

std::string registration(const Applicant& a, const std::string& kind = "car", const std::string& date = "2025-06-02") {
  std::string x = "<PlateRegistration xmlns=\"urn:ecid:traffic:registration:1\"><ApplicationId>APP-1</ApplicationId>"
                  "<ApplicationDate>" + date + "</ApplicationDate><Vehicle kind=\"" + kind + "\"><Make>Toyota</Make>"
                  "</Vehicle><Applicant>";
  if (!a.name.empty()) x += "<FullName>" + a.name + "</FullName>";
  if (!a.birth.empty()) x += "<BirthDate>" + a.birth + "</BirthDate>";
  if (!a.sex.empty()) x += "<Sex>" + a.sex + "</Sex>";
  if (!a.id.empty()) x += "<PersonalId>" + a.id + "</PersonalId>";
  if (!a.guardian.empty()) x += "<GuardianConsent>" + a.guardian + "</GuardianConsent>";
  if (!a.assertion.empty()) x += "<Assertion>" + a.assertion + "</Assertion>";
  return x + "</Applicant></PlateRegistration>";
}

// A vehicle-register answer with a history; the current owner is the last period's.
FakeAnswer plate_answer(const std::string& display, const std::string& kind, const std::string& history) {
  std::string last = history.substr(history.rfind(';') == std::string::npos ? 0 : history.rfind(';') + 1);
  std::vector<std::string> parts;
  size_t at = last.find("..") + 2;
  last = last.substr(at);
  for (size_t p; (p = last.find(':')) != std::string::npos; last = last.substr(p + 1)) parts.push_back(last.substr(0, p));
  parts.push_back(last);
  FakeAnswer a;
  a.source = "vehicle/test";
  a.records.push_back(FakeRecord{{{ECID_F_PLATE, display},
                                  {ECID_F_VEHICLE_KIND, kind},
                                  {ECID_F_VEHICLE_OWNER_KIND, parts[1]},
                                  {ECID_F_VEHICLE_OWNER_ID, parts[2]},
                                  {ECID_F_PLATE_STATUS, parts[3]},
                                  {ECID_F_PLATE_HISTORY, history}},
                                 {}});
  return a;
}

const std::string kAddress = "Số 12 ngõ 34 phố Kim Mã, phường Ngọc Hà, thành phố Hà Nội";

FakeAnswer living_owner(const PlannedQuery& q) {
  return found(q, {{ECID_F_DEATH_DATE, ""}, {ECID_F_CURRENT_RESIDENCE, kAddress}});
}

FakeAnswer organisation(const PlannedQuery& q, const std::string& status = "active",
                        const std::string& office = "Số 40 đường Lê Thánh Tôn, phường Bến Thành, Thành phố Hồ Chí Minh") {
  std::vector<std::pair<uint32_t, std::string>> v{{ECID_F_ORG_NAME, "Trường THCS Bến Thành"}, {ECID_F_ORG_STATUS, status}};
  if (!office.empty()) v.emplace_back(ECID_F_ORG_HEAD_OFFICE, office);
  return found(q, v);
}

// Answers a camera record: the plate with `history`, then the owner by `owner`.
AnswerFor camera_answers(const std::string& history, std::function<FakeAnswer(const PlannedQuery&)> owner = living_owner,
                         const std::string& kind = "car") {
  return [=](const PlannedQuery& q) {
    if (q.kind == ECID_Q_VEHICLE_BY_PLATE) return plate_answer("30A-123.45", kind, history);
    return owner(q);
  };
}

const std::string kPersonActive = "2019-03-02..:person:001085000101:active";

std::vector<uint32_t> codes(const std::vector<ReportedFinding>& fs) {
  std::vector<uint32_t> out;
  for (const auto& f : fs) out.push_back(f.code);
  return out;
}

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == std::string::npos; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Descriptor

TEST(TrafficContract, DescriptorAgreesWithManifest) {
  const ecid_adapter_v1* d = entry_of(kLibrary)(1, 0);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(entry_of(kLibrary)(2, 0), nullptr);
  EXPECT_STREQ(d->name, "traffic");
  ASSERT_EQ(d->document_type_count, 2u);
  EXPECT_STREQ(d->document_types[0].root, "ViolationRecord");
  EXPECT_STREQ(d->document_types[0].namespace_uri, "urn:ecid:traffic:camera:1");
  EXPECT_STREQ(d->document_types[1].root, "PlateRegistration");
  EXPECT_STREQ(d->document_types[1].namespace_uri, "urn:ecid:traffic:registration:1");
  const std::string manifest = read_file(std::string(ECID_ADAPTER_DIR) + "/traffic.manifest.yaml");
  EXPECT_NE(manifest.find("name: traffic\n"), std::string::npos);
  EXPECT_NE(manifest.find(std::string("version: ") + d->version + "\n"), std::string::npos);
  EXPECT_NE(manifest.find("namespace: urn:ecid:traffic:camera:1"), std::string::npos);
  EXPECT_NE(manifest.find("namespace: urn:ecid:traffic:registration:1"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Camera records: the two rounds

TEST(TrafficCamera, RoundZeroSendsThePlateAsWrittenAndAsksForItsHistory) {
  Harness h(kLibrary, kClock);
  const Outcome r = h.run(camera(" 29-b1 123.45 "), [](const PlannedQuery&) { return status_only(ECID_ANSWER_NOT_FOUND); });
  ASSERT_EQ(r.open_rc, ECID_OK) << r.open_error;
  ASSERT_EQ(r.queries.size(), 1u);
  const PlannedQuery& q = r.queries[0];
  EXPECT_EQ(q.kind, static_cast<uint32_t>(ECID_Q_VEHICLE_BY_PLATE));
  EXPECT_EQ(q.key, "29-b1 123.45");  // the host normalises: one set of plate rules
  EXPECT_EQ(q.purpose, "traffic.camera_notice");
  EXPECT_EQ(q.subject_ref, "vehicle");
  EXPECT_TRUE(q.claims.empty());
  const std::vector<uint32_t> wanted = {ECID_F_PLATE, ECID_F_VEHICLE_KIND, ECID_F_VEHICLE_OWNER_KIND,
                                        ECID_F_VEHICLE_OWNER_ID, ECID_F_PLATE_STATUS, ECID_F_PLATE_HISTORY};
  EXPECT_EQ(q.fields, wanted);
  EXPECT_EQ(r.document_ref, "REC-1");
}

TEST(TrafficCamera, RoundOneAsksTheRegisterOfTheOwnerAtTheTime) {
  Harness h(kLibrary, kClock);
  // Person then organisation; the violation falls in one period or the other.
  const std::string history = "2015-01-10..2023-06-01:person:048072000303:active;2023-06-01..:organisation:0400000303:active";
  const Outcome before = h.run(camera("43A-555.66", "2022-11-20T10:30:00+07:00"), camera_answers(history));
  ASSERT_EQ(before.rounds, 2u);
  ASSERT_EQ(before.queries_of_round(1).size(), 1u);
  EXPECT_EQ(before.queries_of_round(1)[0].kind, static_cast<uint32_t>(ECID_Q_PERSON_BY_ID));
  EXPECT_EQ(before.queries_of_round(1)[0].key, "048072000303");
  EXPECT_EQ(before.queries_of_round(1)[0].subject_ref, "owner");

  const Outcome after = h.run(camera("43A-555.66", "2025-05-02T18:10:00+07:00"),
                          camera_answers(history, [](const PlannedQuery& q) { return organisation(q, "dissolved"); }));
  ASSERT_EQ(after.queries_of_round(1).size(), 1u);
  EXPECT_EQ(after.queries_of_round(1)[0].kind, static_cast<uint32_t>(ECID_Q_ORGANISATION_BY_CODE));
  EXPECT_EQ(after.queries_of_round(1)[0].key, "0400000303");
  const std::vector<uint32_t> expected = {ECID_FINDING_ORGANISATION_OWNER, ECID_FINDING_ORGANISATION_NOT_ACTIVE,
                                          ECID_FINDING_NOTICE_ROUTE};
  EXPECT_EQ(codes(after.findings), expected);
}

TEST(TrafficCamera, TheDayIsTheVietnameseDayOfTheInstant) {
  Harness h(kLibrary, kClock);
  // The plate changed hands on 2022-11-20 (Vietnam). 2022-11-19T17:30Z is 00:30 on the 20th in
  // Vietnam: the new owner; 16:30Z is 23:30 on the 19th: the old one.
  const std::string history = "2015-01-10..2022-11-20:person:048072000303:active;2022-11-20..:person:001085000101:active";
  auto owner_asked = [&](const std::string& time) {
    const Outcome r = h.run(camera("43A-555.66", time), camera_answers(history));
    const auto round1 = r.queries_of_round(1);
    return round1.empty() ? std::string() : round1[0].key;
  };
  EXPECT_EQ(owner_asked("2022-11-19T17:30:00Z"), "001085000101");
  EXPECT_EQ(owner_asked("2022-11-19T16:30:00Z"), "048072000303");
  EXPECT_EQ(owner_asked("2022-11-20T00:30:00+07:00"), "001085000101");
  EXPECT_EQ(owner_asked("19/11/2022 23:59:59"), "048072000303");
  EXPECT_EQ(owner_asked("2022-11-20 00:00:00"), "001085000101");
}

TEST(TrafficCamera, PlatesOffTheRoadStopAfterRoundZero) {
  Harness h(kLibrary, kClock);
  struct Case {
    std::string history, value;
  };
  for (const Case& c : std::vector<Case>{
           {"2018-05-20..2024-08-15:person:001085000101:active;2024-08-15..:person:001085000101:held", "held"},
           {"2008-10-01..2024-09-01:person:036155000404:active;2024-09-01..:person:036155000404:revoked", "revoked"},
           {"2025-04-01..:person:001085000101:active", "not issued"}}) {
    const Outcome r = h.run(camera("30A-123.45", "2025-03-14T08:00:00+07:00"), camera_answers(c.history));
    EXPECT_EQ(r.rounds, 1u) << c.value;
    ASSERT_EQ(r.findings.size(), 1u) << c.value;
    EXPECT_EQ(r.findings[0].code, static_cast<uint32_t>(ECID_FINDING_PLATE_NOT_ACTIVE));
    EXPECT_EQ(r.findings[0].severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));
    EXPECT_EQ(r.findings[0].value, c.value);
    EXPECT_EQ(r.findings[0].subject_ref, "vehicle");
  }
}

TEST(TrafficCamera, PlateAnswerStatusesBecomeFindings) {
  Harness h(kLibrary, kClock);
  struct Case {
    uint32_t status;
    uint32_t code;
    uint32_t severity;
  };
  for (const Case& c : std::vector<Case>{{ECID_ANSWER_NOT_FOUND, ECID_FINDING_PLATE_UNKNOWN, ECID_SEVERITY_ATTENTION},
                                         {ECID_ANSWER_INVALID_KEY, ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION},
                                         {ECID_ANSWER_UNAVAILABLE, ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR},
                                         {ECID_ANSWER_BAD_ANSWER, ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR},
                                         {ECID_ANSWER_REFUSED, ECID_FINDING_REFUSED_BY_POLICY, ECID_SEVERITY_ERROR},
                                         {ECID_ANSWER_REJECTED, ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR},
                                         {99, ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR}}) {
    const Outcome r = h.run(camera("30A-123.45"), [&](const PlannedQuery&) { return status_only(c.status, "why: told by the test"); });
    EXPECT_EQ(r.rounds, 1u);
    ASSERT_EQ(r.findings.size(), 1u) << c.status;
    EXPECT_EQ(r.findings[0].code, c.code) << c.status;
    EXPECT_EQ(r.findings[0].severity, c.severity) << c.status;
    if (c.status == ECID_ANSWER_INVALID_KEY) {
      EXPECT_NE(r.findings[0].detail.find("why: told by the test"), std::string::npos);
    }
  }
}

TEST(TrafficCamera, UnreadableHistoryIsNotGuessedAt) {
  Harness h(kLibrary, kClock);
  for (const std::string bad : {"2019-03-02:person:001085000101:active", "2019-03-02..:alien:1:active",
                                "2019-03-02..:person:1:lost", "2019-13-02..:person:1:active",
                                "2020-01-01..2019-01-01:person:1:active",
                                "2020-01-01..:person:1:active;2019-01-01..:person:2:active"}) {
    const Outcome r = h.run(camera("30A-123.45"), camera_answers(bad));
    EXPECT_EQ(r.rounds, 1u) << bad;
    ASSERT_EQ(r.findings.size(), 1u) << bad;
    EXPECT_EQ(r.findings[0].code, static_cast<uint32_t>(ECID_FINDING_REGISTER_UNAVAILABLE)) << bad;
  }
}

TEST(TrafficCamera, WithoutHistoryTheCurrentStateIsUsed) {
  Harness h(kLibrary, kClock);
  const Outcome r = h.run(camera("30A-123.45"), [](const PlannedQuery& q) {
    if (q.kind != ECID_Q_VEHICLE_BY_PLATE) return living_owner(q);
    FakeAnswer a;
    a.records.push_back(FakeRecord{{{ECID_F_VEHICLE_KIND, "car"},
                                    {ECID_F_VEHICLE_OWNER_KIND, "person"},
                                    {ECID_F_VEHICLE_OWNER_ID, "001085000101"},
                                    {ECID_F_PLATE_STATUS, "active"}},
                                   {}});
    return a;
  });
  ASSERT_EQ(r.rounds, 2u);
  EXPECT_EQ(r.queries_of_round(1)[0].key, "001085000101");
  EXPECT_NE(r.find(ECID_FINDING_NOTICE_ROUTE), nullptr);
}

TEST(TrafficCamera, OwnerFindings) {
  Harness h(kLibrary, kClock);
  // Alive, current residence: the commune and province of it.
  Outcome r = h.run(camera("30A-123.45"), camera_answers(kPersonActive));
  ASSERT_NE(r.find(ECID_FINDING_NOTICE_ROUTE), nullptr);
  EXPECT_EQ(r.find(ECID_FINDING_NOTICE_ROUTE)->value, "phường Ngọc Hà, thành phố Hà Nội");
  EXPECT_EQ(r.find(ECID_FINDING_NOTICE_ROUTE)->field, static_cast<uint32_t>(ECID_F_CURRENT_RESIDENCE));
  EXPECT_NE(r.find(ECID_FINDING_NOTICE_ROUTE)->detail.find("provincial traffic police"), std::string::npos);
  EXPECT_EQ(r.find(ECID_FINDING_VERIFIED)->value, "001085000101");

  // A motorbike goes to the commune police; only a temporary residence is used when no current one.
  r = h.run(camera("29-B1 123.45"), camera_answers(kPersonActive, [](const PlannedQuery& q) {
              return found(q, {{ECID_F_DEATH_DATE, ""}, {ECID_F_TEMPORARY_RESIDENCE, "Ấp 3, xã Tân Thạnh, tỉnh Tây Ninh"},
                               {ECID_F_PERMANENT_RESIDENCE, kAddress}});
            }, "motorbike"));
  ASSERT_NE(r.find(ECID_FINDING_NOTICE_ROUTE), nullptr);
  EXPECT_EQ(r.find(ECID_FINDING_NOTICE_ROUTE)->value, "xã Tân Thạnh, tỉnh Tây Ninh");
  EXPECT_NE(r.find(ECID_FINDING_NOTICE_ROUTE)->detail.find("commune police"), std::string::npos);

  // No residence at all: the route needs attention.
  r = h.run(camera("30A-123.45"), camera_answers(kPersonActive, [](const PlannedQuery& q) { return found(q, {{ECID_F_DEATH_DATE, ""}}); }));
  ASSERT_NE(r.find(ECID_FINDING_NOTICE_ROUTE), nullptr);
  EXPECT_EQ(r.find(ECID_FINDING_NOTICE_ROUTE)->severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));

  // Deceased: no route.
  r = h.run(camera("30A-123.45"), camera_answers(kPersonActive, [](const PlannedQuery& q) {
              return found(q, {{ECID_F_DEATH_DATE, "2024-05-10"}, {ECID_F_CURRENT_RESIDENCE, kAddress}});
            }));
  EXPECT_EQ(codes(r.findings), std::vector<uint32_t>{ECID_FINDING_DECEASED});
  EXPECT_EQ(r.findings[0].value, "2024-05-10");

  // The owner the vehicle register names is not in the population register.
  r = h.run(camera("30A-123.45"), camera_answers(kPersonActive, [](const PlannedQuery&) { return status_only(ECID_ANSWER_NOT_FOUND); }));
  EXPECT_EQ(codes(r.findings), std::vector<uint32_t>{ECID_FINDING_ID_NOT_FOUND});
  EXPECT_EQ(r.findings[0].subject_ref, "owner");

  // An organisation owner that the organisation register lacks, or holds without a head office.
  const std::string org = "2020-01-10..:organisation:0300000202:active";
  r = h.run(camera("51K-678.90"), camera_answers(org, [](const PlannedQuery&) { return status_only(ECID_ANSWER_NOT_FOUND); }));
  EXPECT_EQ(codes(r.findings), std::vector<uint32_t>{ECID_FINDING_ORGANISATION_NOT_FOUND});
  r = h.run(camera("51K-678.90"), camera_answers(org, [](const PlannedQuery& q) { return organisation(q, "active", ""); }));
  const std::vector<uint32_t> route_needs_attention = {ECID_FINDING_ORGANISATION_OWNER, ECID_FINDING_NOTICE_ROUTE};
  EXPECT_EQ(codes(r.findings), route_needs_attention);
  EXPECT_EQ(r.findings[1].severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));
  // Round-1 failures are errors on the owner.
  r = h.run(camera("30A-123.45"), camera_answers(kPersonActive, [](const PlannedQuery&) { return status_only(ECID_ANSWER_UNAVAILABLE, "down"); }));
  EXPECT_EQ(codes(r.findings), std::vector<uint32_t>{ECID_FINDING_REGISTER_UNAVAILABLE});
  EXPECT_EQ(r.findings[0].subject_ref, "owner");
}

TEST(TrafficCamera, RecordProblemsAreFindingsNotCrashes) {
  Harness h(kLibrary, kClock);
  // No usable time: no owner can be chosen, so nothing is looked up.
  for (const std::string time : {"", "yesterday", "2025-02-30T10:00:00", "2025-03-14", "2025-03-14T25:00:00",
                                 "2031-01-01T00:00:00+07:00"}) {
    std::string doc = camera("30A-123.45", time);
    if (time.empty()) doc.erase(doc.find("<Time>"), std::string("<Time></Time>").size());
    const Outcome r = h.run(doc, camera_answers(kPersonActive));
    ASSERT_EQ(r.open_rc, ECID_OK) << time << r.open_error;
    EXPECT_TRUE(r.queries.empty()) << time;
    ASSERT_EQ(r.findings.size(), 1u) << time;
    EXPECT_EQ(r.findings[0].code, static_cast<uint32_t>(ECID_FINDING_INVALID_INPUT)) << time;
    EXPECT_EQ(r.findings[0].subject_ref, "document");
  }
  // A bad violation code and colour are reported; the plate is still checked.
  const Outcome r = h.run(camera("30A-123.45", "2025-03-14T08:15:32+07:00", "<Violation code=\"six\"/>"),
                      camera_answers(kPersonActive));
  EXPECT_EQ(r.count(ECID_FINDING_INVALID_INPUT), 1u);
  EXPECT_NE(r.find(ECID_FINDING_NOTICE_ROUTE), nullptr);
}

TEST(TrafficCamera, HostileDocumentsAreRefusedInOneLine) {
  Harness h(kLibrary, kClock);
  const std::vector<std::string> bad = {
      "",
      "not xml",
      "<ViolationRecord xmlns=\"urn:ecid:traffic:camera:1\">",
      "<ViolationRecord xmlns=\"urn:other\"><Plate>30A-123.45</Plate></ViolationRecord>",
      "<ViolationRecord xmlns=\"urn:ecid:traffic:camera:1\"><Time>2025-01-01T00:00:00Z</Time></ViolationRecord>",
      "<ViolationRecord xmlns=\"urn:ecid:traffic:camera:1\"><Plate>  </Plate></ViolationRecord>",
      "<ViolationRecord xmlns=\"urn:ecid:traffic:camera:1\"><Plate>30A-123.45</Plate><Plate>30A</Plate></ViolationRecord>",
      "<ViolationRecord xmlns=\"urn:ecid:traffic:camera:1\"><Plate>" + std::string(40, '1') + "</Plate></ViolationRecord>",
      "<ViolationRecord xmlns=\"urn:ecid:traffic:camera:1\"><Plate>30A\xC3(</Plate></ViolationRecord>",
      "<ViolationRecord xmlns=\"urn:ecid:traffic:camera:1\"><Plate>30A</Plate><Place>" + std::string(2000, 'x') +
          "</Place></ViolationRecord>",
  };
  for (const std::string& doc : bad) {
    const Outcome r = h.run(doc, camera_answers(kPersonActive));
    EXPECT_EQ(r.open_rc, ECID_E_INVALID_DOCUMENT) << doc.substr(0, 80);
    EXPECT_TRUE(one_line(r.open_error)) << r.open_error;
  }
}

TEST(TrafficCamera, RandomMutationsNeverCrash) {
  Harness h(kLibrary, kClock);
  const std::string base = camera("30A-123.45");
  std::mt19937 rng(6);
  int opened = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string doc = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % doc.size();
      switch (rng() % 3) {
        case 0: doc[at] = static_cast<char>(rng()); break;
        case 1: doc.erase(at, 1 + rng() % 8); break;
        default: doc.insert(at, 1, static_cast<char>(rng())); break;
      }
      if (doc.empty()) doc = "x";
    }
    const Outcome r = h.run(doc, camera_answers(kPersonActive));
    if (r.open_rc == ECID_OK) {
      ++opened;
      EXPECT_EQ(r.assess_rc, ECID_OK) << r.error;
    } else {
      EXPECT_EQ(r.open_rc, ECID_E_INVALID_DOCUMENT);
    }
  }
  EXPECT_GT(opened, 100);
}

// ---------------------------------------------------------------------------------------------
// Plate registration

TEST(TrafficRegistration, RoundZeroChecksTheApplicantAndTheAssertion) {
  Harness h(kLibrary, kClock);
  Applicant a;
  a.assertion = "eyJhbGciOiJSUzI1NiJ9.\n  eyJzdWIiOiIxIn0.\n  c2ln";
  const Outcome r = h.run(registration(a), [](const PlannedQuery& q) {
    if (q.kind == ECID_Q_EID_ASSERTION) return status_only(ECID_ANSWER_UNAVAILABLE, "no electronic-identity issuer is configured");
    return found(q, {{ECID_F_BIRTH_DATE, "1985-02-15"}, {ECID_F_DEATH_DATE, ""}});
  });
  const auto round0 = r.queries_of_round(0);
  ASSERT_EQ(round0.size(), 2u);
  EXPECT_EQ(round0[0].kind, static_cast<uint32_t>(ECID_Q_PERSON_BY_ID));
  EXPECT_EQ(round0[0].key, "001085000101");
  EXPECT_EQ(round0[0].purpose, "traffic.plate_registration");
  ASSERT_NE(round0[0].claim(ECID_F_FULL_NAME), nullptr);
  EXPECT_EQ(*round0[0].claim(ECID_F_SEX), "M");
  EXPECT_EQ(round0[1].kind, static_cast<uint32_t>(ECID_Q_EID_ASSERTION));
  EXPECT_EQ(round0[1].key, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln");  // white space removed
  EXPECT_EQ(*round0[1].claim(ECID_F_PERSONAL_ID), "001085000101");
  EXPECT_EQ(*round0[1].claim(ECID_F_EID_LEVEL), "2");
  // Until the verifier is wired the host answers UNAVAILABLE: an error, and no plates opened.
  EXPECT_EQ(r.rounds, 1u);
  ASSERT_NE(r.find(ECID_FINDING_REGISTER_UNAVAILABLE), nullptr);
  EXPECT_EQ(r.find(ECID_FINDING_REGISTER_UNAVAILABLE)->severity, static_cast<uint32_t>(ECID_SEVERITY_ERROR));
  EXPECT_NE(r.find(ECID_FINDING_VERIFIED), nullptr);
}

TEST(TrafficRegistration, AssertionAnswersBecomeIdentityFindings) {
  Harness h(kLibrary, kClock);
  Applicant a;
  a.assertion = "header.payload.signature";
  struct Case {
    FakeAnswer answer;
    uint32_t code;
    std::string value;
  };
  FakeAnswer verified = status_only(ECID_ANSWER_FOUND, "verified at account level 2");
  verified.records.push_back(FakeRecord{{{ECID_F_EID_LEVEL, "2"}}, {{ECID_F_FULL_NAME, ECID_CHECK_MATCH, "equal"}}});
  FakeAnswer other_person = status_only(ECID_ANSWER_FOUND);
  other_person.records.push_back(FakeRecord{{{ECID_F_EID_LEVEL, "2"}}, {{ECID_F_PERSONAL_ID, ECID_CHECK_MISMATCH, "x"}}});
  FakeAnswer level_one = status_only(ECID_ANSWER_FOUND);
  level_one.records.push_back(FakeRecord{{{ECID_F_EID_LEVEL, "1"}}, {}});
  for (const Case& c : std::vector<Case>{
           {verified, ECID_FINDING_IDENTITY_VERIFIED, "level 2"},
           {status_only(ECID_ANSWER_REJECTED, "expired: token expired 3 minutes ago"), ECID_FINDING_IDENTITY_REJECTED, "expired"},
           {status_only(ECID_ANSWER_REJECTED, "Bad Thing"), ECID_FINDING_IDENTITY_REJECTED, "rejected"},
           {other_person, ECID_FINDING_IDENTITY_REJECTED, "different_person"},
           {level_one, ECID_FINDING_IDENTITY_REJECTED, "level_too_low"},
           {status_only(ECID_ANSWER_REFUSED, "refused by policy: x"), ECID_FINDING_REFUSED_BY_POLICY, ""},
           {status_only(ECID_ANSWER_UNAVAILABLE, "keys_unavailable: JWKS"), ECID_FINDING_REGISTER_UNAVAILABLE, ""}}) {
    const Outcome r = h.run(registration(a), [&](const PlannedQuery& q) {
      if (q.kind == ECID_Q_EID_ASSERTION) return c.answer;
      if (q.kind == ECID_Q_VEHICLE_BY_PLATE) return status_only(ECID_ANSWER_NOT_FOUND);
      return found(q, {{ECID_F_BIRTH_DATE, "1985-02-15"}, {ECID_F_DEATH_DATE, ""}});
    });
    const ReportedFinding* f = r.find(c.code, "applicant");
    ASSERT_NE(f, nullptr) << c.code;
    EXPECT_EQ(f->value, c.value) << c.code;
    // Only a verified assertion lets round 1 open the applicant's plates.
    EXPECT_EQ(r.rounds, c.code == ECID_FINDING_IDENTITY_VERIFIED ? 2u : 1u) << c.code;
  }
}

TEST(TrafficRegistration, HeldPlatesAreLookedUpOnlyForAnApplicantWhoChecksOut) {
  Harness h(kLibrary, kClock);
  struct Case {
    std::string name;
    std::function<FakeAnswer(const PlannedQuery&)> person;
    bool opens;
  };
  const auto alive = [](const PlannedQuery& q) { return found(q, {{ECID_F_BIRTH_DATE, "1985-02-15"}, {ECID_F_DEATH_DATE, ""}}); };
  for (const Case& c : std::vector<Case>{
           {"verified adult", alive, true},
           {"dead", [](const PlannedQuery& q) { return found(q, {{ECID_F_BIRTH_DATE, "1985-02-15"}, {ECID_F_DEATH_DATE, "2024-01-01"}}); }, false},
           {"child", [](const PlannedQuery& q) { return found(q, {{ECID_F_BIRTH_DATE, "2014-02-15"}, {ECID_F_DEATH_DATE, ""}}); }, false},
           {"name mismatch", [](const PlannedQuery& q) {
              FakeAnswer a = found(q, {{ECID_F_BIRTH_DATE, "1985-02-15"}, {ECID_F_DEATH_DATE, ""}});
              a.records[0].checks[0].outcome = ECID_CHECK_MISMATCH;
              return a;
            }, false},
           {"not found", [](const PlannedQuery&) { return status_only(ECID_ANSWER_NOT_FOUND); }, false}}) {
    const Outcome r = h.run(registration(Applicant{}), [&](const PlannedQuery& q) {
      if (q.kind == ECID_Q_VEHICLE_BY_PLATE) return status_only(ECID_ANSWER_NOT_FOUND);
      return c.person(q);
    });
    EXPECT_EQ(r.rounds, c.opens ? 2u : 1u) << c.name;
    if (!c.opens) continue;
    const auto round1 = r.queries_of_round(1);
    ASSERT_EQ(round1.size(), 1u);
    EXPECT_EQ(round1[0].kind, static_cast<uint32_t>(ECID_Q_VEHICLE_BY_PLATE));
    EXPECT_EQ(round1[0].key, "");  // a key-less plate look-up lists the owner's plates
    EXPECT_EQ(*round1[0].claim(ECID_F_VEHICLE_OWNER_ID), "001085000101");
    EXPECT_EQ(*round1[0].claim(ECID_F_VEHICLE_KIND), "car");
    EXPECT_EQ(*round1[0].claim(ECID_F_PLATE_STATUS), "held");
  }
}

TEST(TrafficRegistration, AHeldPlateIsOfferedWhileItIsHeld) {
  Harness h(kLibrary, kClock);
  auto held = [](const std::string& display, const std::string& kind, const std::string& since) {
    FakeRecord r{{{ECID_F_PLATE, display},
                  {ECID_F_VEHICLE_KIND, kind},
                  {ECID_F_PLATE_STATUS, "held"},
                  {ECID_F_PLATE_HISTORY, "2010-01-01.." + since + ":person:001085000101:active;" + since +
                                             "..:person:001085000101:held"}},
                 {}};
    return r;
  };
  auto run = [&](const std::string& date, std::vector<FakeRecord> plates) {
    return h.run(registration(Applicant{}, "car", date), [&](const PlannedQuery& q) {
      if (q.kind == ECID_Q_VEHICLE_BY_PLATE) {
        FakeAnswer a;
        a.records = plates;
        return a;
      }
      return found(q, {{ECID_F_BIRTH_DATE, "1985-02-15"}, {ECID_F_DEATH_DATE, ""}});
    });
  };
  // Two held car plates, one motorbike plate the host should not have sent, one expired hold.
  Outcome r = run("2025-06-02", {held("30F-246.80", "car", "2024-08-15"), held("30G-111.22", "car", "2023-09-01"),
                             held("29-B1 111.11", "motorbike", "2024-01-01"), held("30H-222.33", "car", "2020-01-01")});
  std::vector<std::string> offered;
  for (const auto& f : r.findings)
    if (f.code == ECID_FINDING_HELD_PLATE_AVAILABLE) offered.push_back(f.value);
  EXPECT_EQ(offered, (std::vector<std::string>{"30F-246.80", "30G-111.22"}));
  // The 5 years end on the anniversary: held on the day before, back in the pool on the day.
  r = run("2025-06-14", {held("30F-246.80", "car", "2020-06-15")});
  EXPECT_EQ(r.count(ECID_FINDING_HELD_PLATE_AVAILABLE), 1u);
  r = run("2025-06-15", {held("30F-246.80", "car", "2020-06-15")});
  EXPECT_EQ(r.count(ECID_FINDING_HELD_PLATE_AVAILABLE), 0u);
  r = run("2024-08-14", {held("30F-246.80", "car", "2024-08-15")});
  EXPECT_EQ(r.count(ECID_FINDING_HELD_PLATE_AVAILABLE), 0u) << "not yet held on the application day";
  r = run("2024-08-15", {held("30F-246.80", "car", "2024-08-15")});
  EXPECT_EQ(r.count(ECID_FINDING_HELD_PLATE_AVAILABLE), 1u);
}

TEST(TrafficRegistration, AgeIsTakenOnTheApplicationDay) {
  Harness h(kLibrary, kClock);
  struct Case {
    std::string birth, date;
    uint32_t code;  // 0: no age finding
  };
  // The fake host's today is 2025-06-15: applications are dated up to it.
  for (const Case& c : std::vector<Case>{{"2010-06-02", "2025-06-02", 0},  // 15 on the day
                                         {"2010-06-03", "2025-06-02", ECID_FINDING_UNDER_AGE},
                                         {"2007-06-02", "2025-06-02", 0},
                                         {"2010", "2025-06-02", ECID_FINDING_NEEDS_REVIEW},  // 14 or 15
                                         {"2009", "2025-06-02", 0},
                                         {"2011", "2025-06-02", ECID_FINDING_UNDER_AGE},
                                         {"2010-05", "2025-06-15", 0},
                                         {"2010-06", "2025-06-15", ECID_FINDING_NEEDS_REVIEW},
                                         {"2010-07", "2025-06-15", ECID_FINDING_UNDER_AGE},
                                         {"2000-12-24", "2014-06-01", ECID_FINDING_UNDER_AGE}}) {
    Applicant a;
    a.birth = "";
    a.sex = "";
    a.guardian = "GC-1";  // so a 15-17 applicant raises nothing
    const Outcome r = h.run(registration(a, "motorbike", c.date), [&](const PlannedQuery& q) {
      if (q.kind == ECID_Q_VEHICLE_BY_PLATE) return status_only(ECID_ANSWER_NOT_FOUND);
      return found(q, {{ECID_F_BIRTH_DATE, c.birth}, {ECID_F_DEATH_DATE, ""}});
    });
    ASSERT_EQ(r.open_rc, ECID_OK) << r.open_error;
    EXPECT_EQ(r.find(ECID_FINDING_UNDER_AGE) != nullptr, c.code == ECID_FINDING_UNDER_AGE) << c.birth << " on " << c.date;
    EXPECT_EQ(r.find(ECID_FINDING_NEEDS_REVIEW) != nullptr, c.code == ECID_FINDING_NEEDS_REVIEW) << c.birth << " on " << c.date;
    EXPECT_EQ(r.rounds, c.code == 0 ? 2u : 1u) << "plates only for an applicant surely 15";
  }
  // 15-17 without a guardian's consent needs review; with one, not.
  Applicant teen;
  teen.birth = "";
  teen.sex = "";
  auto teen_answers = [](const PlannedQuery& q) {
    if (q.kind == ECID_Q_VEHICLE_BY_PLATE) return status_only(ECID_ANSWER_NOT_FOUND);
    return found(q, {{ECID_F_BIRTH_DATE, "2009-01-01"}, {ECID_F_DEATH_DATE, ""}});
  };
  EXPECT_NE(h.run(registration(teen, "motorbike"), teen_answers).find(ECID_FINDING_NEEDS_REVIEW), nullptr);
  teen.guardian = "GC-7";
  EXPECT_EQ(h.run(registration(teen, "motorbike"), teen_answers).find(ECID_FINDING_NEEDS_REVIEW), nullptr);
}

TEST(TrafficRegistration, DocumentProblems) {
  Harness h(kLibrary, kClock);
  auto any = [](const PlannedQuery& q) { return found(q, {{ECID_F_BIRTH_DATE, "1985-02-15"}, {ECID_F_DEATH_DATE, ""}}); };
  Applicant no_id;
  no_id.id = "";
  Outcome r = h.run(registration(no_id), any);
  EXPECT_TRUE(r.queries.empty());
  EXPECT_EQ(codes(r.findings), std::vector<uint32_t>{ECID_FINDING_NO_ID_GIVEN});
  Applicant bad_id;
  bad_id.id = "003085000101";  // 003 is no province
  r = h.run(registration(bad_id), any);
  EXPECT_TRUE(r.queries.empty());
  EXPECT_EQ(codes(r.findings), std::vector<uint32_t>{ECID_FINDING_INVALID_INPUT});
  Applicant wrong_sex;
  wrong_sex.sex = "Nữ";
  r = h.run(registration(wrong_sex), any);
  EXPECT_NE(r.find(ECID_FINDING_ID_STRUCTURE_INCONSISTENT), nullptr);
  EXPECT_EQ(r.find(ECID_FINDING_VERIFIED), nullptr);
  EXPECT_EQ(r.rounds, 1u);
  for (const std::string& doc : {registration(Applicant{}, "boat"), registration(Applicant{}, "car", "2025-13-01"),
                                 registration(Applicant{}, "car", "2025-06-16"), registration(Applicant{}, "car", "2025"),
                                 std::string("<PlateRegistration xmlns=\"urn:ecid:traffic:registration:1\">"
                                             "<ApplicationDate>2025-01-01</ApplicationDate><Vehicle kind=\"car\"/>"
                                             "</PlateRegistration>")}) {
    r = h.run(doc, any);
    EXPECT_EQ(r.open_rc, ECID_E_INVALID_DOCUMENT) << doc;
    EXPECT_TRUE(one_line(r.open_error)) << r.open_error;
  }
}

// One adapter instance serves documents from many threads at once.
TEST(TrafficConcurrency, ManyDocumentsAtOnce) {
  Harness h(kLibrary, kClock);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const bool org = (i + t) % 2 == 0;
        const Outcome r = h.run(camera("30A-123.45"),
                            camera_answers(org ? "2020-01-10..:organisation:0300000202:active" : kPersonActive,
                                           [org](const PlannedQuery& q) { return org ? organisation(q) : living_owner(q); }));
        const uint32_t want = org ? ECID_FINDING_ORGANISATION_OWNER : ECID_FINDING_VERIFIED;
        if (r.findings.empty() || r.findings[0].code != want) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}
