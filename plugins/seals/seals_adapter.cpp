// Seals adapter: seal sample registration (plugins/seals/README.md).
//
//  * SealRegistration (urn:ecid:seals:registration:1): one application to register a seal
//    sample (Decree 99/2016/ND-CP; procedure of Decision 3191/QĐ-BCA).
//  * SealReRegistrationBatch (urn:ecid:seals:reregistration:1): the applications a police
//    unit re-registers after the 2025 merger (Resolution 202/2025/QH15). They name pre-merger
//    provinces; each is mapped to the province it became (63 → 34) and checked the same way.
//
// One round: the organisation in the organisation register (exists, active, same name, same
// legal representative), the representative and the person filing in the population register
// (living citizens whose details match), and the filer's eID assertion if given.
// Pure function of data: no I/O, no logging of personal data.
#include <ecid/adapter.hpp>
#include <ecid/sdk_text.hpp>
#include <ecid/sdk_xml.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using ecid::sdk::parse_sex;
using ecid::sdk::all_digits;
using ecid::sdk::InvalidDocument;
using ecid::sdk::is_space;
using ecid::sdk::is_valid_utf8;
using ecid::sdk::join_and;
using ecid::sdk::local_name;
using ecid::sdk::namespace_of;
using ecid::sdk::quoted;
using ecid::sdk::trim;
using ecid::sdk::with_default;
using ecid::sdk::XmlReader;

constexpr const char* kSingleRoot = "SealRegistration";
constexpr const char* kSingleNamespace = "urn:ecid:seals:registration:1";
constexpr const char* kBatchRoot = "SealReRegistrationBatch";
constexpr const char* kBatchNamespace = "urn:ecid:seals:reregistration:1";
constexpr std::string_view kPurpose = "seals.registration";

constexpr size_t kMaxDocumentBytes = 8u << 20;
constexpr size_t kMaxFieldBytes = 1024;
constexpr size_t kMaxAssertionBytes = 16 * 1024;
constexpr size_t kMaxApplications = 2000;
constexpr std::string_view kFilerEidLevel = "2";

constexpr uint32_t kOrganisationFields[] = {ECID_F_ORG_STATUS, ECID_F_ORG_HEAD_OFFICE};
constexpr uint32_t kPersonFields[] = {ECID_F_DEATH_DATE};
constexpr uint32_t kAssertionFields[] = {ECID_F_EID_LEVEL};

// The 63 pre-2025 provinces and what each became in 2025, generated at build time from
// data/provinces.csv (the table the host compiles in too): {id code, name, merged name, merged code}.
struct ProvinceRow {
  int code;
  std::string_view name;
  std::string_view merged_name;
  int merged_code;
};
constexpr ProvinceRow kProvinces[] = {
#include "seal_provinces.inc"
};

// ---------------------------------------------------------------------------------------------
// Text. The shared helpers are the SDK's (ecid/sdk_text.hpp); this one is the seals' own.

// "Hải Phòng" from "thành phố Hải Phòng", "Thành phố Hồ Chí Minh", "TP Hồ Chí Minh", "tỉnh Nam Định".
std::string_view bare_province(std::string_view s) {
  s = trim(s);
  static constexpr std::string_view kPrefixes[] = {"th\xC3\xA0nh ph\xE1\xBB\x91 ", "Th\xC3\xA0nh ph\xE1\xBB\x91 ",
                                                   "t\xE1\xBB\x89nh ", "T\xE1\xBB\x89nh ", "TP. ", "TP "};
  for (bool stripped = true; stripped;) {  // "tỉnh TP Hồ Chí Minh" occurs too
    stripped = false;
    for (std::string_view p : kPrefixes)
      if (s.substr(0, p.size()) == p) {
        s = trim(s.substr(p.size()));
        stripped = true;
      }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// XML. Namespaces and XmlReader are the SDK's (ecid/sdk_xml.hpp); the bounds are the seals' own.

void check_every_field(const pugi::xml_node& root) {
  pugi::xml_node n = root;
  while (n) {
    if (n.type() == pugi::node_element) {
      for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
        const std::string_view v = a.value();
        if (v.size() > kMaxFieldBytes)
          throw InvalidDocument("attribute '" + quoted(a.name()) + "' of " + quoted(local_name(n)) +
                                " is longer than 1 KiB");
        if (!is_valid_utf8(v)) throw InvalidDocument("invalid UTF-8 in attribute '" + quoted(a.name()) + "'");
      }
    } else if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) {
      const std::string_view v = n.value();
      const bool token = local_name(n.parent()) == "Assertion";
      if (v.size() > (token ? kMaxAssertionBytes : kMaxFieldBytes))
        throw InvalidDocument("text of " + quoted(local_name(n.parent())) + " is longer than " +
                              (token ? "16 KiB" : "1 KiB"));
      if (!is_valid_utf8(v)) throw InvalidDocument("invalid UTF-8 in the text of " + quoted(local_name(n.parent())));
    }
    if (n.first_child()) {
      n = n.first_child();
      continue;
    }
    while (n && n != root && !n.next_sibling()) n = n.parent();
    if (!n || n == root) break;
    n = n.next_sibling();
  }
}

// ---------------------------------------------------------------------------------------------
// Answers.

// Reports a status that ends a check; true when the answer is FOUND with a record. NOT_FOUND
// and INVALID_KEY are left to the caller, who knows what absence means for its subject.
bool usable(const std::optional<ecid::sdk::Answer>& answer, const std::string& subject, ecid::sdk::Reporter& out) {
  if (!answer) {
    out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, subject, 0, {},
            "the host returned no answer for this look-up");
    return false;
  }
  switch (answer->status()) {
    case ECID_ANSWER_FOUND:
      if (answer->record_count() > 0) return true;
      out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, subject, 0, {},
              "the register answered 'found' without a record");
      return false;
    case ECID_ANSWER_REFUSED:
      out.add(ECID_FINDING_REFUSED_BY_POLICY, ECID_SEVERITY_ERROR, subject, 0, {},
              with_default(answer->detail(), "refused by policy"));
      return false;
    case ECID_ANSWER_UNAVAILABLE:
    case ECID_ANSWER_BAD_ANSWER:
      out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, subject, 0, {},
              with_default(answer->detail(), "the register could not answer"));
      return false;
    case ECID_ANSWER_NOT_FOUND:
    case ECID_ANSWER_INVALID_KEY:
      return false;
    default:
      out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, subject, 0, {},
              "unexpected answer status " + std::to_string(answer->status()));
      return false;
  }
}

std::string_view field_label(uint32_t field) {
  switch (field) {
    case ECID_F_FULL_NAME: return "full name";
    case ECID_F_BIRTH_DATE: return "birth date";
    case ECID_F_SEX: return "sex";
    default: return "field";
  }
}

struct Note {
  uint32_t code;
  uint32_t severity;
  uint32_t field;
  std::string value;
  std::string detail;
};

// ---------------------------------------------------------------------------------------------
// A person named in an application: the legal representative or the person filing.

struct Person {
  std::string subject;
  std::string full_name, birth_date, sex, personal_id, assertion;
  bool id_unusable = false;
  bool structure_inconsistent = false;
  std::vector<Note> notes;  // from the document alone
  std::optional<uint32_t> query, assertion_query;
};

Person read_person(const ecid::sdk::Host& host, const XmlReader& r, const pugi::xml_node& node, std::string subject) {
  Person p;
  p.subject = std::move(subject);
  p.full_name = r.text(node, "FullName").value_or("");
  std::optional<int> birth_year;
  if (auto birth = r.text(node, "BirthDate")) {
    if (auto d = host.parse_date(*birth)) {
      p.birth_date = std::move(*birth);
      birth_year = d->year;
    } else {
      p.notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, ECID_F_BIRTH_DATE, "",
                         "BirthDate is not a date in any known format; not compared"});
    }
  }
  if (auto sex = r.text(node, "Sex")) {
    if (auto s = parse_sex(*sex)) p.sex = std::string(1, *s);
    else
      p.notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, ECID_F_SEX, "",
                         "Sex is not M, F, Nam or N\xE1\xBB\xAF; not compared"});
  }
  if (auto token = r.text(node, "Assertion"))
    for (char c : *token)
      if (!is_space(c)) p.assertion += c;
  if (auto id = r.text(node, "PersonalId")) {
    std::string digits;
    for (char c : *id)
      if (!is_space(c)) digits += c;
    const ecid_personal_id_info info = host.decode_personal_id(digits);
    if (!info.valid) {
      p.id_unusable = true;
      const std::string problem(ecid::sdk::view(info.problem));
      p.notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, ECID_F_PERSONAL_ID, "",
                         "personal ID number is not valid: " + (problem.empty() ? "bad structure" : problem)});
      return p;
    }
    p.personal_id = std::move(digits);
    std::vector<std::string> disagreements;
    if (!p.sex.empty() && static_cast<uint32_t>(p.sex[0]) != info.sex)
      disagreements.push_back("sex digit says " + std::string(1, static_cast<char>(info.sex)) + ", document says " + p.sex);
    if (birth_year && *birth_year != info.birth_year)
      disagreements.push_back("birth-year digits say " + std::to_string(info.birth_year) + ", document says " +
                              std::to_string(*birth_year));
    if (!disagreements.empty()) {
      p.structure_inconsistent = true;
      std::string detail = "document: ";
      for (size_t i = 0; i < disagreements.size(); ++i) detail += (i ? "; " : "") + disagreements[i];
      p.notes.push_back({ECID_FINDING_ID_STRUCTURE_INCONSISTENT, ECID_SEVERITY_ATTENTION, ECID_F_PERSONAL_ID, "",
                         std::move(detail)});
    }
  }
  return p;
}

void plan_person(Person& p, ecid::sdk::Planner& planner) {
  if (p.personal_id.empty()) return;
  std::vector<ecid::sdk::Claim> claims;
  if (!p.full_name.empty()) claims.push_back({ECID_F_FULL_NAME, p.full_name});
  if (!p.birth_date.empty()) claims.push_back({ECID_F_BIRTH_DATE, p.birth_date});
  if (!p.sex.empty()) claims.push_back({ECID_F_SEX, p.sex});
  p.query = planner.ask(ECID_Q_PERSON_BY_ID, p.subject, p.personal_id, kPurpose, claims, kPersonFields);
  if (!p.assertion.empty()) {
    const ecid::sdk::Claim bound[] = {{ECID_F_PERSONAL_ID, p.personal_id}, {ECID_F_EID_LEVEL, kFilerEidLevel}};
    p.assertion_query = planner.ask(ECID_Q_EID_ASSERTION, p.subject, p.assertion, kPurpose, bound, kAssertionFields);
  }
}

// A living citizen whose details match: the checks a court makes of a party.
void assess_person(const Person& p, const ecid::sdk::Answers& answers, ecid::sdk::Reporter& out) {
  for (const Note& n : p.notes) out.add(n.code, n.severity, p.subject, n.field, n.value, n.detail);
  if (p.personal_id.empty()) {
    if (!p.id_unusable)
      out.add(ECID_FINDING_NO_ID_GIVEN, ECID_SEVERITY_ATTENTION, p.subject, 0, {},
              "no PersonalId given: the person's identity cannot be checked");
    return;
  }
  const auto answer = answers.find(*p.query);
  if (!usable(answer, p.subject, out)) {
    if (answer && answer->status() == ECID_ANSWER_NOT_FOUND)
      out.add(ECID_FINDING_ID_NOT_FOUND, ECID_SEVERITY_ATTENTION, p.subject, ECID_F_PERSONAL_ID, {},
              "no person with this personal ID on the register");
    else if (answer && answer->status() == ECID_ANSWER_INVALID_KEY)
      out.add(ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, p.subject, ECID_F_PERSONAL_ID, {},
              with_default(answer->detail(), "the register says this ID cannot exist"));
    return;
  }
  if (answer->record_count() > 1) {
    out.add(ECID_FINDING_AMBIGUOUS, ECID_SEVERITY_ATTENTION, p.subject, ECID_F_PERSONAL_ID, {},
            "the register holds several people for this ID");
    return;
  }
  const ecid::sdk::Record record = answer->record(0);
  bool disagreement = p.structure_inconsistent;
  for (const Note& n : p.notes)
    if (n.severity != ECID_SEVERITY_OK) disagreement = true;
  if (record.check(ECID_F_PERSONAL_ID) == ECID_CHECK_MISMATCH) {
    disagreement = true;
    std::string reason(with_default(record.check_reason(ECID_F_PERSONAL_ID), "the ID's digits disagree with the record"));
    if (reason.rfind("register", 0) != 0) reason = "register: " + reason;
    out.add(ECID_FINDING_ID_STRUCTURE_INCONSISTENT, ECID_SEVERITY_ATTENTION, p.subject, ECID_F_PERSONAL_ID, {}, reason);
  }
  std::vector<std::string_view> agree;
  for (uint32_t field : {ECID_F_FULL_NAME, ECID_F_BIRTH_DATE, ECID_F_SEX}) {
    const uint32_t outcome = record.check(field);
    const std::string_view reason = record.check_reason(field);
    if (outcome == ECID_CHECK_MATCH || outcome == ECID_CHECK_MATCH_PARTIAL) {
      agree.push_back(field_label(field));
    } else if (outcome == ECID_CHECK_MISMATCH) {
      disagreement = true;
      out.add(ECID_FINDING_MISMATCH, ECID_SEVERITY_ATTENTION, p.subject, field, {},
              with_default(reason, "differs from the register"));
    } else if (outcome == ECID_CHECK_NEEDS_REVIEW) {
      disagreement = true;
      out.add(ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, p.subject, field, {},
              with_default(reason, "agrees with the register only loosely"));
    } else if (outcome != 0 && outcome != ECID_CHECK_NO_VALUE) {
      disagreement = true;
      out.add(ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, p.subject, field, {},
              "unknown check outcome " + std::to_string(outcome));
    }
  }
  const std::string_view died = trim(record.value_or_empty(ECID_F_DEATH_DATE));
  if (!died.empty())
    out.add(ECID_FINDING_DECEASED, ECID_SEVERITY_ATTENTION, p.subject, ECID_F_DEATH_DATE, died,
            "the register records this person as deceased: they cannot act for the organisation");
  if (!disagreement) {
    std::string detail = "personal ID found on the register";
    if (!agree.empty()) detail += "; " + join_and(agree) + (agree.size() == 1 ? " agrees" : " agree");
    out.add(ECID_FINDING_VERIFIED, ECID_SEVERITY_OK, p.subject, 0, {}, detail);
  }
}

std::string verdict_code_of(std::string_view detail) {
  const size_t colon = detail.find(": ");
  const std::string_view code = colon == std::string_view::npos ? std::string_view() : detail.substr(0, colon);
  const bool snake = !code.empty() && code.size() <= 32 &&
                     std::all_of(code.begin(), code.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
  return snake ? std::string(code) : std::string("rejected");
}

// The eID verifier's answer (docs/eid.md): FOUND verified, REJECTED with "code: reason".
void assess_assertion(const Person& p, const ecid::sdk::Answers& answers, ecid::sdk::Reporter& out) {
  if (!p.assertion_query) return;
  const auto answer = answers.find(*p.assertion_query);
  if (!answer) {
    out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, p.subject, 0, {},
            "the host returned no answer for the identity assertion");
    return;
  }
  switch (answer->status()) {
    case ECID_ANSWER_FOUND:
      break;
    case ECID_ANSWER_REJECTED:
    case ECID_ANSWER_INVALID_KEY:
      out.add(ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, p.subject, 0, verdict_code_of(answer->detail()),
              with_default(answer->detail(), "the electronic identity assertion was rejected"));
      return;
    case ECID_ANSWER_REFUSED:
      out.add(ECID_FINDING_REFUSED_BY_POLICY, ECID_SEVERITY_ERROR, p.subject, 0, {},
              with_default(answer->detail(), "refused by policy"));
      return;
    case ECID_ANSWER_UNAVAILABLE:
    case ECID_ANSWER_BAD_ANSWER:
      out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, p.subject, 0, {},
              with_default(answer->detail(), "the identity assertion could not be verified"));
      return;
    default:
      out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, p.subject, 0, {},
              "unexpected answer status " + std::to_string(answer->status()) + " for an identity assertion");
      return;
  }
  if (answer->record_count() > 0) {
    const ecid::sdk::Record record = answer->record(0);
    for (const ecid_field_check& c : record.checks()) {
      if (c.outcome != ECID_CHECK_MISMATCH) continue;
      out.add(ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, p.subject, c.field,
              c.field == ECID_F_PERSONAL_ID ? "different_person" : "mismatch",
              c.field == ECID_F_PERSONAL_ID ? "the assertion's personal ID is not on the register"
                                            : "the assertion's " + std::string(field_label(c.field)) +
                                                  " disagrees with the register");
      return;
    }
    const std::string_view level = trim(record.value_or_empty(ECID_F_EID_LEVEL));
    if (level.size() == 1 && level[0] >= '0' && level[0] < kFilerEidLevel[0]) {
      out.add(ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, p.subject, ECID_F_EID_LEVEL, "level_too_low",
              "account level " + std::string(level) + " is below the level 2 an online filing requires");
      return;
    }
  }
  out.add(ECID_FINDING_IDENTITY_VERIFIED, ECID_SEVERITY_OK, p.subject, ECID_F_EID_LEVEL,
          "level " + std::string(kFilerEidLevel), with_default(answer->detail(), "verified"));
}

// ---------------------------------------------------------------------------------------------
// One application.

// Which province-code table the application's <Province code> uses.
enum class Scheme { Pre2025, Y2025 };

struct ProvinceClaim {
  std::string written;               // as the application writes it, for the detail
  const ProvinceRow* old = nullptr;  // set for a pre-2025 code
  std::string_view merged_name;      // the province since 1 Jul 2025
  int merged_code = 0;
};

struct Application {
  std::string prefix;  // "" for a single application, "application[N] " in a batch
  std::string reference;
  std::string organisation_code;
  std::string organisation_name;
  std::optional<ProvinceClaim> province;
  Person representative, filer;
  std::vector<Note> organisation_notes, filer_notes;
  std::optional<uint32_t> organisation_query;
  std::string subject(std::string_view who) const { return prefix + std::string(who); }
};

const ProvinceRow* province_by_old_code(int code) {
  for (const ProvinceRow& p : kProvinces)
    if (p.code == code) return &p;
  return nullptr;
}

const ProvinceRow* province_by_merged_code(int code) {
  for (const ProvinceRow& p : kProvinces)
    if (p.merged_code == code) return &p;
  return nullptr;
}

std::optional<ProvinceClaim> read_province(const XmlReader& r, const pugi::xml_node& organisation, Scheme fallback,
                                           std::vector<Note>& notes) {
  const auto node = r.child(organisation, "Province");
  if (!node) return std::nullopt;
  const std::string code(trim(node->attribute("code").value()));
  const std::string scheme_text(trim(node->attribute("scheme").value()));
  Scheme scheme = fallback;
  if (scheme_text == "pre-2025") scheme = Scheme::Pre2025;
  else if (scheme_text == "2025") scheme = Scheme::Y2025;
  else if (!scheme_text.empty()) {
    notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, quoted(scheme_text, 16),
                     "Province scheme is not pre-2025 or 2025"});
    return std::nullopt;
  }
  const std::string written = XmlReader::own_text(*node).value_or("");
  if (!all_digits(code) || code.size() > 3) {
    notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, quoted(code, 16),
                     "Province code is not a number"});
    return std::nullopt;
  }
  const int n = std::stoi(code);
  ProvinceClaim claim;
  claim.written = written;
  if (scheme == Scheme::Pre2025) {
    claim.old = province_by_old_code(n);
    if (!claim.old) {
      notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, quoted(code, 16),
                       "Province code is not one of the 63 pre-2025 province codes"});
      return std::nullopt;
    }
    claim.merged_name = claim.old->merged_name;
    claim.merged_code = claim.old->merged_code;
  } else {
    const ProvinceRow* row = province_by_merged_code(n);
    if (!row) {
      notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, quoted(code, 16),
                       "Province code is not one of the 34 province codes of 2025"});
      return std::nullopt;
    }
    claim.merged_name = row->merged_name;
    claim.merged_code = row->merged_code;
  }
  // The name written beside the code must be that province (before or after the merger).
  if (!written.empty()) {
    const std::string_view bare = bare_province(written);
    const bool names_old = claim.old && bare == bare_province(claim.old->name);
    const bool names_merged = bare == bare_province(claim.merged_name);
    if (!names_old && !names_merged) {
      notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, quoted(written, 64),
                       "Province text does not name the province of code " + code});
      return std::nullopt;
    }
  }
  return claim;
}

Application read_application(const ecid::sdk::Host& host, const XmlReader& r, const pugi::xml_node& node,
                             std::string prefix, Scheme scheme) {
  Application a;
  a.prefix = std::move(prefix);
  a.reference = r.text(node, "ApplicationId").value_or("");
  const auto organisation = r.child(node, "Organisation");
  if (!organisation) throw InvalidDocument(a.subject("") + "no Organisation");
  a.organisation_code = std::string(trim(organisation->attribute("code").value()));
  a.organisation_name = r.text(*organisation, "Name").value_or("");
  if (a.organisation_code.empty())
    a.organisation_notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, ECID_F_ORG_CODE, "",
                                    "the Organisation has no code: it cannot be looked up"});
  if (!r.text(*organisation, "EstablishmentDecision"))
    a.organisation_notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, "",
                                    "no EstablishmentDecision: a new seal needs the establishment decision or "
                                    "operating licence (Decision 3191/Q\xC4\x90-BCA)"});
  a.province = read_province(r, *organisation, scheme, a.organisation_notes);
  static constexpr std::string_view kSealTypes[] = {"national-emblem", "symbol", "embossed", "miniature", "xi"};
  const std::string seal_type = r.text(node, "SealType").value_or("");
  if (std::find(std::begin(kSealTypes), std::end(kSealTypes), seal_type) == std::end(kSealTypes))
    a.organisation_notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, quoted(seal_type, 32),
                                    "SealType is not national-emblem, symbol, embossed, miniature or xi (Decree 99/2016 Art. 5)"});

  const auto representative = r.child(node, "LegalRepresentative");
  if (!representative) throw InvalidDocument(a.subject("") + "no LegalRepresentative");
  a.representative = read_person(host, r, *representative, a.subject("representative"));
  const auto filer = r.child(node, "Filer");
  if (!filer) throw InvalidDocument(a.subject("") + "no Filer");
  a.filer = read_person(host, r, *filer, a.subject("filer"));
  if (!r.text(*filer, "IntroductionLetter") && !r.text(*filer, "PowerOfAttorney"))
    a.filer_notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, "",
                             "the person filing gives no introduction letter or power of attorney "
                             "(Decision 3191/Q\xC4\x90-BCA)"});
  return a;
}

void plan_application(Application& a, ecid::sdk::Planner& planner) {
  if (!a.organisation_code.empty()) {
    std::vector<ecid::sdk::Claim> claims;
    if (!a.organisation_name.empty()) claims.push_back({ECID_F_ORG_NAME, a.organisation_name});
    if (!a.representative.personal_id.empty())
      claims.push_back({ECID_F_ORG_REPRESENTATIVE_ID, a.representative.personal_id});
    if (!a.representative.full_name.empty())
      claims.push_back({ECID_F_ORG_REPRESENTATIVE_NAME, a.representative.full_name});
    a.organisation_query = planner.ask(ECID_Q_ORGANISATION_BY_CODE, a.subject("organisation"), a.organisation_code,
                                       kPurpose, claims, kOrganisationFields);
  }
  plan_person(a.representative, planner);
  plan_person(a.filer, planner);
}

void assess_organisation(const Application& a, const ecid::sdk::Answers& answers, ecid::sdk::Reporter& out) {
  const std::string subject = a.subject("organisation");
  bool attention = false;
  for (const Note& n : a.organisation_notes) {
    out.add(n.code, n.severity, subject, n.field, n.value, n.detail);
    attention = attention || n.severity != ECID_SEVERITY_OK;
  }
  if (!a.organisation_query) return;
  const auto answer = answers.find(*a.organisation_query);
  if (!usable(answer, subject, out)) {
    if (answer && answer->status() == ECID_ANSWER_NOT_FOUND)
      out.add(ECID_FINDING_ORGANISATION_NOT_FOUND, ECID_SEVERITY_ATTENTION, subject, ECID_F_ORG_CODE,
              quoted(a.organisation_code, 32), "no organisation with this code in the organisation register");
    else if (answer && answer->status() == ECID_ANSWER_INVALID_KEY)
      out.add(ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, subject, ECID_F_ORG_CODE,
              quoted(a.organisation_code, 32), with_default(answer->detail(), "the organisation code cannot exist"));
    return;
  }
  const ecid::sdk::Record record = answer->record(0);
  const std::string_view status = trim(record.value_or_empty(ECID_F_ORG_STATUS));
  if (status != "active") {
    attention = true;
    out.add(ECID_FINDING_ORGANISATION_NOT_ACTIVE, ECID_SEVERITY_ATTENTION, subject, ECID_F_ORG_STATUS,
            status.empty() ? std::string_view("unknown") : status,
            status.empty() ? "the organisation register discloses no status"
                           : "the organisation is " + quoted(status, 32) + ": it cannot register a seal");
  }
  switch (record.check(ECID_F_ORG_NAME)) {
    case ECID_CHECK_MISMATCH:
      attention = true;
      out.add(ECID_FINDING_MISMATCH, ECID_SEVERITY_ATTENTION, subject, ECID_F_ORG_NAME, {},
              with_default(record.check_reason(ECID_F_ORG_NAME), "differs from the organisation register"));
      break;
    case ECID_CHECK_NEEDS_REVIEW:
      attention = true;
      out.add(ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, subject, ECID_F_ORG_NAME, {},
              with_default(record.check_reason(ECID_F_ORG_NAME), "agrees only loosely"));
      break;
    default:
      break;
  }
  // The legal representative in the document must be the one the register names.
  const std::string representative = a.subject("representative");
  if (record.check(ECID_F_ORG_REPRESENTATIVE_ID) == ECID_CHECK_MISMATCH) {
    out.add(ECID_FINDING_REPRESENTATIVE_MISMATCH, ECID_SEVERITY_ATTENTION, representative, ECID_F_ORG_REPRESENTATIVE_ID,
            {}, "the organisation register names another person as legal representative");
  } else {
    const uint32_t name = record.check(ECID_F_ORG_REPRESENTATIVE_NAME);
    if (name == ECID_CHECK_MISMATCH || name == ECID_CHECK_NEEDS_REVIEW)
      out.add(ECID_FINDING_REPRESENTATIVE_MISMATCH, ECID_SEVERITY_ATTENTION, representative,
              ECID_F_ORG_REPRESENTATIVE_NAME, {},
              "the organisation register holds the representative's ID under another name");
  }
  // After the merger an application naming a pre-2025 province is read as the province it
  // became; the head office (kept in the 2025 form) must lie there.
  std::string where;
  if (a.province) {
    const ProvinceClaim& p = *a.province;
    const std::string_view office = trim(record.value_or_empty(ECID_F_ORG_HEAD_OFFICE));
    const size_t comma = office.rfind(',');
    const std::string_view office_province = bare_province(comma == std::string_view::npos ? office : office.substr(comma + 1));
    const std::string_view merged = bare_province(p.merged_name);
    const bool renamed = p.old && bare_province(p.old->name) != merged;
    const std::string mapping = renamed ? " (the application's " + std::string(p.old->name) + " became part of " +
                                              std::string(p.merged_name) + " on 1 Jul 2025)"
                                        : std::string();
    if (office.empty()) {
      attention = true;
      out.add(ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, subject, ECID_F_ORG_HEAD_OFFICE, {},
              "the organisation register discloses no head office to compare the province with" + mapping);
    } else if (office_province != merged) {
      attention = true;
      out.add(ECID_FINDING_MISMATCH, ECID_SEVERITY_ATTENTION, subject, ECID_F_ORG_HEAD_OFFICE,
              std::string(office_province),
              "the application names " + std::string(p.merged_name) + mapping + "; the head office is in another province");
    } else {
      where = "; head office in " + std::string(p.merged_name) + mapping;
    }
  }
  if (!attention)
    out.add(ECID_FINDING_VERIFIED, ECID_SEVERITY_OK, subject, 0, {},
            std::string("organisation registered and active") +
                (record.check(ECID_F_ORG_NAME) == ECID_CHECK_MATCH ? "; name agrees" : "") + where);
}

void assess_application(const Application& a, const ecid::sdk::Answers& answers, ecid::sdk::Reporter& out) {
  assess_organisation(a, answers, out);
  assess_person(a.representative, answers, out);
  for (const Note& n : a.filer_notes) out.add(n.code, n.severity, a.filer.subject, n.field, n.value, n.detail);
  assess_person(a.filer, answers, out);
  assess_assertion(a.filer, answers, out);
}

// ---------------------------------------------------------------------------------------------

class SealsSession final : public ecid::sdk::Session {
 public:
  SealsSession(const ecid::sdk::Host& host, std::string_view document) {
    if (document.empty()) throw InvalidDocument("empty document");
    if (document.size() > kMaxDocumentBytes) throw InvalidDocument("document larger than 8 MiB");
    if (!is_valid_utf8(document)) throw InvalidDocument("document is not valid UTF-8");
    pugi::xml_document xml;
    const pugi::xml_parse_result parsed =
        xml.load_buffer(document.data(), document.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed)
      throw InvalidDocument(std::string("not well-formed XML: ") + parsed.description() + " at byte " +
                            std::to_string(parsed.offset));
    const pugi::xml_node root = xml.document_element();
    const std::string_view ns = namespace_of(root);
    if (local_name(root) == kSingleRoot && ns == kSingleNamespace) {
      check_every_field(root);
      const XmlReader r(kSingleNamespace);
      applications_.push_back(read_application(host, r, root, "", Scheme::Y2025));
      reference_ = applications_.front().reference;
    } else if (local_name(root) == kBatchRoot && ns == kBatchNamespace) {
      check_every_field(root);
      const XmlReader r(kBatchNamespace);
      reference_ = r.text(root, "BatchId").value_or("");
      const auto nodes = r.children(root, "Application");
      if (nodes.empty()) throw InvalidDocument("the batch holds no Application");
      if (nodes.size() > kMaxApplications)
        throw InvalidDocument("too many applications: " + std::to_string(nodes.size()) + " (at most " +
                              std::to_string(kMaxApplications) + ")");
      applications_.reserve(nodes.size());
      for (size_t i = 0; i < nodes.size(); ++i)
        applications_.push_back(
            read_application(host, r, nodes[i], "application[" + std::to_string(i + 1) + "] ", Scheme::Pre2025));
    } else {
      throw InvalidDocument("root element is not SealRegistration{" + std::string(kSingleNamespace) +
                            "} or SealReRegistrationBatch{" + std::string(kBatchNamespace) + "}");
    }
    if (reference_.empty())
      missing_reference_ = true;
  }

  std::string_view document_ref() const override { return reference_; }

  void plan(uint32_t round, const ecid::sdk::Answers&, ecid::sdk::Planner& planner) override {
    if (round != 0) return;  // everything to look up is in the document
    for (Application& a : applications_) plan_application(a, planner);
  }

  void assess(const ecid::sdk::Answers& answers, ecid::sdk::Reporter& out) override {
    if (missing_reference_)
      out.add(ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, "document", 0, {},
              applications_.size() == 1 && applications_.front().prefix.empty() ? "the application has no ApplicationId"
                                                                                 : "the batch has no BatchId");
    for (const Application& a : applications_) assess_application(a, answers, out);
  }

 private:
  std::string reference_;
  bool missing_reference_ = false;
  std::vector<Application> applications_;
};

class SealsAdapter final : public ecid::sdk::Adapter {
 public:
  using ecid::sdk::Adapter::Adapter;
  std::unique_ptr<ecid::sdk::Session> open(std::string_view document) override {
    return std::make_unique<SealsSession>(host(), document);
  }
};

}  // namespace

ECID_ADAPTER(SealsAdapter, "seals", "1.0.0", ECID_DOCUMENT_TYPE("SealRegistration", "urn:ecid:seals:registration:1"),
             ECID_DOCUMENT_TYPE("SealReRegistrationBatch", "urn:ecid:seals:reregistration:1"))
