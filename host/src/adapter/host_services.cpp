// The function table adapters call back into. Every entry is thread-safe and exception-free.
#include "adapter/service_calls.hpp"

#include <ecid/loader.hpp>
#include <ecid/log.hpp>

#include <ctime>
#include <string_view>

namespace ecid {
namespace {

std::string_view sv(ecid_str s) { return s.ptr ? std::string_view(s.ptr, s.len) : std::string_view(); }

void host_log(void*, uint32_t level, ecid_str message) noexcept {
  try {
    log::Level l = level >= ECID_LOG_ERROR  ? log::Level::Error
                   : level == ECID_LOG_WARN ? log::Level::Warn
                   : level == ECID_LOG_INFO ? log::Level::Info
                                            : log::Level::Debug;
    // Adapter text goes through the host's redaction like every other line.
    log::write(l, std::string("adapter: ") + std::string(sv(message).substr(0, 2000)));
  } catch (...) {
  }
}

int32_t host_decode_personal_id(void*, ecid_str id, ecid_personal_id_info* out) noexcept {
  return adapter::decode_personal_id_call(id, 0, out);
}

int32_t host_parse_date(void*, ecid_str text, ecid_date* out) noexcept { return adapter::parse_date_call(text, 0, out); }

int64_t host_now(void*) noexcept { return static_cast<int64_t>(std::time(nullptr)); }

const ecid_host_services kServices = {
    sizeof(ecid_host_services), ECID_ABI_MAJOR, ECID_ABI_MINOR, nullptr,
    &host_log, &host_decode_personal_id, &host_parse_date, &host_now,
};

}  // namespace

const ecid_host_services* host_services() { return &kServices; }

}  // namespace ecid
