#include "eid/identity_service.hpp"

#include <ecid/matching.hpp>

#include <chrono>
#include <cstdlib>
#include <optional>

namespace ecid::eid {
namespace {

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

std::string with_code(Verdict verdict, const std::string& reason) { return std::string(verdict_code(verdict)) + ": " + reason; }

}  // namespace

// The verdict as the contract codes it (1.3): adapters need not parse the detail.
uint32_t answer_reason_of(Verdict verdict) {
  switch (verdict) {
    case Verdict::Verified: return ECID_REASON_EID_VERIFIED;
    case Verdict::LevelTooLow: return ECID_REASON_EID_LEVEL_TOO_LOW;
    case Verdict::Expired: return ECID_REASON_EID_EXPIRED;
    case Verdict::NotYetValid: return ECID_REASON_EID_NOT_YET_VALID;
    case Verdict::TooOld: return ECID_REASON_EID_TOO_OLD;
    case Verdict::WrongIssuer: return ECID_REASON_EID_WRONG_ISSUER;
    case Verdict::WrongAudience: return ECID_REASON_EID_WRONG_AUDIENCE;
    case Verdict::MissingAzp: return ECID_REASON_EID_MISSING_AZP;
    case Verdict::WrongAzp: return ECID_REASON_EID_WRONG_AZP;
    case Verdict::BadNonce: return ECID_REASON_EID_BAD_NONCE;
    case Verdict::SignatureInvalid: return ECID_REASON_EID_SIGNATURE_INVALID;
    case Verdict::AlgorithmNotAllowed: return ECID_REASON_EID_ALGORITHM_NOT_ALLOWED;
    case Verdict::UnknownKey: return ECID_REASON_EID_UNKNOWN_KEY;
    case Verdict::Malformed: return ECID_REASON_EID_MALFORMED;
    case Verdict::Oversized: return ECID_REASON_EID_OVERSIZED;
    case Verdict::DifferentPerson: return ECID_REASON_EID_DIFFERENT_PERSON;
    case Verdict::Replayed: return ECID_REASON_EID_REPLAYED;
    case Verdict::KeysUnavailable: return ECID_REASON_EID_KEYS_UNAVAILABLE;
  }
  return ECID_REASON_NONE;
}

namespace {

// A verdict the service decides itself (no token check ran, or it ran and something after it
// decided): the detail keeps the "code: reason" text that predates reason codes.
void set_verdict(LookupResult& out, uint32_t status, Verdict verdict, const std::string& reason) {
  out.status = status;
  out.reason = answer_reason_of(verdict);
  out.detail = with_code(verdict, reason);
}

}  // namespace

IdentityService::IdentityService(const Config& config)
    : config_(config.eid),
      verifier_(verifier_config_from(config)),
      replay_(open_replay_cache(config.eid.replay_cache)),
      test_issuer_(is_test_issuer(config.eid.issuer)) {
  if (test_issuer_) test_issuer_note_ = " (TEST issuer " + config.eid.issuer + ": not a genuine identity)";
}

void IdentityService::answer(std::string_view token, std::span<const Claim> claims, const FieldSet& requested,
                             const std::string& purpose, const std::string& document_ref, RegisterBackend& population,
                             LookupResult& out, std::vector<FieldCheck>& checks) const {
  out.source = "eid";
  std::string party_id;
  int min_level = 2;
  std::optional<std::string> nonce;
  for (const Claim& c : claims) {
    if (c.field == ECID_F_PERSONAL_ID) party_id = c.value;
    if (c.field == ECID_F_EID_LEVEL && !c.value.empty() && c.value.size() < 3) min_level = std::atoi(c.value.c_str());
    if (c.field == ECID_F_EID_NONCE && !c.value.empty()) nonce = c.value;
  }
  if (!nonce && config_.require_nonce) {
    set_verdict(out, ECID_ANSWER_REJECTED, Verdict::BadNonce, "the document carries no nonce for its token, and eid.require_nonce is set");
    return;
  }
  AssertionCheck check = verifier_.verify_for_party(token, ExpectedParty{party_id, min_level, nonce, 0});
  if (!check.verified()) {
    set_verdict(out, check.verdict == Verdict::KeysUnavailable ? ECID_ANSWER_UNAVAILABLE : ECID_ANSWER_REJECTED,
                check.verdict, check.reason);
    return;
  }
  const VerifiedClaims& verified = *check.claims;
  try {
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (!replay_->bind(replay_token_key(verified, token), replay_document_key(document_ref),
                       verified.expires_at + config_.clock_skew_s, now)) {
      set_verdict(out, ECID_ANSWER_REJECTED, Verdict::Replayed, "this token was already used with another document");
      return;
    }
  } catch (const std::exception& e) {
    out.status = ECID_ANSWER_UNAVAILABLE;
    out.detail = std::string("the replay cache could not be read: ") + e.what();
    return;
  }
  const std::vector<Claim> token_claims{{ECID_F_FULL_NAME, verified.full_name}, {ECID_F_BIRTH_DATE, verified.birth_date.iso()}};
  LookupRequest r;
  r.kind = ECID_Q_PERSON_BY_ID;
  r.key = verified.personal_id;
  r.claims = token_claims;
  r.fields = fields_needed_for_checks(token_claims, false);
  r.purpose = purpose;
  std::vector<LookupResult> results(1);
  population.lookup(std::span<const LookupRequest>(&r, 1), results);
  if (results[0].status == ECID_ANSWER_FOUND && !results[0].records.empty()) {
    checks = check_claims(token_claims, results[0].records.front(), false);
    for (FieldCheck& c : checks)
      if (c.field == ECID_F_FULL_NAME && c.outcome == ECID_CHECK_NEEDS_REVIEW && is_ascii(verified.full_name)) {
        // VNeID may send names without diacritics; the ID binding is cryptographic, the name a cross-check.
        c.outcome = ECID_CHECK_MATCH_PARTIAL;
        c.reason = "the token's name has no diacritics; it agrees without them";
      }
  } else if (results[0].status == ECID_ANSWER_NOT_FOUND) {
    checks.push_back({ECID_F_PERSONAL_ID, ECID_CHECK_MISMATCH, "the token's personal ID is not on the register"});
  } else {
    out.status = ECID_ANSWER_UNAVAILABLE;
    out.detail = "token verified but the register could not cross-check it: " + results[0].detail;
    return;
  }
  RegisterRecord disclosed;
  if (requested.has(ECID_F_EID_LEVEL)) disclosed.values.emplace_back(ECID_F_EID_LEVEL, std::to_string(verified.level.account));
  out.status = ECID_ANSWER_FOUND;
  out.reason = ECID_REASON_EID_VERIFIED;
  out.detail = "verified at account level " + std::to_string(verified.level.account) + test_issuer_note_;
  out.records.push_back(std::move(disclosed));
}

std::unique_ptr<IdentityService> open_identity_service(const Config& config) {
  if (!config.eid.enabled) return nullptr;
  return std::make_unique<IdentityService>(config);
}

}  // namespace ecid::eid
