// Drives the real libecid_court.so through its C entry points with a fake host (the shared
// harness of tests/support): what the adapter plans, what it finds from answers the test
// constructs, and how it fails.
#pragma once

#include "../support/adapter_harness.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace court_test {

using namespace adapter_test;

// 2025-06-01T00:00:00Z: the fake host's clock, so year checks do not drift with the calendar.
constexpr int64_t kFakeNow = 1748736000;
constexpr int kFakeYear = 2025;
constexpr FakeClock kFakeClock{kFakeNow, kFakeYear};

// The adapter library, loaded once per process and never unloaded (as production does).
inline ecid_adapter_entry_fn court_entry() { return entry_of("libecid_court.so"); }

// One adapter instance on a fake host. The court plans everything in round 0, so a run is one
// round, and the test sees what each phase sent to its own sinks.
class CourtHarness : public Harness {
 public:
  CourtHarness() : Harness("libecid_court.so", kFakeClock) {}

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
    const ecid_adapter_v1& a = adapter();
    Run r;
    const ecid_report_sink open_sink = r.open_sinks.report_sink();
    void* session = nullptr;
    r.open_rc = a.open_document(instance(), es(document), &open_sink, &session);
    if (r.open_rc != ECID_OK) {
      if (session != nullptr) throw std::runtime_error("failed open left a session");
      return r;
    }
    const ecid_plan_sink plan_sink = r.plan_sinks.plan_sink();
    const ecid_report_sink plan_diag = r.plan_sinks.report_sink();
    r.plan_rc = a.plan(session, 0, nullptr, 0, &plan_sink, &plan_diag);
    std::vector<FakeAnswer> answers;
    for (const PlannedQuery& q : r.plan_sinks.queries) {
      FakeAnswer ans = answer_for(q);
      ans.query_id = q.id;
      answers.push_back(std::move(ans));
    }
    AnswerSet set(std::move(answers));
    // The host asks for round 1 with the answers of round 0; one round means no more queries.
    Sinks round1;
    const ecid_plan_sink round1_sink = round1.plan_sink();
    const ecid_report_sink round1_diag = round1.report_sink();
    if (a.plan(session, 1, set.data(), set.size(), &round1_sink, &round1_diag) != ECID_OK || !round1.queries.empty())
      throw std::runtime_error("round 1 must add no query");
    const ecid_report_sink report = r.assess_sinks.report_sink();
    r.assess_rc = a.assess(session, set.data(), set.size(), &report);
    a.close_document(session);
    return r;
  }
  Run run(std::string_view document) {
    return run(document, [](const PlannedQuery&) { return FakeAnswer{0, ECID_ANSWER_NOT_FOUND, "", {}}; });
  }
};

}  // namespace court_test
