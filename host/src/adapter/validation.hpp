// What an adapter hands the host through the plan and report sinks, judged by the driver
// (adapter/driver.cpp) for every caller: adapters are untrusted code.
#pragma once

#include <ecid/contract.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ecid {

inline constexpr size_t kMaxAdapterTextBytes = 64 * 1024;  // a claim value, a finding's value or detail
inline constexpr size_t kMaxSubjectRefBytes = 256;
inline constexpr size_t kMaxPurposeBytes = 256;

inline std::string_view view(ecid_str s) { return s.ptr ? std::string_view(s.ptr, s.len) : std::string_view(); }

// The sizes of the structs an adapter hands over as ABI 1.0 defined them: anything smaller is
// malformed; members appended later are read only when struct_size covers them.
inline constexpr size_t kQuerySize1_0 = offsetof(ecid_query, record);
inline constexpr size_t kFindingSize1_0 = offsetof(ecid_finding, record);
// A member appended after 1.0, or `fallback` when the sender's struct predates it.
template <typename Struct, typename Member>
Member appended_member(const Struct& s, Member Struct::*member, size_t offset, Member fallback) {
  return s.struct_size >= offset + sizeof(Member) ? s.*member : fallback;
}

// Empty when the host can take the query as it is; otherwise why it is malformed (the host then
// refuses it without I/O). Keys are never cut: an over-long key is malformed.
std::string query_problem(const ecid_query& q);

// Empty when the finding is acceptable; otherwise why not (the document then fails).
std::string finding_problem(const ecid_finding& f);

// "invalid document", "out of memory", …: an adapter's return code in an error message.
std::string adapter_result_name(int32_t rc);

inline constexpr size_t kMaxDocumentRefBytes = 256;

// Why a document or XML batch with a DOCTYPE is refused before any adapter sees it (engine and
// collation alike): entities are never expanded, so "&xxe;" would be compared as a name.
inline constexpr std::string_view kDoctypeRefused =
    "invalid document: it has a DOCTYPE (entity or external declarations); sector documents must not have one";
inline constexpr size_t kMaxAdapterErrorBytes = 1000;

}  // namespace ecid
