#include "adapter/service_calls.hpp"

#include "adapter/validation.hpp"

#include <ecid/date.hpp>
#include <ecid/personal_id.hpp>

namespace ecid::adapter {

int32_t decode_personal_id_call(ecid_str id, int current_year, ecid_personal_id_info* out) noexcept {
  if (!out || out->struct_size < sizeof(ecid_personal_id_info)) return ECID_E_ARGUMENT;
  const PersonalIdInfo info = decode_personal_id(view(id), current_year);
  out->valid = info.valid ? 1 : 0;
  out->province_code = static_cast<uint32_t>(info.province_code);
  out->sex = static_cast<uint32_t>(info.sex);
  out->birth_year = info.birth_year;
  out->problem = ecid_str{info.problem.data(), info.problem.size()};
  return ECID_OK;
}

int32_t parse_date_call(ecid_str text, int current_year, ecid_date* out) noexcept {
  if (!out || out->struct_size < sizeof(ecid_date)) return ECID_E_ARGUMENT;
  try {
    const auto d = parse_date(view(text), current_year);
    if (!d) return ECID_E_INVALID_DOCUMENT;
    out->year = d->year;
    out->month = d->month;
    out->day = d->day;
    return ECID_OK;
  } catch (...) {
    return ECID_E_INTERNAL;
  }
}

}  // namespace ecid::adapter
