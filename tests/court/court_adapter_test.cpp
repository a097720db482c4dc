// Adapter-level tests: the real libecid_court.so on the SDK's test harness (the host's own
// driver). No register, no engine: answers are constructed here.
#include "court_test_support.hpp"

#include <ecid/matching.hpp>
#include <ecid/personal_id.hpp>
#include <ecid/text.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace court_test;

namespace {

struct PartySpec {
  std::string role = "plaintiff";
  std::optional<std::string> name;
  std::optional<std::string> birth;
  std::optional<std::string> sex;
  std::optional<std::string> id;
  std::optional<std::string> legacy;
  std::optional<std::string> address;
};

std::string element(const char* name, const std::optional<std::string>& text) {
  return text ? "<" + std::string(name) + ">" + *text + "</" + name + ">" : std::string();
}

std::string filing(const std::vector<PartySpec>& parties,
                   std::optional<std::string> case_number = std::string("64/2024/TLST-DS"),
                   const std::string& extra = "") {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<CaseFiling xmlns=\"urn:ecid:court:filing:1\">"
                  "<Court code=\"TAND-HN-BD\">T\xC3\xB2" "a \xC3\xA1n nh\xC3\xA2n d\xC3\xA2n qu\xE1\xBA\xADn Ba \xC4\x90\xC3\xACnh</Court>";
  x += element("CaseNumber", case_number);
  x += "<FilingDate>14/05/2024</FilingDate>" + extra + "<Parties>";
  for (const PartySpec& p : parties) {
    x += "<Party role=\"" + p.role + "\">";
    x += element("FullName", p.name) + element("BirthDate", p.birth) + element("Sex", p.sex) +
         element("PersonalId", p.id) + element("LegacyId", p.legacy) +
         element("DeclaredAddress", p.address);
    x += "</Party>";
  }
  return x + "</Parties></CaseFiling>";
}

// Nguyễn Văn An, the plaintiff of most tests.
const std::string kAnName = "Nguy\xE1\xBB\x85n V\xC4\x83n An";
PartySpec an() {
  PartySpec p;
  p.name = kAnName;
  p.birth = "15/02/1985";
  p.sex = "Nam";
  p.id = "001085000101";
  p.address = "S\xE1\xBB\x91 1 ph\xE1\xBB\x91 Kim M\xC3\xA3, Ba \xC4\x90\xC3\xACnh, H\xC3\xA0 N\xE1\xBB\x99i";
  return p;
}

// A FOUND answer whose every claim matches (ecid::testing::found), with a current residence.
FakeAnswer found(const PlannedQuery& q) {
  return found(q, {{ECID_F_CURRENT_RESIDENCE, "S\xE1\xBB\x91 9 ng\xC3\xB5 3, H\xC3\xA0 N\xE1\xBB\x99i"}});
}

std::vector<uint32_t> codes(const std::vector<ReportedFinding>& fs) {
  std::vector<uint32_t> out;
  for (const auto& f : fs) out.push_back(f.code);
  return out;
}

const ReportedFinding* find_code(const std::vector<ReportedFinding>& fs, uint32_t code) {
  for (const auto& f : fs)
    if (f.code == code) return &f;
  return nullptr;
}

size_t count_code(const std::vector<ReportedFinding>& fs, uint32_t code) {
  return static_cast<size_t>(std::count_if(fs.begin(), fs.end(), [&](const auto& f) { return f.code == code; }));
}

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == std::string::npos; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// The descriptor and the entry function

TEST(CourtContract, EntryServesOnlyMajorOne) {
  EXPECT_NE(court_entry()(1, 0), nullptr);
  EXPECT_NE(court_entry()(1, 7), nullptr);  // a newer host minor runs an older adapter
  EXPECT_EQ(court_entry()(2, 0), nullptr);
  EXPECT_EQ(court_entry()(0, 9), nullptr);
}

TEST(CourtContract, DescriptorAgreesWithManifest) {
  const ecid_adapter_v1* d = court_entry()(1, 0);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->struct_size, sizeof(ecid_adapter_v1));
  EXPECT_EQ(d->abi_major, 1);
  EXPECT_STREQ(d->name, "court");
  ASSERT_EQ(d->document_type_count, 1u);
  EXPECT_STREQ(d->document_types[0].root, "CaseFiling");
  EXPECT_STREQ(d->document_types[0].namespace_uri, "urn:ecid:court:filing:1");
  // The manifest beside the .so is the one the host reads before loading any code.
  const std::string manifest = read_file(std::string(ECID_ADAPTER_DIR) + "/court.manifest.yaml");
  EXPECT_NE(manifest.find("name: court\n"), std::string::npos);
  EXPECT_NE(manifest.find(std::string("version: ") + d->version + "\n"), std::string::npos);
  EXPECT_NE(manifest.find("namespace: urn:ecid:court:filing:1"), std::string::npos);
  EXPECT_NE(manifest.find("library: libecid_court.so"), std::string::npos);
}

TEST(CourtContract, CreateRefusesAnOlderHostTable) {
  const ecid_adapter_v1* d = court_entry()(1, 0);
  FakeHost host(kFakeClock);
  ecid_host_services s = host.services();
  s.struct_size = 8;
  void* instance = nullptr;
  EXPECT_EQ(d->create(&s, &instance), ECID_E_UNSUPPORTED);
  EXPECT_EQ(d->create(nullptr, &instance), ECID_E_ARGUMENT);
}

// ---------------------------------------------------------------------------------------------
// plan(): one query per identified party

TEST(CourtPlan, ByIdQueryCarriesClaimsAndFields) {
  CourtHarness h;
  PartySpec p = an();
  p.role = "defendant";
  auto r = h.run(filing({PartySpec{"plaintiff", std::nullopt, {}, {}, {}, {}, {}}, p}));
  ASSERT_EQ(r.open_rc, ECID_OK) << r.open_error;
  ASSERT_EQ(r.plan_rc, ECID_OK) << r.error;
  ASSERT_EQ(r.queries.size(), 1u);
  const PlannedQuery& q = r.queries[0];
  EXPECT_EQ(q.kind, ECID_Q_PERSON_BY_ID);
  EXPECT_EQ(q.subject_ref, "party[2] (defendant)");
  EXPECT_EQ(q.key, "001085000101");
  EXPECT_EQ(q.purpose, "court.case_filing");
  ASSERT_EQ(q.claims.size(), 3u);
  EXPECT_EQ(*q.claim(ECID_F_FULL_NAME), kAnName);
  EXPECT_EQ(*q.claim(ECID_F_BIRTH_DATE), "15/02/1985");  // as written: the host parses it
  EXPECT_EQ(*q.claim(ECID_F_SEX), "M");
  EXPECT_EQ(q.fields, (std::vector<uint32_t>{ECID_F_DEATH_DATE, ECID_F_CURRENT_RESIDENCE,
                                             ECID_F_TEMPORARY_RESIDENCE, ECID_F_PERMANENT_RESIDENCE}));
}

TEST(CourtPlan, LegacyIdQueryAlsoAsksForThePersonalId) {
  CourtHarness h;
  PartySpec p;
  p.role = "related";
  p.name = "\xC4\x90\xE1\xBB\x97 Minh Tu\xE1\xBA\xA5n";
  p.legacy = " 172345678 ";
  auto r = h.run(filing({p}));
  ASSERT_EQ(r.queries.size(), 1u);
  const PlannedQuery& q = r.queries[0];
  EXPECT_EQ(q.kind, ECID_Q_PERSON_BY_LEGACY_ID);
  EXPECT_EQ(q.key, "172345678");
  EXPECT_EQ(q.subject_ref, "party[1] (related)");
  ASSERT_EQ(q.claims.size(), 1u);  // only the claims the document makes
  EXPECT_EQ(q.claims[0].first, static_cast<uint32_t>(ECID_F_FULL_NAME));
  EXPECT_EQ(q.fields, (std::vector<uint32_t>{ECID_F_PERSONAL_ID, ECID_F_DEATH_DATE, ECID_F_CURRENT_RESIDENCE,
                                             ECID_F_TEMPORARY_RESIDENCE, ECID_F_PERMANENT_RESIDENCE}));
}

TEST(CourtPlan, PersonalIdWinsOverLegacyId) {
  CourtHarness h;
  PartySpec p = an();
  p.legacy = "012345678";
  auto r = h.run(filing({p}));
  ASSERT_EQ(r.queries.size(), 1u);
  EXPECT_EQ(r.queries[0].kind, ECID_Q_PERSON_BY_ID);
}

TEST(CourtPlan, PartyWithoutAnyIdIsNotLookedUp) {
  CourtHarness h;
  PartySpec p;
  p.role = "defendant";
  p.name = "Tr\xE1\xBA\xA7n V\xC4\x83n B";
  p.id = "  ";  // an empty element counts as absent
  auto r = h.run(filing({an(), p}));
  ASSERT_EQ(r.queries.size(), 1u);
  EXPECT_EQ(r.queries[0].subject_ref, "party[1] (plaintiff)");
  ASSERT_EQ(r.assess_rc, ECID_OK);
  const auto fs = r.findings_for("party[2] (defendant)");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_NO_ID_GIVEN));
  EXPECT_EQ(fs[0].severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));
}

TEST(CourtPlan, StructurallyInvalidIdsAreInvalidInputWithoutQuery) {
  // Unused province code, wrong length, a letter, a birth year after the fake clock's year.
  for (const std::string id : {"003085000111", "00108500010", "0010850001011", "00108500010A", "001299000101"}) {
    CourtHarness h;
    PartySpec p = an();
    p.id = id;
    auto r = h.run(filing({p}));
    ASSERT_EQ(r.open_rc, ECID_OK) << id;
    EXPECT_TRUE(r.queries.empty()) << id;
    const auto fs = r.findings_for("party[1] (plaintiff)");
    ASSERT_EQ(fs.size(), 1u) << id;
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_INVALID_INPUT)) << id;
    EXPECT_EQ(fs[0].field, static_cast<uint32_t>(ECID_F_PERSONAL_ID));
    EXPECT_EQ(fs[0].severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));
    // The detail carries the host's reason, never the number itself.
    const auto expected = ecid::decode_personal_id(id, kFakeYear);
    ASSERT_FALSE(expected.valid);
    EXPECT_NE(fs[0].detail.find(std::string(expected.problem)), std::string::npos) << fs[0].detail;
    EXPECT_EQ(fs[0].detail.find(id), std::string::npos);
  }
}

TEST(CourtPlan, MalformedLegacyIdIsInvalidInput) {
  for (const std::string legacy : {"17234567", "1723456789", "17234567X"}) {
    CourtHarness h;
    PartySpec p;
    p.legacy = legacy;
    auto r = h.run(filing({p}));
    EXPECT_TRUE(r.queries.empty()) << legacy;
    const auto fs = r.findings_for("party[1] (plaintiff)");
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_INVALID_INPUT));
    EXPECT_EQ(fs[0].field, static_cast<uint32_t>(ECID_F_LEGACY_ID));
  }
}

TEST(CourtPlan, PrintedIdWithSpacesIsCompacted) {
  CourtHarness h;
  PartySpec p = an();
  p.id = " 001 085 000 101 ";
  auto r = h.run(filing({p}));
  ASSERT_EQ(r.queries.size(), 1u);
  EXPECT_EQ(r.queries[0].key, "001085000101");
}

TEST(CourtPlan, SexSpellingsBecomeRegisterValues) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"M", "M"}, {"m", "M"}, {"Nam", "M"}, {"NAM", "M"}, {"F", "F"}, {"f", "F"},
      {"N\xE1\xBB\xAF", "F"}, {"n\xE1\xBB\xAF", "F"}, {"N\xE1\xBB\xAE", "F"},
      {"Nu\xCC\x9B\xCC\x83", "F"} /* NFD Nữ */, {" Nam ", "M"}};
  for (const auto& [written, expected] : cases) {
    CourtHarness h;
    PartySpec p = an();
    p.sex = written;
    p.id = expected == "M" ? "001085000101" : "001185000101";
    auto r = h.run(filing({p}));
    ASSERT_EQ(r.queries.size(), 1u) << written;
    ASSERT_NE(r.queries[0].claim(ECID_F_SEX), nullptr) << written;
    EXPECT_EQ(*r.queries[0].claim(ECID_F_SEX), expected) << written;
    EXPECT_EQ(find_code(r.findings, ECID_FINDING_INVALID_INPUT), nullptr) << written;
  }
}

TEST(CourtPlan, UnknownSexIsInvalidInputAndNotClaimed) {
  CourtHarness h;
  PartySpec p = an();
  p.sex = "1";  // numeric conventions differ per system: never guessed
  auto r = h.run(filing({p}), [](const PlannedQuery& q) { return found(q); });
  ASSERT_EQ(r.queries.size(), 1u);
  EXPECT_EQ(r.queries[0].claim(ECID_F_SEX), nullptr);
  const auto* f = find_code(r.findings, ECID_FINDING_INVALID_INPUT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->field, static_cast<uint32_t>(ECID_F_SEX));
  EXPECT_EQ(find_code(r.findings, ECID_FINDING_VERIFIED), nullptr);
}

TEST(CourtPlan, UnreadableBirthDateIsInvalidInputAndNotClaimed) {
  CourtHarness h;
  PartySpec p = an();
  p.birth = "31/02/1985";
  auto r = h.run(filing({p}), [](const PlannedQuery& q) { return found(q); });
  ASSERT_EQ(r.queries.size(), 1u);
  EXPECT_EQ(r.queries[0].claim(ECID_F_BIRTH_DATE), nullptr);
  const auto* f = find_code(r.findings, ECID_FINDING_INVALID_INPUT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->field, static_cast<uint32_t>(ECID_F_BIRTH_DATE));
}

TEST(CourtPlan, BirthDateInAnySectorFormatIsPassedThrough) {
  for (const std::string birth : {"15/02/1985", "15021985", "19850215", "1985-02-15", "1985", "00/00/1985"}) {
    CourtHarness h;
    PartySpec p = an();
    p.birth = birth;
    auto r = h.run(filing({p}));
    ASSERT_EQ(r.queries.size(), 1u) << birth;
    ASSERT_NE(r.queries[0].claim(ECID_F_BIRTH_DATE), nullptr) << birth;
    EXPECT_EQ(*r.queries[0].claim(ECID_F_BIRTH_DATE), birth);
    // Nothing about the date itself: the NOT_FOUND answer gives ID_NOT_FOUND only.
    EXPECT_EQ(codes(r.findings_for("party[1] (plaintiff)")), std::vector<uint32_t>{ECID_FINDING_ID_NOT_FOUND}) << birth;
  }
}

TEST(CourtPlan, DocumentDisagreeingWithIdDigitsIsReportedAndStillAsked) {
  struct Case {
    std::string sex, birth, needle;
  };
  // 031093000707: digit 4 = 0 (male, 1900s), digits 5-6 = 93.
  for (const Case& c : {Case{"N\xE1\xBB\xAF", "04/04/1993", "sex digit says M, document says F"},
                        Case{"Nam", "04/04/1994", "birth-year digits say 1993, document says 1994"},
                        Case{"N\xE1\xBB\xAF", "1994", "sex digit says M, document says F; birth-year"}}) {
    CourtHarness h;
    PartySpec p;
    p.name = "V\xC5\xA9 Th\xE1\xBB\x8B Lan";
    p.sex = c.sex;
    p.birth = c.birth;
    p.id = "031093000707";
    auto r = h.run(filing({p}), [](const PlannedQuery& q) { return found(q); });
    ASSERT_EQ(r.queries.size(), 1u);
    const auto* f = find_code(r.findings, ECID_FINDING_ID_STRUCTURE_INCONSISTENT);
    ASSERT_NE(f, nullptr) << c.needle;
    EXPECT_EQ(f->severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));
    EXPECT_EQ(f->field, static_cast<uint32_t>(ECID_F_PERSONAL_ID));
    EXPECT_EQ(f->detail.rfind("document: ", 0), 0u) << f->detail;
    EXPECT_NE(f->detail.find(c.needle), std::string::npos) << f->detail;
    EXPECT_EQ(find_code(r.findings, ECID_FINDING_VERIFIED), nullptr);
    // Residence is still worth knowing for service.
    EXPECT_NE(find_code(r.findings, ECID_FINDING_ADDRESS_FOR_SERVICE), nullptr);
  }
}

TEST(CourtPlan, SubjectRefsArePositionAndRoleAndNeverPersonalData) {
  CourtHarness h;
  std::vector<PartySpec> parties;
  const char* roles[] = {"plaintiff", "defendant", "related"};
  for (int i = 0; i < 9; ++i) {
    PartySpec p = an();
    p.role = roles[i % 3];
    p.id = "0010850001" + std::to_string(10 + i);
    parties.push_back(p);
  }
  auto r = h.run(filing(parties), [](const PlannedQuery& q) { return found(q); });
  ASSERT_EQ(r.queries.size(), 9u);
  for (int i = 0; i < 9; ++i) {
    const std::string ref = "party[" + std::to_string(i + 1) + "] (" + roles[i % 3] + ")";
    EXPECT_EQ(r.queries[i].subject_ref, ref);
    EXPECT_FALSE(r.findings_for(ref).empty()) << ref;
  }
  for (const auto& f : r.findings) {
    EXPECT_EQ(f.subject_ref.find("Nguy"), std::string::npos);
    EXPECT_EQ(f.detail.find("Nguy"), std::string::npos);
    EXPECT_EQ(f.detail.find("0010850001"), std::string::npos);
  }
  for (const auto& line : h.host().log_lines()) EXPECT_EQ(line.find("0010850001"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// assess(): findings from answers

struct StatusCase {
  uint32_t status;
  uint32_t code;
  uint32_t severity;
  std::string detail;
};

TEST(CourtAssess, NonFoundStatusesMapToFindings) {
  const std::vector<StatusCase> cases = {
      {ECID_ANSWER_NOT_FOUND, ECID_FINDING_ID_NOT_FOUND, ECID_SEVERITY_ATTENTION, ""},
      {ECID_ANSWER_INVALID_KEY, ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, "key cannot exist"},
      {ECID_ANSWER_UNAVAILABLE, ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, "deadline exceeded"},
      {ECID_ANSWER_BAD_ANSWER, ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, "malformed body"},
      {ECID_ANSWER_REFUSED, ECID_FINDING_REFUSED_BY_POLICY, ECID_SEVERITY_ERROR,
       "field death_date not allowed for purpose court.case_filing"},
  };
  for (const auto& c : cases) {
    for (bool legacy : {false, true}) {
      CourtHarness h;
      PartySpec p = an();
      if (legacy) {
        p.id.reset();
        p.legacy = "172345678";
      }
      auto r = h.run(filing({p}), [&](const PlannedQuery&) { return FakeAnswer{0, c.status, c.detail, {}}; });
      ASSERT_EQ(r.assess_rc, ECID_OK) << r.error;
      const auto fs = r.findings_for("party[1] (plaintiff)");
      ASSERT_EQ(fs.size(), 1u) << "status " << c.status;
      EXPECT_EQ(fs[0].code, c.code) << "status " << c.status;
      EXPECT_EQ(fs[0].severity, c.severity) << "status " << c.status;
      if (!c.detail.empty()) EXPECT_EQ(fs[0].detail, c.detail);
      else EXPECT_FALSE(fs[0].detail.empty());
    }
  }
}

TEST(CourtAssess, UnexpectedAnswersAreErrorsNotCrashes) {
  // Statuses the contract does not define for person look-ups, and malformed FOUND answers.
  for (uint32_t status : {0u, static_cast<uint32_t>(ECID_ANSWER_REJECTED), 8u, 99u, 0xFFFFFFFFu}) {
    CourtHarness h;
    auto r = h.run(filing({an()}), [&](const PlannedQuery&) { return FakeAnswer{0, status, "", {}}; });
    ASSERT_EQ(r.assess_rc, ECID_OK);
    const auto fs = r.findings_for("party[1] (plaintiff)");
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_REGISTER_UNAVAILABLE));
    EXPECT_EQ(fs[0].severity, static_cast<uint32_t>(ECID_SEVERITY_ERROR));
    EXPECT_NE(fs[0].detail.find(std::to_string(status)), std::string::npos);
  }
  {
    CourtHarness h;  // FOUND without a record
    auto r = h.run(filing({an()}), [&](const PlannedQuery&) { return FakeAnswer{0, ECID_ANSWER_FOUND, "", {}}; });
    ASSERT_EQ(r.assess_rc, ECID_OK);
    EXPECT_EQ(codes(r.findings), std::vector<uint32_t>{ECID_FINDING_REGISTER_UNAVAILABLE});
  }
  {
    CourtHarness h;  // FOUND with two people for one ID
    auto r = h.run(filing({an()}), [&](const PlannedQuery& q) {
      FakeAnswer a = found(q);
      a.records.push_back(a.records[0]);
      return a;
    });
    ASSERT_EQ(r.assess_rc, ECID_OK);
    EXPECT_EQ(codes(r.findings), std::vector<uint32_t>{ECID_FINDING_AMBIGUOUS});
  }
}

// ---------------------------------------------------------------------------------------------
// A host out of protocol, which the driver never is (it answers every query once, under the id
// it gave): these tests call the adapter's C functions directly to see that it copes anyway.

namespace {

// Sinks that number the queries 1, 2, … as the driver does and keep the findings' codes.
struct RawSinks {
  RawSinks() = default;
  RawSinks(const RawSinks&) = delete;
  uint32_t queries = 0;
  std::vector<std::pair<uint32_t, std::string>> findings;  // (code, subject)
  static int32_t add_query(void* ctx, const ecid_query*, uint32_t* id) {
    *id = ++static_cast<RawSinks*>(ctx)->queries;
    return ECID_OK;
  }
  static int32_t add_finding(void* ctx, const ecid_finding* f) {
    static_cast<RawSinks*>(ctx)->findings.emplace_back(f->code, std::string(f->subject_ref.ptr, f->subject_ref.len));
    return ECID_OK;
  }
  static int32_t set_ref(void*, ecid_str) { return ECID_OK; }
  static void set_error(void*, ecid_str) {}
  const ecid_plan_sink plan{sizeof(ecid_plan_sink), this, &add_query};
  const ecid_report_sink report{sizeof(ecid_report_sink), this, &add_finding, &set_ref, &set_error};
};

// The C answers the test picks; the containers keep the views' addresses.
struct RawAnswers {
  std::deque<std::vector<ecid_field_check>> checks;
  std::deque<ecid_record> records;
  std::vector<ecid_answer> answers;
  // FOUND, every claim of `q` matching (and the ID structure, as the host checks it).
  void found(const PlannedQuery& q) {
    auto& c = checks.emplace_back();
    for (const auto& [field, value] : q.claims) c.push_back({sizeof(ecid_field_check), field, ECID_CHECK_MATCH, {}});
    c.push_back({sizeof(ecid_field_check), ECID_F_PERSONAL_ID, ECID_CHECK_MATCH, {}});
    records.push_back({sizeof(ecid_record), 0, nullptr, static_cast<uint32_t>(c.size()), c.data()});
    answers.push_back({sizeof(ecid_answer), q.id, q.round, ECID_ANSWER_FOUND, {}, {}, 1, ECID_REASON_NONE, &records.back()});
  }
  void bare(uint32_t query_id, uint32_t status) {
    answers.push_back({sizeof(ecid_answer), query_id, 0, status, {}, {}, 0, ECID_REASON_NONE, nullptr});
  }
};

// open → plan(0) → assess with `answers` made from what the harness saw the adapter plan for the
// same document; the findings of assess.
std::vector<std::pair<uint32_t, std::string>> assess_out_of_protocol(
    const CourtHarness& h, const std::string& doc, const std::function<void(const Outcome&, RawAnswers&)>& answers) {
  const Outcome planned = h.run(doc);
  RawAnswers raw;
  answers(planned, raw);
  const ecid_adapter_v1& a = h.adapter();
  RawSinks sinks;
  void* session = nullptr;
  EXPECT_EQ(a.open_document(h.instance(), ecid_str{doc.data(), doc.size()}, &sinks.report, &session), ECID_OK);
  if (!session) return {};
  EXPECT_EQ(a.plan(session, 0, nullptr, 0, &sinks.plan, &sinks.report), ECID_OK);
  EXPECT_EQ(sinks.queries, planned.queries.size());
  sinks.findings.clear();
  EXPECT_EQ(a.assess(session, raw.answers.data(), static_cast<uint32_t>(raw.answers.size()), &sinks.report), ECID_OK);
  a.close_document(session);
  return sinks.findings;
}

}  // namespace

TEST(CourtAssess, MissingOrForeignAnswersAreHandled) {
  CourtHarness h;
  const auto findings = assess_out_of_protocol(h, filing({an(), an()}), [](const Outcome& planned, RawAnswers& raw) {
    ASSERT_EQ(planned.queries.size(), 2u);
    // Only the second query is answered, plus an answer to a query nobody asked.
    raw.found(planned.queries[1]);
    raw.bare(9999, ECID_ANSWER_FOUND);
  });
  bool first_unavailable = false, second_verified = false;
  for (const auto& [code, subject] : findings) {
    if (subject == "party[1] (plaintiff)") first_unavailable |= code == ECID_FINDING_REGISTER_UNAVAILABLE;
    if (subject == "party[2] (plaintiff)") second_verified |= code == ECID_FINDING_VERIFIED;
  }
  EXPECT_TRUE(first_unavailable);
  EXPECT_TRUE(second_verified);
}

TEST(CourtAssess, NullArgumentsAreRefused) {
  CourtHarness h;
  const ecid_adapter_v1& a = h.adapter();
  RawSinks sinks;
  void* session = nullptr;
  EXPECT_EQ(a.open_document(nullptr, ecid_str{"x", 1}, &sinks.report, &session), ECID_E_ARGUMENT);
  EXPECT_EQ(a.plan(nullptr, 0, nullptr, 0, &sinks.plan, &sinks.report), ECID_E_ARGUMENT);
  EXPECT_EQ(a.assess(nullptr, nullptr, 0, &sinks.report), ECID_E_ARGUMENT);
}

TEST(CourtAssess, VerifiedPartyGetsCurrentResidence) {
  CourtHarness h;
  auto r = h.run(filing({an()}), [](const PlannedQuery& q) { return found(q); });
  ASSERT_EQ(r.assess_rc, ECID_OK);
  const auto fs = r.findings_for("party[1] (plaintiff)");
  ASSERT_EQ(codes(fs), (std::vector<uint32_t>{ECID_FINDING_VERIFIED, ECID_FINDING_ADDRESS_FOR_SERVICE}));
  EXPECT_EQ(fs[0].severity, static_cast<uint32_t>(ECID_SEVERITY_OK));
  EXPECT_NE(fs[0].detail.find("full name, birth date and sex agree"), std::string::npos) << fs[0].detail;
  EXPECT_EQ(fs[0].detail.find("year only"), std::string::npos);
  EXPECT_EQ(fs[1].severity, static_cast<uint32_t>(ECID_SEVERITY_OK));
  EXPECT_EQ(fs[1].detail, "current residence");
  EXPECT_EQ(fs[1].field, static_cast<uint32_t>(ECID_F_CURRENT_RESIDENCE));
  EXPECT_EQ(fs[1].value, "S\xE1\xBB\x91 9 ng\xC3\xB5 3, H\xC3\xA0 N\xE1\xBB\x99i");
  EXPECT_EQ(r.document_ref, "64/2024/TLST-DS");
}

TEST(CourtAssess, AddressForServicePrefersCurrentThenTemporaryThenPermanent) {
  // Every combination of held residences, blank values counting as absent.
  const std::pair<uint32_t, std::string> kinds[] = {{ECID_F_CURRENT_RESIDENCE, "current residence"},
                                                    {ECID_F_TEMPORARY_RESIDENCE, "temporary residence"},
                                                    {ECID_F_PERMANENT_RESIDENCE, "permanent residence"}};
  for (int mask = 0; mask < 8; ++mask) {
    for (bool blanks : {false, true}) {
      std::vector<std::pair<uint32_t, std::string>> values;
      for (int k = 0; k < 3; ++k) {
        if (mask & (1 << k)) values.emplace_back(kinds[k].first, "address #" + std::to_string(k));
        else if (blanks) values.emplace_back(kinds[k].first, "  ");
      }
      values.emplace_back(ECID_F_DEATH_DATE, "");
      CourtHarness h;
      auto r = h.run(filing({an()}), [&](const PlannedQuery& q) { return found(q, values); });
      const auto fs = r.findings_for("party[1] (plaintiff)");
      ASSERT_EQ(count_code(fs, ECID_FINDING_ADDRESS_FOR_SERVICE), 1u) << mask;
      const auto* f = find_code(fs, ECID_FINDING_ADDRESS_FOR_SERVICE);
      int chosen = mask & 1 ? 0 : mask & 2 ? 1 : mask & 4 ? 2 : -1;
      if (chosen < 0) {
        EXPECT_EQ(f->severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));
        EXPECT_EQ(f->detail, "no residence on the register: serve by public posting at the last known "
                             "residence (CPC Art. 179)");
        EXPECT_TRUE(f->value.empty());
      } else {
        EXPECT_EQ(f->severity, static_cast<uint32_t>(ECID_SEVERITY_OK)) << mask;
        EXPECT_EQ(f->detail, kinds[chosen].second) << mask;
        EXPECT_EQ(f->value, "address #" + std::to_string(chosen)) << mask;
        EXPECT_EQ(f->field, kinds[chosen].first);
      }
    }
  }
}

TEST(CourtAssess, EachMismatchingClaimIsOneFinding) {
  const uint32_t fields[] = {ECID_F_FULL_NAME, ECID_F_BIRTH_DATE, ECID_F_SEX};
  for (int mask = 1; mask < 8; ++mask) {
    CourtHarness h;
    auto r = h.run(filing({an()}), [&](const PlannedQuery& q) {
      FakeAnswer a = found(q);
      for (auto& c : a.records[0].checks)
        for (int k = 0; k < 3; ++k)
          if ((mask & (1 << k)) && c.field == fields[k]) {
            c.outcome = ECID_CHECK_MISMATCH;
            c.reason = "reason for field " + std::to_string(c.field);
          }
      return a;
    });
    const auto fs = r.findings_for("party[1] (plaintiff)");
    for (int k = 0; k < 3; ++k) {
      const bool expected = mask & (1 << k);
      auto it = std::find_if(fs.begin(), fs.end(), [&](const auto& f) {
        return f.code == ECID_FINDING_MISMATCH && f.field == fields[k];
      });
      EXPECT_EQ(it != fs.end(), expected) << mask << "/" << k;
      if (it != fs.end()) {
        EXPECT_EQ(it->severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));
        EXPECT_EQ(it->detail, "reason for field " + std::to_string(fields[k]));
      }
    }
    EXPECT_EQ(find_code(fs, ECID_FINDING_VERIFIED), nullptr);
    EXPECT_NE(find_code(fs, ECID_FINDING_ADDRESS_FOR_SERVICE), nullptr);
  }
}

TEST(CourtAssess, LooseAgreementNeedsReviewAndIsNotVerified) {
  CourtHarness h;
  auto r = h.run(filing({an()}), [](const PlannedQuery& q) {
    FakeAnswer a = found(q);
    for (auto& c : a.records[0].checks)
      if (c.field == ECID_F_FULL_NAME) {
        c.outcome = ECID_CHECK_NEEDS_REVIEW;
        c.reason = "agrees only without diacritics";
      }
    return a;
  });
  const auto fs = r.findings_for("party[1] (plaintiff)");
  const auto* f = find_code(fs, ECID_FINDING_NEEDS_REVIEW);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->field, static_cast<uint32_t>(ECID_F_FULL_NAME));
  EXPECT_EQ(f->detail, "agrees only without diacritics");
  EXPECT_EQ(find_code(fs, ECID_FINDING_VERIFIED), nullptr);
}

TEST(CourtAssess, UnknownCheckOutcomeIsNeverVerified) {
  CourtHarness h;
  auto r = h.run(filing({an()}), [](const PlannedQuery& q) {
    FakeAnswer a = found(q);
    a.records[0].checks[0].outcome = 77;
    return a;
  });
  ASSERT_EQ(r.assess_rc, ECID_OK);
  EXPECT_EQ(find_code(r.findings, ECID_FINDING_VERIFIED), nullptr);
  EXPECT_NE(find_code(r.findings, ECID_FINDING_NEEDS_REVIEW), nullptr);
}

TEST(CourtAssess, RegisterSideIdStructureMismatch) {
  CourtHarness h;
  auto r = h.run(filing({an()}), [](const PlannedQuery& q) {
    FakeAnswer a = found(q);
    for (auto& c : a.records[0].checks)
      if (c.field == ECID_F_PERSONAL_ID) {
        c.outcome = ECID_CHECK_MISMATCH;
        c.reason = "register: sex digit says M, record says F";
      }
    return a;
  });
  const auto fs = r.findings_for("party[1] (plaintiff)");
  ASSERT_EQ(count_code(fs, ECID_FINDING_ID_STRUCTURE_INCONSISTENT), 1u);
  const auto* f = find_code(fs, ECID_FINDING_ID_STRUCTURE_INCONSISTENT);
  EXPECT_EQ(f->detail, "register: sex digit says M, record says F");  // not "register: register: …"
  EXPECT_EQ(f->severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));
  EXPECT_EQ(find_code(fs, ECID_FINDING_VERIFIED), nullptr);
  // A host reason without the side gets it added.
  CourtHarness h2;
  auto r2 = h2.run(filing({an()}), [](const PlannedQuery& q) {
    FakeAnswer a = found(q);
    for (auto& c : a.records[0].checks)
      if (c.field == ECID_F_PERSONAL_ID) {
        c.outcome = ECID_CHECK_MISMATCH;
        c.reason = "birth year digits say 1985, record says 1986";
      }
    return a;
  });
  const auto* f2 = find_code(r2.findings, ECID_FINDING_ID_STRUCTURE_INCONSISTENT);
  ASSERT_NE(f2, nullptr);
  EXPECT_EQ(f2->detail, "register: birth year digits say 1985, record says 1986");
}

TEST(CourtAssess, DeceasedPartyHasNoAddressForService) {
  CourtHarness h;
  auto r = h.run(filing({an()}), [](const PlannedQuery& q) {
    return found(q, {{ECID_F_DEATH_DATE, "2024-05-10"}, {ECID_F_CURRENT_RESIDENCE, "somewhere"}});
  });
  const auto fs = r.findings_for("party[1] (plaintiff)");
  EXPECT_EQ(codes(fs), (std::vector<uint32_t>{ECID_FINDING_DECEASED, ECID_FINDING_VERIFIED}));
  const auto* f = find_code(fs, ECID_FINDING_DECEASED);
  EXPECT_EQ(f->value, "2024-05-10");
  EXPECT_EQ(f->severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));
  EXPECT_EQ(f->field, static_cast<uint32_t>(ECID_F_DEATH_DATE));
}

TEST(CourtAssess, LegacyIdResolvesToPersonalId) {
  CourtHarness h;
  PartySpec p;
  p.name = "\xC4\x90\xE1\xBB\x97 Minh Tu\xE1\xBA\xA5n";
  p.legacy = "172345678";
  auto r = h.run(filing({p}), [](const PlannedQuery& q) {
    return found(q, {{ECID_F_PERSONAL_ID, "038088000606"}, {ECID_F_PERMANENT_RESIDENCE, "Thanh H\xC3\xB3" "a"}});
  });
  const auto fs = r.findings_for("party[1] (plaintiff)");
  EXPECT_EQ(codes(fs), (std::vector<uint32_t>{ECID_FINDING_LEGACY_ID_RESOLVED, ECID_FINDING_VERIFIED,
                                              ECID_FINDING_ADDRESS_FOR_SERVICE}));
  const auto* f = find_code(fs, ECID_FINDING_LEGACY_ID_RESOLVED);
  EXPECT_EQ(f->value, "038088000606");
  EXPECT_EQ(f->severity, static_cast<uint32_t>(ECID_SEVERITY_OK));
  EXPECT_EQ(f->field, static_cast<uint32_t>(ECID_F_PERSONAL_ID));
  EXPECT_EQ(find_code(fs, ECID_FINDING_ADDRESS_FOR_SERVICE)->detail, "permanent residence");
}

TEST(CourtAssess, YearOnlyBirthDateIsVerifiedOnYearOnly) {
  CourtHarness h;
  auto r = h.run(filing({an()}), [](const PlannedQuery& q) {
    FakeAnswer a = found(q);
    for (auto& c : a.records[0].checks)
      if (c.field == ECID_F_BIRTH_DATE) c.outcome = ECID_CHECK_MATCH_PARTIAL;
    return a;
  });
  const auto* f = find_code(r.findings, ECID_FINDING_VERIFIED);
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->detail.find("birth date agrees on year only"), std::string::npos) << f->detail;
}

TEST(CourtAssess, RegisterWithoutValueIsSaidInVerifiedDetail) {
  CourtHarness h;
  auto r = h.run(filing({an()}), [](const PlannedQuery& q) {
    FakeAnswer a = found(q);
    for (auto& c : a.records[0].checks)
      if (c.field == ECID_F_SEX) c.outcome = ECID_CHECK_NO_VALUE;
    a.records[0].checks.erase(std::remove_if(a.records[0].checks.begin(), a.records[0].checks.end(),
                                             [](const auto& c) { return c.field == ECID_F_BIRTH_DATE; }),
                              a.records[0].checks.end());
    return a;
  });
  const auto* f = find_code(r.findings, ECID_FINDING_VERIFIED);
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->detail.find("the register holds no sex"), std::string::npos) << f->detail;
  EXPECT_NE(f->detail.find("not compared: birth date"), std::string::npos) << f->detail;
}

// The host's own matcher on realistic records: old-style tone marks and missing diacritics.
TEST(CourtAssess, WithTheHostMatcher) {
  struct Person {
    std::string id, name, birth, sex, current;
  };
  const std::map<std::string, Person> reg = {
      {"001198000505", {"001198000505", "Ho\xC3\xA0ng Th\xE1\xBB\x8B Th\xE1\xBB\xA7y Dung", "1998-09-01", "F", "Hà Nội"}},
      {"079087000111", {"079087000111", "Hu\xE1\xBB\xB3nh T\xE1\xBA\xA5n Ph\xC3\xA1t", "1987-03-15", "M", "TP HCM"}},
      {"040048000808", {"040048000808", "Ng\xC3\xB4 V\xC4\x83n B\xE1\xBA\xA3y", "1948", "M", "Nghệ An"}},
  };
  auto answer = [&](const PlannedQuery& q) {
    auto it = reg.find(q.key);
    if (it == reg.end()) return FakeAnswer{0, ECID_ANSWER_NOT_FOUND, "", {}};
    ecid::RegisterRecord rec;
    rec.values = {{ECID_F_PERSONAL_ID, it->second.id}, {ECID_F_FULL_NAME, it->second.name},
                  {ECID_F_BIRTH_DATE, it->second.birth}, {ECID_F_SEX, it->second.sex}};
    std::vector<ecid::Claim> claims;
    for (const auto& [f, v] : q.claims) claims.push_back({f, v});
    FakeRecord fr;
    for (const auto& c : ecid::check_claims(claims, rec, true)) fr.checks.push_back({c.field, c.outcome, c.reason});
    fr.values = {{ECID_F_CURRENT_RESIDENCE, it->second.current}};
    return FakeAnswer{0, ECID_ANSWER_FOUND, "", {fr}};
  };
  PartySpec dung;
  dung.name = "Ho\xC3\xA0ng Th\xE1\xBB\x8B Thu\xE1\xBB\xB7 Dung";  // Thuỷ: old-style tone placement
  dung.birth = "01/09/1998";
  dung.sex = "N\xE1\xBB\xAF";
  dung.id = "001198000505";
  PartySpec phat;
  phat.role = "defendant";
  phat.name = "HUYNH TAN PHAT";
  phat.id = "079087000111";
  PartySpec bay;
  bay.role = "related";
  bay.name = "Ng\xC3\xB4 V\xC4\x83n B\xE1\xBA\xA3y";
  bay.birth = "12/03/1948";
  bay.id = "040048000808";
  PartySpec grave = dung;  // Thuỳ carries another tone (grave): another name, never verified
  grave.role = "related";
  grave.name = "Ho\xC3\xA0ng Th\xE1\xBB\x8B Thu\xE1\xBB\xB3 Dung";
  CourtHarness h;
  auto r = h.run(filing({dung, phat, bay, grave}), answer);
  EXPECT_EQ(find_code(r.findings_for("party[4] (related)"), ECID_FINDING_VERIFIED), nullptr);
  ASSERT_EQ(r.assess_rc, ECID_OK);
  EXPECT_EQ(codes(r.findings_for("party[1] (plaintiff)")),
            (std::vector<uint32_t>{ECID_FINDING_VERIFIED, ECID_FINDING_ADDRESS_FOR_SERVICE}));
  EXPECT_EQ(codes(r.findings_for("party[2] (defendant)")),
            (std::vector<uint32_t>{ECID_FINDING_NEEDS_REVIEW, ECID_FINDING_ADDRESS_FOR_SERVICE}));
  const auto bay_findings = r.findings_for("party[3] (related)");
  const auto* v = find_code(bay_findings, ECID_FINDING_VERIFIED);
  ASSERT_NE(v, nullptr);
  EXPECT_NE(v->detail.find("year only"), std::string::npos) << v->detail;
}

// ---------------------------------------------------------------------------------------------
// Case numbers

TEST(CourtCaseNumber, ValidNumbersBecomeTheDocumentRef) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"64/2024/TLST-DS", "64/2024/TLST-DS"},
      {"58/2023/HNG\xC4\x90-ST", "58/2023/HNG\xC4\x90-ST"},
      {"22/2025/Q\xC4\x90ST-HNG\xC4\x90", "22/2025/Q\xC4\x90ST-HNG\xC4\x90"},
      {"37/2023/Q\xC4\x90ST - HNG\xC4\x90", "37/2023/Q\xC4\x90ST-HNG\xC4\x90"},
      {"  123/2023/DS-ST ", "123/2023/DS-ST"},
      {"45/2024/HS -PT", "45/2024/HS-PT"},
      {"7/2022/L\xC4\x90-G\xC4\x90T", "7/2022/L\xC4\x90-G\xC4\x90T"},
      {"3/2021/TLPT-KDTM", "3/2021/TLPT-KDTM"},
      {"9/2024/Q\xC4\x90PT-HC", "9/2024/Q\xC4\x90PT-HC"},
      {"1/2026/TLST-DS", "1/2026/TLST-DS"},  // the fake clock's next year is still accepted
  };
  for (const auto& [written, normalised] : cases) {
    CourtHarness h;
    auto r = h.run(filing({an()}, written));
    ASSERT_EQ(r.assess_rc, ECID_OK) << written;
    EXPECT_FALSE(r.document_ref.empty()) << written;
    EXPECT_EQ(r.document_ref, normalised);
    EXPECT_TRUE(r.findings_for("document").empty()) << written;
  }
}

TEST(CourtCaseNumber, InvalidNumbersAreAFindingNotAFailure) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"64/2024/TLST-XX", "code"},
      {"64/2024/TLST", "code"},
      {"64-2024-TLST-DS", "<number>/<year>/<code>"},
      {"0/2024/TLST-DS", "sequence"},
      {"A1/2024/TLST-DS", "sequence"},
      {"64/24/TLST-DS", "year"},
      {"64/1900/TLST-DS", "out of range"},
      {"64/2027/TLST-DS", "out of range"},
      {"58/2023/HNG\xC3\x90-ST", "U+00D0"},          // Icelandic eth look-alike
      {"58/2023/HNG\xC4\x91-ST", "lower-case"},       // đ
      {"58/2023/HNGD\xCC\xB5-ST", "combining stroke"},  // D + U+0335
      {"64/2024/TL ST-DS", "space"},
      {"64/2024/TLST-DS-ST", "code"},
      {"", "the filing has no CaseNumber"},
  };
  for (const auto& [written, needle] : cases) {
    CourtHarness h;
    auto r = h.run(filing({an()}, written));
    ASSERT_EQ(r.open_rc, ECID_OK) << written;
    ASSERT_EQ(r.assess_rc, ECID_OK) << written;
    const auto fs = r.findings_for("document");
    ASSERT_EQ(fs.size(), 1u) << written;
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_INVALID_INPUT));
    EXPECT_EQ(fs[0].severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));
    EXPECT_NE(fs[0].detail.find(needle), std::string::npos) << written << " → " << fs[0].detail;
    EXPECT_TRUE(r.document_ref.empty()) << written;
    // The parties are still checked.
    EXPECT_EQ(r.queries.size(), 1u);
  }
  CourtHarness h;  // no CaseNumber element at all
  auto r = h.run(filing({an()}, std::nullopt));
  ASSERT_EQ(r.findings_for("document").size(), 1u);
}

TEST(CourtCaseNumber, QuotedValuesAreCutBetweenCharacters) {
  std::string long_number = "64/2024/";
  for (int i = 0; i < 100; ++i) long_number += "\xC4\x90";  // 2-byte Đ: 64 bytes would split none, 65 would
  long_number = "6" + long_number;                           // odd offset: a byte cut would split a Đ
  CourtHarness h;
  auto r = h.run(filing({an()}, long_number));
  const auto fs = r.findings_for("document");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_LE(fs[0].value.size(), 64u);
  EXPECT_GE(fs[0].value.size(), 60u);
  EXPECT_TRUE(ecid::text::is_valid_utf8(fs[0].value));
  EXPECT_EQ(long_number.rfind(fs[0].value, 0), 0u);
}

TEST(CourtHostile, MessagesQuoteOnlyText) {
  CourtHarness h;
  for (const std::string& root : {std::string("Jud\xFFgment"), std::string(300, 'R'), "\xC4\x90" + std::string(200, 'x')}) {
    const auto [rc, message] = h.open_only("<" + root + " xmlns=\"urn:ecid:court:filing:1\"/>");
    EXPECT_EQ(rc, ECID_E_INVALID_DOCUMENT);
    EXPECT_TRUE(ecid::text::is_valid_utf8(message)) << message;
    EXPECT_LT(message.size(), 200u);
  }
  const auto [rc, message] = h.open_only("<CaseFiling xmlns=\"urn:\xE1\x80\"/>");
  EXPECT_EQ(rc, ECID_E_INVALID_DOCUMENT);
  EXPECT_TRUE(ecid::text::is_valid_utf8(message)) << message;
}

TEST(CourtCaseNumber, UnreadableFilingDateIsAFinding) {
  CourtHarness h;
  std::string doc = filing({an()});
  doc.replace(doc.find("14/05/2024"), 10, "soon");
  auto r = h.run(doc);
  const auto fs = r.findings_for("document");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_INVALID_INPUT));
  EXPECT_NE(fs[0].detail.find("FilingDate"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Hostile documents: ECID_E_INVALID_DOCUMENT with a one-line message, never a crash

TEST(CourtHostile, FilesInTheDataFolder) {
  const std::filesystem::path dir = std::filesystem::path(ECID_SOURCE_DIR) / "tests/court/data";
  std::set<std::string> seen;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".xml") continue;
    seen.insert(entry.path().filename().string());
    CourtHarness h;
    const auto [rc, message] = h.open_only(read_file(entry.path().string()));
    EXPECT_EQ(rc, ECID_E_INVALID_DOCUMENT) << entry.path();
    EXPECT_TRUE(one_line(message)) << entry.path() << ": '" << message << "'";
  }
  for (const char* expected : {"truncated.xml", "wrong_root.xml", "wrong_namespace.xml", "no_namespace.xml",
                               "invalid_utf8_name.xml", "too_many_parties.xml", "empty.xml", "no_parties.xml",
                               "huge_attribute.xml"})
    EXPECT_TRUE(seen.count(expected)) << expected;
}

TEST(CourtHostile, MessagesSayWhatIsWrong) {
  const std::filesystem::path dir = std::filesystem::path(ECID_SOURCE_DIR) / "tests/court/data";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"truncated.xml", "malformed XML"},
      {"wrong_root.xml", "root element is <Judgment>"},
      {"wrong_namespace.xml", "urn:ecid:court:filing:2"},
      {"no_namespace.xml", "namespace ''"},
      {"invalid_utf8_name.xml", "invalid UTF-8 in the text of CaseFiling/Parties/Party[2]/FullName"},
      {"too_many_parties.xml", "too many parties: 500"},
      {"empty.xml", "empty document"},
      {"no_parties.xml", "no parties"},
      {"huge_attribute.xml", "attribute 'code' of CaseFiling/Court is longer than 1 KiB"},
  };
  for (const auto& [file, needle] : cases) {
    CourtHarness h;
    const auto [rc, message] = h.open_only(read_file((dir / file).string()));
    EXPECT_EQ(rc, ECID_E_INVALID_DOCUMENT) << file;
    EXPECT_NE(message.find(needle), std::string::npos) << file << ": " << message;
    EXPECT_EQ(message.find("Nguy"), std::string::npos) << "no personal data in " << message;
  }
}

TEST(CourtHostile, GeneratedDocuments) {
  auto with_parties = [](size_t n) { return filing(std::vector<PartySpec>(n, an())); };
  std::string huge_attribute = filing({an()});
  huge_attribute.replace(huge_attribute.find("code=\"TAND-HN-BD\""), 17,
                         "code=\"" + std::string(2u << 20, 'A') + "\"");
  std::string long_name = filing({an()});
  long_name.replace(long_name.find(kAnName), kAnName.size(), std::string(1025, 'x'));
  std::string deep = "<CaseFiling xmlns=\"urn:ecid:court:filing:1\">";
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  for (int i = 0; i < 100000; ++i) deep += "</a>";
  deep += "</CaseFiling>";
  std::string bad_role = filing({an()});
  bad_role.replace(bad_role.find("role=\"plaintiff\""), 16, "role=\"judge\"");
  std::string twice = filing({an()});
  twice.replace(twice.find("<FullName>"), 10, "<FullName>A</FullName><FullName>");
  std::string nul = filing({an()});
  nul[nul.find("An<")] = '\0';
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with_parties(201), "too many parties: 201"},
      {huge_attribute, "longer than 1 KiB"},
      {long_name, "longer than 1 KiB"},
      {deep, "no parties"},
      {bad_role, "role must be plaintiff, defendant or related"},
      {twice, "2 FullName elements"},
      {nul, "NUL byte"},
      {filing({an()}) + "<CaseFiling/>", "malformed XML"},
      {"<CaseFiling xmlns=\"urn:ecid:court:filing:1\"><Parties/></CaseFiling>", "no parties"},
      {"   \n ", "XML"},
      {"not xml at all", "XML"},
      {std::string(5u << 20, ' '), "larger than 4 MiB"},
      {"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><CaseFiling xmlns=\"urn:ecid:court:filing:1\">&a;</CaseFiling>",
       ""},
  };
  for (const auto& [doc, needle] : cases) {
    CourtHarness h;
    const auto [rc, message] = h.open_only(doc);
    EXPECT_EQ(rc, ECID_E_INVALID_DOCUMENT) << needle << " / " << message;
    EXPECT_TRUE(one_line(message)) << message;
    EXPECT_NE(message.find(needle), std::string::npos) << message;
  }
}

TEST(CourtHostile, LimitsAreInclusive) {
  CourtHarness h;
  EXPECT_EQ(h.open_only(filing(std::vector<PartySpec>(200, an()))).first, ECID_OK);
  std::string name_1k = filing({an()});
  name_1k.replace(name_1k.find(kAnName), kAnName.size(), std::string(1024, 'x'));
  EXPECT_EQ(h.open_only(name_1k).first, ECID_OK);
}

TEST(CourtHostile, AcceptedVariantsOfTheFormat) {
  CourtHarness h;
  // A byte-order mark, a namespace prefix, unknown elements (Filer/Assertion is reserved for
  // online filings), and elements from other namespaces are all fine.
  const std::string bom = "\xEF\xBB\xBF" + filing({an()});
  std::string prefixed = filing({an()});
  for (size_t pos = 0; (pos = prefixed.find('<', pos)) != std::string::npos; ++pos) {
    if (prefixed[pos + 1] == '?') continue;
    prefixed.insert(pos + (prefixed[pos + 1] == '/' ? 2 : 1), "cf:");
  }
  prefixed.replace(prefixed.find("xmlns="), 6, "xmlns:cf=");
  // A Filer at the counter without an assertion asks nothing more; a Filer from another
  // namespace is not ours and is ignored, whatever it holds.
  const std::string filer = filing({an()}, std::string("64/2024/TLST-DS"),
                                   "<Filer party=\"1\" channel=\"in_person\"/>"
                                   "<o:Filer xmlns:o=\"urn:other\"><o:Assertion>eyJhbGciOi.x.y</o:Assertion></o:Filer>"
                                   "<x:Note xmlns:x=\"urn:other\">hello</x:Note>");
  for (const std::string& doc : {bom, prefixed, filer}) {
    auto r = h.run(doc);
    EXPECT_EQ(r.open_rc, ECID_OK) << r.open_error << "\n" << doc.substr(0, 200);
    EXPECT_EQ(r.queries.size(), 1u);
  }
  // A Party from another namespace is not a party.
  std::string foreign = filing({an(), an()});
  foreign.replace(foreign.rfind("<Party role"), 11, "<o:Party xmlns:o=\"urn:other\" role");
  foreign.replace(foreign.rfind("</Party>"), 8, "</o:Party>");
  auto r = h.run(foreign);
  ASSERT_EQ(r.open_rc, ECID_OK) << r.open_error;
  EXPECT_EQ(r.queries.size(), 1u);
}

TEST(CourtHostile, EveryTruncationOfASampleFailsCleanly) {
  const std::string doc = read_file(std::string(ECID_SOURCE_DIR) + "/samples/court/civil_dispute.xml");
  const size_t closing = doc.rfind("</CaseFiling>");
  ASSERT_NE(closing, std::string::npos);
  CourtHarness h;
  for (size_t len = 0; len < doc.size(); ++len) {
    const auto [rc, message] = h.open_only(std::string_view(doc).substr(0, len));
    if (len < closing + 13) {
      ASSERT_EQ(rc, ECID_E_INVALID_DOCUMENT) << "prefix of " << len << " bytes";
      ASSERT_TRUE(one_line(message)) << len;
    }
  }
}

TEST(CourtHostile, RandomMutationsNeverCrash) {
  const std::string doc = read_file(std::string(ECID_SOURCE_DIR) + "/samples/court/civil_dispute.xml");
  std::mt19937 rng(20240521);
  CourtHarness h;
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string m = doc;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t pos = rng() % m.size();
      switch (rng() % 3) {
        case 0: m[pos] = static_cast<char>(rng() % 256); break;
        case 1: m.erase(pos, 1 + rng() % 8); break;
        default: m.insert(pos, std::string(1 + rng() % 3, "<>&\"/\xC4\x90\xFF"[rng() % 8])); break;
      }
      if (m.empty()) m = "x";
    }
    auto r = h.run(m, [&](const PlannedQuery& q) {
      return rng() % 2 ? found(q) : FakeAnswer{0, static_cast<uint32_t>(rng() % 9), "", {}};
    });
    ASSERT_TRUE(r.open_rc == ECID_OK || r.open_rc == ECID_E_INVALID_DOCUMENT) << r.open_rc;
    if (r.open_rc == ECID_OK) {
      ++accepted;
      EXPECT_EQ(r.plan_rc, ECID_OK);
      EXPECT_EQ(r.assess_rc, ECID_OK) << r.error;
      for (const auto& f : r.findings)
        ASSERT_TRUE(ecid::text::is_valid_utf8(f.value) && ecid::text::is_valid_utf8(f.detail) &&
                    ecid::text::is_valid_utf8(f.subject_ref));
    } else {
      EXPECT_TRUE(one_line(r.open_error));
      // The host shows the message as is: it must be text even when the document is not.
      ASSERT_TRUE(ecid::text::is_valid_utf8(r.open_error)) << r.open_error;
    }
  }
  EXPECT_GT(accepted, 0);  // some mutations only touch text: those documents still work
}

TEST(CourtAssess, FuzzedAnswersAlwaysGiveEachPartyAFinding) {
  std::mt19937 rng(7);
  const uint32_t fields[] = {ECID_F_FULL_NAME, ECID_F_BIRTH_DATE, ECID_F_SEX, ECID_F_PERSONAL_ID, 0, 999};
  CourtHarness h;
  for (int i = 0; i < 500; ++i) {
    PartySpec legacy;
    legacy.role = "related";
    legacy.legacy = "172345678";
    auto r = h.run(filing({an(), legacy, an()}), [&](const PlannedQuery&) {
      FakeAnswer a{0, rng() % 4 ? static_cast<uint32_t>(ECID_ANSWER_FOUND) : static_cast<uint32_t>(rng() % 10), "", {}};
      const size_t records = rng() % 5 ? 1 : rng() % 3;
      for (size_t k = 0; k < records; ++k) {
        FakeRecord rec;
        for (int c = 0; c < static_cast<int>(rng() % 6); ++c)
          rec.checks.push_back({fields[rng() % 6], static_cast<uint32_t>(rng() % 7), rng() % 2 ? "" : "r"});
        for (int v = 0; v < static_cast<int>(rng() % 5); ++v)
          rec.values.push_back({static_cast<uint32_t>(rng() % 30), rng() % 3 ? "value" : ""});
        a.records.push_back(rec);
      }
      return a;
    });
    ASSERT_EQ(r.assess_rc, ECID_OK) << r.error;
    for (const char* ref : {"party[1] (plaintiff)", "party[2] (related)", "party[3] (plaintiff)"})
      EXPECT_FALSE(r.findings_for(ref).empty()) << ref;
    for (const auto& f : r.findings) EXPECT_LE(f.severity, static_cast<uint32_t>(ECID_SEVERITY_ERROR));
  }
}

TEST(CourtConcurrency, OneInstanceServesManyThreads) {
  CourtHarness h;
  const std::string doc = filing({an(), an(), an()});
  const auto reference = h.run(doc, [](const PlannedQuery& q) { return found(q); });
  std::vector<std::thread> threads;
  std::atomic<int> differences{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto r = h.run(doc, [](const PlannedQuery& q) { return found(q); });
        if (codes(r.findings) != codes(reference.findings)) ++differences;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(differences.load(), 0);
}

// ---------------------------------------------------------------------------------------------
// The filer of an online filing and the electronic identity assertion (Filer element)

namespace {

// A token-shaped string: the adapter never reads it, the host verifies it.
const std::string kToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

std::string filer_element(const std::string& party, const std::string& channel,
                          const std::optional<std::string>& assertion) {
  std::string x = "<Filer";
  if (!party.empty()) x += " party=\"" + party + "\"";
  if (!channel.empty()) x += " channel=\"" + channel + "\"";
  if (!assertion) return x + "/>";
  return x + "><Assertion>" + *assertion + "</Assertion></Filer>";
}

PartySpec ngoc() {
  PartySpec p;
  p.role = "defendant";
  p.name = "Tr\xE1\xBA\xA7n Th\xE1\xBB\x8B B\xC3\xAD" "ch Ng\xE1\xBB\x8D" "c";
  p.birth = "09/07/1990";
  p.sex = "F";
  p.id = "079 190 000 202";
  return p;
}

std::string online_filing(const std::string& party = "1", const std::optional<std::string>& token = kToken,
                          std::vector<PartySpec> parties = {an(), ngoc()}) {
  return filing(parties, std::string("64/2024/TLST-DS"), filer_element(party, "online", token));
}

const PlannedQuery* assertion_query(const std::vector<PlannedQuery>& qs) {
  for (const auto& q : qs)
    if (q.kind == ECID_Q_EID_ASSERTION) return &q;
  return nullptr;
}

// What the host answers for a verified token whose name and birth date the register confirms.
FakeAnswer verified_assertion(uint32_t name_outcome = ECID_CHECK_MATCH, uint32_t birth_outcome = ECID_CHECK_MATCH,
                              std::string level = "2") {
  FakeRecord r;
  if (!level.empty()) r.values.push_back({ECID_F_EID_LEVEL, level});
  r.checks.push_back({ECID_F_FULL_NAME, name_outcome, "host reason for the name"});
  r.checks.push_back({ECID_F_BIRTH_DATE, birth_outcome, "host reason for the birth date"});
  return FakeAnswer{0, ECID_ANSWER_FOUND, "verified at account level " + (level.empty() ? "2" : level), {std::move(r)}};
}

// Runs a document, answering person look-ups as found and the assertion with `assertion`.
Outcome run_filer(const CourtHarness& h, const std::string& doc, const FakeAnswer& assertion) {
  return h.run(doc, [&](const PlannedQuery& q) { return q.kind == ECID_Q_EID_ASSERTION ? assertion : found(q); });
}

}  // namespace

TEST(CourtFiler, OnlineFilerAssertionIsPlannedInRoundZero) {
  CourtHarness h;
  auto r = h.run(online_filing("1"));
  ASSERT_EQ(r.open_rc, ECID_OK) << r.open_error;
  ASSERT_EQ(r.plan_rc, ECID_OK) << r.error;
  ASSERT_EQ(r.queries.size(), 3u);  // two parties and the filer
  const PlannedQuery* q = assertion_query(r.queries);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->subject_ref, "filer (party[1])");
  EXPECT_EQ(q->key, kToken);
  EXPECT_EQ(q->purpose, "court.case_filing");
  ASSERT_EQ(q->claims.size(), 2u);
  EXPECT_EQ(*q->claim(ECID_F_PERSONAL_ID), "001085000101");
  EXPECT_EQ(*q->claim(ECID_F_EID_LEVEL), "2");
  EXPECT_EQ(q->fields, std::vector<uint32_t>{ECID_F_EID_LEVEL});
}

TEST(CourtFiler, AssertionIsBoundToTheFilingPartysCompactedId) {
  CourtHarness h;
  auto r = h.run(online_filing("2"));
  ASSERT_EQ(r.open_rc, ECID_OK) << r.open_error;
  const PlannedQuery* q = assertion_query(r.queries);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->subject_ref, "filer (party[2])");
  EXPECT_EQ(*q->claim(ECID_F_PERSONAL_ID), "079190000202");  // printed groups removed
}

TEST(CourtFiler, WrappedTokenIsJoinedAndCdataIsRead) {
  CourtHarness h;
  const std::string wrapped = "\n      " + kToken.substr(0, 20) + "\n      " + kToken.substr(20, 15) + "\t" +
                              kToken.substr(35) + "\n    ";
  const std::string cdata = "<![CDATA[" + kToken + "]]>";
  for (const std::string& text : {wrapped, cdata}) {
    auto r = h.run(online_filing("1", text));
    ASSERT_EQ(r.open_rc, ECID_OK) << r.open_error;
    const PlannedQuery* q = assertion_query(r.queries);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->key, kToken);
  }
}

TEST(CourtFiler, WithoutFilerOrAssertionNothingIsAsked) {
  CourtHarness h;
  // No Filer: a paper filing, checked as before, no finding about a filer.
  auto plain = h.run(filing({an(), ngoc()}), [](const PlannedQuery& q) { return found(q); });
  EXPECT_EQ(assertion_query(plain.queries), nullptr);
  for (const auto& f : plain.findings) EXPECT_EQ(f.subject_ref.rfind("filer", 0), std::string::npos);
  // At the counter or by post the clerk sees the card: no assertion needed, no finding.
  for (const char* channel : {"in_person", "post"}) {
    auto r = h.run(filing({an()}, std::string("64/2024/TLST-DS"), filer_element("1", channel, std::nullopt)),
                   [](const PlannedQuery& q) { return found(q); });
    ASSERT_EQ(r.open_rc, ECID_OK) << r.open_error;
    EXPECT_EQ(assertion_query(r.queries), nullptr) << channel;
    EXPECT_TRUE(r.findings_for("filer (party[1])").empty()) << channel;
    EXPECT_EQ(codes(r.findings_for("party[1] (plaintiff)")),
              (std::vector<uint32_t>{ECID_FINDING_VERIFIED, ECID_FINDING_ADDRESS_FOR_SERVICE}));
  }
  // An assertion offered at the counter is verified all the same.
  auto offered = h.run(filing({an()}, std::string("64/2024/TLST-DS"), filer_element("1", "in_person", kToken)));
  EXPECT_NE(assertion_query(offered.queries), nullptr);
}

TEST(CourtFiler, OnlineFilingWithoutAssertionIsRejected) {
  for (const std::optional<std::string>& token : {std::optional<std::string>(), std::optional<std::string>(""),
                                                  std::optional<std::string>(" \n\t ")}) {
    CourtHarness h;
    auto r = h.run(online_filing("1", token), [](const PlannedQuery& q) { return found(q); });
    ASSERT_EQ(r.open_rc, ECID_OK) << r.open_error;
    EXPECT_EQ(assertion_query(r.queries), nullptr);
    const auto fs = r.findings_for("filer (party[1])");
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_IDENTITY_REJECTED));
    EXPECT_EQ(fs[0].severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));
    EXPECT_EQ(fs[0].detail, "online filing requires a level-2 electronic identity assertion");
    // The parties are still checked.
    EXPECT_EQ(count_code(r.findings, ECID_FINDING_VERIFIED), 2u);
  }
}

TEST(CourtFiler, FilerWithoutUsablePersonalIdCannotBeBound) {
  PartySpec legacy_only = an();
  legacy_only.id.reset();
  legacy_only.legacy = "172345678";
  PartySpec no_id = an();
  no_id.id.reset();
  PartySpec bad_id = an();
  bad_id.id = "003085000111";  // unused province code
  for (const PartySpec& p : {legacy_only, no_id, bad_id}) {
    CourtHarness h;
    auto r = h.run(online_filing("1", kToken, {p}), [](const PlannedQuery& q) { return found(q); });
    ASSERT_EQ(r.open_rc, ECID_OK) << r.open_error;
    EXPECT_EQ(assertion_query(r.queries), nullptr);
    const auto fs = r.findings_for("filer (party[1])");
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_IDENTITY_REJECTED));
    EXPECT_NE(fs[0].detail.find("cannot be bound"), std::string::npos) << fs[0].detail;
  }
}

TEST(CourtFiler, VerifiedAssertionIsIdentityVerifiedAtLevelTwo) {
  CourtHarness h;
  auto r = run_filer(h, online_filing("1"), verified_assertion());
  ASSERT_EQ(r.assess_rc, ECID_OK) << r.error;
  const auto fs = r.findings_for("filer (party[1])");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_IDENTITY_VERIFIED));
  EXPECT_EQ(fs[0].severity, static_cast<uint32_t>(ECID_SEVERITY_OK));
  EXPECT_EQ(fs[0].field, static_cast<uint32_t>(ECID_F_EID_LEVEL));
  EXPECT_EQ(fs[0].value, "level 2");
  EXPECT_EQ(fs[0].detail, "verified at account level 2");
  // The parties' own findings are those of a filing without a filer.
  EXPECT_EQ(codes(r.findings_for("party[1] (plaintiff)")),
            (std::vector<uint32_t>{ECID_FINDING_VERIFIED, ECID_FINDING_ADDRESS_FOR_SERVICE}));
}

TEST(CourtFiler, LooseButAcceptableAgreementStillVerifies) {
  // A name without diacritics (the host says MATCH_PARTIAL), a year-only date, a register
  // without a value: none contradicts the token.
  for (const auto& [name, birth] : std::vector<std::pair<uint32_t, uint32_t>>{
           {ECID_CHECK_MATCH_PARTIAL, ECID_CHECK_MATCH},
           {ECID_CHECK_MATCH, ECID_CHECK_MATCH_PARTIAL},
           {ECID_CHECK_MATCH, ECID_CHECK_NO_VALUE}}) {
    CourtHarness h;
    auto r = run_filer(h, online_filing("1"), verified_assertion(name, birth));
    EXPECT_EQ(codes(r.findings_for("filer (party[1])")), std::vector<uint32_t>{ECID_FINDING_IDENTITY_VERIFIED})
        << name << "/" << birth;
  }
}

TEST(CourtFiler, RegisterDisagreeingWithTheTokenIsMismatchNotVerified) {
  struct Case {
    uint32_t name, birth;
    std::vector<std::pair<uint32_t, uint32_t>> expected;  // (code, field)
  };
  const std::vector<Case> cases = {
      {ECID_CHECK_MISMATCH, ECID_CHECK_MATCH, {{ECID_FINDING_MISMATCH, ECID_F_FULL_NAME}}},
      {ECID_CHECK_MATCH, ECID_CHECK_MISMATCH, {{ECID_FINDING_MISMATCH, ECID_F_BIRTH_DATE}}},
      {ECID_CHECK_MISMATCH, ECID_CHECK_MISMATCH,
       {{ECID_FINDING_MISMATCH, ECID_F_FULL_NAME}, {ECID_FINDING_MISMATCH, ECID_F_BIRTH_DATE}}},
      {ECID_CHECK_NEEDS_REVIEW, ECID_CHECK_MATCH, {{ECID_FINDING_NEEDS_REVIEW, ECID_F_FULL_NAME}}},
      {77, ECID_CHECK_MATCH, {{ECID_FINDING_NEEDS_REVIEW, ECID_F_FULL_NAME}}},
  };
  for (const Case& c : cases) {
    CourtHarness h;
    auto r = run_filer(h, online_filing("1"), verified_assertion(c.name, c.birth));
    ASSERT_EQ(r.assess_rc, ECID_OK) << r.error;
    const auto fs = r.findings_for("filer (party[1])");
    ASSERT_EQ(fs.size(), c.expected.size()) << c.name << "/" << c.birth;
    for (size_t i = 0; i < fs.size(); ++i) {
      EXPECT_EQ(fs[i].code, c.expected[i].first);
      EXPECT_EQ(fs[i].field, c.expected[i].second);
      EXPECT_EQ(fs[i].severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));
      EXPECT_TRUE(one_line(fs[i].detail));
    }
    if (c.name == ECID_CHECK_MISMATCH) {
      EXPECT_EQ(fs[0].detail, "the electronic identity's name disagrees with the register (host reason for the name)");
    }
    if (c.birth == ECID_CHECK_MISMATCH) {
      EXPECT_NE(fs.back().detail.find("the electronic identity's birth date disagrees with the register"),
                std::string::npos);
    }
  }
}

TEST(CourtFiler, TokenIdNotOnTheRegisterIsIdNotFound) {
  CourtHarness h;
  FakeAnswer a{0, ECID_ANSWER_FOUND, "verified at account level 2", {}};
  FakeRecord rec;
  rec.values.push_back({ECID_F_EID_LEVEL, "2"});
  rec.checks.push_back({ECID_F_PERSONAL_ID, ECID_CHECK_MISMATCH, "the token's personal ID is not on the register"});
  a.records.push_back(rec);
  auto r = run_filer(h, online_filing("1"), a);
  const auto fs = r.findings_for("filer (party[1])");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_ID_NOT_FOUND));
  EXPECT_EQ(fs[0].field, static_cast<uint32_t>(ECID_F_PERSONAL_ID));
  EXPECT_EQ(fs[0].detail, "the token's personal ID is not on the register");
}

TEST(CourtFiler, EveryRejectionIsIdentityRejectedWithItsReason) {
  const std::vector<std::string> verdicts = {
      "level_too_low", "expired", "not_yet_valid", "too_old", "wrong_issuer", "wrong_audience",
      "missing_azp", "wrong_azp", "bad_nonce", "signature_invalid", "algorithm_not_allowed",
      "unknown_key", "malformed", "oversized", "different_person"};
  for (const std::string& code : verdicts) {
    CourtHarness h;
    const std::string detail = code + ": the one reason the verifier gave";
    auto r = run_filer(h, online_filing("1"), FakeAnswer{0, ECID_ANSWER_REJECTED, detail, {}});
    ASSERT_EQ(r.assess_rc, ECID_OK) << r.error;
    const auto fs = r.findings_for("filer (party[1])");
    ASSERT_EQ(fs.size(), 1u) << code;
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_IDENTITY_REJECTED)) << code;
    EXPECT_EQ(fs[0].severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION)) << code;
    EXPECT_EQ(fs[0].value, code);
    EXPECT_EQ(fs[0].detail, detail);
    // A rejected filer does not change what is found about the parties.
    EXPECT_EQ(count_code(r.findings, ECID_FINDING_VERIFIED), 2u) << code;
  }
  // A detail without a code, or none at all, still gives a rejection with something to read.
  for (const std::string& detail : {std::string("Something: odd"), std::string(), std::string("no colon")}) {
    CourtHarness h;
    auto r = run_filer(h, online_filing("1"), FakeAnswer{0, ECID_ANSWER_REJECTED, detail, {}});
    const auto fs = r.findings_for("filer (party[1])");
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_IDENTITY_REJECTED));
    EXPECT_EQ(fs[0].value, "rejected");
    EXPECT_FALSE(fs[0].detail.empty());
  }
}

TEST(CourtFiler, OtherStatusesMapToErrorsOrRejections) {
  const std::vector<StatusCase> cases = {
      {ECID_ANSWER_UNAVAILABLE, ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR,
       "keys_unavailable: JWKS could not be read"},
      {ECID_ANSWER_UNAVAILABLE, ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR,
       "no electronic-identity issuer is configured (eid: in the configuration)"},
      {ECID_ANSWER_BAD_ANSWER, ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, "garbled"},
      {ECID_ANSWER_REFUSED, ECID_FINDING_REFUSED_BY_POLICY, ECID_SEVERITY_ERROR,
       "refused by policy: field 'eid_level' is not permitted"},
      {ECID_ANSWER_INVALID_KEY, ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, "malformed: not a token"},
      {ECID_ANSWER_NOT_FOUND, ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, ""},
      {0, ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, ""},
      {99, ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, ""},
  };
  for (const auto& c : cases) {
    CourtHarness h;
    auto r = run_filer(h, online_filing("1"), FakeAnswer{0, c.status, c.detail, {}});
    ASSERT_EQ(r.assess_rc, ECID_OK) << r.error;
    const auto fs = r.findings_for("filer (party[1])");
    ASSERT_EQ(fs.size(), 1u) << c.status;
    EXPECT_EQ(fs[0].code, c.code) << c.status;
    EXPECT_EQ(fs[0].severity, c.severity) << c.status;
    if (!c.detail.empty()) EXPECT_EQ(fs[0].detail, c.detail);
    else EXPECT_NE(fs[0].detail.find(std::to_string(c.status)), std::string::npos) << fs[0].detail;
  }
}

TEST(CourtFiler, MalformedFoundAnswersAreNeverVerified) {
  FakeAnswer no_record{0, ECID_ANSWER_FOUND, "verified at account level 2", {}};
  FakeAnswer two_records = verified_assertion();
  two_records.records.push_back(two_records.records[0]);
  for (const FakeAnswer& a : {no_record, two_records}) {
    CourtHarness h;
    auto r = run_filer(h, online_filing("1"), a);
    EXPECT_EQ(codes(r.findings_for("filer (party[1])")), std::vector<uint32_t>{ECID_FINDING_REGISTER_UNAVAILABLE});
  }
  {
    // A host that verified below the level asked for: still not enough for an online filing.
    CourtHarness h;
    auto r = run_filer(h, online_filing("1"), verified_assertion(ECID_CHECK_MATCH, ECID_CHECK_MATCH, "1"));
    const auto fs = r.findings_for("filer (party[1])");
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_IDENTITY_REJECTED));
    EXPECT_EQ(fs[0].value, "level_too_low");
  }
  {
    // A policy that did not disclose the level: the query required 2, so level 2 it is.
    CourtHarness h;
    auto r = run_filer(h, online_filing("1"), verified_assertion(ECID_CHECK_MATCH, ECID_CHECK_MATCH, ""));
    const auto fs = r.findings_for("filer (party[1])");
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_IDENTITY_VERIFIED));
    EXPECT_EQ(fs[0].value, "level 2");
  }
}

TEST(CourtFiler, UnansweredAssertionIsAnError) {
  CourtHarness h;
  const auto findings = assess_out_of_protocol(h, online_filing("1"), [](const Outcome& planned, RawAnswers& raw) {
    for (const auto& q : planned.queries)
      if (q.kind != ECID_Q_EID_ASSERTION) raw.found(q);
  });
  std::vector<uint32_t> filer_codes;
  for (const auto& [code, subject] : findings)
    if (subject == "filer (party[1])") filer_codes.push_back(code);
  EXPECT_EQ(filer_codes, std::vector<uint32_t>{ECID_FINDING_REGISTER_UNAVAILABLE});
}

TEST(CourtFiler, MalformedFilerElementsRefuseTheDocument) {
  const std::vector<PartySpec> two = {an(), ngoc()};
  auto doc = [&](const std::string& filer) { return filing(two, std::string("64/2024/TLST-DS"), filer); };
  const std::string long_token(16 * 1024 + 1, 'A');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {doc(filer_element("1", "online", kToken) + filer_element("2", "online", kToken)), "more than one Filer"},
      {doc(filer_element("", "online", kToken)), "party attribute is missing"},
      {doc(filer_element("0", "online", kToken)), "party must be the number of a Party (1 to 2)"},
      {doc(filer_element("3", "online", kToken)), "party must be the number of a Party (1 to 2)"},
      {doc(filer_element("-1", "online", kToken)), "party must be the number of a Party"},
      {doc(filer_element("1.5", "online", kToken)), "party must be the number of a Party"},
      {doc(filer_element("99999999999999999999", "online", kToken)), "party must be the number of a Party"},
      {doc(filer_element("plaintiff", "online", kToken)), "party must be the number of a Party"},
      {doc(filer_element("1", "", kToken)), "channel must be online, in_person or post"},
      {doc(filer_element("1", "email", kToken)), "channel must be online, in_person or post"},
      {doc("<Filer party=\"1\" channel=\"online\"><Assertion>a</Assertion><Assertion>b</Assertion></Filer>"),
       "2 Assertion elements"},
      {doc("<Filer party=\"1\" channel=\"online\"><Assertion><b>" + kToken + "</b></Assertion></Filer>"),
       "must hold text, not elements"},
      {doc(filer_element("1", "online", long_token)), "longer than 16 KiB"},
  };
  for (const auto& [document, needle] : cases) {
    CourtHarness h;
    const auto [rc, message] = h.open_only(document);
    EXPECT_EQ(rc, ECID_E_INVALID_DOCUMENT) << needle;
    EXPECT_TRUE(one_line(message)) << message;
    EXPECT_NE(message.find(needle), std::string::npos) << message;
    EXPECT_EQ(message.find(kToken), std::string::npos) << "the token is never quoted: " << message;
  }
}

TEST(CourtFiler, AssertionsUpTo16KiBAreAccepted) {
  // Real tokens exceed the 1 KiB bound of every other field; the verifier's bound applies.
  for (size_t size : {size_t{1025}, size_t{4096}, size_t{16 * 1024}}) {
    CourtHarness h;
    const std::string token(size, 'A');
    auto r = h.run(online_filing("1", token));
    ASSERT_EQ(r.open_rc, ECID_OK) << size << ": " << r.open_error;
    const PlannedQuery* q = assertion_query(r.queries);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->key.size(), size);
  }
  // The 1 KiB bound still holds for an attribute of the Filer.
  CourtHarness h;
  const auto [rc, message] = h.open_only(filing({an()}, std::string("64/2024/TLST-DS"),
                                                filer_element("1", std::string(1025, 'o'), kToken)));
  EXPECT_EQ(rc, ECID_E_INVALID_DOCUMENT);
  EXPECT_NE(message.find("longer than 1 KiB"), std::string::npos) << message;
}

TEST(CourtFiler, PrefixedFilerIsRead) {
  CourtHarness h;
  const std::string doc =
      "<cf:CaseFiling xmlns:cf=\"urn:ecid:court:filing:1\"><cf:CaseNumber>64/2024/TLST-DS</cf:CaseNumber>"
      "<cf:Filer party=\"1\" channel=\"online\"><cf:Assertion>" + kToken + "</cf:Assertion></cf:Filer>"
      "<cf:Parties><cf:Party role=\"plaintiff\"><cf:PersonalId>001085000101</cf:PersonalId></cf:Party></cf:Parties>"
      "</cf:CaseFiling>";
  auto r = h.run(doc);
  ASSERT_EQ(r.open_rc, ECID_OK) << r.open_error;
  const PlannedQuery* q = assertion_query(r.queries);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->key, kToken);
}

TEST(CourtFiler, FuzzedAssertionAnswersGiveTheFilerOneVerdict) {
  std::mt19937 rng(11);
  const uint32_t fields[] = {ECID_F_FULL_NAME, ECID_F_BIRTH_DATE, ECID_F_PERSONAL_ID, ECID_F_EID_LEVEL, 0, 999};
  for (int i = 0; i < 400; ++i) {
    CourtHarness h;
    FakeAnswer a{0, rng() % 3 ? static_cast<uint32_t>(ECID_ANSWER_FOUND) : static_cast<uint32_t>(rng() % 10),
                 rng() % 2 ? "x: y" : "", {}};
    const size_t records = rng() % 4 ? 1 : rng() % 3;
    for (size_t k = 0; k < records; ++k) {
      FakeRecord rec;
      for (int c = 0; c < static_cast<int>(rng() % 5); ++c)
        rec.checks.push_back({fields[rng() % 6], static_cast<uint32_t>(rng() % 7), rng() % 2 ? "" : "r"});
      for (int v = 0; v < static_cast<int>(rng() % 3); ++v)
        rec.values.push_back({ECID_F_EID_LEVEL, std::vector<std::string>{"", "1", "2", "22", "x"}[rng() % 5]});
      a.records.push_back(rec);
    }
    auto r = run_filer(h, online_filing("1"), a);
    ASSERT_EQ(r.assess_rc, ECID_OK) << r.error;
    const auto fs = r.findings_for("filer (party[1])");
    ASSERT_FALSE(fs.empty());
    const size_t verified = count_code(fs, ECID_FINDING_IDENTITY_VERIFIED);
    // Verified only alone, only on a FOUND answer with one record.
    if (verified) {
      EXPECT_EQ(fs.size(), 1u);
      EXPECT_EQ(a.status, static_cast<uint32_t>(ECID_ANSWER_FOUND));
      EXPECT_EQ(a.records.size(), 1u);
    }
    for (const auto& f : fs) {
      EXPECT_TRUE(ecid::text::is_valid_utf8(f.detail));
      EXPECT_FALSE(f.detail.empty());
    }
  }
}
