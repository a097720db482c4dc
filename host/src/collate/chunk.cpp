#include "collate/chunk.hpp"

#include "adapter/host_answerer.hpp"
#include "adapter/policy_gate.hpp"

#include <ecid/fields.hpp>
#include <ecid/findings.hpp>
#include <ecid/log.hpp>
#include <ecid/matching.hpp>
#include <ecid/personal_id.hpp>

#include <algorithm>
#include <memory>

namespace ecid::collate {

const char* const kResultsHeader = "record,line,offset,subject,class,findings,value,encoding,reason\n";

namespace {

// Per record, generous next to what any adapter needs, so a runaway adapter is bounded.
constexpr size_t kMaxQueriesPerRecord = 16;
constexpr size_t kMaxFindingsPerRecord = 64;

adapter::Limits limits_for(size_t records) {
  return {kMaxQueriesPerRecord * std::max<size_t>(records, 1) + 16, kMaxFindingsPerRecord * std::max<size_t>(records, 1) + 16,
          2 * records + 16};
}

// What follows "record[n]" in a subject reference, e.g. "SI 0120878811".
std::string_view subject_rest(std::string_view ref) {
  const size_t close = ref.find(']');
  std::string_view rest = close == std::string_view::npos ? ref : ref.substr(close + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return rest;
}

// The prefetch's number of each round-0 query (0: not prefetchable): the file record number
// of the record it is about and its rank among that record's person queries. The first pass and
// the main pass number the same queries alike.
std::vector<uint64_t> prefetch_numbers(const adapter::Round& round, const std::vector<uint64_t>& record_numbers) {
  std::vector<uint64_t> numbers(round.queries().size(), 0);
  if (round.number() != 0) return numbers;
  std::vector<uint8_t> rank(record_numbers.size(), 0);
  for (size_t i = 0; i < numbers.size(); ++i) {
    const adapter::Query& q = round.queries()[i];
    if (!is_prefetchable_kind(q.kind) || q.record == 0 || q.record > record_numbers.size()) continue;
    const uint32_t r = rank[q.record - 1]++;
    if (r < kMaxPrefetchedPerRecord) numbers[i] = prefetch_query_number(record_numbers[q.record - 1], r);
  }
  return numbers;
}

// The first pass: what round 0 asks that the main pass will want answered before it starts:
// the batch-wide duplicate questions, and the person look-ups worth prefetching (gate passed,
// one purpose).
class IndexCollector {
 public:
  IndexCollector(const ChunkContext& ctx, IndexOutput& out)
      : out_(out), gate_(*ctx.config, ctx.adapter->manifest, false) {}

  void collect(const adapter::Session& session, const adapter::Round& round, const std::vector<uint64_t>& record_numbers) {
    const std::vector<uint64_t> numbers = prefetch_numbers(round, record_numbers);
    for (size_t i = 0; i < round.queries().size(); ++i) {
      const adapter::Query& q = round.queries()[i];
      if (!q.malformed.empty()) continue;  // the main pass refuses it
      if (numbers[i] != 0) prefetch(session, round, q, numbers[i]);
      if (q.kind != ECID_Q_BATCH_DUPLICATES) continue;
      for (const Claim& c : round.claims_of(q))
        if (c.field == ECID_F_SECTOR_RECORD_ID) out_.pairs.emplace_back(encode_batch_value(q.key), encode_batch_value(c.value));
    }
  }

 private:
  void prefetch(const adapter::Session& session, const adapter::Round& round, const adapter::Query& q, uint64_t number) {
    if (q.kind == ECID_Q_PERSON_BY_ID && (q.key.size() != 12 || !decode_personal_id(q.key).valid))
      return;  // answered without I/O
    const std::string& purpose = session.purpose(q.purpose);
    if (!out_.purpose.empty() && purpose != out_.purpose) return;
    // No register I/O before the policy gate, prefetch included.
    if (!gate_.refusal(q.kind, purpose, q.requested).empty()) return;
    const std::span<const Claim> claims = round.claims_of(q);
    out_.purpose = purpose;
    out_.fields = out_.fields | q.requested | fields_needed_for_checks(claims, q.kind != ECID_Q_PERSON_CANDIDATES);
    if (q.kind == ECID_Q_PERSON_BY_ID) {
      uint64_t id = 0;
      for (char c : q.key) id = id * 10 + static_cast<uint64_t>(c - '0');
      out_.keys.push_back({id, number});
      return;
    }
    PrefetchRequest r;
    r.query = number;
    r.kind = q.kind;
    r.key = q.key;
    // A legacy look-up needs the key only; a candidate search its claims.
    if (q.kind == ECID_Q_PERSON_CANDIDATES) r.claims.assign(claims.begin(), claims.end());
    out_.requests.push_back(std::move(r));
  }

  IndexOutput& out_;
  GateDecisions gate_;
};

// The main pass's answers: the host's, with duplicate questions answered from the batch index,
// round-0 person look-ups from the prefetch where it answered the very question, and audit rows
// encoded here on the worker thread into the chunk's rows.
class ChunkAnswerer : public adapter::HostAnswerer {
 public:
  ChunkAnswerer(const ChunkContext& ctx, uint64_t chunk_index, const std::vector<uint64_t>& record_numbers,
                const std::vector<PrefetchedAnswer>* prefetched, AuditRows* audit)
      : HostAnswerer(*ctx.config, *ctx.adapter, *ctx.population, ctx.identity, audit != nullptr),
        ctx_(ctx),
        record_numbers_(record_numbers),
        prefetched_(prefetched),
        audit_rows_(audit),
        document_ref_("collate:" + ctx.job + ":" + std::to_string(chunk_index)) {}

  void answer(const adapter::Session& session, const adapter::Round& round, std::span<adapter::Answer> answers) override {
    numbers_ = prefetch_numbers(round, record_numbers_);
    HostAnswerer::answer(session, round, answers);
  }

  uint64_t prefetch_hits() const { return hits_; }
  uint64_t live_lookups() const { return asked_ - hits_; }

 protected:
  void answer_batch(const adapter::Round& round, const adapter::Query& q, adapter::Answer& a) override {
    const Claim* own = nullptr;
    if (!duplicate_question(round, q, own, a)) return;
    if (!ctx_.duplicates) {
      a.status = ECID_ANSWER_UNAVAILABLE;
      a.detail = "the batch index is not built";
      return;
    }
    const size_t total = ctx_.duplicates->others(encode_batch_value(q.key), encode_batch_value(own->value), others_,
                                                 kMaxDuplicatesAnswered);
    others_text_.clear();
    for (uint64_t v : others_) others_text_.push_back(decode_batch_value(v));
    answer_duplicates(q, others_text_, total, a);
  }

  // Exactly what the register would return now: the requested fields the person has.
  bool known_answer(const adapter::Round& round, size_t index, const LookupRequest& r, LookupResult& res) override {
    ++asked_;
    const adapter::Query& q = round.queries()[index];
    const uint64_t number = numbers_[index];
    if (!prefetched_ || number == 0 || !r.fields.subset_of(ctx_.prefetch_fields | FieldSet{ECID_F_PERSONAL_ID}) ||
        r.purpose != ctx_.prefetch_purpose)
      return false;
    auto it = std::lower_bound(prefetched_->begin(), prefetched_->end(), number,
                               [](const PrefetchedAnswer& a, uint64_t n) { return a.query < n; });
    if (it == prefetched_->end() || it->query != number) return false;
    // It must answer this very question; a register failure is retried live.
    if (it->fingerprint != request_fingerprint(q.kind, q.key, round.claims_of(q)) || it->status == ECID_ANSWER_UNAVAILABLE)
      return false;
    res.status = it->status;
    res.detail = it->detail;
    for (const RegisterRecord& from : it->records) {
      RegisterRecord rec;
      for (const auto& [f, v] : from.values)
        if (r.fields.has(f)) rec.values.emplace_back(f, v);
      res.records.push_back(std::move(rec));
    }
    ++hits_;
    return true;
  }

  std::string document_ref_of(const adapter::Session&) const override { return document_ref_; }
  void audit(const AuditEvent& event) override { ctx_.audit->encode(event, *audit_rows_); }

 private:
  const ChunkContext& ctx_;
  const std::vector<uint64_t>& record_numbers_;
  const std::vector<PrefetchedAnswer>* prefetched_;
  AuditRows* audit_rows_;
  std::string document_ref_;
  std::vector<uint64_t> numbers_;  // the prefetch number of each query of the round at hand
  std::vector<uint64_t> others_;
  std::vector<std::string> others_text_;
  uint64_t hits_ = 0, asked_ = 0;
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

std::string class_of(const Finding& f) {
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

// The chunk's document in a new session of its adapter. When a record breaks the document (e.g.
// malformed XML inside an element), the records the adapter cannot read on their own are left
// out (their reasons into `problems`, if given) and the others opened. `spans` is narrowed to
// the records in the document; the adapter's record n is spans[n-1]. Empty failure: opened.
std::unique_ptr<adapter::Session> open_chunk(const ChunkContext& ctx, const RawChunk& chunk, std::vector<uint32_t>& spans,
                                             std::vector<std::string>* problems, std::string& failure) {
  auto session = std::make_unique<adapter::Session>(*ctx.adapter, limits_for(spans.size()));
  failure = spans.empty() ? std::string() : session->open(ctx.reader->document(chunk));
  if (failure.empty()) return session;
  std::vector<uint32_t> readable;
  for (uint32_t r : spans) {
    adapter::Session one(*ctx.adapter, limits_for(1));
    const std::string why = one.open(ctx.reader->document(chunk, {r}));
    if (why.empty()) readable.push_back(r);
    else if (problems) (*problems)[chunk.span_slot[r]] = "the adapter cannot read the record: " + why;
  }
  spans = std::move(readable);
  session = std::make_unique<adapter::Session>(*ctx.adapter, limits_for(spans.size()));
  failure = spans.empty() ? std::string() : session->open(ctx.reader->document(chunk, spans));
  if (!failure.empty()) failure = "the adapter refused the chunk: " + failure;
  return session;
}

}  // namespace

std::string ChunkRunner::probe_frame() {
  adapter::Session session(*ctx_.adapter, limits_for(0));
  return session.open(ctx_.reader->empty_document());
}

void ChunkRunner::index(const RawChunk& chunk, IndexOutput& out) {
  std::vector<uint32_t> spans = all_spans(chunk);
  std::string failure;
  std::unique_ptr<adapter::Session> session = open_chunk(ctx_, chunk, spans, nullptr, failure);
  // Records the adapter cannot read are left out here; the main pass reports them.
  if (!failure.empty() || spans.empty() || !session->plan().empty()) return;
  IndexCollector(ctx_, out).collect(*session, session->rounds().front(), numbers_of(chunk, spans));
}

ChunkResult ChunkRunner::run(const RawChunk& chunk) {
  ChunkResult result;
  result.index = chunk.index;
  result.end = chunk.end;
  result.prefetch_offsets = chunk.prefetch_offsets;
  std::vector<std::string> problems(chunk.slots.size());
  for (size_t i = 0; i < chunk.slots.size(); ++i) problems[i] = chunk.slots[i].problem;

  std::vector<uint32_t> doc_spans = all_spans(chunk);
  std::string failure;
  std::unique_ptr<adapter::Session> doc = open_chunk(ctx_, chunk, doc_spans, &problems, failure);
  const std::vector<uint64_t> numbers = numbers_of(chunk, doc_spans);
  ChunkAnswerer answerer(ctx_, chunk.index, numbers, &chunk.prefetched, ctx_.audit ? &result.audit : nullptr);
  if (failure.empty() && !doc_spans.empty()) failure = doc->run(answerer);
  result.prefetch_hits = answerer.prefetch_hits();
  result.live_lookups = answerer.live_lookups();
  if (!failure.empty()) {
    result.warnings.push_back("chunk " + std::to_string(chunk.index) + ": " + failure);
    log::warn("collate: chunk " + std::to_string(chunk.index) + ": " + failure);
  }

  // Findings per slot.
  std::vector<std::vector<Finding>*> by_slot(chunk.slots.size(), nullptr);
  std::vector<std::vector<Finding>> buckets(doc_spans.size());
  size_t stray = 0;
  if (failure.empty()) {
    for (Finding& f : doc->findings()) {
      if (f.record == 0 || f.record > doc_spans.size()) {
        ++stray;
        continue;
      }
      buckets[f.record - 1].push_back(std::move(f));
    }
    for (size_t n = 0; n < doc_spans.size(); ++n) {
      by_slot[chunk.span_slot[doc_spans[n]]] = &buckets[n];
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
    const std::vector<Finding>* fs = by_slot[i];
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
    csv_field(out, subject_rest(fs->front().subject_ref));
    out += ',';
    const std::string cls = class_of(fs->front());
    out += cls;
    ++counts.by_class[cls];
    out += ',';
    std::string labels, values, reasons;
    bool attention = false;
    for (size_t k = 0; k < fs->size(); ++k) {
      const Finding& f = (*fs)[k];
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
