#include "adapter/validation.hpp"

#include <ecid/findings.hpp>

namespace ecid {

std::string query_problem(const ecid_query& q) {
  if (q.struct_size < kQuerySize1_0) return "query struct too small";
  // Identity assertions are signed tokens: they may be 16 KiB.
  const size_t max_key = q.kind == ECID_Q_EID_ASSERTION ? 16 * 1024 : 4096;
  if (view(q.key).size() > max_key) return "key longer than " + std::to_string(max_key) + " bytes";
  if (q.claim_count > 64 || (q.claim_count && !q.claims) || q.field_count > 128 || (q.field_count && !q.fields))
    return "too many claims or fields, or NULL arrays";
  for (uint32_t i = 0; i < q.claim_count; ++i)
    if (view(q.claims[i].value).size() > kMaxAdapterTextBytes) return "claim value too long";
  for (uint32_t i = 0; i < q.field_count; ++i)
    if (q.fields[i] >= 128) return "unknown field id " + std::to_string(q.fields[i]);
  return {};
}

std::string finding_problem(const ecid_finding& f) {
  if (f.struct_size < kFindingSize1_0) return "finding struct too small";
  if (!finding_info(f.code)) return "unknown finding code " + std::to_string(f.code);
  if (f.severity > ECID_SEVERITY_ERROR) return "invalid severity " + std::to_string(f.severity);
  if (view(f.value).size() > kMaxAdapterTextBytes || view(f.detail).size() > kMaxAdapterTextBytes ||
      view(f.subject_ref).size() > kMaxSubjectRefBytes)
    return "finding text too long";
  return {};
}

std::string adapter_result_name(int32_t rc) {
  switch (rc) {
    case ECID_E_INVALID_DOCUMENT: return "invalid document";
    case ECID_E_UNSUPPORTED: return "unsupported";
    case ECID_E_INTERNAL: return "internal adapter error";
    case ECID_E_NO_MEMORY: return "out of memory";
    case ECID_E_HOST: return "host service failed";
    case ECID_E_LIMIT: return "limit exceeded";
    case ECID_E_ARGUMENT: return "bad argument";
    default: return "code " + std::to_string(rc);
  }
}

}  // namespace ecid
