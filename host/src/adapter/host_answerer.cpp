#include "adapter/host_answerer.hpp"

#include <ecid/fields.hpp>
#include <ecid/log.hpp>
#include <ecid/matching.hpp>

#include "eid/identity_service.hpp"
#include "adapter/policy_gate.hpp"

#include <algorithm>

namespace ecid::adapter {
namespace {

constexpr std::string_view kPolicyRefusal = "refused by policy: ";

void set(Answer& a, uint32_t status, std::string_view source, std::string detail) {
  a.status = status;
  a.source.assign(source);
  a.detail = std::move(detail);
}

}  // namespace

HostAnswerer::HostAnswerer(const Config& config, const LoadedAdapter& adapter, RegisterBackend& population,
                           const eid::IdentityService* identity, bool auditing)
    : config_(config),
      adapter_(adapter),
      population_(population),
      identity_(identity),
      auditing_(auditing),
      gate_(config, adapter.manifest, true) {}

bool HostAnswerer::duplicate_question(const Round& round, const Query& q, const Claim*& own, Answer& a) {
  a.source = "batch";
  own = nullptr;
  for (const Claim& c : round.claims_of(q))
    if (c.field == ECID_F_SECTOR_RECORD_ID) own = &c;
  if (own && !q.key.empty()) return true;
  a.status = ECID_ANSWER_INVALID_KEY;
  a.detail = "a duplicate check needs a key and a sector_record_id claim";
  return false;
}

void HostAnswerer::answer_duplicates(const Query& q, std::span<const std::string> others, size_t total, Answer& a) {
  a.source = "batch";
  if (others.empty()) {
    a.status = ECID_ANSWER_NOT_FOUND;
    return;
  }
  a.status = ECID_ANSWER_FOUND;
  if (total > others.size())
    a.detail = std::to_string(total) + " other identifiers share the key; the first " + std::to_string(others.size()) +
               " are returned";
  for (const std::string& v : others) {
    RegisterRecord r;
    if (q.requested.has(ECID_F_SECTOR_RECORD_ID)) r.values.emplace_back(ECID_F_SECTOR_RECORD_ID, v);
    a.records.push_back(std::move(r));
  }
}

void HostAnswerer::answer_batch(const Round& round, const Query& q, Answer& a) {
  const Claim* own = nullptr;
  if (!duplicate_question(round, q, own, a)) return;
  if (document_batch_round_ != round.number()) {
    document_batch_round_ = round.number();
    document_batch_.clear();
    for (const Query& other : round.queries())
      if (other.kind == ECID_Q_BATCH_DUPLICATES && other.malformed.empty() && !other.key.empty())
        for (const Claim& c : round.claims_of(other))
          if (c.field == ECID_F_SECTOR_RECORD_ID) document_batch_[other.key].insert(c.value);
  }
  std::vector<std::string> others;
  size_t total = 0;
  for (const std::string& v : document_batch_[q.key])
    if (v != own->value && total++ < kMaxDuplicatesAnswered) others.push_back(v);
  answer_duplicates(q, others, total, a);
}

void HostAnswerer::answer(const Session& session, const Round& round, std::span<Answer> answers) {
  const std::vector<Query>& queries = round.queries();
  disclosed_.clear();
  std::vector<size_t> asked;  // queries for the registers
  asked.reserve(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    const Query& q = queries[i];
    Answer& a = answers[i];
    if (!q.malformed.empty()) continue;  // refused by the driver
    if (const std::string& why = gate_.refusal(q.kind, session.purpose(q.purpose), q.requested); !why.empty()) {
      set(a, ECID_ANSWER_REFUSED, "policy", std::string(kPolicyRefusal) + why);
    } else if (q.kind == ECID_Q_EID_ASSERTION) {
      if (!identity_) {
        set(a, ECID_ANSWER_UNAVAILABLE, "eid", "no electronic-identity issuer is configured (eid: in the configuration)");
        continue;
      }
      LookupResult res;
      std::vector<FieldCheck> checks;
      identity_->answer(q.key, round.claims_of(q), q.requested, session.purpose(q.purpose), document_ref_of(session),
                        population_, res, checks);
      set(a, res.status, res.source, std::move(res.detail));
      a.reason = res.reason;
      a.records = std::move(res.records);
      if (!a.records.empty()) a.checks.push_back(std::move(checks));
    } else if (is_batch_kind(q.kind)) {
      answer_batch(round, q, a);
    } else if (!is_register_kind(q.kind)) {
      set(a, ECID_ANSWER_UNAVAILABLE, "host", "no service for " + std::string(query_kind_name(q.kind)) + " is configured");
    } else {
      asked.push_back(i);
    }
  }
  answer_register(session, round, answers, asked);
  log::debug(adapter_.manifest.name + ": round " + std::to_string(round.number()) + ": " + std::to_string(queries.size()) +
             " queries planned, " + std::to_string(asked.size()) + " for " + population_.source_name());
  if (auditing_) audit_round(session, round, answers);
}

void HostAnswerer::answer_register(const Session& session, const Round& round, std::span<Answer> answers,
                                   const std::vector<size_t>& asked) {
  if (asked.empty()) return;
  const std::vector<Query>& queries = round.queries();
  std::vector<LookupRequest> requests;
  std::vector<size_t> owner;  // request → query index
  std::vector<LookupResult> results;
  std::vector<size_t> known_owner;
  std::vector<LookupResult> known;
  for (size_t i : asked) {
    const Query& q = queries[i];
    const std::span<const Claim> claims = round.claims_of(q);
    const bool candidates = q.kind == ECID_Q_PERSON_CANDIDATES;
    LookupRequest r;
    r.kind = q.kind;
    r.key = q.key;
    // The claims go to the register only when they are the search (a candidate search, a
    // key-less plate look-up by owner); a keyed look-up's claims are checked by the host.
    if (candidates || q.key.empty()) r.claims.assign(claims.begin(), claims.end());
    r.fields = q.requested | fields_needed_for_checks(claims, !candidates && is_person_kind(q.kind));
    if (needs_record_personal_id(q.kind)) r.fields = r.fields | FieldSet{ECID_F_PERSONAL_ID};
    r.purpose = session.purpose(q.purpose);
    r.document_ref = session.document_ref();
    if (LookupResult res; known_answer(round, i, r, res)) {
      known.push_back(std::move(res));
      known_owner.push_back(i);
      continue;
    }
    requests.push_back(std::move(r));
    owner.push_back(i);
  }
  results.resize(requests.size());
  if (!requests.empty()) {
    try {
      population_.lookup(requests, results);
    } catch (const std::exception& e) {
      log::error(std::string("register lookup failed: ") + e.what());
      for (LookupResult& r : results) {
        r.status = ECID_ANSWER_UNAVAILABLE;
        r.detail = "register failed: " + std::string(e.what());
        r.records.clear();
      }
    }
  }
  // Known and live answers are treated alike from here on.
  for (size_t j = 0; j < known.size(); ++j) {
    results.push_back(std::move(known[j]));
    owner.push_back(known_owner[j]);
  }
  const std::string source = population_.source_name();
  for (size_t j = 0; j < results.size(); ++j) {
    const Query& q = queries[owner[j]];
    Answer& a = answers[owner[j]];
    LookupResult& res = results[j];
    set(a, res.status, res.source.empty() ? source : res.source, std::move(res.detail));
    // A candidate's ID structure is not checked: the fields it needs are not fetched for them.
    const bool structure = is_person_kind(q.kind) && q.kind != ECID_Q_PERSON_CANDIDATES;
    const std::span<const Claim> claims = round.claims_of(q);
    const std::string_view subject = auditing_ ? audit_subject_of(q.kind, q.key, claims) : std::string_view();
    a.records.reserve(res.records.size());
    for (RegisterRecord& rec : res.records) {
      a.checks.push_back(check_claims(claims, rec, structure));
      if (auditing_) {
        others_.clear();
        disclosed_people(rec, subject, q.requested, others_);
        for (std::string_view other : others_) disclosed_.push_back({owner[j], a.records.size(), std::string(other)});
      }
      // Minimisation: the adapter sees only what it asked for and may see.
      std::erase_if(rec.values, [&](const auto& v) { return !q.requested.has(v.first); });
      a.records.push_back(std::move(rec));
    }
    if (a.status == ECID_ANSWER_FOUND && a.records.empty()) {
      a.status = ECID_ANSWER_BAD_ANSWER;
      a.detail = "register said found but returned no record";
    }
  }
  // Audit rows follow query order, whatever order the answers came in.
  std::sort(disclosed_.begin(), disclosed_.end(),
            [](const Disclosure& x, const Disclosure& y) { return std::tie(x.query, x.record) < std::tie(y.query, y.record); });
}

void HostAnswerer::audit_round(const Session& session, const Round& round, std::span<const Answer> answers) {
  AuditEvent& e = event_;
  e.adapter = adapter_.manifest.name;
  e.adapter_version = adapter_.manifest.version;
  e.document_ref = document_ref_of(session);
  const AdapterPolicy* policy = config_.policy_for(adapter_.manifest.name);
  auto disclosure = disclosed_.begin();
  const std::vector<Query>& queries = round.queries();
  for (size_t i = 0; i < queries.size(); ++i) {
    const Query& q = queries[i];
    const Answer& a = answers[i];
    if (is_batch_kind(q.kind) && a.source != "policy") continue;  // answered from the input itself
    const bool identity = q.kind == ECID_Q_EID_ASSERTION;
    e.kind.assign(a.source == "policy" ? kAuditPolicyRefusal : identity ? kAuditIdentityVerification : kAuditRegisterQuery);
    if (e.purpose != session.purpose(q.purpose) || e.legal_basis.empty()) {
      e.purpose = session.purpose(q.purpose);
      const PurposePolicy* pp = policy ? policy->find(e.purpose) : nullptr;
      e.legal_basis = pp ? pp->legal_basis : "";
    }
    e.subject_id.assign(audit_subject_of(q.kind, q.key, round.claims_of(q)));
    e.fields_disclosed.clear();
    if (!a.records.empty())
      for (const auto& [f, v] : a.records.front().values) e.fields_disclosed.emplace_back(field_name(f));
    e.outcome.assign(answer_status_name(a.status));
    if (a.source == "policy") {
      e.outcome += ": ";
      e.outcome += std::string_view(a.detail).substr(kPolicyRefusal.size());
    } else if (a.status == ECID_ANSWER_REFUSED || a.status == ECID_ANSWER_REJECTED) {
      e.outcome += ": " + a.detail;
    }
    if (identity && a.source == "eid" && identity_) e.outcome += identity_->test_issuer_note();
    audit(e);
    for (; disclosure != disclosed_.end() && disclosure->query == i; ++disclosure) {
      make_disclosure(e, q.kind, disclosure->person, a.records[disclosure->record]);
      audit(e);
    }
  }
  audit_round_done();
}

}  // namespace ecid::adapter
