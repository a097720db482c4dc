// The one place the host drives an adapter through its C contract: open → plan round by round →
// assess → close, the sinks and the validation of everything the adapter hands back, the C
// views of the answers and the round limit. What the answers are is asked of an Answerer: the
// engine's, the collation's, the conformance kit's and the test harness's differ only there.
#pragma once

#include <ecid/contract.h>
#include <ecid/findings.hpp>
#include <ecid/loader.hpp>
#include <ecid/matching.hpp>
#include <ecid/register.hpp>

#include "adapter/binding.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ecid::adapter {

// Bounds on what one document may ask and report, so a runaway adapter stops there.
struct Limits {
  size_t max_queries = 20000;
  size_t max_findings = 50000;
  size_t expected_queries = 0;  // a sizing hint for a round (a batch: a few per record)
};

// A query as the adapter planned it. Its claims and subject reference live in its Round.
struct Query {
  uint32_t id = 0;
  uint32_t round = 0;
  uint32_t kind = 0;
  uint32_t record = 0;   // 1-based record of a batch document it is about; 0 = none
  uint32_t purpose = 0;  // index into Session::purpose()
  uint32_t claims_begin = 0, claims_count = 0;
  uint32_t fields_begin = 0, fields_count = 0;  // as the adapter listed them
  uint32_t subject_begin = 0, subject_size = 0;
  std::string key;
  FieldSet requested;
  std::string malformed;  // why the host refuses it without I/O; empty when well-formed
};

// The queries one plan() call added.
class Round {
 public:
  uint32_t number() const { return number_; }
  const std::vector<Query>& queries() const { return queries_; }
  bool empty() const { return queries_.empty(); }
  std::span<const Claim> claims_of(const Query& q) const {
    return std::span<const Claim>(claims_).subspan(q.claims_begin, q.claims_count);
  }
  std::span<const uint32_t> fields_of(const Query& q) const {
    return std::span<const uint32_t>(fields_).subspan(q.fields_begin, q.fields_count);
  }
  std::string_view subject_of(const Query& q) const {
    return std::string_view(subjects_).substr(q.subject_begin, q.subject_size);
  }

 private:
  friend class Session;
  uint32_t number_ = 0;
  std::vector<Query> queries_;
  std::vector<Claim> claims_;
  std::vector<uint32_t> fields_;
  std::string subjects_;
};

// The host's answer to one query.
struct Answer {
  uint32_t query_id = 0;  // set by the session
  uint32_t round = 0;     // set by the session
  uint32_t status = 0;    // ecid_answer_status
  uint32_t reason = 0;    // ecid_answer_reason
  std::string source;
  std::string detail;
  std::vector<RegisterRecord> records;          // only the fields the adapter may see
  std::vector<std::vector<FieldCheck>> checks;  // per record: the claims against it
};

class Session;

// Answers a round's queries: answers[i] is the answer to round.queries()[i]. A malformed query
// (Query::malformed) comes already answered by the driver (REFUSED, source "host"): leave it.
class Answerer {
 public:
  virtual ~Answerer() = default;
  virtual void answer(const Session& session, const Round& round, std::span<Answer> answers) = 0;
  // Asked before a round is answered: a non-empty reason stops the document there (an
  // interruption), with no query of that round sent anywhere.
  virtual std::string before_round(const Session& /*session*/, const Round& /*round*/) { return {}; }
};

// One document in one adapter. Not thread-safe; sessions of one adapter may run concurrently.
class Session {
 public:
  Session(const LoadedAdapter& adapter, Limits limits);
  // An instance the loader did not create (the conformance kit's create/destroy cycles).
  Session(const AdapterBinding& binding, const std::string& adapter_name, Limits limits);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Opens the document (borrowed for the call). Empty when open; otherwise the
  // adapter's reason ("invalid document: …").
  std::string open(std::string_view document);
  // Plans the next round with the answers so far. Empty on success, else the failure.
  std::string plan();
  // Plans, answers and assesses every round. Empty when findings() holds the findings,
  // otherwise the failure, naming the adapter.
  std::string run(Answerer& answerer);

  const std::string& adapter_name() const { return adapter_name_; }
  const std::string& purpose(uint32_t index) const { return purposes_[index]; }
  const std::string& document_ref() const { return document_ref_; }
  const std::deque<Round>& rounds() const { return rounds_; }
  // A round's answers, in the order of its queries; empty for a round not answered.
  std::span<const Answer> answers_of(const Round& round) const {
    return round.number() < answers_.size() ? std::span<const Answer>(answers_[round.number()]) : std::span<const Answer>();
  }
  uint32_t rounds_answered() const { return static_cast<uint32_t>(answers_.size()); }
  std::vector<Finding>& findings() { return findings_; }

  // What the adapter's functions returned (the conformance kit judges them), and its last
  // set_error message.
  struct ReturnCodes {
    int32_t open = -1, plan = ECID_OK, assess = ECID_OK;
  };
  const ReturnCodes& return_codes() const { return codes_; }
  const std::string& adapter_error() const { return error_; }
  // The document reference as it stood when open_document returned (what audit rows carry).
  const std::string& document_ref_at_open() const { return document_ref_at_open_; }
  // Why the last failure broke the contract itself (a session set by a failed open, an
  // invalid finding), or empty.
  const std::string& contract_violation() const { return contract_violation_; }
  // Makes every add_query fail with `rc` (a host failure, for the conformance kit).
  void refuse_queries_with(int32_t rc) { refuse_queries_with_ = rc; }

 private:
  static int32_t add_query(void* ctx, const ecid_query* q, uint32_t* out_id) noexcept;
  static int32_t add_finding(void* ctx, const ecid_finding* f) noexcept;
  static int32_t set_document_ref(void* ctx, ecid_str reference) noexcept;
  static void set_error(void* ctx, ecid_str message) noexcept;
  std::string failure(std::string_view step, int32_t rc) const;
  const std::vector<ecid_answer>& views();

  const AdapterBinding& binding_;
  const std::string& adapter_name_;
  Limits limits_;
  ReturnCodes codes_;
  int32_t refuse_queries_with_ = ECID_OK;
  std::string contract_violation_;
  std::string document_ref_at_open_;
  void* session_ = nullptr;
  ecid_report_sink report_sink_{};
  ecid_plan_sink plan_sink_{};
  uint32_t next_query_id_ = 1;
  std::deque<Round> rounds_;
  std::vector<std::string> purposes_;  // distinct purposes named so far
  // Per answered round. The views point into the answers: an inner vector's elements never move.
  std::vector<std::vector<Answer>> answers_;
  std::vector<Finding> findings_;
  std::string findings_error_;
  std::string error_;
  std::string document_ref_;
  // The C views of answers_, rebuilt after a round added answers.
  bool views_stale_ = false;
  std::vector<ecid_field_value> c_values_;
  std::vector<ecid_field_check> c_checks_;
  std::vector<ecid_record> c_records_;
  std::vector<ecid_answer> c_answers_;
};

// The n of a "record[n] …" subject reference (contract 1.1); 0 when it names no record.
uint32_t record_of_subject(std::string_view subject_ref);

}  // namespace ecid::adapter
