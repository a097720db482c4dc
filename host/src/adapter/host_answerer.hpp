// The host's answers to an adapter's queries, the same for `ecid check` and `ecid collate`:
// a malformed query is refused, then the policy gate (no I/O before it), then identity
// assertions (eid), batch questions and register look-ups; each register record is checked
// against the claims and trimmed to the fields the adapter asked for and may see; one audit row
// per query (batch questions excepted: they disclose nothing from a register) plus one per other
// person an answer disclosed. What differs between callers is a hook: where batch answers and
// known answers come from, and where audit rows go.
#pragma once

#include <ecid/audit.hpp>
#include <ecid/config.hpp>
#include <ecid/loader.hpp>
#include <ecid/register.hpp>

#include "adapter/driver.hpp"
#include "adapter/policy_gate.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecid::eid {
class IdentityService;
}

namespace ecid::adapter {

class HostAnswerer : public Answerer {
 public:
  // `identity` may be null (no issuer configured: assertions are answered UNAVAILABLE).
  HostAnswerer(const Config& config, const LoadedAdapter& adapter, RegisterBackend& population,
               const eid::IdentityService* identity, bool auditing);

  void answer(const Session& session, const Round& round, std::span<Answer> answers) override;

 protected:
  // ECID_Q_BATCH_DUPLICATES. By default the batch is the document itself: the other record
  // identifiers its own duplicate questions of the round give with the same key.
  virtual void answer_batch(const Round& round, const Query& query, Answer& answer);
  // The answer to a duplicate question: FOUND naming `others` (the first of `total`), or NOT_FOUND.
  static void answer_duplicates(const Query& query, std::span<const std::string> others, size_t total, Answer& answer);
  // A duplicate question's key and own identifier (its ECID_F_SECTOR_RECORD_ID claim); false,
  // with the answer set, when it lacks one.
  static bool duplicate_question(const Round& round, const Query& query, const Claim*& own, Answer& answer);
  static constexpr size_t kMaxDuplicatesAnswered = 20;  // like the register's candidate cap
  // An answer already known for this look-up (the collation's prefetch); false: ask the register.
  virtual bool known_answer(const Round& /*round*/, size_t /*index*/, const LookupRequest& /*request*/,
                            LookupResult& /*result*/) {
    return false;
  }
  // What audit rows and the eID replay binding call the document.
  virtual std::string document_ref_of(const Session& session) const { return session.document_ref(); }
  // One audit row; called only when auditing. The event is reused between calls.
  virtual void audit(const AuditEvent& /*event*/) {}
  // The round's rows were all given to audit().
  virtual void audit_round_done() {}

  const Config& config_;
  const LoadedAdapter& adapter_;
  RegisterBackend& population_;

 private:
  void answer_register(const Session& session, const Round& round, std::span<Answer> answers,
                       const std::vector<size_t>& asked);
  void audit_round(const Session& session, const Round& round, std::span<const Answer> answers);

  const eid::IdentityService* identity_;
  bool auditing_;
  GateDecisions gate_;
  // (query index, record index, personal ID) of the other people this round's answers disclosed.
  struct Disclosure {
    size_t query, record;
    std::string person;
  };
  std::vector<Disclosure> disclosed_;
  // The document's own duplicate questions of the round: key → record identifiers.
  std::map<std::string, std::set<std::string>> document_batch_;
  uint32_t document_batch_round_ = UINT32_MAX;
  std::vector<std::string_view> others_;
  AuditEvent event_;
};

}  // namespace ecid::adapter
