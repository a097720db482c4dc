// Finding codes with their meaning and what the operator should do next: the one table
// behind the report, `ecid findings` and docs/findings.md.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace ecid {

struct FindingInfo {
  uint32_t code;                // ecid_finding_code
  std::string_view name;        // "ID_NOT_FOUND"
  std::string_view meaning;
  std::string_view next_step;   // what the operator should do next
};

std::span<const FindingInfo> all_findings();
const FindingInfo* finding_info(uint32_t code);  // nullptr for unknown codes
std::string_view finding_name(uint32_t code);    // "UNKNOWN" for unknown codes
std::string_view severity_name(uint32_t severity);

}  // namespace ecid
