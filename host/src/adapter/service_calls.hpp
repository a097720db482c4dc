// The personal-ID and date services in the contract's C form, for a given current year (0 = this
// year): the production table (adapter/host_services.cpp) and the test harness's fixed-clock table
// (host/testing) answer adapters the same way.
#pragma once

#include <ecid/contract.h>

#include <cstdint>

namespace ecid::adapter {

int32_t decode_personal_id_call(ecid_str id, int current_year, ecid_personal_id_info* out) noexcept;
int32_t parse_date_call(ecid_str text, int current_year, ecid_date* out) noexcept;

}  // namespace ecid::adapter
