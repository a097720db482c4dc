// The permit adapter's own tests: they load the BUILT library through its one exported symbol,
// as the host does, and drive it with a small fake host. No ecid host code is needed.
#include <ecid/contract.h>

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string read_sample(const std::string& name) {
  std::ifstream in(std::string(PERMIT_SAMPLES) + "/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
ecid_str str(const std::string& s) { return {s.data(), s.size()}; }
std::string text(ecid_str s) { return s.ptr ? std::string(s.ptr, s.len) : std::string(); }

// A fake host: an ID is valid when it has 12 digits (the real rules live in the host).
int32_t decode_id(void*, ecid_str id, ecid_personal_id_info* out) {
  const std::string s = text(id);
  out->valid = s.size() == 12 && s.find_first_not_of("0123456789") == std::string::npos;
  out->problem = out->valid ? ecid_str{} : ecid_str{"not 12 digits", 13};
  return ECID_OK;
}
int32_t parse_date(void*, ecid_str, ecid_date*) { return ECID_E_UNSUPPORTED; }
int64_t now(void*) { return 1'780'000'000; }
void log(void*, uint32_t, ecid_str) {}
const ecid_host_services kHost{sizeof(ecid_host_services), ECID_ABI_MAJOR, ECID_ABI_MINOR, nullptr, log,
                               decode_id, parse_date, now};

struct Query {
  uint32_t kind;
  std::string subject, key, purpose;
  std::vector<uint32_t> claims, fields;
};
struct Finding {
  uint32_t code, severity, field;
  std::string value;
};
struct Recorder {
  std::vector<Query> queries;
  std::vector<Finding> findings;
  std::string document_ref, error;
};
int32_t add_query(void* ctx, const ecid_query* q, uint32_t* id) {
  auto* r = static_cast<Recorder*>(ctx);
  Query out{q->kind, text(q->subject_ref), text(q->key), text(q->purpose), {}, {q->fields, q->fields + q->field_count}};
  for (uint32_t i = 0; i < q->claim_count; ++i) out.claims.push_back(q->claims[i].field);
  r->queries.push_back(out);
  *id = static_cast<uint32_t>(r->queries.size());
  return ECID_OK;
}
int32_t add_finding(void* ctx, const ecid_finding* f) {
  static_cast<Recorder*>(ctx)->findings.push_back({f->code, f->severity, f->field, text(f->value)});
  return ECID_OK;
}
int32_t set_ref(void* ctx, ecid_str ref) {
  static_cast<Recorder*>(ctx)->document_ref = text(ref);
  return ECID_OK;
}
void set_error(void* ctx, ecid_str m) { static_cast<Recorder*>(ctx)->error = text(m); }

class Permit : public ::testing::Test {
 protected:
  void SetUp() override {
    lib_ = dlopen(PERMIT_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(lib_, nullptr) << dlerror();
    auto entry = reinterpret_cast<ecid_adapter_entry_fn>(dlsym(lib_, ECID_ADAPTER_ENTRY_NAME));
    ASSERT_NE(entry, nullptr);
    d_ = entry(ECID_ABI_MAJOR, ECID_ABI_MINOR);
    ASSERT_NE(d_, nullptr);
    ASSERT_EQ(d_->create(&kHost, &instance_), ECID_OK);
  }
  void TearDown() override {
    if (d_ && instance_) d_->destroy(instance_);
  }
  // open → plan round 0 → answer with `answer` (when a query was planned) → assess.
  int32_t run(const std::string& doc, Recorder& r, const ecid_answer* answer = nullptr) {
    ecid_report_sink diag{sizeof diag, &r, add_finding, set_ref, set_error};
    void* session = nullptr;
    int32_t rc = d_->open_document(instance_, str(doc), &diag, &session);
    if (rc != ECID_OK) return rc;
    ecid_plan_sink plan{sizeof plan, &r, add_query};
    rc = d_->plan(session, 0, nullptr, 0, &plan, &diag);
    if (rc == ECID_OK) rc = d_->assess(session, answer, answer && !r.queries.empty() ? 1 : 0, &diag);
    d_->close_document(session);
    return rc;
  }
  void* lib_ = nullptr;
  const ecid_adapter_v1* d_ = nullptr;
  void* instance_ = nullptr;
};

TEST_F(Permit, RefusesAnotherHostMajor) {
  auto entry = reinterpret_cast<ecid_adapter_entry_fn>(dlsym(lib_, ECID_ADAPTER_ENTRY_NAME));
  EXPECT_EQ(entry(ECID_ABI_MAJOR + 1, 0), nullptr);
}

TEST_F(Permit, PlansOnePersonLookupWithNameAndBirthDateClaims) {
  Recorder r;
  ecid_record record{sizeof(ecid_record), 0, nullptr, 0, nullptr};
  ecid_answer found{sizeof(ecid_answer), 1, 0, ECID_ANSWER_FOUND, {}, {}, 1, ECID_REASON_NONE, &record};
  ASSERT_EQ(run(read_sample("verified.xml"), r, &found), ECID_OK) << r.error;
  ASSERT_EQ(r.queries.size(), 1u);
  EXPECT_EQ(r.queries[0].kind, uint32_t{ECID_Q_PERSON_BY_ID});
  EXPECT_EQ(r.queries[0].key, "001198000505");
  EXPECT_EQ(r.queries[0].purpose, "template.permit");
  EXPECT_EQ(r.queries[0].claims, (std::vector<uint32_t>{ECID_F_FULL_NAME, ECID_F_BIRTH_DATE}));
  EXPECT_EQ(r.queries[0].fields, std::vector<uint32_t>{ECID_F_CURRENT_RESIDENCE});
  EXPECT_EQ(r.document_ref, "GP-2026-0001");
}

TEST_F(Permit, MismatchedBirthDateIsReportedOnThatField) {
  Recorder r;
  ecid_field_check check{sizeof(ecid_field_check), ECID_F_BIRTH_DATE, ECID_CHECK_MISMATCH, {"year differs", 12}};
  ecid_record record{sizeof(ecid_record), 0, nullptr, 1, &check};
  ecid_answer found{sizeof(ecid_answer), 1, 0, ECID_ANSWER_FOUND, {}, {}, 1, ECID_REASON_NONE, &record};
  ASSERT_EQ(run(read_sample("mismatch.xml"), r, &found), ECID_OK);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, uint32_t{ECID_FINDING_MISMATCH});
  EXPECT_EQ(r.findings[0].field, uint32_t{ECID_F_BIRTH_DATE});
}

TEST_F(Permit, UnusableIdAsksNothingAndSaysSo) {
  Recorder r;
  ASSERT_EQ(run(read_sample("bad_id.xml"), r), ECID_OK);
  EXPECT_TRUE(r.queries.empty());
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, uint32_t{ECID_FINDING_INVALID_INPUT});
}

TEST_F(Permit, RegisterDownIsAnErrorFindingNotAVerification) {
  Recorder r;
  ecid_answer down{sizeof(ecid_answer), 1, 0, ECID_ANSWER_UNAVAILABLE, {}, {"deadline", 8}, 0, ECID_REASON_NONE, nullptr};
  ASSERT_EQ(run(read_sample("verified.xml"), r, &down), ECID_OK);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, uint32_t{ECID_FINDING_REGISTER_UNAVAILABLE});
}

TEST_F(Permit, BrokenDocumentsAreInvalidNotCrashes) {
  const std::string good = read_sample("verified.xml");
  for (const std::string& bad : {std::string(), good.substr(0, good.size() / 2), std::string("\xff\xfe<x/>"),
                                 std::string("<Other xmlns='urn:x'/>"), good + std::string(2u << 20, ' ')}) {
    Recorder r;
    EXPECT_EQ(run(bad, r), ECID_E_INVALID_DOCUMENT) << bad.substr(0, 40);
    EXPECT_FALSE(r.error.empty());
  }
}

}  // namespace
