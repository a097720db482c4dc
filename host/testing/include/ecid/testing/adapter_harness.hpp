// The adapter test harness (installed with the SDK; link ecid::adapter_testing): loads a built
// adapter library as the host does, gives it host services on a clock the test fixes, and drives
// documents through the host's own adapter driver (open → plan round by round → assess). What
// the adapter hands back is validated exactly as in production; what the registers would answer
// is the test's: it constructs one answer per planned query. Needs only the C++ standard library
// and <ecid/contract.h>. Guide: docs/writing-an-adapter.md, "Test it with the harness".
#pragma once

#include <ecid/contract.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecid::testing {

// The entry function of the adapter library at `path`, loaded once per process and never
// unloaded (as the host does). Throws std::runtime_error when it cannot be loaded.
ecid_adapter_entry_fn entry_of(const std::string& path);

// The host's clock as the adapter sees it, so date checks do not drift with the calendar: `now`
// is what services.now() returns, `year` the current year of the ID decoder and date parser.
struct FakeClock {
  int64_t now;
  int year;
};

// The host services: the host's own personal ID decoder and date parser on the test's clock;
// what the adapter logs is kept for the test to read. Thread-safe, like the host's.
class FakeHost {
 public:
  explicit FakeHost(FakeClock clock) : clock_(clock) {}
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;
  // The table create() gets; it points at this host.
  ecid_host_services services();
  const FakeClock& clock() const { return clock_; }
  std::vector<std::string> log_lines() const;
  int decode_calls() const;

 private:
  static void log(void* ctx, uint32_t level, ecid_str message) noexcept;
  static int32_t decode(void* ctx, ecid_str id, ecid_personal_id_info* out) noexcept;
  static int32_t parse_date(void* ctx, ecid_str text, ecid_date* out) noexcept;
  static int64_t now(void* ctx) noexcept;

  const FakeClock clock_;
  mutable std::mutex mu_;
  std::vector<std::string> log_lines_;
  int decode_calls_ = 0;
};

// A query as the adapter planned it. Ids are the driver's: 1, 2, … across a document's rounds.
struct PlannedQuery {
  uint32_t id = 0;
  uint32_t round = 0;
  uint32_t kind = 0;
  std::string subject_ref;
  std::string key;
  std::string purpose;
  std::vector<std::pair<uint32_t, std::string>> claims;
  std::vector<uint32_t> fields;
  uint32_t record = 0;    // the 1-based batch record it is about; 0 = none
  std::string malformed;  // why the host refuses it unasked (key, claims and fields are then empty)
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
  uint32_t record = 0;  // the 1-based batch record it is about; 0 = none
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

// The answer to one query. query_id and round are set by the driver (kept so tests can write
// FakeAnswer{0, status, detail, records}); source last because tests rarely set it.
struct FakeAnswer {
  uint32_t query_id = 0;
  uint32_t status = ECID_ANSWER_FOUND;
  std::string detail;
  std::vector<FakeRecord> records;
  uint32_t round = 0;
  std::string source = "test/fake";
  uint32_t reason = ECID_REASON_NONE;  // ecid_answer_reason (contract 1.3), e.g. an eID verdict
};

// An answer without records: NOT_FOUND, UNAVAILABLE, REFUSED, …
FakeAnswer status_only(uint32_t status, std::string detail = {});

// A FOUND answer with one record: these values, and MATCH for every claim of `q`; for a person
// look-up by ID (not a candidate search) also the ID structure check, as the host adds it.
FakeAnswer found(const PlannedQuery& q, std::vector<std::pair<uint32_t, std::string>> values);

using AnswerFor = std::function<FakeAnswer(const PlannedQuery&)>;

// What one document did.
struct Outcome {
  int32_t open_rc = -1;
  std::string open_error;  // the adapter's set_error message when open failed
  int32_t plan_rc = -1;    // of the last plan() call
  int32_t assess_rc = -1;
  // Empty when the document ran to its findings; otherwise the host's message (a failed step,
  // an invalid finding, too many rounds), naming the adapter.
  std::string error;
  // Empty, or how the adapter broke the contract (a malformed query, an invalid finding, …).
  std::string contract_violation;
  std::vector<PlannedQuery> queries;  // all rounds, in order
  uint32_t rounds = 0;                // rounds that planned something
  std::vector<ReportedFinding> findings;
  std::string document_ref;  // as open gave it: what the host stamps on the audit rows

  bool ok() const { return open_rc == ECID_OK && error.empty(); }
  std::vector<PlannedQuery> queries_of_round(uint32_t round) const;
  std::vector<ReportedFinding> findings_for(std::string_view subject) const;
  const ReportedFinding* find(uint32_t code, std::string_view subject = {}) const;
  size_t count(uint32_t code) const;
};

// One adapter instance, created with a FakeHost's services. Run documents on it from any number
// of threads, as the host does.
class Harness {
 public:
  // `library`: the path of the built adapter (.so). Throws std::runtime_error when it cannot be
  // loaded, refuses this host's ABI or fails create().
  Harness(const std::string& library, FakeClock clock);
  ~Harness();
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  // open → plan rounds, each query answered by `answer_for` (a malformed one is refused unasked,
  // as the host does) → assess → close.
  Outcome run(std::string_view document, const AnswerFor& answer_for) const;
  // open_document only (then close): its return code and the adapter's error message.
  std::pair<int32_t, std::string> open_only(std::string_view document) const;

  // The C side, for tests of what the driver never does (NULL arguments, answers out of protocol).
  const ecid_adapter_v1& adapter() const { return *adapter_; }
  void* instance() const { return instance_; }
  FakeHost& host() { return host_; }

 private:
  FakeHost host_;
  ecid_host_services services_;
  const ecid_adapter_v1* adapter_ = nullptr;
  void* instance_ = nullptr;
  std::string name_;
};

}  // namespace ecid::testing
