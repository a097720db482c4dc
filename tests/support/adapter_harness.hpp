// Drives a real adapter library through its C entry points with a fake host, round by round:
// what it plans, what it finds from answers the test constructs, and how it fails. Shared by
// tests/traffic, tests/seals and tests/court.
#pragma once

#include "temp_dir.hpp"

#include <ecid/contract.h>
#include <ecid/date.hpp>
#include <ecid/personal_id.hpp>

#include <dlfcn.h>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adapter_test {

inline std::string_view sv(ecid_str s) { return s.ptr ? std::string_view(s.ptr, s.len) : std::string_view(); }
inline ecid_str es(std::string_view s) { return ecid_str{s.data(), s.size()}; }

using ecid::testing::read_file;

// The fake host's clock, so date checks do not drift with the calendar. Each suite passes its
// own: its expectations were written against that day. `year` is the current year the host
// gives the ID and date parsers.
struct FakeClock {
  int64_t now;
  int year;
};

// The host services, recording what the adapter logs and how often it decodes an ID.
struct FakeHost {
  explicit FakeHost(FakeClock c) : clock(c) {}
  FakeClock clock;
  std::mutex mu;
  std::vector<std::string> log_lines;
  int decode_calls = 0;

  static void log(void* ctx, uint32_t, ecid_str message) {
    auto* self = static_cast<FakeHost*>(ctx);
    std::lock_guard lock(self->mu);
    self->log_lines.emplace_back(sv(message));
  }
  static int32_t decode(void* ctx, ecid_str id, ecid_personal_id_info* out) {
    auto* self = static_cast<FakeHost*>(ctx);
    {
      std::lock_guard lock(self->mu);
      ++self->decode_calls;
    }
    if (!out || out->struct_size < sizeof(ecid_personal_id_info)) return ECID_E_ARGUMENT;
    const ecid::PersonalIdInfo info = ecid::decode_personal_id(sv(id), self->clock.year);
    out->valid = info.valid ? 1 : 0;
    out->province_code = static_cast<uint32_t>(info.province_code);
    out->sex = static_cast<uint32_t>(info.sex);
    out->birth_year = info.birth_year;
    out->problem = es(info.problem);
    return ECID_OK;
  }
  static int32_t parse_date(void* ctx, ecid_str text, ecid_date* out) {
    if (!out || out->struct_size < sizeof(ecid_date)) return ECID_E_ARGUMENT;
    const auto d = ecid::parse_date(sv(text), static_cast<FakeHost*>(ctx)->clock.year);
    if (!d) return ECID_E_INVALID_DOCUMENT;
    out->year = d->year;
    out->month = d->month;
    out->day = d->day;
    return ECID_OK;
  }
  static int64_t now(void* ctx) { return static_cast<FakeHost*>(ctx)->clock.now; }
  ecid_host_services services() {
    return ecid_host_services{sizeof(ecid_host_services), ECID_ABI_MAJOR, ECID_ABI_MINOR, this, &log, &decode,
                              &parse_date, &now};
  }
};

// The library at <adapters>/<file>, loaded once per process and never unloaded.
inline ecid_adapter_entry_fn entry_of(const std::string& file) {
  static std::mutex mu;
  static std::map<std::string, ecid_adapter_entry_fn> loaded;
  std::lock_guard lock(mu);
  if (auto it = loaded.find(file); it != loaded.end()) return it->second;
  const std::string path = std::string(ECID_ADAPTER_DIR) + "/" + file;
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) throw std::runtime_error(std::string("dlopen failed: ") + dlerror());
  void* sym = dlsym(lib, ECID_ADAPTER_ENTRY_NAME);
  if (!sym) throw std::runtime_error(std::string("no entry symbol: ") + dlerror());
  auto entry = reinterpret_cast<ecid_adapter_entry_fn>(sym);
  loaded[file] = entry;
  return entry;
}

struct PlannedQuery {
  uint32_t id = 0;
  uint32_t round = 0;
  uint32_t kind = 0;
  std::string subject_ref;
  std::string key;
  std::string purpose;
  std::vector<std::pair<uint32_t, std::string>> claims;
  std::vector<uint32_t> fields;
  const std::string* claim(uint32_t field) const {
    for (const auto& [f, v] : claims)
      if (f == field) return &v;
    return nullptr;
  }
};

struct ReportedFinding {
  uint32_t code = 0;
  uint32_t severity = 0;
  uint32_t field = 0;
  std::string subject_ref;
  std::string value;
  std::string detail;
};

// Collects what the adapter sends to the host's sinks.
struct Sinks {
  std::vector<PlannedQuery> queries;
  std::vector<ReportedFinding> findings;
  std::string document_ref;  // as open gave it: what the host stamps on the audit rows
  bool document_ref_set = false;
  std::string error;
  int error_calls = 0;
  uint32_t round = 0;
  uint32_t* next_id = nullptr;  // shared across rounds; null: numbered within this sink

  static int32_t add_query(void* ctx, const ecid_query* q, uint32_t* out_id) {
    auto* self = static_cast<Sinks*>(ctx);
    if (!q || !out_id || q->struct_size < sizeof(ecid_query)) return ECID_E_ARGUMENT;
    PlannedQuery p;
    // Ids need not start at 0.
    p.id = self->next_id ? (*self->next_id)++ : static_cast<uint32_t>(self->queries.size()) + 100;
    p.round = self->round;
    p.kind = q->kind;
    p.subject_ref = sv(q->subject_ref);
    p.key = sv(q->key);
    p.purpose = sv(q->purpose);
    for (uint32_t i = 0; i < q->claim_count; ++i)
      p.claims.emplace_back(q->claims[i].field, std::string(sv(q->claims[i].value)));
    p.fields.assign(q->fields, q->fields + q->field_count);
    *out_id = p.id;
    self->queries.push_back(std::move(p));
    return ECID_OK;
  }
  static int32_t add_finding(void* ctx, const ecid_finding* f) {
    auto* self = static_cast<Sinks*>(ctx);
    if (!f || f->struct_size < sizeof(ecid_finding)) return ECID_E_ARGUMENT;
    self->findings.push_back({f->code, f->severity, f->field, std::string(sv(f->subject_ref)),
                              std::string(sv(f->value)), std::string(sv(f->detail))});
    return ECID_OK;
  }
  static int32_t set_document_ref(void* ctx, ecid_str ref) {
    auto* self = static_cast<Sinks*>(ctx);
    self->document_ref = sv(ref);
    self->document_ref_set = true;
    return ECID_OK;
  }
  static void set_error(void* ctx, ecid_str message) {
    auto* self = static_cast<Sinks*>(ctx);
    self->error = sv(message);
    ++self->error_calls;
  }
  ecid_plan_sink plan_sink() { return ecid_plan_sink{sizeof(ecid_plan_sink), this, &add_query}; }
  ecid_report_sink report_sink() {
    return ecid_report_sink{sizeof(ecid_report_sink), this, &add_finding, &set_document_ref, &set_error};
  }
};

// A register record as the host would pass it: disclosed values and claim checks.
struct FakeRecord {
  std::vector<std::pair<uint32_t, std::string>> values;
  struct Check {
    uint32_t field;
    uint32_t outcome;
    std::string reason;
  };
  std::vector<Check> checks;
};

// round and source last: tests write FakeAnswer{id, status, detail, records}.
struct FakeAnswer {
  uint32_t query_id = 0;
  uint32_t status = ECID_ANSWER_FOUND;
  std::string detail;
  std::vector<FakeRecord> records;
  uint32_t round = 0;
  std::string source = "test/fake";
};

inline FakeAnswer status_only(uint32_t status, std::string detail = {}) {
  FakeAnswer a;
  a.status = status;
  a.detail = std::move(detail);
  return a;
}

// A FOUND answer with one record: these values, and MATCH for every claim of `q`; for a person
// look-up also the ID structure check, which the host adds to every person kind.
inline FakeAnswer found(const PlannedQuery& q, std::vector<std::pair<uint32_t, std::string>> values) {
  FakeRecord r;
  r.values = std::move(values);
  for (const auto& [field, value] : q.claims) r.checks.push_back({field, ECID_CHECK_MATCH, "equal"});
  if (q.kind == ECID_Q_PERSON_BY_ID || q.kind == ECID_Q_PERSON_BY_LEGACY_ID || q.kind == ECID_Q_PERSON_CANDIDATES)
    r.checks.push_back({ECID_F_PERSONAL_ID, ECID_CHECK_MATCH, "ID digits agree with the record's sex and birth year"});
  FakeAnswer a;
  a.records.push_back(std::move(r));
  return a;
}

// Owns the C views of a set of answers; immutable once built so the pointers stay valid.
class AnswerSet {
 public:
  explicit AnswerSet(std::vector<FakeAnswer> answers) : answers_(std::move(answers)) {
    records_.resize(answers_.size());
    values_.resize(answers_.size());
    checks_.resize(answers_.size());
    for (size_t a = 0; a < answers_.size(); ++a) {
      const FakeAnswer& fa = answers_[a];
      values_[a].resize(fa.records.size());
      checks_[a].resize(fa.records.size());
      for (size_t r = 0; r < fa.records.size(); ++r) {
        for (const auto& [f, v] : fa.records[r].values)
          values_[a][r].push_back(ecid_field_value{sizeof(ecid_field_value), f, es(v)});
        for (const auto& c : fa.records[r].checks)
          checks_[a][r].push_back(ecid_field_check{sizeof(ecid_field_check), c.field, c.outcome, es(c.reason)});
        records_[a].push_back(ecid_record{sizeof(ecid_record), static_cast<uint32_t>(values_[a][r].size()),
                                          values_[a][r].data(), static_cast<uint32_t>(checks_[a][r].size()),
                                          checks_[a][r].data()});
      }
      views_.push_back(ecid_answer{sizeof(ecid_answer), fa.query_id, fa.round, fa.status, es(fa.source), es(fa.detail),
                                   static_cast<uint32_t>(records_[a].size()), ECID_REASON_NONE,
                                   records_[a].empty() ? nullptr : records_[a].data()});
    }
  }
  AnswerSet(const AnswerSet&) = delete;
  AnswerSet& operator=(const AnswerSet&) = delete;
  const ecid_answer* data() const { return views_.empty() ? nullptr : views_.data(); }
  uint32_t size() const { return static_cast<uint32_t>(views_.size()); }

 private:
  std::vector<FakeAnswer> answers_;
  std::vector<std::vector<ecid_record>> records_;
  std::vector<std::vector<std::vector<ecid_field_value>>> values_;
  std::vector<std::vector<std::vector<ecid_field_check>>> checks_;
  std::vector<ecid_answer> views_;
};

struct Outcome {
  int32_t open_rc = -1;
  std::string open_error;
  int32_t assess_rc = -1;
  std::string error;
  std::vector<PlannedQuery> queries;  // all rounds, in order
  uint32_t rounds = 0;                // rounds that planned something
  std::vector<ReportedFinding> findings;
  std::string document_ref;  // as open gave it: what the host stamps on the audit rows

  std::vector<PlannedQuery> queries_of_round(uint32_t round) const {
    std::vector<PlannedQuery> out;
    for (const auto& q : queries)
      if (q.round == round) out.push_back(q);
    return out;
  }
  std::vector<ReportedFinding> findings_for(std::string_view subject) const {
    std::vector<ReportedFinding> out;
    for (const auto& f : findings)
      if (f.subject_ref == subject) out.push_back(f);
    return out;
  }
  const ReportedFinding* find(uint32_t code, std::string_view subject = {}) const {
    for (const auto& f : findings)
      if (f.code == code && (subject.empty() || f.subject_ref == subject)) return &f;
    return nullptr;
  }
  size_t count(uint32_t code) const {
    size_t n = 0;
    for (const auto& f : findings) n += f.code == code;
    return n;
  }
};

using AnswerFor = std::function<FakeAnswer(const PlannedQuery&)>;

// One adapter instance on a fake host with the given clock.
class Harness {
 public:
  Harness(const std::string& library, FakeClock clock) : host_(clock), services_(host_.services()) {
    adapter_ = entry_of(library)(ECID_ABI_MAJOR, ECID_ABI_MINOR);
    if (!adapter_) throw std::runtime_error("entry refused the host's ABI");
    if (adapter_->create(&services_, &instance_) != ECID_OK) throw std::runtime_error("create failed");
  }
  ~Harness() { adapter_->destroy(instance_); }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;
  const ecid_adapter_v1& adapter() const { return *adapter_; }
  FakeHost& host() { return host_; }

  // open → plan(round 0..) with answers from `answer_for` until a round plans nothing → assess.
  Outcome run(std::string_view document, const AnswerFor& answer_for) {
    Outcome r;
    Sinks open_sinks;
    uint32_t next_id = 100;  // ids need not start at 0
    const ecid_report_sink open_sink = open_sinks.report_sink();
    void* session = nullptr;
    r.open_rc = adapter_->open_document(instance_, es(document), &open_sink, &session);
    r.open_error = open_sinks.error;
    if (r.open_rc != ECID_OK) {
      if (session != nullptr) throw std::runtime_error("failed open left a session");
      return r;
    }
    std::vector<FakeAnswer> answers;
    for (uint32_t round = 0;; ++round) {
      if (round > ECID_MAX_ROUNDS) throw std::runtime_error("adapter plans beyond ECID_MAX_ROUNDS");
      AnswerSet set(answers);
      Sinks plan;
      plan.round = round;
      plan.next_id = &next_id;
      const ecid_plan_sink sink = plan.plan_sink();
      const ecid_report_sink diag = plan.report_sink();
      const int32_t rc = adapter_->plan(session, round, set.data(), set.size(), &sink, &diag);
      if (rc != ECID_OK) {
        r.error = "plan failed: " + plan.error;
        adapter_->close_document(session);
        return r;
      }
      if (plan.queries.empty()) break;
      r.rounds = round + 1;
      for (const PlannedQuery& q : plan.queries) {
        FakeAnswer a = answer_for(q);
        a.query_id = q.id;
        a.round = round;
        answers.push_back(std::move(a));
        r.queries.push_back(q);
      }
    }
    AnswerSet set(answers);
    Sinks report;
    const ecid_report_sink sink = report.report_sink();
    r.assess_rc = adapter_->assess(session, set.data(), set.size(), &sink);
    r.findings = std::move(report.findings);
    // The reference counts when open gives it: the host stamps it on every look-up's audit row.
    r.document_ref = open_sinks.document_ref;
    if (r.assess_rc != ECID_OK) r.error = report.error;
    adapter_->close_document(session);
    return r;
  }

  // open_document only; returns the code and the error message.
  std::pair<int32_t, std::string> open_only(std::string_view document) {
    Sinks sinks;
    const ecid_report_sink sink = sinks.report_sink();
    void* session = nullptr;
    const int32_t rc = adapter_->open_document(instance_, es(document), &sink, &session);
    if (session) adapter_->close_document(session);
    return {rc, sinks.error};
  }

 protected:
  void* instance() const { return instance_; }

 private:
  FakeHost host_;
  ecid_host_services services_;
  const ecid_adapter_v1* adapter_ = nullptr;
  void* instance_ = nullptr;
};

}  // namespace adapter_test
