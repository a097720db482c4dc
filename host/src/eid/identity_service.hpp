// The eID-to-register binding rule, in one place for every caller (engine, collation): an
// identity assertion is verified (signature, issuer, audience, age, level, nonce), bound to the
// party's personal ID, checked against replay with the document it came with, and its name and
// birth date are cross-checked with the population register.
#pragma once

#include <ecid/config.hpp>
#include <ecid/eid.hpp>
#include <ecid/matching.hpp>
#include <ecid/register.hpp>

#include "eid/replay_cache.hpp"

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ecid::eid {

class IdentityService {
 public:
  // The configured issuer (config.eid.enabled must be set). Throws std::runtime_error when the
  // replay cache cannot be opened.
  explicit IdentityService(const Config& config);

  // Answers an ECID_Q_EID_ASSERTION: `claims` carry the party's personal ID, the minimum level
  // and the document's nonce; `document_ref` is what the token is bound to (a token already used
  // with another document is a replay). `out` gets the status, detail and, when verified, one
  // record with the disclosed level (if `requested`); `checks` the register cross-check.
  // Thread-safe.
  void answer(std::string_view token, std::span<const Claim> claims, const FieldSet& requested,
              const std::string& purpose, const std::string& document_ref, RegisterBackend& population,
              LookupResult& out, std::vector<FieldCheck>& checks) const;

  // A test issuer's "verified" means nothing (its keys are published): callers say so.
  bool test_issuer() const { return test_issuer_; }
  // " (TEST issuer …: not a genuine identity)", or empty for a real issuer.
  const std::string& test_issuer_note() const { return test_issuer_note_; }
  const std::string& issuer() const { return config_.issuer; }

 private:
  EidConfig config_;
  Verifier verifier_;
  std::unique_ptr<ReplayCache> replay_;
  bool test_issuer_ = false;
  std::string test_issuer_note_;
};

// The contract's code for a verdict (ecid_answer_reason, 1.3).
uint32_t answer_reason_of(Verdict verdict);

// The service when an issuer is configured, else null.
std::unique_ptr<IdentityService> open_identity_service(const Config& config);

}  // namespace ecid::eid
