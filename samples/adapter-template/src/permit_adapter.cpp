// Template adapter: checks the applicant of a permit application
// (PermitApplication, urn:ecid:template:permit:1) against the population register.
//
// An adapter is a pure function of data: open() parses and validates the document, plan() asks
// the host for register look-ups, assess() turns the answers into findings. It never does I/O
// and never logs personal data. Copy this file, rename the types, keep the shape. The SDK
// helpers it uses are listed in docs/writing-an-adapter.md ("The SDK helpers").
#include <ecid/adapter.hpp>
#include <ecid/sdk_answers.hpp>   // what an answer means: lookup_failure, person_not_found
#include <ecid/sdk_document.hpp>  // taking the document in: XmlDocument, XmlLimits
#include <ecid/sdk_person.hpp>    // what the register says of the claims: check_claims

#include <pugixml.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using ecid::sdk::InvalidDocument;

constexpr ecid::sdk::XmlRoot kPermit{"PermitApplication", "urn:ecid:template:permit:1"};  // as in ECID_ADAPTER
constexpr ecid::sdk::XmlLimits kLimits{.max_document_bytes = 1u << 20,  // a permit application is a few KiB
                                       .max_field_bytes = 256};
constexpr std::string_view kPurpose = "template.permit";  // declared in the manifest
constexpr uint32_t kClaimed[] = {ECID_F_FULL_NAME, ECID_F_BIRTH_DATE};
constexpr uint32_t kWantedFields[] = {ECID_F_CURRENT_RESIDENCE};  // ⊆ manifest fields

class PermitSession final : public ecid::sdk::Session {
 public:
  PermitSession(const ecid::sdk::Host& host, std::string_view bytes) {
    // Refuses, with a one-line reason: too large, a NUL byte, not UTF-8, not well-formed XML (no
    // DOCTYPE entities are expanded), another root element or namespace (any prefix is fine), a
    // field over kLimits.
    const ecid::sdk::XmlDocument xml(bytes, kLimits, {kPermit});
    const ecid::sdk::XmlReader r = xml.reader();  // our namespace; an element given twice is refused
    const auto applicant = r.child(xml.root(), "Applicant");
    if (!applicant) throw InvalidDocument("no Applicant element");
    reference_ = r.text(xml.root(), "Reference").value_or("");
    personal_id_ = r.text(*applicant, "PersonalId").value_or("");
    full_name_ = r.text(*applicant, "FullName").value_or("");
    birth_date_ = r.text(*applicant, "BirthDate").value_or("");
    // The ID rules live in the host: one place for the whole system.
    const ecid_personal_id_info info = host.decode_personal_id(personal_id_);
    id_problem_ = info.valid ? "" : std::string(ecid::sdk::view(info.problem));
    if (personal_id_.empty()) id_problem_ = "no personal ID given";
  }

  // Known once the document is read: the host puts it on every audit row of the document.
  std::string_view document_ref() const override { return reference_; }

  void plan(uint32_t round, const ecid::sdk::Answers&, ecid::sdk::Planner& planner) override {
    if (round > 0 || !id_problem_.empty()) return;  // one look-up, in round 0, for a usable ID
    std::vector<ecid::sdk::Claim> claims;
    if (!full_name_.empty()) claims.push_back({ECID_F_FULL_NAME, full_name_});
    if (!birth_date_.empty()) claims.push_back({ECID_F_BIRTH_DATE, birth_date_});
    query_id_ = planner.ask(ECID_Q_PERSON_BY_ID, "applicant", personal_id_, kPurpose, claims, kWantedFields);
  }

  void assess(const ecid::sdk::Answers& answers, ecid::sdk::Reporter& report) override {
    if (!id_problem_.empty()) {
      report.add(ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, "applicant", ECID_F_PERSONAL_ID, {},
                 "personal ID unusable: " + id_problem_);
      return;
    }
    const auto answer = query_id_ ? answers.find(*query_id_) : std::nullopt;
    // No answer, refused, register down, an unknown status: the check could not be done.
    if (auto f = ecid::sdk::lookup_failure(answer, "no answer")) return report.add("applicant", *f);
    // Nobody on the register has this ID, or the register says it cannot exist.
    if (auto f = ecid::sdk::person_not_found(*answer, ECID_F_PERSONAL_ID)) return report.add("applicant", *f);
    const ecid::sdk::Record record = answer->record();
    const ecid::sdk::ClaimChecks checks = ecid::sdk::check_claims(record, kClaimed);
    for (const ecid::sdk::Finding& f : checks.findings) report.add("applicant", f);  // MISMATCH, NEEDS_REVIEW, ...
    if (!checks.disagreement())
      report.add(ECID_FINDING_VERIFIED, ECID_SEVERITY_OK, "applicant", ECID_F_CURRENT_RESIDENCE,
                 record.value_or_empty(ECID_F_CURRENT_RESIDENCE), "applicant verified; current residence disclosed");
  }

 private:
  std::string reference_, personal_id_, full_name_, birth_date_, id_problem_;
  std::optional<uint32_t> query_id_;
};

// Shared by every thread: open() keeps no mutable state, so it is thread-safe as the contract asks.
class PermitAdapter final : public ecid::sdk::Adapter {
 public:
  using ecid::sdk::Adapter::Adapter;
  std::unique_ptr<ecid::sdk::Session> open(std::string_view document) override {
    return std::make_unique<PermitSession>(host(), document);
  }
};

}  // namespace

ECID_ADAPTER(PermitAdapter, "permit", "1.0.0",
             ECID_DOCUMENT_TYPE("PermitApplication", "urn:ecid:template:permit:1"))
