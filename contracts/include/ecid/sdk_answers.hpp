// ecid adapter SDK: what the host's answers mean, as findings: register look-ups and identity
// assertions (the eID verdict convention lives here, in identity_verdict). Header-only.
//
//   const auto answer = answers.find(query);
//   if (auto f = ecid::sdk::lookup_failure(answer, "the host returned no answer for this look-up"))
//     return out.add(subject, *f);               // not answered, refused, register down, ...
//   if (auto f = ecid::sdk::person_not_found(*answer, ECID_F_PERSONAL_ID)) return out.add(subject, *f);
//   ... read answer->record(0) ...
//
// Statuses are untrusted input: one the SDK does not know means the check was not done.
// Includes adapter.hpp: an adapter that sets ECID_ADAPTER_ABI_MINOR defines it first.
#ifndef ECID_SDK_ANSWERS_HPP
#define ECID_SDK_ANSWERS_HPP

#include <ecid/adapter.hpp>
#include <ecid/sdk_text.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace ecid::sdk {

// How a finding's detail names a register field about a person.
inline std::string_view field_label(uint32_t field) {
  switch (field) {
    case ECID_F_FULL_NAME: return "full name";
    case ECID_F_BIRTH_DATE: return "birth date";
    case ECID_F_SEX: return "sex";
    case ECID_F_PERSONAL_ID: return "personal ID";
    case ECID_F_BIRTH_REGISTRATION_PLACE: return "birth registration place";
    default: return "field";
  }
}

// The finding that ends a register look-up before a record is read: no answer (`no_answer` is
// its detail), FOUND without a record, refused by policy, register unavailable or answering
// badly, an unknown status. nullopt when the caller goes on: FOUND with a record, or NOT_FOUND
// and INVALID_KEY, whose meaning depends on what was looked up (person_not_found for a person).
inline std::optional<Finding> lookup_failure(const std::optional<Answer>& answer, std::string_view no_answer) {
  if (!answer) return Finding{ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, {}, std::string(no_answer)};
  switch (answer->status()) {
    case ECID_ANSWER_FOUND:
      if (answer->record_count() > 0) return std::nullopt;
      return Finding{ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, {},
                     "the register answered 'found' without a record"};
    case ECID_ANSWER_NOT_FOUND:
    case ECID_ANSWER_INVALID_KEY:
      return std::nullopt;
    case ECID_ANSWER_REFUSED:
      return Finding{ECID_FINDING_REFUSED_BY_POLICY, ECID_SEVERITY_ERROR, 0, {},
                     std::string(with_default(answer->detail(), "refused by policy"))};
    case ECID_ANSWER_UNAVAILABLE:
    case ECID_ANSWER_BAD_ANSWER:
      return Finding{ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, {},
                     std::string(with_default(answer->detail(), "the register could not answer"))};
    default:
      return Finding{ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, {},
                     cat("unexpected answer status ", std::to_string(answer->status()))};
  }
}

// NOT_FOUND or INVALID_KEY of a person look-up by personal ID or by legacy ID (`id_field`:
// ECID_F_PERSONAL_ID or ECID_F_LEGACY_ID), as the finding on that ID; nullopt otherwise.
inline std::optional<Finding> person_not_found(const Answer& answer, uint32_t id_field) {
  if (answer.status() == ECID_ANSWER_NOT_FOUND)
    return Finding{ECID_FINDING_ID_NOT_FOUND, ECID_SEVERITY_ATTENTION, id_field, {},
                   id_field == ECID_F_LEGACY_ID ? "no person with this legacy ID on the register"
                                                : "no person with this personal ID on the register"};
  if (answer.status() == ECID_ANSWER_INVALID_KEY)
    return Finding{ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, id_field, {},
                   std::string(with_default(answer.detail(), "the register says this ID cannot exist"))};
  return std::nullopt;
}

// The eID verifier's verdict on an identity assertion (docs/eid.md).
struct IdentityVerdict {
  std::string_view code;    // snake_case ("expired", "bad_signature", ...); "rejected" when the host names none
  std::string_view reason;  // the host's one-line explanation as it gave it; may be empty
};

// The snake_case name of an ecid_answer_reason for an identity assertion (contract 1.3); empty
// for a code this SDK does not know. The host's verdict codes are these names.
inline std::string_view eid_reason_name(uint32_t reason) {
  static constexpr std::string_view kNames[] = {
      "",          "verified",      "level_too_low",     "expired",         "not_yet_valid",
      "too_old",   "wrong_issuer",  "wrong_audience",    "missing_azp",     "wrong_azp",
      "bad_nonce", "signature_invalid", "algorithm_not_allowed", "unknown_key", "malformed",
      "oversized", "different_person",  "replayed",      "keys_unavailable"};
  return reason < std::size(kNames) ? kNames[reason] : std::string_view();
}

// The one place that knows how the host conveys the verdict. Contract 1.3: as a code in
// ecid_answer.reason, which a 1.2 host leaves zero (the host zero-initialises answers); then,
// as 1.2 did, as "code: reason" in the answer's detail.
inline IdentityVerdict identity_verdict(const ecid_answer& answer) {
  const std::string_view detail = view(answer.detail);
  if (const std::string_view named = eid_reason_name(answer.reason); !named.empty()) return {named, detail};
  const size_t colon = detail.find(": ");
  const std::string_view code = colon == std::string_view::npos ? std::string_view() : detail.substr(0, colon);
  // Codes are short snake_case words and never personal data; anything else is not a code.
  const bool snake = !code.empty() && code.size() <= 32 &&
                     std::all_of(code.begin(), code.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
  return {snake ? code : std::string_view("rejected"), detail};
}
inline IdentityVerdict identity_verdict(const Answer& answer) { return identity_verdict(answer.raw()); }

// The finding for an identity-assertion answer that is not a verification: rejected (with the
// verdict's code as value), refused, or not judged; `no_answer` is the detail when the host gave
// no answer. nullopt when FOUND: the caller reads the register's cross-check in the record.
inline std::optional<Finding> assertion_failure(const std::optional<Answer>& answer, std::string_view no_answer) {
  if (!answer || answer->status() == ECID_ANSWER_REFUSED) return lookup_failure(answer, no_answer);
  switch (answer->status()) {
    case ECID_ANSWER_FOUND:
      return std::nullopt;
    case ECID_ANSWER_REJECTED:
    case ECID_ANSWER_INVALID_KEY: {  // a key that cannot be a token: rejected all the same
      const IdentityVerdict verdict = identity_verdict(*answer);
      return Finding{ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, 0, std::string(verdict.code),
                     std::string(with_default(verdict.reason, "the electronic identity assertion was rejected"))};
    }
    case ECID_ANSWER_UNAVAILABLE:
    case ECID_ANSWER_BAD_ANSWER:
      return Finding{ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, {},
                     std::string(with_default(answer->detail(), "the identity assertion could not be verified"))};
    default:  // NOT_FOUND and anything undefined: the assertion was not judged
      return Finding{ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, 0, {},
                     cat("unexpected answer status ", std::to_string(answer->status()), " for an identity assertion")};
  }
}

// An identity assertion judged as one finding: a failure (assertion_failure); IDENTITY_REJECTED
// when the register contradicts the token ("different_person" on the personal ID, "mismatch" on
// another field) or its account level is below `level` (one digit; `required_by` names what
// needs it: "registration"); else IDENTITY_VERIFIED at `level`.
inline Finding judge_assertion(const std::optional<Answer>& answer, std::string_view no_answer, std::string_view level,
                               std::string_view required_by) {
  if (auto failure = assertion_failure(answer, no_answer)) return *failure;
  if (answer->record_count() > 0) {
    const Record record = answer->record(0);
    for (const ecid_field_check& c : record.checks()) {
      if (c.outcome != ECID_CHECK_MISMATCH) continue;
      if (c.field == ECID_F_PERSONAL_ID)
        return {ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, c.field, "different_person",
                "the assertion's personal ID is not on the register"};
      return {ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, c.field, "mismatch",
              cat("the assertion's ", field_label(c.field), " disagrees with the register")};
    }
    const std::string_view got = trim(record.value_or_empty(ECID_F_EID_LEVEL));
    if (got.size() == 1 && !level.empty() && got[0] >= '0' && got[0] < level[0])
      return {ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, ECID_F_EID_LEVEL, "level_too_low",
              cat("account level ", got, " is below the level ", level, " ", required_by, " requires")};
  }
  return {ECID_FINDING_IDENTITY_VERIFIED, ECID_SEVERITY_OK, ECID_F_EID_LEVEL, cat("level ", level),
          std::string(with_default(answer->detail(), "verified"))};
}

}  // namespace ecid::sdk

#endif  // ECID_SDK_ANSWERS_HPP
