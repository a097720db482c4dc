// Drives the real libecid_court.so through its C entry points with a fake host: what the
// adapter plans, what it finds from answers the test constructs, and how it fails.
#pragma once

#include <ecid/contract.h>
#include <ecid/date.hpp>
#include <ecid/personal_id.hpp>

#include <dlfcn.h>

#include <cstdint>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace court_test {

inline std::string_view sv(ecid_str s) { return s.ptr ? std::string_view(s.ptr, s.len) : std::string_view(); }
inline ecid_str es(std::string_view s) { return ecid_str{s.data(), s.size()}; }

// 2025-06-01T00:00:00Z: the fake host's clock, so year checks do not drift with the calendar.
constexpr int64_t kFakeNow = 1748736000;
constexpr int kFakeYear = 2025;

struct FakeHost {
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
    const ecid::PersonalIdInfo info = ecid::decode_personal_id(sv(id), kFakeYear);
    out->valid = info.valid ? 1 : 0;
    out->province_code = static_cast<uint32_t>(info.province_code);
    out->sex = static_cast<uint32_t>(info.sex);
    out->birth_year = info.birth_year;
    out->problem = es(info.problem);
    return ECID_OK;
  }
  static int32_t parse_date(void*, ecid_str text, ecid_date* out) {
    if (!out || out->struct_size < sizeof(ecid_date)) return ECID_E_ARGUMENT;
    const auto d = ecid::parse_date(sv(text), kFakeYear);
    if (!d) return ECID_E_INVALID_DOCUMENT;
    out->year = d->year;
    out->month = d->month;
    out->day = d->day;
    return ECID_OK;
  }
  static int64_t now(void*) { return kFakeNow; }

  ecid_host_services services() {
    return ecid_host_services{sizeof(ecid_host_services), ECID_ABI_MAJOR, ECID_ABI_MINOR, this,
                              &log, &decode, &parse_date, &now};
  }
};

// The adapter library, loaded once per process and never unloaded (as production does).
inline ecid_adapter_entry_fn court_entry() {
  static ecid_adapter_entry_fn entry = [] {
    const std::string path = std::string(ECID_ADAPTER_DIR) + "/libecid_court.so";
    void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) throw std::runtime_error(std::string("dlopen failed: ") + dlerror());
    void* sym = dlsym(lib, ECID_ADAPTER_ENTRY_NAME);
    if (!sym) throw std::runtime_error(std::string("no entry symbol: ") + dlerror());
    return reinterpret_cast<ecid_adapter_entry_fn>(sym);
  }();
  return entry;
}

struct PlannedQuery {
  uint32_t id = 0;
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
  std::string document_ref;
  bool document_ref_set = false;
  std::string error;
  int error_calls = 0;

  static int32_t add_query(void* ctx, const ecid_query* q, uint32_t* out_id) {
    auto* self = static_cast<Sinks*>(ctx);
    if (!q || !out_id || q->struct_size < sizeof(ecid_query)) return ECID_E_ARGUMENT;
    PlannedQuery p;
    p.id = static_cast<uint32_t>(self->queries.size()) + 100;  // ids need not start at 0
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

struct FakeAnswer {
  uint32_t query_id = 0;
  uint32_t status = ECID_ANSWER_FOUND;
  std::string detail;
  std::vector<FakeRecord> records;
};

// Owns the C views of a set of answers; immutable once built so the pointers stay valid.
class AnswerSet {
 public:
  AnswerSet() = default;
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
        records_[a].push_back(ecid_record{sizeof(ecid_record),
                                          static_cast<uint32_t>(values_[a][r].size()), values_[a][r].data(),
                                          static_cast<uint32_t>(checks_[a][r].size()), checks_[a][r].data()});
      }
      views_.push_back(ecid_answer{sizeof(ecid_answer), fa.query_id, 0, fa.status, es("test/fake"),
                                   es(fa.detail), static_cast<uint32_t>(records_[a].size()),
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

// One adapter instance on a fake host.
class CourtHarness {
 public:
  CourtHarness() : services_(host_.services()) {
    adapter_ = court_entry()(ECID_ABI_MAJOR, ECID_ABI_MINOR);
    if (!adapter_) throw std::runtime_error("entry refused the host's ABI");
    if (adapter_->create(&services_, &instance_) != ECID_OK) throw std::runtime_error("create failed");
  }
  ~CourtHarness() { adapter_->destroy(instance_); }
  CourtHarness(const CourtHarness&) = delete;
  CourtHarness& operator=(const CourtHarness&) = delete;

  const ecid_adapter_v1& adapter() const { return *adapter_; }
  FakeHost& host() { return host_; }

  // One document through open → plan(0) → assess, with answers made by `answer_for`.
  struct Run {
    int32_t open_rc = -1;
    int32_t plan_rc = -1;
    int32_t assess_rc = -1;
    Sinks open_sinks;
    Sinks plan_sinks;
    Sinks assess_sinks;
    const std::vector<PlannedQuery>& queries() const { return plan_sinks.queries; }
    const std::vector<ReportedFinding>& findings() const { return assess_sinks.findings; }
    std::vector<ReportedFinding> findings_for(std::string_view subject) const {
      std::vector<ReportedFinding> out;
      for (const auto& f : assess_sinks.findings)
        if (f.subject_ref == subject) out.push_back(f);
      return out;
    }
  };

  template <class AnswerFor>
  Run run(std::string_view document, AnswerFor&& answer_for) {
    Run r;
    const ecid_report_sink open_sink = r.open_sinks.report_sink();
    void* session = nullptr;
    r.open_rc = adapter_->open_document(instance_, es(document), &open_sink, &session);
    if (r.open_rc != ECID_OK) {
      if (session != nullptr) throw std::runtime_error("failed open left a session");
      return r;
    }
    const ecid_plan_sink plan_sink = r.plan_sinks.plan_sink();
    const ecid_report_sink plan_diag = r.plan_sinks.report_sink();
    r.plan_rc = adapter_->plan(session, 0, nullptr, 0, &plan_sink, &plan_diag);
    std::vector<FakeAnswer> answers;
    for (const PlannedQuery& q : r.plan_sinks.queries) {
      FakeAnswer a = answer_for(q);
      a.query_id = q.id;
      answers.push_back(std::move(a));
    }
    AnswerSet set(std::move(answers));
    // The host asks for round 1 with the answers of round 0; one round means no more queries.
    Sinks round1;
    const ecid_plan_sink round1_sink = round1.plan_sink();
    const ecid_report_sink round1_diag = round1.report_sink();
    if (adapter_->plan(session, 1, set.data(), set.size(), &round1_sink, &round1_diag) != ECID_OK ||
        !round1.queries.empty())
      throw std::runtime_error("round 1 must add no query");
    const ecid_report_sink report = r.assess_sinks.report_sink();
    r.assess_rc = adapter_->assess(session, set.data(), set.size(), &report);
    adapter_->close_document(session);
    return r;
  }
  Run run(std::string_view document) {
    return run(document, [](const PlannedQuery&) { return FakeAnswer{0, ECID_ANSWER_NOT_FOUND, "", {}}; });
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

 private:
  FakeHost host_;
  ecid_host_services services_;
  const ecid_adapter_v1* adapter_ = nullptr;
  void* instance_ = nullptr;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace court_test
