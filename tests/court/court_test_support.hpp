// The real libecid_court.so on the SDK's test harness (ecid/testing/adapter_harness.hpp, the
// host's own driver): what the adapter plans, what it finds from answers the test constructs,
// and how it fails.
#pragma once

#include "../support/temp_dir.hpp"

#include <ecid/testing/adapter_harness.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace court_test {

using namespace ecid::testing;

// 2025-06-01T00:00:00Z: the fake host's clock, so year checks do not drift with the calendar.
constexpr int64_t kFakeNow = 1748736000;
constexpr int kFakeYear = 2025;
constexpr FakeClock kFakeClock{kFakeNow, kFakeYear};

inline const std::string kCourtLibrary = std::string(ECID_ADAPTER_DIR) + "/libecid_court.so";

// The adapter library, loaded once per process and never unloaded (as production does).
inline ecid_adapter_entry_fn court_entry() { return entry_of(kCourtLibrary); }

// One adapter instance on the fake host. The court plans everything in round 0: a run that
// plans a second round is a failure of the adapter, not an outcome to assert on.
class CourtHarness : public Harness {
 public:
  CourtHarness() : Harness(kCourtLibrary, kFakeClock) {}

  Outcome run(std::string_view document, const AnswerFor& answer_for) const {
    Outcome r = Harness::run(document, answer_for);
    if (r.rounds > 1) throw std::runtime_error("round 1 must add no query");
    return r;
  }
  // Every query answered NOT_FOUND.
  Outcome run(std::string_view document) const {
    return run(document, [](const PlannedQuery&) { return status_only(ECID_ANSWER_NOT_FOUND); });
  }
};

}  // namespace court_test
