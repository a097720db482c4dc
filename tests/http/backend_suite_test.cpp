// One backend suite, run against both backends: the embedded SQLite register and the HTTP
// backend talking to the mock register server (which answers from the same file). Then the
// two are compared answer by answer on generated queries.
#include "http_test_support.hpp"

#include <ecid/fields.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>
#include <thread>

namespace ecid::testing {
namespace {

// The mock register shared by the HTTP case of this suite, started on first use.
MockRegisterServer& shared_server() {
  static std::unique_ptr<MockRegisterServer> server = start_mock();
  return *server;
}

struct BackendFactory {
  std::string name;
  std::function<std::unique_ptr<RegisterBackend>()> make;
};

std::ostream& operator<<(std::ostream& os, const BackendFactory& f) { return os << f.name; }

class BackendSuite : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override { backend_ = GetParam().make(); }
  LookupResult one(const LookupRequest& r) { return run(*backend_, {r}).at(0); }
  std::unique_ptr<RegisterBackend> backend_;
};

std::map<uint32_t, std::string> as_map(const RegisterRecord& r) {
  std::map<uint32_t, std::string> m;
  for (const auto& [f, v] : r.values) m[f] = v;
  return m;
}

TEST_P(BackendSuite, FindsAFixtureCitizenById) {
  LookupResult r = one(by_id("001085000101"));
  ASSERT_EQ(r.status, ECID_ANSWER_FOUND) << r.detail;
  ASSERT_EQ(r.records.size(), 1u);
  auto m = as_map(r.records[0]);
  EXPECT_EQ(m[ECID_F_PERSONAL_ID], "001085000101");
  EXPECT_EQ(m[ECID_F_FULL_NAME], "Nguyễn Văn An");
  EXPECT_EQ(m[ECID_F_BIRTH_DATE], "1985-02-15");
  EXPECT_EQ(m[ECID_F_SEX], "M");
  EXPECT_EQ(m[ECID_F_BIRTH_REGISTRATION_PLACE], "001");
  ASSERT_TRUE(m.count(ECID_F_DEATH_DATE));
  EXPECT_EQ(m[ECID_F_DEATH_DATE], "");  // alive: the register says so explicitly
}

TEST_P(BackendSuite, AnswersWhatTheRegisterFileHolds) {
  // Random people from the file, checked against the file itself (not against hard-coded values).
  std::vector<std::string> ids = existing_ids(40, 11);
  for (const std::string& id : ids) {
    std::vector<std::string> row = sql_column(
        "SELECT full_name FROM person WHERE pid = " + std::to_string(std::stoll(id)) +
        " UNION ALL SELECT birth_date FROM person WHERE pid = " + std::to_string(std::stoll(id)));
    ASSERT_EQ(row.size(), 2u);
    LookupResult r = one(by_id(id, {ECID_F_PERSONAL_ID, ECID_F_FULL_NAME, ECID_F_BIRTH_DATE}));
    ASSERT_EQ(r.status, ECID_ANSWER_FOUND) << id.substr(0, 3) << ": " << r.detail;
    auto m = as_map(r.records.at(0));
    EXPECT_EQ(m[ECID_F_PERSONAL_ID], id);
    EXPECT_EQ(m[ECID_F_FULL_NAME], row[0]);
    EXPECT_EQ(m[ECID_F_BIRTH_DATE], row[1]);
  }
}

TEST_P(BackendSuite, DeceasedAndYearOnlyFixtures) {
  auto deceased = as_map(one(by_id("036155000404")).records.at(0));
  EXPECT_EQ(deceased[ECID_F_DEATH_DATE], "2024-05-10");
  auto year_only = as_map(one(by_id("040048000808")).records.at(0));
  EXPECT_EQ(year_only[ECID_F_BIRTH_DATE], "1948");
}

TEST_P(BackendSuite, AbsentIdIsNotFound) {
  // Fixture suffixes 000100-000999 are reserved; only a few are used.
  ASSERT_EQ(sql_column("SELECT pid FROM person WHERE pid = 1085000998").size(), 0u);
  LookupResult r = one(by_id("001085000998"));
  EXPECT_EQ(r.status, ECID_ANSWER_NOT_FOUND) << r.detail;
  EXPECT_TRUE(r.records.empty());
}

TEST_P(BackendSuite, LegacyIdResolvesToThePerson) {
  LookupResult r = one(by_legacy("172345678"));
  ASSERT_EQ(r.status, ECID_ANSWER_FOUND) << r.detail;
  ASSERT_EQ(r.records.size(), 1u);
  auto m = as_map(r.records[0]);
  EXPECT_EQ(m[ECID_F_PERSONAL_ID], "038088000606");
  EXPECT_EQ(m[ECID_F_LEGACY_ID], "172345678");
  EXPECT_EQ(m[ECID_F_FULL_NAME], "Đỗ Minh Tuấn");
}

TEST_P(BackendSuite, CandidatesByNameAndBirthDate) {
  auto holds = [](const LookupResult& r, const std::string& id) {
    for (const auto& rec : r.records)
      if (const std::string* p = rec.find(ECID_F_PERSONAL_ID); p && *p == id) return true;
    return false;
  };
  LookupResult full = one(candidates("Nguyễn Văn An", "15/02/1985"));
  ASSERT_EQ(full.status, ECID_ANSWER_FOUND) << full.detail;
  EXPECT_TRUE(holds(full, "001085000101"));
  LookupResult plain = one(candidates("Nguyen Van An", "1985"));
  EXPECT_TRUE(holds(plain, "001085000101"));
  LookupResult in_place = one(candidates("Nguyễn Văn An", "1985", "001"));
  EXPECT_TRUE(holds(in_place, "001085000101"));
  LookupResult elsewhere = one(candidates("Nguyễn Văn An", "1985", "079"));
  EXPECT_FALSE(holds(elsewhere, "001085000101"));
  LookupResult wrong_year = one(candidates("Nguyễn Văn An", "1986"));
  EXPECT_FALSE(holds(wrong_year, "001085000101"));
  LookupResult no_name = one(candidates("", "1985"));
  EXPECT_EQ(no_name.status, ECID_ANSWER_INVALID_KEY);
}

TEST_P(BackendSuite, DisclosesOnlyTheRequestedFields) {
  LookupResult r = one(by_id("001085000101", {ECID_F_FULL_NAME}));
  ASSERT_EQ(r.status, ECID_ANSWER_FOUND) << r.detail;
  ASSERT_EQ(r.records.size(), 1u);
  ASSERT_EQ(r.records[0].values.size(), 1u);
  EXPECT_EQ(r.records[0].values[0].first, static_cast<uint32_t>(ECID_F_FULL_NAME));

  LookupResult two = one(by_id("001085000101", {ECID_F_CURRENT_RESIDENCE, ECID_F_DEATH_DATE}));
  ASSERT_EQ(two.status, ECID_ANSWER_FOUND);
  for (const auto& [f, v] : two.records.at(0).values) {
    EXPECT_TRUE(f == ECID_F_CURRENT_RESIDENCE || f == ECID_F_DEATH_DATE) << field_name(f);
  }

  LookupResult exists_only = one(by_id("001085000101", FieldSet{}));
  ASSERT_EQ(exists_only.status, ECID_ANSWER_FOUND);
  EXPECT_TRUE(exists_only.records.at(0).values.empty());
}

TEST_P(BackendSuite, RejectsImpossibleKeys) {
  for (const char* key : {"12345", "00108500010X", "", "0010850001011", "999085000101"}) {
    LookupResult r = one(by_id(key));
    EXPECT_EQ(r.status, ECID_ANSWER_INVALID_KEY) << "key of length " << std::string(key).size();
    EXPECT_FALSE(r.detail.empty());
  }
  for (const char* key : {"12345678", "1723456789", "17234567a"}) {
    LookupResult r = one(by_legacy(key));
    EXPECT_EQ(r.status, ECID_ANSWER_INVALID_KEY);
  }
}

TEST_P(BackendSuite, KindsItDoesNotServeAreUnavailableNeverNotFound) {
  // An identity assertion is verified by the host, never looked up in a register.
  LookupRequest assertion = by_id("eyJhbGciOiJFUzI1NiJ9.e30.sig", {ECID_F_EID_LEVEL});
  assertion.kind = ECID_Q_EID_ASSERTION;
  LookupResult r = one(assertion);
  EXPECT_EQ(r.status, ECID_ANSWER_UNAVAILABLE);
  EXPECT_FALSE(r.detail.empty());
}

TEST_P(BackendSuite, VehicleAndOrganisationKindsUseTheSameInterface) {
  std::vector<std::string> plates = sql_column("SELECT plate FROM vehicle ORDER BY plate LIMIT 5");
  std::vector<std::string> codes = sql_column("SELECT code FROM organisation ORDER BY code LIMIT 5");
  ASSERT_FALSE(plates.empty());
  ASSERT_FALSE(codes.empty());
  for (const std::string& plate : plates) {
    LookupRequest q = by_id(plate, {ECID_F_PLATE, ECID_F_VEHICLE_KIND});
    q.kind = ECID_Q_VEHICLE_BY_PLATE;
    LookupResult r = one(q);
    ASSERT_EQ(r.status, ECID_ANSWER_FOUND) << r.detail;
    EXPECT_NE(r.records.at(0).find(ECID_F_VEHICLE_KIND), nullptr);
    EXPECT_EQ(r.source.substr(0, r.source.find('/')), "vehicle") << r.source;  // reports name the register
  }
  for (const std::string& code : codes) {
    LookupRequest q = by_id(code, {ECID_F_ORG_CODE, ECID_F_ORG_NAME});
    q.kind = ECID_Q_ORGANISATION_BY_CODE;
    LookupResult r = one(q);
    ASSERT_EQ(r.status, ECID_ANSWER_FOUND) << r.detail;
    EXPECT_NE(r.records.at(0).find(ECID_F_ORG_NAME), nullptr);
    EXPECT_EQ(r.source.substr(0, r.source.find('/')), "organisation") << r.source;
  }
}

TEST_P(BackendSuite, BatchAnswersEveryQueryInOrder) {
  std::vector<std::string> present = existing_ids(150, 21);
  std::vector<LookupRequest> requests;
  std::vector<uint32_t> expected;
  std::mt19937 rng(5);
  for (size_t i = 0; i < present.size(); ++i) {
    switch (rng() % 4) {
      case 0:
        requests.push_back(by_id("001085000" + std::to_string(900 + i % 90)));  // reserved, unused
        expected.push_back(ECID_ANSWER_NOT_FOUND);
        break;
      case 1:
        requests.push_back(by_id(present[i].substr(0, 11)));  // 11 digits
        expected.push_back(ECID_ANSWER_INVALID_KEY);
        break;
      default:
        requests.push_back(by_id(present[i], {ECID_F_PERSONAL_ID}));
        expected.push_back(ECID_ANSWER_FOUND);
    }
  }
  requests.push_back(by_legacy("172345678"));
  expected.push_back(ECID_ANSWER_FOUND);
  auto results = run(*backend_, requests);
  ASSERT_EQ(results.size(), requests.size());
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_EQ(results[i].status, expected[i]) << "query " << i << ": " << results[i].detail;
    if (expected[i] == ECID_ANSWER_FOUND && requests[i].kind == ECID_Q_PERSON_BY_ID) {
      EXPECT_EQ(*results[i].records.at(0).find(ECID_F_PERSONAL_ID), requests[i].key) << "query " << i;
    }
  }
}

TEST_P(BackendSuite, ConcurrentCallersGetTheirOwnAnswers) {
  std::vector<std::string> ids = existing_ids(400, 31);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        std::vector<LookupRequest> requests;
        for (size_t i = static_cast<size_t>(t) * 100; i < static_cast<size_t>(t + 1) * 100; ++i)
          requests.push_back(by_id(ids[i], {ECID_F_PERSONAL_ID}));
        auto results = run(*backend_, requests);
        for (size_t i = 0; i < results.size(); ++i)
          if (results[i].status != ECID_ANSWER_FOUND || *results[i].records.at(0).find(ECID_F_PERSONAL_ID) != requests[i].key)
            ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Backends, BackendSuite,
    ::testing::Values(
        BackendFactory{"embedded", [] { return open_embedded_register(register_path()); }},
        BackendFactory{"http", [] { return open_http_register(http_config(shared_server())); }},
        BackendFactory{"http_one_by_one", [] {
                         HttpRegisterConfig c = http_config(shared_server());
                         c.batch_size = 1;
                         c.concurrency = 4;
                         return open_http_register(c);
                       }}),
    [](const ::testing::TestParamInfo<BackendFactory>& info) { return info.param.name; });

// --- the two backends compared on generated queries -------------------------------------------

TEST(BackendsAgree, OnRandomIdsNamesAndFieldSets) {
  auto embedded = open_embedded_register(register_path());
  auto http = open_http_register(http_config(shared_server()));
  std::mt19937_64 rng(99);
  std::vector<FieldSet> field_sets = {person_fields(), FieldSet{ECID_F_FULL_NAME, ECID_F_BIRTH_DATE},
                                      FieldSet{ECID_F_HOUSEHOLD, ECID_F_OTHER_NAMES, ECID_F_LEGACY_ID},
                                      FieldSet{ECID_F_TEMPORARY_RESIDENCE, ECID_F_CURRENT_RESIDENCE}, FieldSet{}};
  std::vector<LookupRequest> requests;
  for (const std::string& id : random_ids(300, 3)) requests.push_back(by_id(id, field_sets[rng() % field_sets.size()]));
  for (const std::string& id : existing_ids(300, 4)) requests.push_back(by_id(id, field_sets[rng() % field_sets.size()]));
  // Candidate searches with names and years taken from the file, some with a place.
  std::vector<std::string> names = sql_column("SELECT full_name FROM person ORDER BY random() LIMIT 60");
  std::vector<std::string> years = sql_column("SELECT substr(birth_date, 1, 4) FROM person ORDER BY random() LIMIT 60");
  for (size_t i = 0; i < names.size(); ++i)
    requests.push_back(candidates(names[i], years[i], i % 3 == 0 ? "001" : "", field_sets[i % field_sets.size()]));
  for (const std::string& legacy : sql_column("SELECT legacy_id FROM person WHERE legacy_id IS NOT NULL LIMIT 50"))
    requests.push_back(by_legacy(legacy));
  requests.push_back(by_legacy("000000001"));
  // Vehicle and organisation registers (issue 6) over the same endpoints.
  FieldSet vehicle_fields{ECID_F_PLATE, ECID_F_VEHICLE_OWNER_ID, ECID_F_VEHICLE_OWNER_KIND, ECID_F_PLATE_STATUS,
                          ECID_F_PLATE_HISTORY, ECID_F_VEHICLE_KIND};
  FieldSet org_fields{ECID_F_ORG_CODE, ECID_F_ORG_NAME, ECID_F_ORG_REPRESENTATIVE_ID, ECID_F_ORG_REPRESENTATIVE_NAME,
                      ECID_F_ORG_STATUS, ECID_F_ORG_HEAD_OFFICE};
  std::vector<std::string> plates = sql_column("SELECT plate FROM vehicle ORDER BY random() LIMIT 40");
  plates.push_back("99Z-999.99");
  plates.push_back("not a plate");
  for (const std::string& plate : plates) {
    LookupRequest q = by_id(plate, vehicle_fields);
    q.kind = ECID_Q_VEHICLE_BY_PLATE;
    requests.push_back(q);
  }
  std::vector<std::string> codes = sql_column("SELECT code FROM organisation ORDER BY random() LIMIT 40");
  codes.push_back("0000000000");
  for (const std::string& code : codes) {
    LookupRequest q = by_id(code, org_fields);
    q.kind = ECID_Q_ORGANISATION_BY_CODE;
    requests.push_back(q);
  }

  auto a = run(*embedded, requests);
  auto b = run(*http, requests);
  size_t found = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    std::string why;
    EXPECT_TRUE(same_result(a[i], b[i], &why)) << "query " << i << " (" << query_kind_name(requests[i].kind) << "): " << why;
    found += a[i].status == ECID_ANSWER_FOUND;
  }
  EXPECT_GT(found, 300u);  // the comparison covered real answers, not only misses
}

}  // namespace
}  // namespace ecid::testing
