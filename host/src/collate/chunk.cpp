#include "collate/chunk.hpp"

#include "adapter_output.hpp"
#include "policy_gate.hpp"

#include <ecid/fields.hpp>
#include <ecid/findings.hpp>
#include <ecid/log.hpp>
#include <ecid/matching.hpp>
#include <ecid/personal_id.hpp>

#include <algorithm>
#include <deque>

namespace ecid::collate {

const char* const kResultsHeader = "record,line,offset,subject,class,findings,value,encoding,reason\n";

namespace {

// Per record, generous next to what any adapter needs, so a runaway adapter is bounded.
constexpr size_t kMaxQueriesPerRecord = 16;
constexpr size_t kMaxFindingsPerRecord = 64;
constexpr size_t kMaxDuplicatesAnswered = 20;  // like the register's candidate cap

std::string_view sv(ecid_str s) { return view(s); }
ecid_str cs(const std::string& s) { return ecid_str{s.data(), s.size()}; }

// "record[17] SI 0120878811" → 17; 0 when the reference names no record.
uint32_t record_of(std::string_view ref) {
  if (ref.substr(0, 7) != "record[") return 0;
  uint64_t n = 0;
  size_t i = 7;
  for (; i < ref.size() && i < 17 && ref[i] >= '0' && ref[i] <= '9'; ++i) n = n * 10 + static_cast<uint64_t>(ref[i] - '0');
  if (i == 7 || i >= ref.size() || ref[i] != ']' || n > UINT32_MAX) return 0;
  return static_cast<uint32_t>(n);
}

// What follows "record[n]" in a subject reference, e.g. "SI 0120878811".
std::string_view subject_rest(std::string_view ref) {
  const size_t close = ref.find(']');
  std::string_view rest = close == std::string_view::npos ? ref : ref.substr(close + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return rest;
}



// One planned query. Batches plan one or two per record, so it is kept lean: the purpose is an
// index into the document's few purposes, the claims a range of the round's claims.
struct PlannedQuery {
  uint32_t id = 0;
  uint32_t round = 0;
  uint32_t kind = 0;
  uint32_t purpose = 0;
  uint32_t claims_begin = 0, claims_count = 0;
  uint64_t prefetch_query = 0;  // person.by_id in round 0: its query number (prefetch.hpp); 0 = none
  std::string key;
  FieldSet requested;
  std::string malformed;
};

struct ReportedFinding {
  uint32_t code = 0, severity = 0, field = 0;
  uint32_t record = 0;  // 1-based in the document; 0 = none
  std::string value, detail;
};

// What the adapter says through the sinks of one document; never trusted.
struct DocState {
  bool index_only = false;
  uint32_t round = 0;
  uint32_t next_id = 1;
  size_t max_queries = 0;
  size_t max_findings = 0;
  std::vector<PlannedQuery> pending;
  std::vector<Claim> claims;          // of the pending queries
  std::vector<std::string> purposes;  // distinct purposes named so far
  std::vector<std::string> subjects;  // per record: its subject reference after "record[n]"
  std::string stray_subject;
  std::vector<BatchPair> batch_pairs;  // index_only: what ECID_Q_BATCH_DUPLICATES asked
  // Prefetch: the file record number of each document record, and by-ID queries per record.
  const std::vector<uint64_t>* record_numbers = nullptr;
  std::vector<uint8_t> by_id_rank;
  // index_only: the by-ID queries worth prefetching (gate passed, one purpose).
  const ChunkContext* ctx = nullptr;
  std::vector<PrefetchKey> prefetch_keys;
  std::vector<PrefetchRequest> prefetch_requests;
  std::string prefetch_purpose;
  FieldSet prefetch_fields;
  bool gate_known = false, gate_open = false;  // the last person query shape's gate decision
  uint32_t gate_kind = 0;
  FieldSet gate_requested;
  std::string gate_purpose;
  std::vector<ReportedFinding> findings;
  std::string error;
  std::string findings_error;
  std::string document_ref;
};

// The number of a round-0 person query for the prefetch (0 = not prefetchable).
uint64_t prefetch_number(DocState* st, const ecid_query* q) {
  if (st->round != 0 || !is_prefetchable_kind(q->kind) || !st->record_numbers) return 0;
  const uint32_t n = record_of(sv(q->subject_ref));
  if (n == 0 || n > st->record_numbers->size()) return 0;
  const uint32_t rank = st->by_id_rank[n - 1]++;
  if (rank >= kMaxPrefetchedPerRecord) return 0;
  return prefetch_query_number((*st->record_numbers)[n - 1], rank);
}

// The first pass keeps what a prefetch needs: the question, its query number, the fields.
void collect_prefetch(DocState* st, const ecid_query* q, uint64_t number) {
  if (number == 0) return;
  const std::string_view key = sv(q->key);  // the query is well-formed (query_problem)
  if (q->kind == ECID_Q_PERSON_BY_ID && (key.size() != 12 || !decode_personal_id(key).valid))
    return;  // answered without I/O
  const std::string_view purpose = sv(q->purpose).substr(0, kMaxPurposeBytes);
  if (!st->prefetch_purpose.empty() && purpose != st->prefetch_purpose) return;
  FieldSet requested;
  std::vector<Claim> claims;
  for (uint32_t i = 0; i < q->field_count; ++i) requested.add(q->fields[i]);
  for (uint32_t i = 0; i < q->claim_count; ++i)
    claims.push_back({q->claims[i].field, std::string(sv(q->claims[i].value))});
  // No register I/O before the policy gate, prefetch included (decided once per query shape).
  if (!(st->gate_known && st->gate_kind == q->kind && st->gate_requested == requested && st->gate_purpose == purpose)) {
    st->gate_known = true;
    st->gate_kind = q->kind;
    st->gate_requested = requested;
    st->gate_purpose = std::string(purpose);
    st->gate_open = policy_refusal(*st->ctx->config, st->ctx->adapter->manifest, q->kind, purpose, requested).empty();
  }
  if (!st->gate_open) return;
  st->prefetch_purpose = std::string(purpose);
  st->prefetch_fields = st->prefetch_fields | requested |
                        fields_needed_for_checks(claims, q->kind != ECID_Q_PERSON_CANDIDATES);
  if (q->kind == ECID_Q_PERSON_BY_ID) {
    uint64_t id = 0;
    for (char c : key) id = id * 10 + static_cast<uint64_t>(c - '0');
    st->prefetch_keys.push_back({id, number});
    return;
  }
  PrefetchRequest r;
  r.query = number;
  r.kind = q->kind;
  r.key = std::string(key);
  // A legacy look-up needs the key only; a candidate search its claims.
  if (q->kind == ECID_Q_PERSON_CANDIDATES) r.claims = std::move(claims);
  st->prefetch_requests.push_back(std::move(r));
}

int32_t sink_add_query(void* ctx, const ecid_query* q, uint32_t* out_id) noexcept {
  auto* st = static_cast<DocState*>(ctx);
  if (!q || !out_id) return ECID_E_ARGUMENT;
  try {
    if (st->next_id > st->max_queries) return ECID_E_LIMIT;
    const uint32_t id = st->next_id++;
    *out_id = id;
    const uint64_t number = q->struct_size >= sizeof(ecid_query) ? prefetch_number(st, q) : 0;
    if (st->index_only) {
      // The first pass only needs what the batch-wide questions are about; the main pass refuses
      // malformed queries, so they ask nothing here either.
      if (!query_problem(*q).empty()) return ECID_OK;
      if (is_prefetchable_kind(q->kind)) collect_prefetch(st, q, number);
      if (q->kind != ECID_Q_BATCH_DUPLICATES) return ECID_OK;
      for (uint32_t i = 0; q->claims && i < q->claim_count && i < 64; ++i)
        if (q->claims[i].field == ECID_F_SECTOR_RECORD_ID)
          st->batch_pairs.emplace_back(encode_batch_value(sv(q->key)), encode_batch_value(sv(q->claims[i].value)));
      return ECID_OK;
    }
    PlannedQuery p;
    p.id = id;
    p.round = st->round;
    p.prefetch_query = number;
    p.malformed = query_problem(*q);
    if (q->struct_size >= sizeof(ecid_query)) {
      p.kind = q->kind;
      const std::string_view purpose = sv(q->purpose).substr(0, kMaxPurposeBytes);
      while (p.purpose < st->purposes.size() && st->purposes[p.purpose] != purpose) ++p.purpose;
      if (p.purpose == st->purposes.size()) st->purposes.emplace_back(purpose);
    }
    if (p.malformed.empty()) {
      p.key = std::string(sv(q->key));
      p.claims_begin = static_cast<uint32_t>(st->claims.size());
      for (uint32_t i = 0; i < q->claim_count; ++i)
        st->claims.push_back({q->claims[i].field, std::string(sv(q->claims[i].value))});
      p.claims_count = static_cast<uint32_t>(st->claims.size()) - p.claims_begin;
      for (uint32_t i = 0; i < q->field_count; ++i) p.requested.add(q->fields[i]);
    }
    st->pending.push_back(std::move(p));
    return ECID_OK;
  } catch (...) {
    return ECID_E_NO_MEMORY;
  }
}

int32_t sink_add_finding(void* ctx, const ecid_finding* f) noexcept {
  auto* st = static_cast<DocState*>(ctx);
  if (!f) return ECID_E_ARGUMENT;
  try {
    if (st->findings.size() >= st->max_findings) return ECID_E_LIMIT;
    if (std::string why = finding_problem(*f); !why.empty()) {
      st->findings_error = std::move(why);
      return ECID_E_ARGUMENT;
    }
    ReportedFinding r;
    r.code = f->code;
    r.severity = f->severity;
    r.field = f->field;
    r.record = record_of(sv(f->subject_ref));
    // The subject is the same in all of a record's findings: kept once, for the results row.
    if (r.record > 0 && r.record <= st->subjects.size() && st->subjects[r.record - 1].empty())
      st->subjects[r.record - 1] = std::string(subject_rest(sv(f->subject_ref)));
    r.value = std::string(sv(f->value));
    r.detail = std::string(sv(f->detail));
    st->findings.push_back(std::move(r));
    return ECID_OK;
  } catch (...) {
    return ECID_E_NO_MEMORY;
  }
}


// Answers of one document, with the C views the adapter reads. Stored in a deque: the views
// point into the answers, whose addresses must not move.
struct StoredAnswer {
  uint32_t query_id = 0, round = 0, status = 0;
  std::string source, detail;
  std::vector<RegisterRecord> records;  // trimmed to the disclosed fields
  std::vector<std::vector<FieldCheck>> checks;
};

class AnswerBook {
 public:
  void add(StoredAnswer&& a) {
    answers_.push_back(std::move(a));
    dirty_ = true;
  }

  // The views of every answer so far (rebuilt only after a round added answers).
  const std::vector<ecid_answer>& views() {
    if (!dirty_) return views_;
    dirty_ = false;
    const std::deque<StoredAnswer>& answers = answers_;
    size_t n_values = 0, n_checks = 0, n_records = 0;
    for (const StoredAnswer& a : answers) {
      n_records += a.records.size();
      for (const RegisterRecord& r : a.records) n_values += r.values.size();
      for (const auto& c : a.checks) n_checks += c.size();
    }
    values_.clear();
    checks_.clear();
    records_.clear();
    views_.clear();
    values_.reserve(n_values);
    checks_.reserve(n_checks);
    records_.reserve(n_records);
    views_.reserve(answers.size());
    for (const StoredAnswer& a : answers) {
      const size_t first_record = records_.size();
      for (size_t i = 0; i < a.records.size(); ++i) {
        const size_t v0 = values_.size(), c0 = checks_.size();
        for (const auto& [f, v] : a.records[i].values) values_.push_back({sizeof(ecid_field_value), f, cs(v)});
        if (i < a.checks.size())
          for (const FieldCheck& c : a.checks[i])
            checks_.push_back({sizeof(ecid_field_check), c.field, c.outcome, cs(c.reason)});
        records_.push_back({sizeof(ecid_record), static_cast<uint32_t>(values_.size() - v0), values_.data() + v0,
                            static_cast<uint32_t>(checks_.size() - c0), checks_.data() + c0});
      }
      ecid_answer v{};
      v.struct_size = sizeof(ecid_answer);
      v.query_id = a.query_id;
      v.round = a.round;
      v.status = a.status;
      v.source = cs(a.source);
      v.detail = cs(a.detail);
      v.record_count = static_cast<uint32_t>(a.records.size());
      v.records = a.records.empty() ? nullptr : records_.data() + first_record;
      views_.push_back(v);
    }
    return views_;
  }

 private:
  std::deque<StoredAnswer> answers_;
  bool dirty_ = false;
  std::vector<ecid_field_value> values_;
  std::vector<ecid_field_check> checks_;
  std::vector<ecid_record> records_;
  std::vector<ecid_answer> views_;
};

// The gate's decision for each distinct query shape, computed once per chunk.
class GateCache {
 public:
  const std::string& refusal(const ChunkContext& ctx, const PlannedQuery& q, const std::string& purpose) {
    for (const Entry& e : entries_)
      if (e.kind == q.kind && e.requested == q.requested && e.purpose == purpose) return e.refusal;
    entries_.push_back({q.kind, purpose, q.requested,
                        policy_refusal(*ctx.config, ctx.adapter->manifest, q.kind, purpose, q.requested)});
    if (!entries_.back().refusal.empty())
      log::info("query refused by policy for adapter " + ctx.adapter->manifest.name + ": " + entries_.back().refusal);
    return entries_.back().refusal;
  }

 private:
  struct Entry {
    uint32_t kind;
    std::string purpose;
    FieldSet requested;
    std::string refusal;
  };
  std::vector<Entry> entries_;
};

std::string legal_basis(const ChunkContext& ctx, const std::string& purpose) {
  if (const AdapterPolicy* ap = ctx.config->policy_for(ctx.adapter->manifest.name))
    if (const PurposePolicy* pp = ap->find(purpose)) return pp->legal_basis;
  return {};
}

class DocumentRun {
 public:
  // `record_numbers`: the file record number of each of the document's records.
  DocumentRun(const ChunkContext& ctx, uint64_t chunk_index, const std::vector<uint64_t>& record_numbers,
              bool index_only, const std::vector<PrefetchedAnswer>* prefetched = nullptr)
      : ctx_(ctx), chunk_index_(chunk_index), prefetched_(prefetched) {
    const size_t records = record_numbers.size();
    st_.index_only = index_only;
    st_.ctx = &ctx;
    st_.record_numbers = &record_numbers;
    st_.by_id_rank.assign(records, 0);
    st_.max_queries = kMaxQueriesPerRecord * std::max<size_t>(records, 1) + 16;
    st_.max_findings = kMaxFindingsPerRecord * std::max<size_t>(records, 1) + 16;
    if (!index_only) st_.subjects.resize(records);
    records_ = records;
    diag_ = {sizeof(ecid_report_sink), &st_, &sink_add_finding, &sink_set_document_ref<DocState>,
             &sink_set_error<DocState>};
    plan_sink_ = {sizeof(ecid_plan_sink), &st_, &sink_add_query};
  }
  ~DocumentRun() {
    if (session_) ctx_.adapter->descriptor->close_document(session_);
  }
  DocumentRun(const DocumentRun&) = delete;
  DocumentRun& operator=(const DocumentRun&) = delete;

  // Opens the document; on failure returns the adapter's reason.
  std::string open(const std::string& document) {
    const ecid_adapter_v1* d = ctx_.adapter->descriptor;
    st_.error.clear();
    void* session = nullptr;
    const int32_t rc = d->open_document(ctx_.adapter->instance, ecid_str{document.data(), document.size()}, &diag_, &session);
    if (rc != ECID_OK || !session) {
      if (session) d->close_document(session);
      return adapter_result_name(rc) + (st_.error.empty() ? "" : ": " + st_.error);
    }
    session_ = session;
    return {};
  }

  // Plans every round (answering them unless indexing), then assesses. Returns the failure, or
  // empty when the findings are in findings().
  std::string run(AuditRows* audit) {
    const ecid_adapter_v1* d = ctx_.adapter->descriptor;
    const std::string& name = ctx_.adapter->manifest.name;
    for (uint32_t round = 0;; ++round) {
      st_.round = round;
      st_.pending.clear();
      st_.claims.clear();
      if (round == 0 && !st_.index_only) {
        st_.pending.reserve(2 * records_ + 16);
        st_.claims.reserve(8 * records_ + 16);
      }
      const std::vector<ecid_answer>& views = book_.views();
      const int32_t rc = d->plan(session_, round, views.data(), static_cast<uint32_t>(views.size()), &plan_sink_, &diag_);
      if (rc != ECID_OK)
        return name + " adapter: plan round " + std::to_string(round) + ": " + adapter_result_name(rc) +
               (st_.error.empty() ? "" : ": " + st_.error);
      if (st_.index_only) return {};  // the first pass needs round 0's batch queries only
      if (st_.pending.empty()) break;
      if (round >= ECID_MAX_ROUNDS) return name + " adapter asked for more than " + std::to_string(ECID_MAX_ROUNDS) + " rounds";
      answer_round(audit);
    }
    st_.findings.clear();
    st_.findings.reserve(2 * records_ + 16);
    const std::vector<ecid_answer>& views = book_.views();
    const int32_t rc = d->assess(session_, views.data(), static_cast<uint32_t>(views.size()), &diag_);
    if (!st_.findings_error.empty()) return name + " adapter returned an invalid finding: " + st_.findings_error;
    if (rc != ECID_OK)
      return name + " adapter: assess: " + adapter_result_name(rc) + (st_.error.empty() ? "" : ": " + st_.error);
    return {};
  }

  std::vector<ReportedFinding>& findings() { return st_.findings; }
  const std::vector<std::string>& subjects() const { return st_.subjects; }
  DocState& state() { return st_; }
  uint64_t prefetch_hits() const { return hits_; }
  uint64_t live_lookups() const { return live_; }

 private:
  std::span<const Claim> claims_of(const PlannedQuery& q) const {
    return std::span<const Claim>(st_.claims).subspan(q.claims_begin, q.claims_count);
  }

  void answer_round(AuditRows* audit) {
    std::vector<PlannedQuery> batch = std::move(st_.pending);
    st_.pending.clear();
    std::vector<StoredAnswer> round_answers(batch.size());
    std::vector<LookupRequest> requests;
    requests.reserve(batch.size());
    std::vector<uint32_t> owner;  // request → index in batch
    owner.reserve(batch.size());
    std::vector<uint64_t> others;
    std::vector<LookupResult> prefetched_results;
    std::vector<uint32_t> prefetched_owner;
    for (size_t i = 0; i < batch.size(); ++i) {
      const PlannedQuery& q = batch[i];
      StoredAnswer& a = round_answers[i];
      a.query_id = q.id;
      a.round = q.round;
      if (!q.malformed.empty()) {
        a.status = ECID_ANSWER_REFUSED;
        a.source = "host";
        a.detail = "malformed query: " + q.malformed;
        continue;
      }
      const std::string& purpose = st_.purposes[q.purpose];
      if (const std::string& why = gate_.refusal(ctx_, q, purpose); !why.empty()) {
        a.status = ECID_ANSWER_REFUSED;
        a.source = "policy";
        a.detail = "refused by policy: " + why;
        if (audit) audit_row(q, kAuditPolicyRefusal, "refused: " + why, nullptr, *audit);
        continue;
      }
      if (is_batch_kind(q.kind)) {
        answer_batch(q, a, others);
        continue;
      }
      if (!is_register_kind(q.kind)) {
        a.status = ECID_ANSWER_UNAVAILABLE;
        a.source = "host";
        a.detail = "no service for " + std::string(query_kind_name(q.kind)) + " is configured";
        continue;
      }
      LookupRequest r;
      r.kind = q.kind;
      r.key = q.key;
      const bool candidates = q.kind == ECID_Q_PERSON_CANDIDATES;
      const std::span<const Claim> claims = claims_of(q);
      // Only a candidate search needs the claims at the register; the host checks them itself.
      if (candidates) r.claims.assign(claims.begin(), claims.end());
      r.fields = q.requested | fields_needed_for_checks(claims, !candidates && is_person_kind(q.kind));
      if (needs_record_personal_id(q.kind)) r.fields = r.fields | FieldSet{ECID_F_PERSONAL_ID};
      r.purpose = purpose;
      r.document_ref = st_.document_ref;
      if (const PrefetchedAnswer* pre = prefetched_for(q, r)) {
        // Exactly what the register would return now: the requested fields the person has.
        LookupResult res;
        res.status = pre->status;
        res.detail = pre->detail;
        for (const RegisterRecord& from : pre->records) {
          RegisterRecord rec;
          for (const auto& [f, v] : from.values)
            if (r.fields.has(f)) rec.values.emplace_back(f, v);
          res.records.push_back(std::move(rec));
        }
        prefetched_results.push_back(std::move(res));
        prefetched_owner.push_back(static_cast<uint32_t>(i));
        ++hits_;
        continue;
      }
      requests.push_back(std::move(r));
      owner.push_back(static_cast<uint32_t>(i));
    }
    std::vector<LookupResult> results(requests.size());
    if (!requests.empty()) {
      live_ += requests.size();
      try {
        ctx_.population->lookup(requests, results);
      } catch (const std::exception& e) {
        log::error(std::string("register lookup failed: ") + e.what());
        for (LookupResult& r : results) {
          r.status = ECID_ANSWER_UNAVAILABLE;
          r.detail = "register failed: " + std::string(e.what());
          r.records.clear();
        }
      }
    }
    // Prefetched and live answers are treated alike from here on.
    for (size_t j = 0; j < prefetched_results.size(); ++j) {
      results.push_back(std::move(prefetched_results[j]));
      owner.push_back(prefetched_owner[j]);
    }
    {
      const std::string source = ctx_.population->source_name();
      for (size_t j = 0; j < results.size(); ++j) {
        const PlannedQuery& q = batch[owner[j]];
        StoredAnswer& a = round_answers[owner[j]];
        LookupResult& res = results[j];
        a.status = res.status;
        a.detail = std::move(res.detail);
        a.source = res.source.empty() ? source : std::move(res.source);
        const bool structure = is_person_kind(q.kind) && q.kind != ECID_Q_PERSON_CANDIDATES;
        a.records.reserve(res.records.size());
        disclosed_.clear();
        const std::string_view subject = audit ? audit_subject_of(q.kind, q.key, claims_of(q)) : std::string_view();
        for (RegisterRecord& rec : res.records) {
          a.checks.push_back(check_claims(claims_of(q), rec, structure));
          if (audit) {
            others_.clear();
            disclosed_people(rec, subject, q.requested, others_);
            for (std::string_view other : others_) disclosed_.emplace_back(a.records.size(), other);
          }
          // Minimisation: the adapter sees only what it asked for and may see.
          std::erase_if(rec.values, [&](const auto& v) { return !q.requested.has(v.first); });
          a.records.push_back(std::move(rec));
        }
        if (a.status == ECID_ANSWER_FOUND && a.records.empty()) {
          a.status = ECID_ANSWER_BAD_ANSWER;
          a.detail = "register said found but returned no record";
        }
        if (audit) {
          audit_row(q, kAuditRegisterQuery, answer_status_name(a.status), &a, *audit);
          for (const auto& [record, person] : disclosed_) audit_disclosure(q, person, a.records[record], *audit);
        }
      }
    }
    for (StoredAnswer& a : round_answers) book_.add(std::move(a));
  }

  void answer_batch(const PlannedQuery& q, StoredAnswer& a, std::vector<uint64_t>& others) {
    a.source = "batch";
    if (!ctx_.duplicates) {
      a.status = ECID_ANSWER_UNAVAILABLE;
      a.detail = "the batch index is not built";
      return;
    }
    const Claim* own = nullptr;
    for (const Claim& c : claims_of(q))
      if (c.field == ECID_F_SECTOR_RECORD_ID) own = &c;
    if (!own || q.key.empty()) {
      a.status = ECID_ANSWER_INVALID_KEY;
      a.detail = "a duplicate check needs a key and a sector_record_id claim";
      return;
    }
    const size_t total = ctx_.duplicates->others(encode_batch_value(q.key), encode_batch_value(own->value), others,
                                                 kMaxDuplicatesAnswered);
    if (others.empty()) {
      a.status = ECID_ANSWER_NOT_FOUND;
      return;
    }
    a.status = ECID_ANSWER_FOUND;
    if (total > others.size())
      a.detail = std::to_string(total) + " other identifiers share the key; the first " +
                 std::to_string(others.size()) + " are returned";
    for (uint64_t v : others) {
      RegisterRecord r;
      if (q.requested.has(ECID_F_SECTOR_RECORD_ID)) r.values.emplace_back(ECID_F_SECTOR_RECORD_ID, decode_batch_value(v));
      a.records.push_back(std::move(r));
    }
  }

  // One audit row, encoded here on the worker thread (pseudonym, time, encoding), into `rows`.
  // The event is reused: after the first rows its strings no longer allocate.
  void audit_row(const PlannedQuery& q, std::string_view kind, std::string_view outcome, const StoredAnswer* a,
                 AuditRows& rows) {
    AuditEvent& e = audit_event_;
    if (e.adapter.empty()) {
      e.adapter = ctx_.adapter->manifest.name;
      e.adapter_version = ctx_.adapter->manifest.version;
      e.document_ref = "collate:" + ctx_.job + ":" + std::to_string(chunk_index_);
    }
    e.kind.assign(kind);
    if (e.purpose != st_.purposes[q.purpose]) {
      e.purpose = st_.purposes[q.purpose];
      e.legal_basis = legal_basis(ctx_, e.purpose);
    }
    e.subject_id.assign(audit_subject_of(q.kind, q.key, claims_of(q)));
    e.fields_disclosed.clear();
    if (a && !a->records.empty())
      for (const auto& [f, v] : a->records.front().values) e.fields_disclosed.emplace_back(field_name(f));
    e.outcome.assign(outcome);
    ctx_.audit->encode(e, rows);
  }

  // The row of another person the answer disclosed (a candidate, a legacy ID's holder).
  void audit_disclosure(const PlannedQuery& q, std::string_view person, const RegisterRecord& disclosed,
                        AuditRows& rows) {
    make_disclosure(audit_event_, q.kind, person, disclosed);  // audit_row left the query's context in it
    ctx_.audit->encode(audit_event_, rows);
  }

  // The prefetched answer to a round-0 person query, when there is a usable one.
  const PrefetchedAnswer* prefetched_for(const PlannedQuery& q, const LookupRequest& r) const {
    if (!prefetched_ || q.prefetch_query == 0 || !r.fields.subset_of(ctx_.prefetch_fields | FieldSet{ECID_F_PERSONAL_ID}) ||
        st_.purposes[q.purpose] != ctx_.prefetch_purpose)
      return nullptr;
    auto it = std::lower_bound(prefetched_->begin(), prefetched_->end(), q.prefetch_query,
                               [](const PrefetchedAnswer& a, uint64_t n) { return a.query < n; });
    if (it == prefetched_->end() || it->query != q.prefetch_query) return nullptr;
    // It must answer this very question; a register failure is retried live.
    if (it->fingerprint != request_fingerprint(q.kind, q.key, claims_of(q)) || it->status == ECID_ANSWER_UNAVAILABLE)
      return nullptr;
    return &*it;
  }

  const ChunkContext& ctx_;
  uint64_t chunk_index_;
  const std::vector<PrefetchedAnswer>* prefetched_;
  uint64_t hits_ = 0, live_ = 0;
  size_t records_ = 0;
  DocState st_;
  ecid_report_sink diag_{};
  ecid_plan_sink plan_sink_{};
  void* session_ = nullptr;
  AnswerBook book_;
  GateCache gate_;
  AuditEvent audit_event_;
  std::vector<std::pair<size_t, std::string>> disclosed_;  // (record, personal ID) of the answer at hand
  std::vector<std::string_view> others_;                    // one record's disclosed people, before trimming
};

void csv_field(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  out += '"';
}

std::string class_of(const ReportedFinding& f) {
  switch (f.code) {
    case ECID_FINDING_VERIFIED:
      return "match";
    case ECID_FINDING_MISMATCH:
      return f.field ? "mismatch_" + std::string(field_name(f.field)) : "mismatch";
    case ECID_FINDING_NEEDS_REVIEW:
      return f.field ? "needs_review_" + std::string(field_name(f.field)) : "needs_review";
    case ECID_FINDING_INVALID_INPUT:
      return f.field ? "invalid_" + std::string(field_name(f.field)) : "bad_record";
    default: {
      std::string name(finding_name(f.code));
      for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      return name;
    }
  }
}

std::string finding_label(uint32_t code, uint32_t field) {
  std::string label(finding_name(code));
  if (field && (code == ECID_FINDING_MISMATCH || code == ECID_FINDING_NEEDS_REVIEW || code == ECID_FINDING_INVALID_INPUT)) {
    label += ':';
    label += field_name(field);
  }
  return label;
}

std::string_view encoding_name(RecordEncoding e) {
  switch (e) {
    case RecordEncoding::Tcvn3: return "tcvn3";
    case RecordEncoding::Vni: return "vni";
    default: return "utf8";
  }
}

void row_start(std::string& out, const RecordSlot& slot) {
  out += std::to_string(slot.record);
  out += ',';
  out += std::to_string(slot.line);
  out += ',';
  out += std::to_string(slot.offset);
  out += ',';
}

}  // namespace

void SummaryCounts::add(const SummaryCounts& other) {
  records += other.records;
  attention += other.attention;
  for (const auto& [k, v] : other.by_class) by_class[k] += v;
  for (const auto& [k, v] : other.by_finding) by_finding[k] += v;
  for (const auto& [k, v] : other.by_encoding) by_encoding[k] += v;
}

namespace {

// File record numbers of the given readable records of a chunk.
std::vector<uint64_t> numbers_of(const RawChunk& chunk, const std::vector<uint32_t>& spans) {
  std::vector<uint64_t> out(spans.size());
  for (size_t i = 0; i < spans.size(); ++i) out[i] = chunk.slots[chunk.span_slot[spans[i]]].record;
  return out;
}

std::vector<uint32_t> all_spans(const RawChunk& chunk) {
  std::vector<uint32_t> spans(chunk.spans.size());
  for (uint32_t r = 0; r < spans.size(); ++r) spans[r] = r;
  return spans;
}

}  // namespace

std::string ChunkRunner::probe_frame() {
  const std::vector<uint64_t> none;
  DocumentRun doc(ctx_, 0, none, true);
  return doc.open(ctx_.reader->empty_document());
}

void ChunkRunner::index(const RawChunk& chunk, IndexOutput& out) {
  std::vector<uint32_t> spans = all_spans(chunk);
  std::vector<uint64_t> numbers = numbers_of(chunk, spans);
  auto doc = std::make_unique<DocumentRun>(ctx_, chunk.index, numbers, true);
  if (!doc->open(ctx_.reader->document(chunk)).empty()) {
    // Leave out the records the adapter cannot read; the main pass reports them.
    std::vector<uint32_t> readable;
    for (uint32_t r : spans) {
      const std::vector<uint64_t> one_number{chunk.slots[chunk.span_slot[r]].record};
      DocumentRun one(ctx_, chunk.index, one_number, true);
      if (one.open(ctx_.reader->document(chunk, {r})).empty()) readable.push_back(r);
    }
    numbers = numbers_of(chunk, readable);
    doc = std::make_unique<DocumentRun>(ctx_, chunk.index, numbers, true);
    if (!doc->open(ctx_.reader->document(chunk, readable)).empty()) return;
  }
  doc->run(nullptr);
  DocState& st = doc->state();
  out.pairs.insert(out.pairs.end(), st.batch_pairs.begin(), st.batch_pairs.end());
  out.keys.insert(out.keys.end(), st.prefetch_keys.begin(), st.prefetch_keys.end());
  for (PrefetchRequest& r : st.prefetch_requests) out.requests.push_back(std::move(r));
  out.purpose = st.prefetch_purpose;
  out.fields = out.fields | st.prefetch_fields;
}

ChunkResult ChunkRunner::run(const RawChunk& chunk) {
  ChunkResult result;
  result.index = chunk.index;
  result.end = chunk.end;
  result.prefetch_offsets = chunk.prefetch_offsets;
  std::vector<std::string> problems(chunk.slots.size());
  for (size_t i = 0; i < chunk.slots.size(); ++i) problems[i] = chunk.slots[i].problem;

  // The readable records in the document, in order; the adapter's record n is doc_spans[n-1].
  std::vector<uint32_t> doc_spans = all_spans(chunk);
  std::vector<uint64_t> numbers = numbers_of(chunk, doc_spans);
  auto doc = std::make_unique<DocumentRun>(ctx_, chunk.index, numbers, false, &chunk.prefetched);
  std::string failure = doc_spans.empty() ? std::string() : doc->open(ctx_.reader->document(chunk));
  if (!failure.empty()) {
    // A record broke the document (e.g. malformed XML inside an element): find which ones,
    // report them, and run the others.
    std::vector<uint32_t> readable;
    for (uint32_t r : doc_spans) {
      const std::vector<uint64_t> one_number{chunk.slots[chunk.span_slot[r]].record};
      DocumentRun one(ctx_, chunk.index, one_number, false);
      const std::string why = one.open(ctx_.reader->document(chunk, {r}));
      if (why.empty()) readable.push_back(r);
      else problems[chunk.span_slot[r]] = "the adapter cannot read the record: " + why;
    }
    doc_spans = std::move(readable);
    numbers = numbers_of(chunk, doc_spans);
    doc = std::make_unique<DocumentRun>(ctx_, chunk.index, numbers, false, &chunk.prefetched);
    failure = doc_spans.empty() ? std::string() : doc->open(ctx_.reader->document(chunk, doc_spans));
    if (!failure.empty()) failure = "the adapter refused the chunk: " + failure;
  }
  if (failure.empty() && !doc_spans.empty()) failure = doc->run(ctx_.audit ? &result.audit : nullptr);
  result.prefetch_hits = doc->prefetch_hits();
  result.live_lookups = doc->live_lookups();
  if (!failure.empty()) {
    result.warnings.push_back("chunk " + std::to_string(chunk.index) + ": " + failure);
    log::warn("collate: chunk " + std::to_string(chunk.index) + ": " + failure);
  }

  // Findings per slot.
  std::vector<std::vector<ReportedFinding>*> by_slot(chunk.slots.size(), nullptr);
  std::vector<uint32_t> doc_record_of_slot(chunk.slots.size(), 0);
  std::vector<std::vector<ReportedFinding>> buckets(doc_spans.size());
  size_t stray = 0;
  if (failure.empty()) {
    for (ReportedFinding& f : doc->findings()) {
      if (f.record == 0 || f.record > doc_spans.size()) {
        ++stray;
        continue;
      }
      buckets[f.record - 1].push_back(std::move(f));
    }
    for (size_t n = 0; n < doc_spans.size(); ++n) {
      by_slot[chunk.span_slot[doc_spans[n]]] = &buckets[n];
      doc_record_of_slot[chunk.span_slot[doc_spans[n]]] = static_cast<uint32_t>(n);
    }
  }
  if (stray)
    result.warnings.push_back("chunk " + std::to_string(chunk.index) + ": " + std::to_string(stray) +
                              " findings named no record of the document");

  std::string& out = result.rows;
  out.reserve(chunk.slots.size() * 160);
  SummaryCounts& counts = result.counts;
  for (size_t i = 0; i < chunk.slots.size(); ++i) {
    const RecordSlot& slot = chunk.slots[i];
    ++counts.records;
    if (slot.encoding != RecordEncoding::Utf8) ++counts.by_encoding[std::string(encoding_name(slot.encoding))];
    row_start(out, slot);
    if (!problems[i].empty()) {
      out += ",bad_record,INVALID_INPUT,,";
      out += encoding_name(slot.encoding);
      out += ',';
      csv_field(out, problems[i]);
      out += '\n';
      ++counts.by_class["bad_record"];
      ++counts.by_finding["INVALID_INPUT"];
      ++counts.attention;
      continue;
    }
    const std::vector<ReportedFinding>* fs = by_slot[i];
    if (!fs || fs->empty()) {
      const std::string cls = failure.empty() ? "no_finding" : "not_checked";
      out += ',';
      out += cls;
      out += ",,,";
      out += encoding_name(slot.encoding);
      out += ',';
      csv_field(out, failure.empty() ? std::string("the adapter reported nothing for this record") : failure);
      out += '\n';
      ++counts.by_class[cls];
      ++counts.attention;
      continue;
    }
    csv_field(out, doc->subjects()[doc_record_of_slot[i]]);
    out += ',';
    const std::string cls = class_of(fs->front());
    out += cls;
    ++counts.by_class[cls];
    out += ',';
    std::string labels, values, reasons;
    bool attention = false;
    for (size_t k = 0; k < fs->size(); ++k) {
      const ReportedFinding& f = (*fs)[k];
      std::string label = finding_label(f.code, f.field);
      if (k) labels += ';';
      labels += label;
      bool seen = false;
      for (size_t j = 0; j < k && !seen; ++j) seen = (*fs)[j].code == f.code;
      if (!seen) ++counts.by_finding[std::string(finding_name(f.code))];
      if (!f.value.empty()) {
        if (!values.empty()) values += " | ";
        values += f.value;
      }
      if (!f.detail.empty()) {
        if (!reasons.empty()) reasons += " | ";
        reasons += f.detail;
      }
      attention |= f.severity != ECID_SEVERITY_OK;
    }
    if (attention) ++counts.attention;
    csv_field(out, labels);
    out += ',';
    csv_field(out, values);
    out += ',';
    out += encoding_name(slot.encoding);
    out += ',';
    csv_field(out, reasons);
    out += '\n';
  }
  return result;
}

}  // namespace ecid::collate
