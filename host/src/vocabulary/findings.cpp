#include <ecid/contract.h>
#include <ecid/findings.hpp>

namespace ecid {
namespace {

// In the style of the Aadhaar authentication error table: code, meaning, next step.
constexpr FindingInfo kFindings[] = {
    {ECID_FINDING_VERIFIED, "VERIFIED", "The person's details agree with the population register.", "None."},
    {ECID_FINDING_MISMATCH, "MISMATCH", "A field in the document differs from the register; the finding names the field.",
     "Ask the party to confirm the field; correct the document or have the citizen correct the register."},
    {ECID_FINDING_ID_NOT_FOUND, "ID_NOT_FOUND", "No citizen with this personal ID number is in the register.",
     "Check the number against the party's card; a typing error is the usual cause."},
    {ECID_FINDING_ID_STRUCTURE_INCONSISTENT, "ID_STRUCTURE_INCONSISTENT",
     "The ID number's sex/century or birth-year digits disagree with the record (document or register).",
     "Refer the citizen to the police to have the ID number re-established (Circular 59/2021 Art. 6)."},
    {ECID_FINDING_DECEASED, "DECEASED", "The register records a date of death.",
     "Do not serve or process as a living party; follow the procedure for a deceased party (succession)."},
    {ECID_FINDING_LEGACY_ID_RESOLVED, "LEGACY_ID_RESOLVED",
     "The legacy 9-digit ID was resolved to the personal ID number shown.", "Record the personal ID number in the case file."},
    {ECID_FINDING_ADDRESS_FOR_SERVICE, "ADDRESS_FOR_SERVICE",
     "Address to serve documents at: current residence, else temporary, else permanent (the detail says which).",
     "Serve at this address; if none is registered, serve by public posting (CPC Art. 179)."},
    {ECID_FINDING_NEEDS_REVIEW, "NEEDS_REVIEW", "The details agree only loosely (e.g. without diacritics); not a match.",
     "Compare with the party's card by hand."},
    {ECID_FINDING_REGISTER_UNAVAILABLE, "REGISTER_UNAVAILABLE",
     "The register could not answer (down, timed out, bad answer). Nothing was concluded.", "Run the check again later."},
    {ECID_FINDING_REFUSED_BY_POLICY, "REFUSED_BY_POLICY",
     "The query was refused before any I/O: its purpose or fields are not permitted for this adapter.",
     "Ask the administrator whether the purpose should be granted in config/ecid.yaml."},
    {ECID_FINDING_INVALID_INPUT, "INVALID_INPUT", "The document's own data is unusable (e.g. impossible ID number).",
     "Correct the document."},
    {ECID_FINDING_NO_ID_GIVEN, "NO_ID_GIVEN", "The document gives no ID number for this person.",
     "Obtain the personal ID number from the party."},
    {ECID_FINDING_AMBIGUOUS, "AMBIGUOUS", "Several register records fit the person's details.",
     "Obtain the personal ID number; do not pick a candidate."},
    {ECID_FINDING_PROPOSED_ID, "PROPOSED_ID", "One register record fits; its ID is proposed but not verified.",
     "Confirm with the person before recording the proposed ID."},
    {ECID_FINDING_DUPLICATE, "DUPLICATE", "The same personal ID appears on several records.",
     "Merge or correct the duplicate records."},
    {ECID_FINDING_IDENTITY_VERIFIED, "IDENTITY_VERIFIED", "The electronic identity assertion proves the party at the level shown.",
     "None."},
    {ECID_FINDING_IDENTITY_REJECTED, "IDENTITY_REJECTED", "The electronic identity assertion was rejected; the detail gives the one reason.",
     "Ask the filer to sign in again with VNeID at the required level; run `ecid eid verify` to diagnose."},
    {ECID_FINDING_NOTICE_ROUTE, "NOTICE_ROUTE", "Where to send the violation notice (commune and province).",
     "Send the notice to the police of that commune."},
    {ECID_FINDING_PLATE_UNKNOWN, "PLATE_UNKNOWN", "No vehicle is registered under this plate.",
     "Check the camera reading of the plate."},
    {ECID_FINDING_PLATE_NOT_ACTIVE, "PLATE_NOT_ACTIVE", "The plate was held or revoked at the time of the event.",
     "Investigate a false or transferred plate."},
    {ECID_FINDING_ORGANISATION_OWNER, "ORGANISATION_OWNER", "The vehicle belongs to an organisation.",
     "Send the notice to the organisation's head office."},
    {ECID_FINDING_ORGANISATION_NOT_ACTIVE, "ORGANISATION_NOT_ACTIVE", "The organisation is not active in its register.",
     "Refuse the application until the organisation's status is resolved."},
    {ECID_FINDING_REPRESENTATIVE_MISMATCH, "REPRESENTATIVE_MISMATCH",
     "The legal representative in the document is not the one in the organisation register.",
     "Ask for the current establishment decision or appointment."},
    {ECID_FINDING_UNDER_AGE, "UNDER_AGE", "The person is below the minimum age for this procedure.", "Refuse the application."},
    {ECID_FINDING_HELD_PLATE_AVAILABLE, "HELD_PLATE_AVAILABLE",
     "The applicant holds a revoked plate of the same kind that should be re-attached.", "Re-attach the held plate."},
    {ECID_FINDING_ORGANISATION_NOT_FOUND, "ORGANISATION_NOT_FOUND", "No organisation with this code is registered.",
     "Check the organisation code."},
};

}  // namespace

std::span<const FindingInfo> all_findings() { return kFindings; }

const FindingInfo* finding_info(uint32_t code) {
  for (const auto& f : kFindings)
    if (f.code == code) return &f;
  return nullptr;
}

std::string_view finding_name(uint32_t code) {
  const FindingInfo* f = finding_info(code);
  return f ? f->name : std::string_view("UNKNOWN");
}

std::string_view severity_name(uint32_t severity) {
  switch (severity) {
    case ECID_SEVERITY_OK: return "ok";
    case ECID_SEVERITY_ATTENTION: return "attention";
    case ECID_SEVERITY_ERROR: return "error";
    default: return "unknown";
  }
}

}  // namespace ecid
