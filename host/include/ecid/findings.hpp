// Findings: what an adapter reported about a document, and the finding codes with their meaning
// and what the operator should do next (the one table behind the report, `ecid findings` and
// docs/findings.md).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ecid {

// One finding as the host keeps it (the driver copies it out of the adapter's ecid_finding).
struct Finding {
  uint32_t code = 0;      // ecid_finding_code
  uint32_t severity = 0;  // ecid_severity
  uint32_t field = 0;     // ecid_field, 0 if none
  std::string subject_ref;
  std::string value;
  std::string detail;
  uint32_t record = 0;  // the 1-based record of a batch document it is about; 0 = none
};

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
