// Adapter-level tests: the real libecid_seals.so on the SDK's test harness (the host's own
// driver), with constructed answers. The 63 → 34 table the adapter compiles in is checked
// against the host's own (ecid::provinces()), province by province.
#include "../support/temp_dir.hpp"

#include <ecid/testing/adapter_harness.hpp>
#include <ecid/personal_id.hpp>

#include <gtest/gtest.h>

#include <random>
#include <set>

using namespace ecid::testing;

namespace {

const std::string kLibrary = std::string(ECID_ADAPTER_DIR) + "/libecid_seals.so";
// 2025-06-15T00:00:00Z: the day these tests' dates are written against.
constexpr FakeClock kClock{1749945600, 2025};

struct PersonSpec {
  std::string name = "Nguyễn Văn An", birth = "15/02/1985", sex = "Nam", id = "001085000101";
  std::string letter = "15/GGT", assertion;
};

std::string person(const char* tag, const PersonSpec& p) {
  std::string x = std::string("<") + tag + ">";
  if (!p.name.empty()) x += "<FullName>" + p.name + "</FullName>";
  if (!p.birth.empty()) x += "<BirthDate>" + p.birth + "</BirthDate>";
  if (!p.sex.empty()) x += "<Sex>" + p.sex + "</Sex>";
  if (!p.id.empty()) x += "<PersonalId>" + p.id + "</PersonalId>";
  if (!p.letter.empty() && std::string(tag) == "Filer") x += "<IntroductionLetter>" + p.letter + "</IntroductionLetter>";
  if (!p.assertion.empty()) x += "<Assertion>" + p.assertion + "</Assertion>";
  return x + "</" + tag + ">";
}

struct AppSpec {
  std::string code = "0100000101";
  std::string name = "Hội Luật gia phường Ngọc Hà";
  std::string province;  // the whole <Province …>…</Province> element, or empty
  std::string seal = "symbol";
  bool decision = true;
  PersonSpec representative;
  PersonSpec filer{"Hoàng Thị Thủy Dung", "01/09/1998", "Nữ", "001198000505", "15/GGT", ""};
};

std::string application_body(const AppSpec& a) {
  std::string x = "<ApplicationId>APP</ApplicationId><Organisation code=\"" + a.code + "\"><Name>" + a.name + "</Name>" +
                  a.province;
  if (a.decision) x += "<EstablishmentDecision date=\"2024-11-05\">1234/QĐ-UBND</EstablishmentDecision>";
  x += "</Organisation><SealType>" + a.seal + "</SealType>";
  return x + person("LegalRepresentative", a.representative) + person("Filer", a.filer);
}

std::string single(const AppSpec& a) {
  return "<SealRegistration xmlns=\"urn:ecid:seals:registration:1\">" + application_body(a) + "</SealRegistration>";
}

std::string batch(const std::vector<AppSpec>& apps) {
  std::string x = "<SealReRegistrationBatch xmlns=\"urn:ecid:seals:reregistration:1\"><BatchId>B-1</BatchId>";
  for (const AppSpec& a : apps) x += "<Application>" + application_body(a) + "</Application>";
  return x + "</SealReRegistrationBatch>";
}

std::string province(int code, const std::string& text = "", const std::string& scheme = "") {
  return "<Province code=\"" + std::to_string(code) + "\"" + (scheme.empty() ? "" : " scheme=\"" + scheme + "\"") + ">" +
         text + "</Province>";
}

// Every claim matches; the organisation is active with this head office.
AnswerFor healthy(const std::string& head_office = "Số 18 phố Liễu Giai, phường Ngọc Hà, thành phố Hà Nội",
                  const std::string& status = "active") {
  return [=](const PlannedQuery& q) {
    if (q.kind == ECID_Q_ORGANISATION_BY_CODE)
      return found(q, {{ECID_F_ORG_STATUS, status}, {ECID_F_ORG_HEAD_OFFICE, head_office}});
    if (q.kind == ECID_Q_EID_ASSERTION) {
      FakeAnswer a = status_only(ECID_ANSWER_FOUND, "verified at account level 2");
      a.records.push_back(FakeRecord{{{ECID_F_EID_LEVEL, "2"}}, {}});
      return a;
    }
    return found(q, {{ECID_F_DEATH_DATE, ""}});
  };
}

std::vector<uint32_t> codes_of(const Outcome& r, const std::string& subject) {
  std::vector<uint32_t> out;
  for (const auto& f : r.findings_for(subject)) out.push_back(f.code);
  return out;
}

// "thành phố Hà Nội", "Thành phố Hồ Chí Minh", "tỉnh Ninh Bình": the line an address ends with.
std::string province_line(std::string_view merged_name, int merged_code) {
  if (merged_code == 79) return "Thành phố Hồ Chí Minh";
  if (merged_code == 1 || merged_code == 31 || merged_code == 46 || merged_code == 48 || merged_code == 92)
    return "thành phố " + std::string(merged_name);
  return "tỉnh " + std::string(merged_name);
}

}  // namespace

TEST(SealsContract, DescriptorAgreesWithManifest) {
  const ecid_adapter_v1* d = entry_of(kLibrary)(1, 0);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(entry_of(kLibrary)(2, 0), nullptr);
  EXPECT_STREQ(d->name, "seals");
  ASSERT_EQ(d->document_type_count, 2u);
  EXPECT_STREQ(d->document_types[0].root, "SealRegistration");
  EXPECT_STREQ(d->document_types[1].root, "SealReRegistrationBatch");
  const std::string manifest = read_file(std::string(ECID_ADAPTER_DIR) + "/seals.manifest.yaml");
  EXPECT_NE(manifest.find("name: seals\n"), std::string::npos);
  EXPECT_NE(manifest.find(std::string("version: ") + d->version + "\n"), std::string::npos);
}

TEST(SealsPlan, OneRoundAsksTheOrganisationAndBothPeople) {
  Harness h(kLibrary, kClock);
  AppSpec a;
  a.filer.assertion = "aaa.bbb.ccc";
  const Outcome r = h.run(single(a), healthy());
  ASSERT_EQ(r.open_rc, ECID_OK) << r.open_error;
  EXPECT_EQ(r.rounds, 1u);
  ASSERT_EQ(r.queries.size(), 4u);
  const PlannedQuery& org = r.queries[0];
  EXPECT_EQ(org.kind, static_cast<uint32_t>(ECID_Q_ORGANISATION_BY_CODE));
  EXPECT_EQ(org.key, "0100000101");
  EXPECT_EQ(org.purpose, "seals.registration");
  EXPECT_EQ(*org.claim(ECID_F_ORG_NAME), a.name);
  EXPECT_EQ(*org.claim(ECID_F_ORG_REPRESENTATIVE_ID), "001085000101");
  EXPECT_EQ(*org.claim(ECID_F_ORG_REPRESENTATIVE_NAME), "Nguyễn Văn An");
  EXPECT_EQ(org.fields, (std::vector<uint32_t>{ECID_F_ORG_STATUS, ECID_F_ORG_HEAD_OFFICE}));
  EXPECT_EQ(r.queries[1].kind, static_cast<uint32_t>(ECID_Q_PERSON_BY_ID));
  EXPECT_EQ(r.queries[1].subject_ref, "representative");
  EXPECT_EQ(r.queries[2].subject_ref, "filer");
  EXPECT_EQ(r.queries[2].key, "001198000505");
  EXPECT_EQ(r.queries[3].kind, static_cast<uint32_t>(ECID_Q_EID_ASSERTION));
  EXPECT_EQ(*r.queries[3].claim(ECID_F_PERSONAL_ID), "001198000505");
  EXPECT_EQ(*r.queries[3].claim(ECID_F_EID_LEVEL), "2");
  EXPECT_EQ(codes_of(r, "organisation"), std::vector<uint32_t>{ECID_FINDING_VERIFIED});
  EXPECT_EQ(codes_of(r, "representative"), std::vector<uint32_t>{ECID_FINDING_VERIFIED});
  EXPECT_EQ(codes_of(r, "filer"), (std::vector<uint32_t>{ECID_FINDING_VERIFIED, ECID_FINDING_IDENTITY_VERIFIED}));
}

TEST(SealsOrganisation, RegisterAnswersBecomeFindings) {
  Harness h(kLibrary, kClock);
  auto org_answer = [](std::function<FakeAnswer(const PlannedQuery&)> org) {
    return [org](const PlannedQuery& q) {
      if (q.kind == ECID_Q_ORGANISATION_BY_CODE) return org(q);
      return found(q, {{ECID_F_DEATH_DATE, ""}});
    };
  };
  Outcome r = h.run(single(AppSpec{}), org_answer([](const PlannedQuery&) { return status_only(ECID_ANSWER_NOT_FOUND); }));
  EXPECT_EQ(codes_of(r, "organisation"), std::vector<uint32_t>{ECID_FINDING_ORGANISATION_NOT_FOUND});
  r = h.run(single(AppSpec{}), org_answer([](const PlannedQuery&) { return status_only(ECID_ANSWER_INVALID_KEY, "10 digits"); }));
  EXPECT_EQ(codes_of(r, "organisation"), std::vector<uint32_t>{ECID_FINDING_INVALID_INPUT});
  r = h.run(single(AppSpec{}), org_answer([](const PlannedQuery&) { return status_only(ECID_ANSWER_UNAVAILABLE, "down"); }));
  EXPECT_EQ(codes_of(r, "organisation"), std::vector<uint32_t>{ECID_FINDING_REGISTER_UNAVAILABLE});
  for (const std::string status : {"dissolved", "suspended"}) {
    r = h.run(single(AppSpec{}), healthy("Số 1, phường Ngọc Hà, thành phố Hà Nội", status));
    EXPECT_EQ(codes_of(r, "organisation"), std::vector<uint32_t>{ECID_FINDING_ORGANISATION_NOT_ACTIVE});
    EXPECT_EQ(r.findings_for("organisation")[0].value, status);
  }
  // Representative: another ID, or the same ID under another name.
  for (uint32_t field : {ECID_F_ORG_REPRESENTATIVE_ID, ECID_F_ORG_REPRESENTATIVE_NAME}) {
    r = h.run(single(AppSpec{}), org_answer([field](const PlannedQuery& q) {
                FakeAnswer a = found(q, {{ECID_F_ORG_STATUS, "active"}});
                for (auto& c : a.records[0].checks)
                  if (c.field == field) c.outcome = ECID_CHECK_MISMATCH;
                return a;
              }));
    ASSERT_NE(r.find(ECID_FINDING_REPRESENTATIVE_MISMATCH, "representative"), nullptr) << field;
    EXPECT_EQ(r.find(ECID_FINDING_REPRESENTATIVE_MISMATCH)->field, field);
    EXPECT_EQ(r.count(ECID_FINDING_REPRESENTATIVE_MISMATCH), 1u);
    EXPECT_EQ(codes_of(r, "organisation"), std::vector<uint32_t>{ECID_FINDING_VERIFIED});
  }
  // The organisation's name differs.
  r = h.run(single(AppSpec{}), org_answer([](const PlannedQuery& q) {
              FakeAnswer a = found(q, {{ECID_F_ORG_STATUS, "active"}});
              a.records[0].checks[0].outcome = ECID_CHECK_MISMATCH;  // the first claim is the name
              return a;
            }));
  EXPECT_EQ(codes_of(r, "organisation"), std::vector<uint32_t>{ECID_FINDING_MISMATCH});
}

TEST(SealsPeople, IdentityFindings) {
  Harness h(kLibrary, kClock);
  AppSpec a;
  Outcome r = h.run(single(a), [](const PlannedQuery& q) {
    if (q.kind == ECID_Q_ORGANISATION_BY_CODE) return found(q, {{ECID_F_ORG_STATUS, "active"}});
    if (q.subject_ref == "representative") return found(q, {{ECID_F_DEATH_DATE, "2024-05-10"}});
    return status_only(ECID_ANSWER_NOT_FOUND);
  });
  EXPECT_EQ(codes_of(r, "representative"), (std::vector<uint32_t>{ECID_FINDING_DECEASED, ECID_FINDING_VERIFIED}));
  EXPECT_EQ(codes_of(r, "filer"), std::vector<uint32_t>{ECID_FINDING_ID_NOT_FOUND});
  // No introduction letter; an unusable ID; no ID at all.
  a.filer.letter = "";
  a.representative.id = "003085000101";
  a.filer.id = "";
  r = h.run(single(a), healthy());
  EXPECT_EQ(codes_of(r, "filer"), (std::vector<uint32_t>{ECID_FINDING_INVALID_INPUT, ECID_FINDING_NO_ID_GIVEN}));
  EXPECT_EQ(codes_of(r, "representative"), std::vector<uint32_t>{ECID_FINDING_INVALID_INPUT});
  EXPECT_EQ(r.queries.size(), 1u) << "only the organisation is looked up";
}

TEST(SealsPeople, AssertionAnswers) {
  Harness h(kLibrary, kClock);
  AppSpec a;
  a.filer.assertion = "x.y.z";
  for (const auto& [status, code] : std::vector<std::pair<uint32_t, uint32_t>>{
           {ECID_ANSWER_REJECTED, ECID_FINDING_IDENTITY_REJECTED},
           {ECID_ANSWER_UNAVAILABLE, ECID_FINDING_REGISTER_UNAVAILABLE},
           {ECID_ANSWER_REFUSED, ECID_FINDING_REFUSED_BY_POLICY}}) {
    const Outcome r = h.run(single(a), [&, status = status](const PlannedQuery& q) {
      if (q.kind == ECID_Q_EID_ASSERTION) return status_only(status, "expired: too late");
      return healthy()(q);
    });
    EXPECT_EQ(codes_of(r, "filer"), (std::vector<uint32_t>{ECID_FINDING_VERIFIED, code})) << status;
  }
}

// Every pre-2025 province code, named in a re-registration batch, is read as the province it
// became; the expectations come from the host's table, the adapter's from the CSV at build time.
TEST(SealsMerger, EveryPreMergerProvinceMapsToTheProvinceItBecame) {
  Harness h(kLibrary, kClock);
  std::vector<AppSpec> apps;
  for (const ecid::Province& p : ecid::provinces()) {
    AppSpec a;
    a.province = province(p.id_code, "tỉnh " + std::string(p.name));
    apps.push_back(a);
  }
  size_t index = 0;
  std::map<std::string, std::string> head_office;  // subject → the address the fake register holds
  const Outcome r = h.run(batch(apps), [&](const PlannedQuery& q) {
    if (q.kind == ECID_Q_ORGANISATION_BY_CODE) {
      const ecid::Province& p = ecid::provinces()[index++];
      return found(q, {{ECID_F_ORG_STATUS, "active"},
                       {ECID_F_ORG_HEAD_OFFICE, "Số 1, phường X, " + province_line(p.merged_name, p.merged_code)}});
    }
    return found(q, {{ECID_F_DEATH_DATE, ""}});
  });
  ASSERT_EQ(r.open_rc, ECID_OK) << r.open_error;
  for (size_t i = 0; i < ecid::provinces().size(); ++i) {
    const ecid::Province& p = ecid::provinces()[i];
    const std::string subject = "application[" + std::to_string(i + 1) + "] organisation";
    const auto fs = r.findings_for(subject);
    ASSERT_EQ(fs.size(), 1u) << p.name;
    EXPECT_EQ(fs[0].code, static_cast<uint32_t>(ECID_FINDING_VERIFIED)) << p.name << ": " << fs[0].detail;
    EXPECT_NE(fs[0].detail.find(std::string(p.merged_name).substr(p.merged_name.rfind(' ') + 1)), std::string::npos)
        << fs[0].detail;
    EXPECT_EQ(fs[0].detail.find("became part of") != std::string::npos, p.name != p.merged_name) << p.name;
  }
  // And one province off: each application's head office moved to the next merged province.
  index = 0;
  const Outcome off = h.run(batch(apps), [&](const PlannedQuery& q) {
    if (q.kind == ECID_Q_ORGANISATION_BY_CODE) {
      const ecid::Province& p = ecid::provinces()[index++];
      const ecid::Province* other = nullptr;
      for (const ecid::Province& o : ecid::provinces())
        if (o.merged_code != p.merged_code) other = &o;
      return found(q, {{ECID_F_ORG_STATUS, "active"},
                       {ECID_F_ORG_HEAD_OFFICE, "Số 1, phường X, " + province_line(other->merged_name, other->merged_code)}});
    }
    return found(q, {{ECID_F_DEATH_DATE, ""}});
  });
  EXPECT_EQ(off.count(ECID_FINDING_MISMATCH), ecid::provinces().size());
  EXPECT_EQ(off.count(ECID_FINDING_VERIFIED), 2 * ecid::provinces().size()) << "the people still verify";
}

TEST(SealsMerger, CodesAreReadInTheirScheme) {
  Harness h(kLibrary, kClock);
  std::set<int> merged_codes;
  for (const ecid::Province& p : ecid::provinces()) merged_codes.insert(p.merged_code);
  ASSERT_EQ(merged_codes.size(), 34u);
  auto verdict = [&](const std::string& doc) {
    const Outcome r = h.run(doc, healthy("Số 6 đường Thanh Niên, phường Thành Đông, thành phố Hải Phòng"));
    EXPECT_EQ(r.open_rc, ECID_OK) << r.open_error;
    std::vector<uint32_t> c;
    for (const auto& f : r.findings)
      if (f.subject_ref.find("organisation") != std::string::npos) c.push_back(f.code);
    return c;
  };
  AppSpec a;
  // A single application reads 2025 codes: 31 is Hải Phòng; 30 (old Hải Dương) is no 2025 code.
  a.province = province(31, "thành phố Hải Phòng");
  EXPECT_EQ(verdict(single(a)), std::vector<uint32_t>{ECID_FINDING_VERIFIED});
  a.province = province(30, "tỉnh Hải Dương");
  EXPECT_EQ(verdict(single(a)), std::vector<uint32_t>{ECID_FINDING_INVALID_INPUT});
  a.province = province(30, "tỉnh Hải Dương", "pre-2025");
  EXPECT_EQ(verdict(single(a)), std::vector<uint32_t>{ECID_FINDING_VERIFIED});
  // A batch reads pre-2025 codes unless told otherwise.
  a.province = province(30, "tỉnh Hải Dương");
  EXPECT_EQ(verdict(batch({a})), std::vector<uint32_t>{ECID_FINDING_VERIFIED});
  a.province = province(31, "Hải Phòng", "2025");
  EXPECT_EQ(verdict(batch({a})), std::vector<uint32_t>{ECID_FINDING_VERIFIED});
  // The text beside the code must name that province; the scheme must be one we know.
  a.province = province(30, "tỉnh Nam Định");
  EXPECT_EQ(verdict(batch({a})), std::vector<uint32_t>{ECID_FINDING_INVALID_INPUT});
  a.province = province(30, "", "1991");
  EXPECT_EQ(verdict(batch({a})), std::vector<uint32_t>{ECID_FINDING_INVALID_INPUT});
  for (int code : {0, 3, 97, 100}) {
    a.province = province(code);
    EXPECT_EQ(verdict(batch({a})), std::vector<uint32_t>{ECID_FINDING_INVALID_INPUT}) << code;
  }
  for (int code = 0; code < 100; ++code) {
    a.province = province(code, "", "2025");
    const auto got = verdict(single(a));
    ASSERT_EQ(got.size(), 1u);
    if (!merged_codes.count(code)) {
      EXPECT_EQ(got[0], static_cast<uint32_t>(ECID_FINDING_INVALID_INPUT)) << code;
    } else {
      EXPECT_EQ(got[0], static_cast<uint32_t>(code == 31 ? ECID_FINDING_VERIFIED : ECID_FINDING_MISMATCH)) << code;
    }
  }
}

TEST(SealsDocuments, HostileDocumentsAreRefusedInOneLine) {
  Harness h(kLibrary, kClock);
  AppSpec no_rep;
  std::string without_rep = single(no_rep);
  without_rep.erase(without_rep.find("<LegalRepresentative>"),
                    without_rep.find("</LegalRepresentative>") + 22 - without_rep.find("<LegalRepresentative>"));
  const std::vector<std::string> bad = {
      "",
      "<SealRegistration xmlns=\"urn:ecid:seals:registration:1\">",
      "<SealRegistration xmlns=\"urn:ecid:seals:reregistration:1\"/>",
      "<SealReRegistrationBatch xmlns=\"urn:ecid:seals:reregistration:1\"><BatchId>B</BatchId></SealReRegistrationBatch>",
      "<SealRegistration xmlns=\"urn:ecid:seals:registration:1\"><SealType>symbol</SealType></SealRegistration>",
      without_rep,
      single(AppSpec{}).replace(single(AppSpec{}).find("APP"), 3, std::string(1500, 'A')),
      single(AppSpec{}).replace(single(AppSpec{}).find("APP"), 3, "\xFF\xFE"),
  };
  for (const std::string& doc : bad) {
    const Outcome r = h.run(doc, healthy());
    EXPECT_EQ(r.open_rc, ECID_E_INVALID_DOCUMENT) << doc.substr(0, 100);
    EXPECT_TRUE(!r.open_error.empty() && r.open_error.find('\n') == std::string::npos) << r.open_error;
  }
  std::vector<AppSpec> many(2001);
  EXPECT_EQ(h.run(batch(many), healthy()).open_rc, ECID_E_INVALID_DOCUMENT);
  // A bad seal type or a missing establishment decision is a finding, not a refusal.
  AppSpec odd;
  odd.seal = "rubber";
  odd.decision = false;
  const Outcome r = h.run(single(odd), healthy());
  EXPECT_EQ(codes_of(r, "organisation"), (std::vector<uint32_t>{ECID_FINDING_INVALID_INPUT, ECID_FINDING_INVALID_INPUT}));
}

TEST(SealsDocuments, RandomMutationsNeverCrash) {
  Harness h(kLibrary, kClock);
  AppSpec a;
  a.province = province(30, "tỉnh Hải Dương");
  const std::string base = batch({a, a});
  std::mt19937 rng(99);
  int opened = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string doc = base;
    for (int e = 0; e < 1 + static_cast<int>(rng() % 4); ++e) {
      const size_t at = rng() % doc.size();
      switch (rng() % 3) {
        case 0: doc[at] = static_cast<char>(rng()); break;
        case 1: doc.erase(at, 1 + rng() % 8); break;
        default: doc.insert(at, 1, static_cast<char>(rng())); break;
      }
      if (doc.empty()) doc = "x";
    }
    const Outcome r = h.run(doc, healthy());
    if (r.open_rc == ECID_OK) {
      ++opened;
      EXPECT_EQ(r.assess_rc, ECID_OK) << r.error;
    } else {
      EXPECT_EQ(r.open_rc, ECID_E_INVALID_DOCUMENT);
    }
  }
  EXPECT_GT(opened, 50) << "mutations should also reach plan and assess";
}
