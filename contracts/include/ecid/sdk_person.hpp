// ecid adapter SDK: a person a sector document names, looked up by personal ID. Header-only on
// pugixml (read_person reads XML), which the adapter links itself.
//
//   ecid::sdk::Person p = ecid::sdk::read_person(host, reader, applicant_node);
//   plan:   planner.ask(ECID_Q_PERSON_BY_ID, "applicant", p.personal_id, purpose, p.claims(), fields);
//   assess: const ecid::sdk::ClaimChecks checks = ecid::sdk::check_claims(record, p.claimed_fields());
//           for (const auto& f : checks.findings) out.add("applicant", f);
//
// Includes adapter.hpp: an adapter that sets ECID_ADAPTER_ABI_MINOR defines it first.
#ifndef ECID_SDK_PERSON_HPP
#define ECID_SDK_PERSON_HPP

#include <ecid/adapter.hpp>
#include <ecid/sdk_answers.hpp>
#include <ecid/sdk_text.hpp>
#include <ecid/sdk_xml.hpp>

#include <pugixml.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ecid::sdk {

// Where the ID's own digits contradict the sex or birth year that `who` ("document", "record")
// gives: "document: sex digit says F, document says M; birth-year digits say …". Empty when they
// agree (or nothing was given to compare).
inline std::string id_digits_disagreement(const ecid_personal_id_info& id, std::string_view sex,
                                          std::optional<int> birth_year, std::string_view who) {
  std::string out;
  auto add = [&](const std::string& what) { out += out.empty() ? cat(who, ": ", what) : cat("; ", what); };
  if (!sex.empty() && static_cast<uint32_t>(sex[0]) != id.sex)
    add(cat("sex digit says ", std::string(1, static_cast<char>(id.sex)), ", ", who, " says ", sex));
  if (birth_year && *birth_year != id.birth_year)
    add(cat("birth-year digits say ", std::to_string(id.birth_year), ", ", who, " says ", std::to_string(*birth_year)));
  return out;
}

// A person as a document gives them: the elements FullName, BirthDate, Sex and PersonalId of the
// reader's namespace, read with the host's rules. What the document alone shows is a finding.
struct Person {
  std::string full_name;
  std::string birth_date;   // as written, when the host reads it as a date
  std::string sex;          // "M", "F" or empty
  std::string personal_id;  // the digits, spaces removed, when no structure rule refutes them
  bool id_unusable = false;             // a PersonalId was given, but no such ID can exist
  bool structure_inconsistent = false;  // its digits contradict the sex or birth year given
  std::vector<Finding> findings;        // INVALID_INPUT and ID_STRUCTURE_INCONSISTENT, in that order

  // The claims of a person look-up: name, birth date and sex as given. Views into this person.
  std::vector<Claim> claims() const {
    std::vector<Claim> out;
    if (!full_name.empty()) out.push_back({ECID_F_FULL_NAME, full_name});
    if (!birth_date.empty()) out.push_back({ECID_F_BIRTH_DATE, birth_date});
    if (!sex.empty()) out.push_back({ECID_F_SEX, sex});
    return out;
  }
  std::vector<uint32_t> claimed_fields() const {
    std::vector<uint32_t> out;
    for (const Claim& c : claims()) out.push_back(c.field);
    return out;
  }
};

inline Person read_person(const Host& host, const XmlReader& r, const pugi::xml_node& node) {
  Person p;
  p.full_name = r.text(node, "FullName").value_or("");
  std::optional<int> birth_year;
  if (auto birth = r.text(node, "BirthDate")) {
    if (auto d = host.parse_date(*birth)) {
      p.birth_date = std::move(*birth);
      birth_year = d->year;
    } else {
      p.findings.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, ECID_F_BIRTH_DATE, "",
                            "BirthDate is not a date in any known format; not compared"});
    }
  }
  if (auto sex = r.text(node, "Sex")) {
    if (auto s = parse_sex(*sex)) p.sex = std::string(1, *s);
    else
      p.findings.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, ECID_F_SEX, "",
                            "Sex is not M, F, Nam or N\xE1\xBB\xAF; not compared"});
  }
  const auto id = r.text(node, "PersonalId");
  if (!id) return p;
  std::string digits = without_spaces(*id);
  const ecid_personal_id_info info = host.decode_personal_id(digits);
  if (!info.valid) {
    p.id_unusable = true;
    p.findings.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, ECID_F_PERSONAL_ID, "",
                          cat("personal ID number is not valid: ", with_default(view(info.problem), "bad structure"))});
    return p;
  }
  p.personal_id = std::move(digits);
  if (std::string detail = id_digits_disagreement(info, p.sex, birth_year, "document"); !detail.empty()) {
    p.structure_inconsistent = true;
    p.findings.push_back({ECID_FINDING_ID_STRUCTURE_INCONSISTENT, ECID_SEVERITY_ATTENTION, ECID_F_PERSONAL_ID, "",
                          std::move(detail)});
  }
  return p;
}

// What the register's checks of a person's claims say, for the fields `claimed`.
struct ClaimChecks {
  // The register's record contradicts the ID's digits (ID_STRUCTURE_INCONSISTENT), then each
  // claim that disagrees (MISMATCH) or agrees only loosely (NEEDS_REVIEW), on its field.
  std::vector<Finding> findings;
  std::vector<std::string_view> agree, no_value, not_compared;  // field labels, in claim order
  bool birth_year_only = false;  // the birth date agrees on the year only

  bool disagreement() const { return !findings.empty(); }
  // "; full name and sex agree", for a VERIFIED detail; empty when nothing agreed.
  std::string agreed() const {
    return agree.empty() ? std::string() : cat("; ", join_and(agree), agree.size() == 1 ? " agrees" : " agree");
  }
};

inline ClaimChecks check_claims(const Record& record, std::span<const uint32_t> claimed) {
  ClaimChecks c;
  if (record.check(ECID_F_PERSONAL_ID) == ECID_CHECK_MISMATCH) {
    // Says which side disagrees with the ID's digits; the host's reason may already say so.
    std::string reason(with_default(record.check_reason(ECID_F_PERSONAL_ID), "the ID's digits disagree with the record"));
    if (reason.rfind("register", 0) != 0) reason = cat("register: ", reason);
    c.findings.push_back({ECID_FINDING_ID_STRUCTURE_INCONSISTENT, ECID_SEVERITY_ATTENTION, ECID_F_PERSONAL_ID, "",
                          std::move(reason)});
  }
  for (uint32_t field : claimed) {
    const uint32_t outcome = record.check(field);
    const std::string_view reason = record.check_reason(field);
    switch (outcome) {
      case ECID_CHECK_MATCH:
        c.agree.push_back(field_label(field));
        break;
      case ECID_CHECK_MATCH_PARTIAL:
        c.agree.push_back(field_label(field));
        if (field == ECID_F_BIRTH_DATE) c.birth_year_only = true;
        break;
      case ECID_CHECK_MISMATCH:
        c.findings.push_back({ECID_FINDING_MISMATCH, ECID_SEVERITY_ATTENTION, field, "",
                              std::string(with_default(reason, "differs from the register"))});
        break;
      case ECID_CHECK_NEEDS_REVIEW:
        c.findings.push_back({ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, field, "",
                              std::string(with_default(reason, "agrees with the register only loosely"))});
        break;
      case ECID_CHECK_NO_VALUE:
        c.no_value.push_back(field_label(field));
        break;
      case 0:  // claimed, but the host did not compare it
        c.not_compared.push_back(field_label(field));
        break;
      default:
        c.findings.push_back({ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, field, "",
                              cat("unknown check outcome ", std::to_string(outcome))});
        break;
    }
  }
  return c;
}

}  // namespace ecid::sdk

#endif  // ECID_SDK_PERSON_HPP
