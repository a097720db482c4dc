// Compares what a document claims with what the register holds. A decision is exact on
// normalised values; a loose agreement (diacritics stripped) is at most NEEDS_REVIEW.
#pragma once

#include <ecid/register.hpp>

#include <span>
#include <string>
#include <vector>

namespace ecid {

struct FieldCheck {
  uint32_t field = 0;    // ecid_field
  uint32_t outcome = 0;  // ecid_check_outcome
  std::string reason;    // short, no personal data
};

// One check per claim, plus (when `check_id_structure`) a check on ECID_F_PERSONAL_ID saying
// whether the ID number's digits agree with the record's sex and birth year.
std::vector<FieldCheck> check_claims(std::span<const Claim> claims, const RegisterRecord& record,
                                     bool check_id_structure);

// Register fields check_claims() needs to read.
FieldSet fields_needed_for_checks(std::span<const Claim> claims, bool check_id_structure);

// 'M', 'F', or 0 when the text is not a sex value we know (M/F, Nam/Nữ, male/female).
char normalise_sex(std::string_view text);

}  // namespace ecid
