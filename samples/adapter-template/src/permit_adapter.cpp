// Template adapter: checks the applicant of a permit application
// (PermitApplication, urn:ecid:template:permit:1) against the population register.
//
// An adapter is a pure function of data: open() parses and validates the document, plan() asks
// the host for register look-ups, assess() turns the answers into findings. It never does I/O
// and never logs personal data. Copy this file, rename the types, keep the shape.
#include <ecid/adapter.hpp>
#include <ecid/sdk_text.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

namespace {

using ecid::sdk::InvalidDocument;
using ecid::sdk::is_valid_utf8;  // sdk_text.hpp: small text helpers every adapter needs
using ecid::sdk::trim;

constexpr std::string_view kPurpose = "template.permit";  // declared in the manifest
constexpr size_t kMaxDocumentBytes = 1u << 20;  // a permit application is a few KiB
constexpr size_t kMaxFieldBytes = 256;
constexpr uint32_t kWantedFields[] = {ECID_F_CURRENT_RESIDENCE};  // ⊆ manifest fields

std::string text_of(const pugi::xml_node& parent, const char* name) {
  std::string v(trim(parent.child(name).text().get()));
  if (v.size() > kMaxFieldBytes) throw InvalidDocument(std::string(name) + " is too long");
  return v;
}

class PermitSession final : public ecid::sdk::Session {
 public:
  PermitSession(const ecid::sdk::Host& host, std::string_view bytes) {
    if (bytes.size() > kMaxDocumentBytes) throw InvalidDocument("document larger than 1 MiB");
    if (!is_valid_utf8(bytes)) throw InvalidDocument("document is not UTF-8");
    pugi::xml_document doc;
    // No DOCTYPE handling (parse_default has none), so no entity expansion attacks.
    const pugi::xml_parse_result parsed = doc.load_buffer(bytes.data(), bytes.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed) throw InvalidDocument(std::string("not well-formed XML: ") + parsed.description());
    const pugi::xml_node root = doc.document_element();
    if (std::string_view(root.name()) != "PermitApplication" ||
        std::string_view(root.attribute("xmlns").value()) != "urn:ecid:template:permit:1")
      throw InvalidDocument("root element is not PermitApplication{urn:ecid:template:permit:1}");
    const pugi::xml_node applicant = root.child("Applicant");
    if (!applicant) throw InvalidDocument("no Applicant element");
    reference_ = text_of(root, "Reference");
    personal_id_ = text_of(applicant, "PersonalId");
    full_name_ = text_of(applicant, "FullName");
    birth_date_ = text_of(applicant, "BirthDate");
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
    asked_ = true;
  }

  void assess(const ecid::sdk::Answers& answers, ecid::sdk::Reporter& report) override {
    if (!id_problem_.empty()) {
      report.add(ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, "applicant", ECID_F_PERSONAL_ID, {},
                 "personal ID unusable: " + id_problem_);
      return;
    }
    const auto answer = asked_ ? answers.find(query_id_) : std::nullopt;
    if (!answer) {
      report.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, "applicant", 0, {}, "no answer");
      return;
    }
    switch (answer->status()) {
      case ECID_ANSWER_FOUND: break;
      case ECID_ANSWER_NOT_FOUND:
        report.add(ECID_FINDING_ID_NOT_FOUND, ECID_SEVERITY_ATTENTION, "applicant", ECID_F_PERSONAL_ID);
        return;
      case ECID_ANSWER_INVALID_KEY:
        report.add(ECID_FINDING_ID_STRUCTURE_INCONSISTENT, ECID_SEVERITY_ATTENTION, "applicant", ECID_F_PERSONAL_ID,
                   {}, std::string(answer->detail()));
        return;
      case ECID_ANSWER_REFUSED:
        report.add(ECID_FINDING_REFUSED_BY_POLICY, ECID_SEVERITY_ERROR, "applicant", 0, {}, std::string(answer->detail()));
        return;
      default:  // UNAVAILABLE, BAD_ANSWER, anything newer: the check could not be done
        report.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, "applicant", 0, {},
                   std::string(answer->detail()));
        return;
    }
    if (answer->record_count() == 0) {
      report.add(ECID_FINDING_ID_NOT_FOUND, ECID_SEVERITY_ATTENTION, "applicant", ECID_F_PERSONAL_ID);
      return;
    }
    const ecid::sdk::Record record = answer->record();
    bool all_match = true;
    for (const ecid_field_check& check : record.checks()) {
      if (check.outcome == ECID_CHECK_MISMATCH) {
        all_match = false;
        report.add(ECID_FINDING_MISMATCH, ECID_SEVERITY_ATTENTION, "applicant", check.field, {},
                   std::string(ecid::sdk::view(check.reason)));
      } else if (check.outcome == ECID_CHECK_NEEDS_REVIEW) {
        all_match = false;
        report.add(ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, "applicant", check.field, {},
                   std::string(ecid::sdk::view(check.reason)));
      }
    }
    if (all_match)
      report.add(ECID_FINDING_VERIFIED, ECID_SEVERITY_OK, "applicant", ECID_F_CURRENT_RESIDENCE,
                 record.value_or_empty(ECID_F_CURRENT_RESIDENCE), "applicant verified; current residence disclosed");
  }

 private:
  std::string reference_, personal_id_, full_name_, birth_date_, id_problem_;
  uint32_t query_id_ = 0;
  bool asked_ = false;
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
