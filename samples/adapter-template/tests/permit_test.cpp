// The permit adapter's own tests, on the SDK's test harness (ecid::adapter_testing): it loads the
// BUILT library through its one exported symbol and drives each document through the host's own
// driver, with the host's ID and date rules on a fixed clock. The test answers each query.
#include <ecid/testing/adapter_harness.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using ecid::testing::FakeAnswer;
using ecid::testing::FakeRecord;
using ecid::testing::Harness;
using ecid::testing::PlannedQuery;

// 2026-05-28: the day the samples are written against.
constexpr ecid::testing::FakeClock kClock{1'780'000'000, 2026};

std::string read_sample(const std::string& name) {
  std::ifstream in(std::string(PERMIT_SAMPLES) + "/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The register knows the applicant and every claim agrees.
FakeAnswer verified(const PlannedQuery& q) { return ecid::testing::found(q, {{ECID_F_CURRENT_RESIDENCE, "Hà Nội"}}); }

TEST(Permit, RefusesAnotherHostMajor) {
  EXPECT_EQ(ecid::testing::entry_of(PERMIT_LIBRARY)(ECID_ABI_MAJOR + 1, 0), nullptr);
}

TEST(Permit, PlansOnePersonLookupWithNameAndBirthDateClaims) {
  const Harness h(PERMIT_LIBRARY, kClock);
  const auto r = h.run(read_sample("verified.xml"), verified);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.queries.size(), 1u);
  const PlannedQuery& q = r.queries[0];
  EXPECT_EQ(q.kind, uint32_t{ECID_Q_PERSON_BY_ID});
  EXPECT_EQ(q.key, "001198000505");
  EXPECT_EQ(q.purpose, "template.permit");
  ASSERT_EQ(q.claims.size(), 2u);
  EXPECT_EQ(q.claims[0].first, uint32_t{ECID_F_FULL_NAME});
  EXPECT_EQ(q.claims[1].first, uint32_t{ECID_F_BIRTH_DATE});
  EXPECT_EQ(q.fields, std::vector<uint32_t>{ECID_F_CURRENT_RESIDENCE});
  EXPECT_EQ(r.document_ref, "GP-2026-0001");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, uint32_t{ECID_FINDING_VERIFIED});
  EXPECT_EQ(r.findings[0].value, "Hà Nội");
}

TEST(Permit, MismatchedBirthDateIsReportedOnThatField) {
  const Harness h(PERMIT_LIBRARY, kClock);
  const auto r = h.run(read_sample("mismatch.xml"), [](const PlannedQuery&) {
    FakeAnswer a;  // FOUND, one record whose birth date differs
    a.records.push_back(FakeRecord{{}, {{ECID_F_BIRTH_DATE, ECID_CHECK_MISMATCH, "year differs"}}});
    return a;
  });
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, uint32_t{ECID_FINDING_MISMATCH});
  EXPECT_EQ(r.findings[0].field, uint32_t{ECID_F_BIRTH_DATE});
}

TEST(Permit, UnusableIdAsksNothingAndSaysSo) {
  const Harness h(PERMIT_LIBRARY, kClock);
  const auto r = h.run(read_sample("bad_id.xml"), verified);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.queries.empty());
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, uint32_t{ECID_FINDING_INVALID_INPUT});
}

TEST(Permit, RegisterDownIsAnErrorFindingNotAVerification) {
  const Harness h(PERMIT_LIBRARY, kClock);
  const auto r = h.run(read_sample("verified.xml"),
                       [](const PlannedQuery&) { return ecid::testing::status_only(ECID_ANSWER_UNAVAILABLE, "deadline"); });
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, uint32_t{ECID_FINDING_REGISTER_UNAVAILABLE});
}

TEST(Permit, BrokenDocumentsAreInvalidNotCrashes) {
  const Harness h(PERMIT_LIBRARY, kClock);
  const std::string good = read_sample("verified.xml");
  for (const std::string& bad : {std::string(), good.substr(0, good.size() / 2), std::string("\xff\xfe<x/>"),
                                 std::string("<Other xmlns='urn:x'/>"), good + std::string(2u << 20, ' ')}) {
    const auto [rc, error] = h.open_only(bad);
    EXPECT_EQ(rc, ECID_E_INVALID_DOCUMENT) << bad.substr(0, 40);
    EXPECT_FALSE(error.empty());
  }
}

}  // namespace
