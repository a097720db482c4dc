#include "adapter/driver.hpp"

#include "adapter/validation.hpp"

namespace ecid::adapter {
namespace {

ecid_str cs(const std::string& s) { return ecid_str{s.data(), s.size()}; }

}  // namespace

uint32_t record_of_subject(std::string_view ref) {
  if (ref.substr(0, 7) != "record[") return 0;
  uint64_t n = 0;
  size_t i = 7;
  for (; i < ref.size() && i < 17 && ref[i] >= '0' && ref[i] <= '9'; ++i) n = n * 10 + static_cast<uint64_t>(ref[i] - '0');
  if (i == 7 || i >= ref.size() || ref[i] != ']' || n > UINT32_MAX) return 0;
  return static_cast<uint32_t>(n);
}

Session::Session(const LoadedAdapter& adapter, Limits limits)
    : Session(*adapter.binding, adapter.manifest.name, limits) {}

Session::Session(const AdapterBinding& binding, const std::string& adapter_name, Limits limits)
    : binding_(binding), adapter_name_(adapter_name), limits_(limits) {
  report_sink_ = {sizeof(ecid_report_sink), this, &Session::add_finding, &Session::set_document_ref, &Session::set_error};
  plan_sink_ = {sizeof(ecid_plan_sink), this, &Session::add_query};
}

Session::~Session() {
  if (session_) binding_.descriptor->close_document(session_);
}

std::string Session::failure(std::string_view step, int32_t rc) const {
  return adapter_name_ + " adapter: " + std::string(step) + adapter_result_name(rc) + (error_.empty() ? "" : ": " + error_);
}

std::string Session::open(std::string_view document) {
  const ecid_adapter_v1* d = binding_.descriptor;
  error_.clear();
  void* session = nullptr;
  codes_.open = d->open_document(binding_.instance, ecid_str{document.data(), document.size()}, &report_sink_, &session);
  if (codes_.open != ECID_OK || !session) {
    if (session) {
      contract_violation_ = "open_document failed but set a session";
      d->close_document(session);
    } else if (codes_.open == ECID_OK) {
      contract_violation_ = "open_document returned ECID_OK without a session";
      codes_.open = ECID_E_INTERNAL;
    }
    return adapter_result_name(codes_.open) + (error_.empty() ? "" : ": " + error_);
  }
  session_ = session;
  document_ref_at_open_ = document_ref_;
  return {};
}

const std::vector<ecid_answer>& Session::views() {
  if (!views_stale_) return c_answers_;
  views_stale_ = false;
  size_t n_values = 0, n_checks = 0, n_records = 0, n_answers = 0;
  for (const std::vector<Answer>& round : answers_)
    for (const Answer& a : round) {
      ++n_answers;
      n_records += a.records.size();
      for (const RegisterRecord& r : a.records) n_values += r.values.size();
      for (const auto& c : a.checks) n_checks += c.size();
    }
  c_values_.clear();
  c_checks_.clear();
  c_records_.clear();
  c_answers_.clear();
  // Reserved up front: the views point into these vectors, which must not reallocate.
  c_values_.reserve(n_values);
  c_checks_.reserve(n_checks);
  c_records_.reserve(n_records);
  c_answers_.reserve(n_answers);
  for (const std::vector<Answer>& round : answers_)
    for (const Answer& a : round) {
      const size_t first_record = c_records_.size();
      for (size_t i = 0; i < a.records.size(); ++i) {
        const size_t v0 = c_values_.size(), c0 = c_checks_.size();
        for (const auto& [f, v] : a.records[i].values) c_values_.push_back({sizeof(ecid_field_value), f, cs(v)});
        if (i < a.checks.size())
          for (const FieldCheck& c : a.checks[i]) c_checks_.push_back({sizeof(ecid_field_check), c.field, c.outcome, cs(c.reason)});
        c_records_.push_back({sizeof(ecid_record), static_cast<uint32_t>(c_values_.size() - v0), c_values_.data() + v0,
                              static_cast<uint32_t>(c_checks_.size() - c0), c_checks_.data() + c0});
      }
      ecid_answer v{};
      v.struct_size = sizeof(ecid_answer);
      v.query_id = a.query_id;
      v.round = a.round;
      v.status = a.status;
      v.source = cs(a.source);
      v.detail = cs(a.detail);
      v.record_count = static_cast<uint32_t>(a.records.size());
      v.records = a.records.empty() ? nullptr : c_records_.data() + first_record;
      v.reason = a.reason;
      c_answers_.push_back(v);
    }
  return c_answers_;
}

std::string Session::plan() {
  Round& round = rounds_.emplace_back();
  round.number_ = static_cast<uint32_t>(rounds_.size() - 1);
  // Batches plan a few queries per record: growing these one by one moved them all again.
  const size_t expected = round.number_ == 0 ? limits_.expected_queries : rounds_[round.number_ - 1].queries_.size();
  round.queries_.reserve(expected);
  round.claims_.reserve(4 * expected);
  round.fields_.reserve(2 * expected);
  round.subjects_.reserve(24 * expected);
  const std::vector<ecid_answer>& answers = views();
  codes_.plan = binding_.descriptor->plan(session_, round.number_, answers.data(), static_cast<uint32_t>(answers.size()),
                                          &plan_sink_, &report_sink_);
  if (codes_.plan != ECID_OK) return failure("plan round " + std::to_string(round.number_) + ": ", codes_.plan);
  return {};
}

std::string Session::run(Answerer& answerer) {
  for (;;) {
    if (std::string why = plan(); !why.empty()) return why;
    const Round& round = rounds_.back();
    if (round.empty()) break;
    if (round.number() >= ECID_MAX_ROUNDS)
      return adapter_name_ + " adapter asked for more than " + std::to_string(ECID_MAX_ROUNDS) + " rounds";
    if (std::string why = answerer.before_round(*this, round); !why.empty()) return why;
    std::vector<Answer>& answers = answers_.emplace_back(round.queries().size());
    // Refused here, for every answerer alike: nothing the adapter sent can be trusted.
    for (size_t i = 0; i < answers.size(); ++i)
      if (const std::string& why = round.queries()[i].malformed; !why.empty()) {
        answers[i].status = ECID_ANSWER_REFUSED;
        answers[i].source = "host";
        answers[i].detail = "malformed query: " + why;
        if (contract_violation_.empty()) contract_violation_ = "add_query got a malformed ecid_query: " + why;
      }
    answerer.answer(*this, round, answers);
    for (size_t i = 0; i < answers.size(); ++i) {
      answers[i].query_id = round.queries()[i].id;
      answers[i].round = round.number();
    }
    views_stale_ = true;
  }
  findings_.clear();
  const std::vector<ecid_answer>& answers = views();
  codes_.assess = binding_.descriptor->assess(session_, answers.data(), static_cast<uint32_t>(answers.size()), &report_sink_);
  if (!findings_error_.empty()) {
    if (contract_violation_.empty()) contract_violation_ = "add_finding got an invalid finding: " + findings_error_;
    return adapter_name_ + " adapter returned an invalid finding: " + findings_error_;
  }
  if (codes_.assess != ECID_OK) return failure("assess: ", codes_.assess);
  return {};
}

int32_t Session::add_query(void* ctx, const ecid_query* q, uint32_t* out_id) noexcept {
  auto* self = static_cast<Session*>(ctx);
  if (!q || !out_id) return ECID_E_ARGUMENT;
  try {
    if (self->refuse_queries_with_ != ECID_OK) return self->refuse_queries_with_;
    if (self->next_query_id_ > self->limits_.max_queries) return ECID_E_LIMIT;
    Round& round = self->rounds_.back();
    Query p;
    p.id = self->next_query_id_++;
    p.round = round.number_;
    p.malformed = query_problem(*q);
    if (q->struct_size >= kQuerySize1_0) {
      p.kind = q->kind;
      const std::string_view subject = view(q->subject_ref).substr(0, kMaxSubjectRefBytes);
      p.subject_begin = static_cast<uint32_t>(round.subjects_.size());
      p.subject_size = static_cast<uint32_t>(subject.size());
      round.subjects_ += subject;
      p.record = appended_member(*q, &ecid_query::record, offsetof(ecid_query, record), 0u);
      if (p.record == 0) p.record = record_of_subject(subject);  // the 1.1 convention
      const std::string_view purpose = view(q->purpose).substr(0, kMaxPurposeBytes);
      auto& purposes = self->purposes_;
      while (p.purpose < purposes.size() && purposes[p.purpose] != purpose) ++p.purpose;
      if (p.purpose == purposes.size()) purposes.emplace_back(purpose);
    }
    if (p.malformed.empty()) {
      p.key = std::string(view(q->key));
      p.claims_begin = static_cast<uint32_t>(round.claims_.size());
      for (uint32_t i = 0; i < q->claim_count; ++i) round.claims_.push_back({q->claims[i].field, std::string(view(q->claims[i].value))});
      p.claims_count = q->claim_count;
      p.fields_begin = static_cast<uint32_t>(round.fields_.size());
      round.fields_.insert(round.fields_.end(), q->fields, q->fields + q->field_count);
      p.fields_count = q->field_count;
      for (uint32_t i = 0; i < q->field_count; ++i) p.requested.add(q->fields[i]);
    }
    *out_id = p.id;
    round.queries_.push_back(std::move(p));
    return ECID_OK;
  } catch (...) {
    return ECID_E_NO_MEMORY;
  }
}

int32_t Session::add_finding(void* ctx, const ecid_finding* f) noexcept {
  auto* self = static_cast<Session*>(ctx);
  if (!f) return ECID_E_ARGUMENT;
  try {
    if (self->findings_.size() >= self->limits_.max_findings) return ECID_E_LIMIT;
    if (std::string why = finding_problem(*f); !why.empty()) {
      self->findings_error_ = std::move(why);
      return ECID_E_ARGUMENT;
    }
    Finding out{f->code, f->severity, f->field, std::string(view(f->subject_ref)), std::string(view(f->value)),
                std::string(view(f->detail))};
    out.record = appended_member(*f, &ecid_finding::record, offsetof(ecid_finding, record), 0u);
    if (out.record == 0) out.record = record_of_subject(out.subject_ref);  // the 1.1 convention
    self->findings_.push_back(std::move(out));
    return ECID_OK;
  } catch (...) {
    return ECID_E_NO_MEMORY;
  }
}

int32_t Session::set_document_ref(void* ctx, ecid_str reference) noexcept {
  try {
    static_cast<Session*>(ctx)->document_ref_ = std::string(view(reference).substr(0, kMaxDocumentRefBytes));
    return ECID_OK;
  } catch (...) {
    return ECID_E_NO_MEMORY;
  }
}

void Session::set_error(void* ctx, ecid_str message) noexcept {
  try {
    static_cast<Session*>(ctx)->error_ = std::string(view(message).substr(0, kMaxAdapterErrorBytes));
  } catch (...) {
  }
}

}  // namespace ecid::adapter
