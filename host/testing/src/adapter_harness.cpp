// The harness drives adapters through the host's driver (adapter/driver.hpp): the only code of
// its own is the test's side — the fake host services and the answers the test constructs.
#include <ecid/testing/adapter_harness.hpp>

#include "adapter/binding.hpp"
#include "adapter/driver.hpp"
#include "adapter/service_calls.hpp"
#include "adapter/validation.hpp"

#include <dlfcn.h>

#include <map>
#include <stdexcept>

namespace ecid::testing {

ecid_adapter_entry_fn entry_of(const std::string& path) {
  static std::mutex mu;
  static std::map<std::string, ecid_adapter_entry_fn> loaded;
  std::lock_guard lock(mu);
  if (auto it = loaded.find(path); it != loaded.end()) return it->second;
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) throw std::runtime_error("cannot load " + path + ": " + dlerror());
  void* sym = dlsym(lib, ECID_ADAPTER_ENTRY_NAME);
  if (!sym) throw std::runtime_error(path + " has no " ECID_ADAPTER_ENTRY_NAME);
  auto entry = reinterpret_cast<ecid_adapter_entry_fn>(sym);
  loaded[path] = entry;
  return entry;
}

// ---------------------------------------------------------------------------------------------
// FakeHost

ecid_host_services FakeHost::services() {
  return ecid_host_services{sizeof(ecid_host_services), ECID_ABI_MAJOR, ECID_ABI_MINOR, this, &log, &decode,
                            &parse_date, &now};
}

std::vector<std::string> FakeHost::log_lines() const {
  std::lock_guard lock(mu_);
  return log_lines_;
}

int FakeHost::decode_calls() const {
  std::lock_guard lock(mu_);
  return decode_calls_;
}

void FakeHost::log(void* ctx, uint32_t, ecid_str message) noexcept {
  auto* self = static_cast<FakeHost*>(ctx);
  try {
    std::lock_guard lock(self->mu_);
    self->log_lines_.emplace_back(view(message));
  } catch (...) {
  }
}

int32_t FakeHost::decode(void* ctx, ecid_str id, ecid_personal_id_info* out) noexcept {
  auto* self = static_cast<FakeHost*>(ctx);
  {
    std::lock_guard lock(self->mu_);
    ++self->decode_calls_;
  }
  return adapter::decode_personal_id_call(id, self->clock_.year, out);
}

int32_t FakeHost::parse_date(void* ctx, ecid_str text, ecid_date* out) noexcept {
  return adapter::parse_date_call(text, static_cast<FakeHost*>(ctx)->clock_.year, out);
}

int64_t FakeHost::now(void* ctx) noexcept { return static_cast<FakeHost*>(ctx)->clock_.now; }

// ---------------------------------------------------------------------------------------------
// Answers

FakeAnswer status_only(uint32_t status, std::string detail) {
  FakeAnswer a;
  a.status = status;
  a.detail = std::move(detail);
  return a;
}

FakeAnswer found(const PlannedQuery& q, std::vector<std::pair<uint32_t, std::string>> values) {
  FakeRecord r;
  r.values = std::move(values);
  for (const auto& [field, value] : q.claims) r.checks.push_back({field, ECID_CHECK_MATCH, "equal"});
  if (q.kind == ECID_Q_PERSON_BY_ID || q.kind == ECID_Q_PERSON_BY_LEGACY_ID)
    r.checks.push_back({ECID_F_PERSONAL_ID, ECID_CHECK_MATCH, "ID digits agree with the record's sex and birth year"});
  FakeAnswer a;
  a.records.push_back(std::move(r));
  return a;
}

namespace {

PlannedQuery planned(const adapter::Session& session, const adapter::Round& round, const adapter::Query& q) {
  PlannedQuery p;
  p.id = q.id;
  p.round = q.round;
  p.kind = q.kind;
  p.subject_ref = round.subject_of(q);
  p.key = q.key;
  p.purpose = session.purpose(q.purpose);
  for (const Claim& c : round.claims_of(q)) p.claims.emplace_back(c.field, c.value);
  const auto fields = round.fields_of(q);
  p.fields.assign(fields.begin(), fields.end());
  p.record = q.record;
  p.malformed = q.malformed;
  return p;
}

// Asks the test for each answer; a malformed query is left refused, unasked, as the driver answered it.
class TestAnswerer : public adapter::Answerer {
 public:
  explicit TestAnswerer(const AnswerFor& answer_for) : answer_for_(answer_for) {}
  void answer(const adapter::Session& session, const adapter::Round& round, std::span<adapter::Answer> answers) override {
    for (size_t i = 0; i < answers.size(); ++i) {
      const adapter::Query& q = round.queries()[i];
      adapter::Answer& a = answers[i];
      if (!q.malformed.empty()) continue;
      FakeAnswer fake = answer_for_(planned(session, round, q));
      a.status = fake.status;
      a.reason = fake.reason;
      a.source = std::move(fake.source);
      a.detail = std::move(fake.detail);
      for (FakeRecord& r : fake.records) {
        a.records.push_back(RegisterRecord{std::move(r.values)});
        auto& checks = a.checks.emplace_back();
        for (FakeRecord::Check& c : r.checks) checks.push_back(FieldCheck{c.field, c.outcome, std::move(c.reason)});
      }
    }
  }

 private:
  const AnswerFor& answer_for_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Outcome

std::vector<PlannedQuery> Outcome::queries_of_round(uint32_t round) const {
  std::vector<PlannedQuery> out;
  for (const auto& q : queries)
    if (q.round == round) out.push_back(q);
  return out;
}

std::vector<ReportedFinding> Outcome::findings_for(std::string_view subject) const {
  std::vector<ReportedFinding> out;
  for (const auto& f : findings)
    if (f.subject_ref == subject) out.push_back(f);
  return out;
}

const ReportedFinding* Outcome::find(uint32_t code, std::string_view subject) const {
  for (const auto& f : findings)
    if (f.code == code && (subject.empty() || f.subject_ref == subject)) return &f;
  return nullptr;
}

size_t Outcome::count(uint32_t code) const {
  size_t n = 0;
  for (const auto& f : findings) n += f.code == code;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Harness

Harness::Harness(const std::string& library, FakeClock clock) : host_(clock), services_(host_.services()) {
  adapter_ = entry_of(library)(ECID_ABI_MAJOR, ECID_ABI_MINOR);
  if (!adapter_) throw std::runtime_error(library + ": the entry refused this host's ABI");
  if (const int32_t rc = adapter_->create(&services_, &instance_); rc != ECID_OK)
    throw std::runtime_error(library + ": create failed: " + adapter_result_name(rc));
  name_ = adapter_->name ? adapter_->name : library;
}

Harness::~Harness() { adapter_->destroy(instance_); }

Outcome Harness::run(std::string_view document, const AnswerFor& answer_for) const {
  const AdapterBinding binding{adapter_, instance_};
  adapter::Session session(binding, name_, adapter::Limits{});
  Outcome r;
  r.error = session.open(document);
  r.open_rc = session.return_codes().open;
  r.open_error = session.adapter_error();
  if (!r.error.empty()) {
    r.contract_violation = session.contract_violation();
    return r;
  }
  r.document_ref = session.document_ref_at_open();
  TestAnswerer answerer(answer_for);
  r.error = session.run(answerer);
  r.plan_rc = session.return_codes().plan;
  r.assess_rc = session.return_codes().assess;
  r.contract_violation = session.contract_violation();
  // The driver's codes start at ECID_OK: assess that never ran (a plan failed, too many rounds)
  // reads -1 here, as open does, so `assess_rc == ECID_OK` means it ran and succeeded.
  if (r.plan_rc != ECID_OK || (!r.error.empty() && r.assess_rc == ECID_OK && r.contract_violation.empty()))
    r.assess_rc = -1;
  r.rounds = session.rounds_answered();
  for (const adapter::Round& round : session.rounds())
    for (const adapter::Query& q : round.queries()) r.queries.push_back(planned(session, round, q));
  for (Finding& f : session.findings())
    r.findings.push_back({f.code, f.severity, f.field, std::move(f.subject_ref), std::move(f.value), std::move(f.detail),
                          f.record});
  return r;
}

std::pair<int32_t, std::string> Harness::open_only(std::string_view document) const {
  const AdapterBinding binding{adapter_, instance_};
  adapter::Session session(binding, name_, adapter::Limits{});
  session.open(document);
  return {session.return_codes().open, session.adapter_error()};
}

}  // namespace ecid::testing
