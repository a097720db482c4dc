// The SDK helpers every adapter uses (contracts/include/ecid/sdk_*.hpp), on real XML and on
// documents broken on purpose. Header-only code, tested without any adapter or host.
#include <ecid/sdk_answers.hpp>
#include <ecid/sdk_document.hpp>
#include <ecid/sdk_person.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using ecid::sdk::Answer;
using ecid::sdk::Finding;
using ecid::sdk::XmlDocument;
using ecid::sdk::XmlLimits;
using ecid::sdk::XmlRoot;

constexpr XmlRoot kPermit{"PermitApplication", "urn:ecid:template:permit:1"};
constexpr XmlRoot kBatch{"PermitBatch", "urn:ecid:template:batch:1"};
constexpr XmlLimits kLimits{.max_document_bytes = 1u << 20, .max_field_bytes = 256, .long_field = "Assertion"};

const std::string kPlain =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<PermitApplication xmlns=\"urn:ecid:template:permit:1\">\n"
    "  <Reference>GP-2026-0001</Reference>\n"
    "  <Applicant><PersonalId>001198000505</PersonalId><FullName>Nguy\xE1\xBB\x85n V\xC4\x83n An</FullName></Applicant>\n"
    "</PermitApplication>\n";

// The message an InvalidDocument carries, or "" when the document was taken.
std::string refusal(const std::string& doc, const XmlLimits& limits = kLimits) {
  try {
    const XmlDocument xml(doc, limits, {kPermit, kBatch});
    return "";
  } catch (const ecid::sdk::InvalidDocument& e) {
    return e.what();
  }
}

// kPlain with `element` added as the last child of the applicant.
std::string with_applicant_child(const std::string& element) {
  std::string doc = kPlain;
  doc.insert(doc.find("</Applicant>"), element);
  return doc;
}

TEST(SdkDocument, ReadsAPlainDocument) {
  const XmlDocument xml(kPlain, kLimits, {kPermit, kBatch});
  EXPECT_EQ(xml.type().name, "PermitApplication");
  const ecid::sdk::XmlReader r = xml.reader();
  EXPECT_EQ(r.text(xml.root(), "Reference").value_or(""), "GP-2026-0001");
  const auto applicant = r.child(xml.root(), "Applicant");
  ASSERT_TRUE(applicant);
  EXPECT_EQ(r.text(*applicant, "PersonalId").value_or(""), "001198000505");
}

TEST(SdkDocument, AcceptsAnyPrefixForTheNamespace) {
  const std::string doc =
      "<p:PermitApplication xmlns:p=\"urn:ecid:template:permit:1\"><p:Reference>R-7</p:Reference>"
      "<p:Applicant><p:PersonalId>001198000505</p:PersonalId></p:Applicant></p:PermitApplication>";
  const XmlDocument xml(doc, kLimits, {kPermit});
  const ecid::sdk::XmlReader r = xml.reader();
  EXPECT_EQ(r.text(xml.root(), "Reference").value_or(""), "R-7");
  // The prefix's namespace counts, not the default one.
  EXPECT_EQ(refusal("<p:PermitApplication xmlns=\"urn:ecid:template:permit:1\" xmlns:p=\"urn:other\"/>"),
            "root element <PermitApplication> is in namespace 'urn:other', expected 'urn:ecid:template:permit:1'");
}

TEST(SdkDocument, TellsWhichTypeItIs) {
  const XmlDocument xml("<b:PermitBatch xmlns:b=\"urn:ecid:template:batch:1\"/>", kLimits, {kPermit, kBatch});
  EXPECT_EQ(xml.type().name, "PermitBatch");
  EXPECT_EQ(xml.type().ns, "urn:ecid:template:batch:1");
}

TEST(SdkDocument, WrongRootOrNamespaceSaysWhatWasExpected) {
  EXPECT_EQ(refusal("<Other xmlns=\"urn:ecid:template:permit:1\"/>"),
            "root element is <Other>, expected <PermitApplication> in urn:ecid:template:permit:1 or "
            "<PermitBatch> in urn:ecid:template:batch:1");
  EXPECT_EQ(refusal("<PermitApplication xmlns=\"urn:ecid:template:permit:2\"/>"),
            "root element <PermitApplication> is in namespace 'urn:ecid:template:permit:2', expected "
            "'urn:ecid:template:permit:1'");
  EXPECT_EQ(refusal("<PermitApplication/>"),
            "root element <PermitApplication> is in namespace '', expected 'urn:ecid:template:permit:1'");
}

TEST(SdkDocument, RefusesBytesNoDocumentHas) {
  EXPECT_EQ(refusal(""), "empty document");
  std::string nul = kPlain;
  nul[nul.find("An<")] = '\0';
  EXPECT_EQ(refusal(nul), "document contains a NUL byte at offset " + std::to_string(kPlain.find("An<")));
  std::u16string wide(u"<PermitApplication/>");
  EXPECT_NE(refusal(std::string(reinterpret_cast<const char*>(wide.data()), wide.size() * 2)).find("NUL byte"),
            std::string::npos);
  const std::string big = kPlain + std::string((1u << 20) - kPlain.size() + 1, ' ');
  EXPECT_EQ(refusal(big), "document is larger than 1 MiB (" + std::to_string((1u << 20) + 1) + " bytes)");
  EXPECT_EQ(refusal(kPlain + std::string((1u << 20) - kPlain.size(), ' ')), "");  // exactly the bound
}

TEST(SdkDocument, RefusesWhatIsNotOneWellFormedElement) {
  EXPECT_EQ(refusal("   \n "), "document holds no XML element");
  EXPECT_EQ(refusal("<!-- nothing -->"), "document holds no XML element");
  EXPECT_EQ(refusal(kPlain.substr(0, kPlain.size() / 2)).rfind("malformed XML at byte ", 0), 0u);
  EXPECT_EQ(refusal(kPlain + "<PermitApplication xmlns=\"urn:ecid:template:permit:1\"/>"),
            "malformed XML: more than one root element");
}

TEST(SdkDocument, BadUtf8IsReportedWhereItIs) {
  EXPECT_EQ(refusal(with_applicant_child("<FullName2>\xC3(</FullName2>")),
            "invalid UTF-8 in the text of PermitApplication/Applicant/FullName2");
  std::string attribute = kPlain;
  attribute.replace(attribute.find("<Applicant>"), 11, "<Applicant role=\"\xFF\">");
  EXPECT_EQ(refusal(attribute), "invalid UTF-8 in attribute 'role' of PermitApplication/Applicant");
  // In a name: not a field, so the whole document is refused.
  EXPECT_EQ(refusal(with_applicant_child("<N\xFF/>")),
            "document is not valid UTF-8 (convert a legacy TCVN3/VNI export to UTF-8 first)");
  // Overlong forms and surrogates are not UTF-8 either.
  EXPECT_NE(refusal(with_applicant_child("<X>\xC0\xAF</X>")).find("invalid UTF-8"), std::string::npos);
  EXPECT_NE(refusal(with_applicant_child("<X>\xED\xA0\x80</X>")).find("invalid UTF-8"), std::string::npos);
}

TEST(SdkDocument, FieldsAreBounded) {
  EXPECT_EQ(refusal(with_applicant_child("<Note>" + std::string(257, 'x') + "</Note>")),
            "text of PermitApplication/Applicant/Note is longer than 256 bytes (257 bytes)");
  EXPECT_EQ(refusal(with_applicant_child("<Note>" + std::string(256, 'x') + "</Note>")), "");
  // Text in pieces is bounded as a whole.
  EXPECT_EQ(refusal(with_applicant_child("<Note>" + std::string(200, 'x') + "<![CDATA[" + std::string(100, 'y') +
                                         "]]><!-- c -->" + std::string(10, 'z') + "</Note>")),
            "text of PermitApplication/Applicant/Note is longer than 256 bytes (310 bytes)");
  std::string attribute = kPlain;
  attribute.replace(attribute.find("<Applicant>"), 11, "<Applicant role=\"" + std::string(300, 'r') + "\">");
  EXPECT_EQ(refusal(attribute), "attribute 'role' of PermitApplication/Applicant is longer than 256 bytes (300 bytes)");
  // The long field (a signed token) has its own bound.
  EXPECT_EQ(refusal(with_applicant_child("<Assertion>" + std::string(16 * 1024, 'A') + "</Assertion>")), "");
  EXPECT_EQ(refusal(with_applicant_child("<Assertion>" + std::string(16 * 1024 + 1, 'A') + "</Assertion>")),
            "text of PermitApplication/Applicant/Assertion is longer than 16 KiB (16385 bytes)");
  // Or only the token at one place.
  XmlLimits one_place = kLimits;
  one_place.long_field = "Applicant/Assertion";
  EXPECT_EQ(refusal(with_applicant_child("<Assertion>" + std::string(2000, 'A') + "</Assertion>"), one_place), "");
  std::string elsewhere = kPlain;
  elsewhere.insert(elsewhere.find("</PermitApplication>"), "<Assertion>" + std::string(2000, 'A') + "</Assertion>");
  EXPECT_EQ(refusal(elsewhere, one_place), "text of PermitApplication/Assertion is longer than 256 bytes (2000 bytes)");
  EXPECT_EQ(refusal(elsewhere, kLimits), "");
  // An adapter that judges its fields itself turns the walk off.
  XmlLimits unbounded = kLimits;
  unbounded.max_field_bytes = 0;
  EXPECT_EQ(refusal(with_applicant_child("<Note>" + std::string(5000, 'x') + "</Note>"), unbounded), "");
}

TEST(SdkDocument, DeepNestingIsWalkedWithoutRecursion) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  deep += "\xFF";
  for (int i = 0; i < 100000; ++i) deep += "</a>";
  const std::string message = refusal(with_applicant_child(deep));
  EXPECT_EQ(message.rfind("invalid UTF-8 in the text of PermitApplication/Applicant/a/a/a/", 0), 0u) << message.substr(0, 80);
}

TEST(SdkDocument, EntitiesAreNotExpanded) {
  const std::string doc =
      "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY a \"" + std::string(200, 'a') + "\">]>"
      "<PermitApplication xmlns=\"urn:ecid:template:permit:1\"><Reference>&a;&a;&a;</Reference></PermitApplication>";
  const XmlDocument xml(doc, kLimits, {kPermit});
  EXPECT_EQ(xml.reader().text(xml.root(), "Reference").value_or(""), "&a;&a;&a;");
}

TEST(SdkXml, PathsNumberOnlyRepeatedNames) {
  pugi::xml_document d;
  ASSERT_TRUE(d.load_string("<c:Filing xmlns:c='urn:x'><c:Parties><c:Party/><c:Party><c:Name/></c:Party></c:Parties>"
                            "<c:Court/></c:Filing>"));
  const pugi::xml_node parties = d.document_element().first_child();
  EXPECT_EQ(ecid::sdk::element_path(parties.last_child().first_child()), "Filing/Parties/Party[2]/Name");
  EXPECT_EQ(ecid::sdk::element_path(parties.first_child()), "Filing/Parties/Party[1]");
  EXPECT_EQ(ecid::sdk::element_path(d.document_element().last_child()), "Filing/Court");
}

TEST(SdkXml, ReaderMessagesGiveThePath) {
  const std::string twice = with_applicant_child("<FullName>B</FullName>");
  const XmlDocument xml(twice, kLimits, {kPermit});
  const ecid::sdk::XmlReader r = xml.reader();
  const auto applicant = r.child(xml.root(), "Applicant");
  ASSERT_TRUE(applicant);
  try {
    (void)r.text(*applicant, "FullName");
    ADD_FAILURE() << "two FullName elements were read";
  } catch (const ecid::sdk::InvalidDocument& e) {
    EXPECT_STREQ(e.what(), "PermitApplication/Applicant has 2 FullName elements; expected at most one");
  }
}

TEST(SdkText, ByteSizes) {
  EXPECT_EQ(ecid::sdk::byte_size(4u << 20), "4 MiB");
  EXPECT_EQ(ecid::sdk::byte_size(16 * 1024), "16 KiB");
  EXPECT_EQ(ecid::sdk::byte_size(1024), "1 KiB");
  EXPECT_EQ(ecid::sdk::byte_size(1500), "1500 bytes");
  EXPECT_EQ(ecid::sdk::byte_size(256), "256 bytes");
}

// ---------------------------------------------------------------------------------------------
// Answers.

ecid_answer answer(uint32_t status, std::string_view detail = {}, uint32_t records = 0) {
  static const ecid_record record{sizeof(ecid_record), 0, nullptr, 0, nullptr};
  ecid_answer a{};
  a.struct_size = sizeof a;
  a.query_id = 1;
  a.status = status;
  a.detail = ecid::sdk::str(detail);
  a.record_count = records;
  a.records = records ? &record : nullptr;
  return a;
}

struct Expected {
  uint32_t code, severity, field;
  std::string value, detail;
};
void expect_finding(const std::optional<Finding>& f, const Expected& e) {
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->code, e.code);
  EXPECT_EQ(f->severity, e.severity);
  EXPECT_EQ(f->field, e.field);
  EXPECT_EQ(f->value, e.value);
  EXPECT_EQ(f->detail, e.detail);
}

TEST(SdkAnswers, LookupFailures) {
  using ecid::sdk::lookup_failure;
  const auto of = [](const ecid_answer& a) { return lookup_failure(Answer(a), "no answer for X"); };
  expect_finding(lookup_failure(std::nullopt, "no answer for X"),
                 {ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, "", "no answer for X"});
  EXPECT_FALSE(of(answer(ECID_ANSWER_FOUND, "", 1)));
  EXPECT_FALSE(of(answer(ECID_ANSWER_NOT_FOUND)));
  EXPECT_FALSE(of(answer(ECID_ANSWER_INVALID_KEY)));
  expect_finding(of(answer(ECID_ANSWER_FOUND)), {ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, "",
                                                 "the register answered 'found' without a record"});
  expect_finding(of(answer(ECID_ANSWER_REFUSED)),
                 {ECID_FINDING_REFUSED_BY_POLICY, ECID_SEVERITY_ERROR, 0, "", "refused by policy"});
  expect_finding(of(answer(ECID_ANSWER_REFUSED, "field not granted")),
                 {ECID_FINDING_REFUSED_BY_POLICY, ECID_SEVERITY_ERROR, 0, "", "field not granted"});
  expect_finding(of(answer(ECID_ANSWER_UNAVAILABLE, "deadline exceeded")),
                 {ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, "", "deadline exceeded"});
  expect_finding(of(answer(ECID_ANSWER_BAD_ANSWER)),
                 {ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, "", "the register could not answer"});
  expect_finding(of(answer(ECID_ANSWER_REJECTED)),
                 {ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, "", "unexpected answer status 7"});
  expect_finding(of(answer(99)), {ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, "", "unexpected answer status 99"});
}

TEST(SdkAnswers, PersonNotFound) {
  using ecid::sdk::person_not_found;
  const ecid_answer not_found = answer(ECID_ANSWER_NOT_FOUND), invalid = answer(ECID_ANSWER_INVALID_KEY);
  expect_finding(person_not_found(Answer(not_found), ECID_F_PERSONAL_ID),
                 {ECID_FINDING_ID_NOT_FOUND, ECID_SEVERITY_ATTENTION, ECID_F_PERSONAL_ID, "",
                  "no person with this personal ID on the register"});
  expect_finding(person_not_found(Answer(not_found), ECID_F_LEGACY_ID),
                 {ECID_FINDING_ID_NOT_FOUND, ECID_SEVERITY_ATTENTION, ECID_F_LEGACY_ID, "",
                  "no person with this legacy ID on the register"});
  expect_finding(person_not_found(Answer(invalid), ECID_F_PERSONAL_ID),
                 {ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, ECID_F_PERSONAL_ID, "",
                  "the register says this ID cannot exist"});
  const ecid_answer found = answer(ECID_ANSWER_FOUND, "", 1);
  EXPECT_FALSE(person_not_found(Answer(found), ECID_F_PERSONAL_ID));
}

TEST(SdkAnswers, IdentityVerdictIsTheCodeBeforeTheColon) {
  using ecid::sdk::identity_verdict;
  const auto code = [](std::string_view detail) {
    return std::string(identity_verdict(answer(ECID_ANSWER_REJECTED, detail)).code);
  };
  EXPECT_EQ(code("expired: token expired 5 s ago"), "expired");
  EXPECT_EQ(code("bad_signature: no key verifies it"), "bad_signature");
  EXPECT_EQ(code("token expired"), "rejected");            // no code
  EXPECT_EQ(code(""), "rejected");
  EXPECT_EQ(code("Expired: x"), "rejected");               // not snake_case
  EXPECT_EQ(code("the party 001085000101: x"), "rejected");  // never a piece of personal data
  EXPECT_EQ(code(std::string(33, 'a') + ": x"), "rejected");
  const ecid_answer a = answer(ECID_ANSWER_REJECTED, "replayed: used with another document");
  EXPECT_EQ(identity_verdict(Answer(a)).reason, "replayed: used with another document");
}

TEST(SdkAnswers, IdentityVerdictPrefersTheReasonCodeOfA13Host) {
  using ecid::sdk::identity_verdict;
  ecid_answer a = answer(ECID_ANSWER_REJECTED, "token expired 5 s ago");  // no code in the text
  a.reason = ECID_REASON_EID_EXPIRED;
  EXPECT_EQ(identity_verdict(a).code, "expired");
  EXPECT_EQ(identity_verdict(a).reason, "token expired 5 s ago");
  a.reason = ECID_REASON_EID_KEYS_UNAVAILABLE;
  EXPECT_EQ(identity_verdict(a).code, "keys_unavailable");
  a.reason = 999;  // a code newer than this SDK: the text decides
  EXPECT_EQ(identity_verdict(a).code, "rejected");
  for (uint32_t r = ECID_REASON_EID_VERIFIED; r <= ECID_REASON_EID_KEYS_UNAVAILABLE; ++r)
    EXPECT_FALSE(ecid::sdk::eid_reason_name(r).empty()) << r;
}

TEST(SdkAnswers, AssertionFailures) {
  using ecid::sdk::assertion_failure;
  const auto of = [](const ecid_answer& a) { return assertion_failure(Answer(a), "no answer for the token"); };
  EXPECT_FALSE(of(answer(ECID_ANSWER_FOUND, "verified at account level 2", 1)));
  EXPECT_FALSE(of(answer(ECID_ANSWER_FOUND)));  // the caller judges a verification without a record
  expect_finding(of(answer(ECID_ANSWER_REJECTED, "expired: token expired 5 s ago")),
                 {ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, 0, "expired", "expired: token expired 5 s ago"});
  expect_finding(of(answer(ECID_ANSWER_INVALID_KEY)), {ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, 0,
                                                       "rejected", "the electronic identity assertion was rejected"});
  expect_finding(of(answer(ECID_ANSWER_REFUSED)),
                 {ECID_FINDING_REFUSED_BY_POLICY, ECID_SEVERITY_ERROR, 0, "", "refused by policy"});
  expect_finding(of(answer(ECID_ANSWER_UNAVAILABLE)), {ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, "",
                                                       "the identity assertion could not be verified"});
  expect_finding(of(answer(ECID_ANSWER_NOT_FOUND)), {ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, "",
                                                     "unexpected answer status 2 for an identity assertion"});
  expect_finding(assertion_failure(std::nullopt, "no answer for the token"),
                 {ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, "", "no answer for the token"});
}

TEST(SdkAnswers, JudgeAssertion) {
  using ecid::sdk::judge_assertion;
  const auto judge = [](const ecid_answer& a) {
    return judge_assertion(Answer(a), "no answer for the token", "2", "registration");
  };
  ecid_field_value level{sizeof(ecid_field_value), ECID_F_EID_LEVEL, ecid::sdk::str("2")};
  ecid_record record{sizeof(ecid_record), 1, &level, 0, nullptr};
  ecid_answer found = answer(ECID_ANSWER_FOUND, "verified at account level 2");
  found.record_count = 1;
  found.records = &record;
  expect_finding(judge(found), {ECID_FINDING_IDENTITY_VERIFIED, ECID_SEVERITY_OK, ECID_F_EID_LEVEL, "level 2",
                                "verified at account level 2"});
  level.value = ecid::sdk::str("1");
  expect_finding(judge(found), {ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, ECID_F_EID_LEVEL,
                                "level_too_low", "account level 1 is below the level 2 registration requires"});
  ecid_field_check checks[] = {{sizeof(ecid_field_check), ECID_F_BIRTH_DATE, ECID_CHECK_MISMATCH, {}}};
  record.checks = checks;
  record.check_count = 1;
  expect_finding(judge(found), {ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, ECID_F_BIRTH_DATE, "mismatch",
                                "the assertion's birth date disagrees with the register"});
  checks[0].field = ECID_F_PERSONAL_ID;
  expect_finding(judge(found), {ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, ECID_F_PERSONAL_ID,
                                "different_person", "the assertion's personal ID is not on the register"});
  expect_finding(judge(answer(ECID_ANSWER_REJECTED, "bad_nonce: x")),
                 {ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, 0, "bad_nonce", "bad_nonce: x"});
}

// ---------------------------------------------------------------------------------------------
// People.

// A host whose IDs are valid when they are 12 digits; sex 'M', born 1985. Dates: YYYY-MM-DD.
int32_t decode_id(void*, ecid_str id, ecid_personal_id_info* out) {
  const std::string_view s = ecid::sdk::view(id);
  out->valid = s.size() == 12 && ecid::sdk::all_digits(s);
  out->sex = 'M';
  out->birth_year = 1985;
  out->problem = out->valid ? ecid_str{} : ecid::sdk::str("not 12 digits");
  return ECID_OK;
}
int32_t parse_date(void*, ecid_str text, ecid_date* out) {
  const std::string_view s = ecid::sdk::view(text);
  if (s.size() != 10 || !ecid::sdk::all_digits(s.substr(0, 4))) return ECID_E_INVALID_DOCUMENT;
  out->year = std::stoi(std::string(s.substr(0, 4)));
  return ECID_OK;
}
int64_t now(void*) { return 0; }
void log(void*, uint32_t, ecid_str) {}
const ecid_host_services kServices{sizeof(ecid_host_services), ECID_ABI_MAJOR, ECID_ABI_MINOR, nullptr, log,
                                   decode_id, parse_date, now};

ecid::sdk::Person person(const std::string& fields) {
  const std::string doc = "<a:P xmlns:a=\"urn:ecid:template:permit:1\">" + fields + "</a:P>";
  const XmlDocument xml(doc, kLimits, {{"P", "urn:ecid:template:permit:1"}});
  return ecid::sdk::read_person(ecid::sdk::Host(&kServices), xml.reader(), xml.root());
}

TEST(SdkPerson, ReadsTheClaimsOfAPerson) {
  const ecid::sdk::Person p = person("<a:FullName> Nguy\xE1\xBB\x85n An </a:FullName><a:BirthDate>1985-02-15</a:BirthDate>"
                                     "<a:Sex>Nam</a:Sex><a:PersonalId>001 085 000 101</a:PersonalId>");
  EXPECT_TRUE(p.findings.empty());
  EXPECT_EQ(p.personal_id, "001085000101");
  EXPECT_EQ(p.sex, "M");
  const auto claims = p.claims();
  ASSERT_EQ(claims.size(), 3u);
  EXPECT_EQ(claims[0].field, uint32_t{ECID_F_FULL_NAME});
  EXPECT_EQ(claims[0].value, "Nguy\xE1\xBB\x85n An");
  EXPECT_EQ(claims[1].value, "1985-02-15");
  EXPECT_EQ(p.claimed_fields(), (std::vector<uint32_t>{ECID_F_FULL_NAME, ECID_F_BIRTH_DATE, ECID_F_SEX}));
}

TEST(SdkPerson, WhatTheDocumentAloneShows) {
  ecid::sdk::Person p = person("<a:BirthDate>15 Feb</a:BirthDate><a:Sex>x</a:Sex><a:PersonalId>12345</a:PersonalId>");
  ASSERT_EQ(p.findings.size(), 3u);
  EXPECT_EQ(p.findings[0].detail, "BirthDate is not a date in any known format; not compared");
  EXPECT_EQ(p.findings[1].field, uint32_t{ECID_F_SEX});
  EXPECT_EQ(p.findings[2].detail, "personal ID number is not valid: not 12 digits");
  EXPECT_TRUE(p.id_unusable);
  EXPECT_TRUE(p.personal_id.empty());
  EXPECT_TRUE(p.claims().empty());
  p = person("<a:BirthDate>1986-01-01</a:BirthDate><a:Sex>F</a:Sex><a:PersonalId>001085000101</a:PersonalId>");
  ASSERT_EQ(p.findings.size(), 1u);
  EXPECT_EQ(p.findings[0].code, uint32_t{ECID_FINDING_ID_STRUCTURE_INCONSISTENT});
  EXPECT_EQ(p.findings[0].detail,
            "document: sex digit says M, document says F; birth-year digits say 1985, document says 1986");
  EXPECT_TRUE(p.structure_inconsistent);
  EXPECT_FALSE(person("").id_unusable);  // no ID is not a bad one
}

TEST(SdkPerson, IdDigitsDisagreement) {
  ecid_personal_id_info id{};
  id.sex = 'F';
  id.birth_year = 1990;
  EXPECT_EQ(ecid::sdk::id_digits_disagreement(id, "F", 1990, "record"), "");
  EXPECT_EQ(ecid::sdk::id_digits_disagreement(id, "", std::nullopt, "record"), "");
  EXPECT_EQ(ecid::sdk::id_digits_disagreement(id, "F", 1991, "record"), "record: birth-year digits say 1990, record says 1991");
}

TEST(SdkPerson, WhatTheRegisterSaysOfTheClaims) {
  ecid_field_check checks[] = {
      {sizeof(ecid_field_check), ECID_F_FULL_NAME, ECID_CHECK_MATCH, {}},
      {sizeof(ecid_field_check), ECID_F_BIRTH_DATE, ECID_CHECK_MATCH_PARTIAL, {}},
      {sizeof(ecid_field_check), ECID_F_SEX, ECID_CHECK_MISMATCH, ecid::sdk::str("M on the register")},
      {sizeof(ecid_field_check), ECID_F_PERSONAL_ID, ECID_CHECK_MISMATCH, ecid::sdk::str("the sex digit says F")},
  };
  const ecid_record record{sizeof(ecid_record), 0, nullptr, 4, checks};
  const uint32_t claimed[] = {ECID_F_FULL_NAME, ECID_F_BIRTH_DATE, ECID_F_SEX, ECID_F_BIRTH_REGISTRATION_PLACE};
  const ecid::sdk::ClaimChecks c = ecid::sdk::check_claims(ecid::sdk::Record(record), claimed);
  ASSERT_EQ(c.findings.size(), 2u);
  EXPECT_EQ(c.findings[0].code, uint32_t{ECID_FINDING_ID_STRUCTURE_INCONSISTENT});
  EXPECT_EQ(c.findings[0].detail, "register: the sex digit says F");
  EXPECT_EQ(c.findings[1].code, uint32_t{ECID_FINDING_MISMATCH});
  EXPECT_EQ(c.findings[1].field, uint32_t{ECID_F_SEX});
  EXPECT_EQ(c.findings[1].detail, "M on the register");
  EXPECT_TRUE(c.disagreement());
  EXPECT_TRUE(c.birth_year_only);
  EXPECT_EQ(c.agreed(), "; full name and birth date agree");
  EXPECT_EQ(c.not_compared, std::vector<std::string_view>{"birth registration place"});
  const ecid_record clean{sizeof(ecid_record), 0, nullptr, 1, checks};
  EXPECT_FALSE(ecid::sdk::check_claims(ecid::sdk::Record(clean), claimed).disagreement());
}

}  // namespace
