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
#include <ecid/sdk_answers.hpp>
#include <ecid/sdk_document.hpp>
#include <ecid/sdk_person.hpp>
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

using ecid::sdk::all_digits;
using ecid::sdk::Finding;
using ecid::sdk::InvalidDocument;
using ecid::sdk::quoted;
using ecid::sdk::trim;
using ecid::sdk::with_default;
using ecid::sdk::XmlReader;

constexpr ecid::sdk::XmlRoot kSingle{"SealRegistration", "urn:ecid:seals:registration:1"};
constexpr ecid::sdk::XmlRoot kBatch{"SealReRegistrationBatch", "urn:ecid:seals:reregistration:1"};
constexpr std::string_view kPurpose = "seals.registration";

// A person's identity token (Assertion) is longer than any other field: the verifier's bound.
constexpr ecid::sdk::XmlLimits kLimits{.max_document_bytes = 8u << 20,
                                       .max_field_bytes = 1024,
                                       .long_field = "Assertion",
                                       .max_long_field_bytes = 16 * 1024};
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
// A person named in an application: the legal representative or the person filing.

struct Signatory {
  std::string subject;
  ecid::sdk::Person person;
  std::string assertion;  // compact token, white space removed; empty when none was given
  std::optional<uint32_t> query, assertion_query;
};

Signatory read_signatory(const ecid::sdk::Host& host, const XmlReader& r, const pugi::xml_node& node,
                         std::string subject) {
  return {std::move(subject), ecid::sdk::read_person(host, r, node),
          ecid::sdk::without_spaces(r.text(node, "Assertion").value_or("")), {}, {}};
}

void plan_signatory(Signatory& p, ecid::sdk::Planner& planner) {
  if (p.person.personal_id.empty()) return;
  p.query = planner.ask(ECID_Q_PERSON_BY_ID, p.subject, p.person.personal_id, kPurpose, p.person.claims(), kPersonFields);
  if (!p.assertion.empty()) {
    const ecid::sdk::Claim bound[] = {{ECID_F_PERSONAL_ID, p.person.personal_id}, {ECID_F_EID_LEVEL, kFilerEidLevel}};
    p.assertion_query = planner.ask(ECID_Q_EID_ASSERTION, p.subject, p.assertion, kPurpose, bound, kAssertionFields);
  }
}

// A living citizen whose details match: the checks a court makes of a party.
void assess_signatory(const Signatory& p, const ecid::sdk::Answers& answers, ecid::sdk::Reporter& out) {
  for (const Finding& f : p.person.findings) out.add(p.subject, f);
  if (p.person.personal_id.empty()) {
    if (!p.person.id_unusable)
      out.add(ECID_FINDING_NO_ID_GIVEN, ECID_SEVERITY_ATTENTION, p.subject, 0, {},
              "no PersonalId given: the person's identity cannot be checked");
    return;
  }
  const auto answer = answers.find(*p.query);
  if (auto f = ecid::sdk::lookup_failure(answer, "the host returned no answer for this look-up")) return out.add(p.subject, *f);
  if (auto f = ecid::sdk::person_not_found(*answer, ECID_F_PERSONAL_ID)) return out.add(p.subject, *f);
  if (answer->record_count() > 1) {
    out.add(ECID_FINDING_AMBIGUOUS, ECID_SEVERITY_ATTENTION, p.subject, ECID_F_PERSONAL_ID, {},
            "the register holds several people for this ID");
    return;
  }
  const ecid::sdk::Record record = answer->record(0);
  const ecid::sdk::ClaimChecks checks = ecid::sdk::check_claims(record, p.person.claimed_fields());
  for (const Finding& f : checks.findings) out.add(p.subject, f);
  const std::string_view died = trim(record.value_or_empty(ECID_F_DEATH_DATE));
  if (!died.empty())
    out.add(ECID_FINDING_DECEASED, ECID_SEVERITY_ATTENTION, p.subject, ECID_F_DEATH_DATE, died,
            "the register records this person as deceased: they cannot act for the organisation");
  // What the document itself showed (all of it needs attention) also stands in the way.
  if (!checks.disagreement() && p.person.findings.empty())
    out.add(ECID_FINDING_VERIFIED, ECID_SEVERITY_OK, p.subject, 0, {}, "personal ID found on the register" + checks.agreed());
}

// The eID verifier's answer (docs/eid.md) and the register's cross-check of the token.
void assess_assertion(const Signatory& p, const ecid::sdk::Answers& answers, ecid::sdk::Reporter& out) {
  if (!p.assertion_query) return;
  out.add(p.subject, ecid::sdk::judge_assertion(answers.find(*p.assertion_query),
                                                "the host returned no answer for the identity assertion",
                                                kFilerEidLevel, "an online filing"));
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
  Signatory representative, filer;
  std::vector<Finding> organisation_notes, filer_notes;
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
                                           std::vector<Finding>& notes) {
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
  a.representative = read_signatory(host, r, *representative, a.subject("representative"));
  const auto filer = r.child(node, "Filer");
  if (!filer) throw InvalidDocument(a.subject("") + "no Filer");
  a.filer = read_signatory(host, r, *filer, a.subject("filer"));
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
    const ecid::sdk::Person& representative = a.representative.person;
    if (!representative.personal_id.empty()) claims.push_back({ECID_F_ORG_REPRESENTATIVE_ID, representative.personal_id});
    if (!representative.full_name.empty()) claims.push_back({ECID_F_ORG_REPRESENTATIVE_NAME, representative.full_name});
    a.organisation_query = planner.ask(ECID_Q_ORGANISATION_BY_CODE, a.subject("organisation"), a.organisation_code,
                                       kPurpose, claims, kOrganisationFields);
  }
  plan_signatory(a.representative, planner);
  plan_signatory(a.filer, planner);
}

void assess_organisation(const Application& a, const ecid::sdk::Answers& answers, ecid::sdk::Reporter& out) {
  const std::string subject = a.subject("organisation");
  bool attention = false;
  for (const Finding& n : a.organisation_notes) {
    out.add(subject, n);
    attention = attention || n.severity != ECID_SEVERITY_OK;
  }
  if (!a.organisation_query) return;
  const auto answer = answers.find(*a.organisation_query);
  if (auto f = ecid::sdk::lookup_failure(answer, "the host returned no answer for this look-up")) return out.add(subject, *f);
  if (answer->status() == ECID_ANSWER_NOT_FOUND)
    return out.add(ECID_FINDING_ORGANISATION_NOT_FOUND, ECID_SEVERITY_ATTENTION, subject, ECID_F_ORG_CODE,
                   quoted(a.organisation_code, 32), "no organisation with this code in the organisation register");
  if (answer->status() == ECID_ANSWER_INVALID_KEY)
    return out.add(ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, subject, ECID_F_ORG_CODE,
                   quoted(a.organisation_code, 32), with_default(answer->detail(), "the organisation code cannot exist"));
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
  assess_signatory(a.representative, answers, out);
  for (const Finding& n : a.filer_notes) out.add(a.filer.subject, n);
  assess_signatory(a.filer, answers, out);
  assess_assertion(a.filer, answers, out);
}

// ---------------------------------------------------------------------------------------------

class SealsSession final : public ecid::sdk::Session {
 public:
  SealsSession(const ecid::sdk::Host& host, std::string_view document) {
    const ecid::sdk::XmlDocument xml(document, kLimits, {kSingle, kBatch});
    const XmlReader r = xml.reader();
    const pugi::xml_node root = xml.root();
    if (xml.type().name == kSingle.name) {
      applications_.push_back(read_application(host, r, root, "", Scheme::Y2025));
      reference_ = applications_.front().reference;
    } else {
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
