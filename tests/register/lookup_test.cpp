// The embedded SQLite register backend: look-ups by ID, legacy ID and candidates, field
// selection, request order in batches, bad keys, bad files and concurrent callers.
#include <ecid/personal_id.hpp>
#include <ecid/register.hpp>
#include <ecid/register_schema.hpp>

#include "../support/temp_dir.hpp"
#include "register_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <thread>

namespace {

using ecid::FieldSet;
using ecid::LookupRequest;
using ecid::LookupResult;
using ecid::testing::shared_register;
using ecid::testing::Sql;
using ecid::testing::TempDir;

const FieldSet kPersonFields{
    ECID_F_FULL_NAME, ECID_F_OTHER_NAMES, ECID_F_PERSONAL_ID, ECID_F_BIRTH_DATE, ECID_F_SEX,
    ECID_F_BIRTH_PLACE, ECID_F_BIRTH_REGISTRATION_PLACE, ECID_F_HOMETOWN, ECID_F_ETHNICITY,
    ECID_F_RELIGION, ECID_F_NATIONALITY, ECID_F_BLOOD_TYPE, ECID_F_LEGACY_ID,
    ECID_F_PERMANENT_RESIDENCE, ECID_F_TEMPORARY_RESIDENCE, ECID_F_CURRENT_RESIDENCE,
    ECID_F_MARITAL_STATUS, ECID_F_HOUSEHOLD, ECID_F_DEATH_DATE};

class Lookup : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { backend_ = ecid::open_embedded_register(shared_register().path).release(); }
  static void TearDownTestSuite() { delete backend_; backend_ = nullptr; }

  static LookupResult one(const LookupRequest& request) {
    LookupResult result;
    backend_->lookup(std::span(&request, 1), std::span(&result, 1));
    return result;
  }
  static LookupRequest by_id(std::string key, FieldSet fields = kPersonFields) {
    LookupRequest r;
    r.kind = ECID_Q_PERSON_BY_ID;
    r.key = std::move(key);
    r.fields = fields;
    return r;
  }
  static LookupRequest candidates(std::string name, std::string birth, std::string place = "",
                                  FieldSet fields = {ECID_F_PERSONAL_ID, ECID_F_FULL_NAME, ECID_F_BIRTH_DATE}) {
    LookupRequest r;
    r.kind = ECID_Q_PERSON_CANDIDATES;
    r.claims.push_back({ECID_F_FULL_NAME, std::move(name)});
    r.claims.push_back({ECID_F_BIRTH_DATE, std::move(birth)});
    if (!place.empty()) r.claims.push_back({ECID_F_BIRTH_REGISTRATION_PLACE, std::move(place)});
    r.fields = fields;
    return r;
  }
  static std::vector<std::string> ids_of(const LookupResult& r) {
    std::vector<std::string> out;
    for (const auto& rec : r.records) out.push_back(rec.find(ECID_F_PERSONAL_ID) ? *rec.find(ECID_F_PERSONAL_ID) : "?");
    return out;
  }

  static ecid::RegisterBackend* backend_;
};
ecid::RegisterBackend* Lookup::backend_ = nullptr;

TEST_F(Lookup, SourceName) { EXPECT_EQ(backend_->source_name(), "population/embedded"); }

TEST_F(Lookup, ByIdReturnsTheWholeRecordAsStored) {
  LookupResult r = one(by_id("001085000101"));
  ASSERT_EQ(r.status, ECID_ANSWER_FOUND) << r.detail;
  ASSERT_EQ(r.records.size(), 1u);
  const auto& rec = r.records[0];
  EXPECT_EQ(*rec.find(ECID_F_PERSONAL_ID), "001085000101");
  EXPECT_EQ(*rec.find(ECID_F_FULL_NAME), "Nguyễn Văn An");
  EXPECT_EQ(*rec.find(ECID_F_BIRTH_DATE), "1985-02-15");
  EXPECT_EQ(*rec.find(ECID_F_SEX), "M");
  EXPECT_EQ(*rec.find(ECID_F_BIRTH_REGISTRATION_PLACE), "001");
  EXPECT_EQ(*rec.find(ECID_F_CURRENT_RESIDENCE), "Số 12 ngõ 34 phố Kim Mã, phường Ngọc Hà, thành phố Hà Nội");
  EXPECT_EQ(*rec.find(ECID_F_PERMANENT_RESIDENCE), "Số 5 phố Hàng Bông, phường Hoàn Kiếm, thành phố Hà Nội");
  EXPECT_EQ(rec.find(ECID_F_TEMPORARY_RESIDENCE), nullptr) << "not held";
  EXPECT_EQ(rec.find(ECID_F_LEGACY_ID), nullptr);
  EXPECT_EQ(*rec.find(ECID_F_DEATH_DATE), "") << "alive: empty, not absent";
  EXPECT_EQ(*rec.find(ECID_F_HOUSEHOLD), "1:Chủ hộ");
  EXPECT_EQ(*rec.find(ECID_F_NATIONALITY), "Việt Nam");

  // Every column agrees with the file, for random people too.
  Sql sql(shared_register().path);
  auto rows = sql.rows("SELECT printf('%012d', pid), full_name, birth_date, sex, current_residence, "
                       "household_id || ':' || household_relation, death_date FROM person "
                       "ORDER BY (pid * 7919) % 10007 LIMIT 200");
  for (const auto& row : rows) {
    LookupResult x = one(by_id(row[0]));
    ASSERT_EQ(x.status, ECID_ANSWER_FOUND) << ecid::mask_personal_id(row[0]);
    const auto& v = x.records.at(0);
    EXPECT_EQ(*v.find(ECID_F_PERSONAL_ID), row[0]);
    EXPECT_EQ(*v.find(ECID_F_FULL_NAME), row[1]);
    EXPECT_EQ(*v.find(ECID_F_BIRTH_DATE), row[2]);
    EXPECT_EQ(*v.find(ECID_F_SEX), row[3]);
    if (row[4] == ecid::testing::kNull) {
      EXPECT_EQ(v.find(ECID_F_CURRENT_RESIDENCE), nullptr);
    } else {
      EXPECT_EQ(*v.find(ECID_F_CURRENT_RESIDENCE), row[4]);
    }
    EXPECT_EQ(*v.find(ECID_F_HOUSEHOLD), row[5]);
    EXPECT_EQ(*v.find(ECID_F_DEATH_DATE), row[6] == ecid::testing::kNull ? "" : row[6]);
  }
}

TEST_F(Lookup, ReturnsExactlyTheRequestedFields) {
  std::mt19937 rng(11);
  std::vector<uint32_t> all = kPersonFields.list();
  for (int i = 0; i < 300; ++i) {
    FieldSet wanted;
    for (uint32_t f : all)
      if (rng() % 3 == 0) wanted.add(f);
    // The deceased fixture holds every field this test needs to see.
    LookupResult r = one(by_id("036155000404", wanted));
    ASSERT_EQ(r.status, ECID_ANSWER_FOUND);
    FieldSet returned;
    for (const auto& [field, value] : r.records[0].values) {
      EXPECT_TRUE(wanted.has(field)) << "field " << field << " was not requested";
      EXPECT_FALSE(returned.has(field)) << "field " << field << " twice";
      returned.add(field);
    }
  }
  LookupResult only_name = one(by_id("036155000404", {ECID_F_FULL_NAME}));
  ASSERT_EQ(only_name.records.at(0).values.size(), 1u);
  EXPECT_EQ(only_name.records[0].values[0].second, "Phạm Thị Hoa");
  LookupResult death = one(by_id("036155000404", {ECID_F_DEATH_DATE}));
  EXPECT_EQ(*death.records.at(0).find(ECID_F_DEATH_DATE), "2024-05-10");
  LookupResult nothing = one(by_id("036155000404", {}));
  ASSERT_EQ(nothing.status, ECID_ANSWER_FOUND);
  EXPECT_TRUE(nothing.records.at(0).values.empty());
  // Fields of other registers are never invented.
  LookupResult plate = one(by_id("036155000404", {ECID_F_PLATE, ECID_F_ORG_NAME, ECID_F_FULL_NAME}));
  EXPECT_EQ(plate.records.at(0).values.size(), 1u);
}

TEST_F(Lookup, AbsentIdIsNotFound) {
  LookupResult r = one(by_id("001095999999"));
  EXPECT_EQ(r.status, ECID_ANSWER_NOT_FOUND);
  EXPECT_TRUE(r.records.empty());
}

TEST_F(Lookup, StructurallyInvalidKeysAreRejectedWithAReason) {
  for (const char* key : {"", "12345", "00108500010a", "0010850001011", "003085000101", "001999000101",
                          "001 85000101"}) {
    LookupResult r = one(by_id(key));
    EXPECT_EQ(r.status, ECID_ANSWER_INVALID_KEY) << key;
    EXPECT_FALSE(r.detail.empty()) << key;
    EXPECT_TRUE(r.records.empty());
  }
}

TEST_F(Lookup, ByLegacyId) {
  LookupRequest r;
  r.kind = ECID_Q_PERSON_BY_LEGACY_ID;
  r.key = "172345678";
  r.fields = {ECID_F_PERSONAL_ID, ECID_F_LEGACY_ID, ECID_F_FULL_NAME};
  LookupResult x = one(r);
  ASSERT_EQ(x.status, ECID_ANSWER_FOUND) << x.detail;
  ASSERT_EQ(x.records.size(), 1u);
  EXPECT_EQ(*x.records[0].find(ECID_F_PERSONAL_ID), "038088000606");
  EXPECT_EQ(*x.records[0].find(ECID_F_FULL_NAME), "Đỗ Minh Tuấn");

  Sql sql(shared_register().path);
  for (const auto& row : sql.rows("SELECT legacy_id, printf('%012d', pid) FROM person WHERE legacy_id IS NOT NULL LIMIT 50")) {
    r.key = row[0];
    LookupResult y = one(r);
    ASSERT_EQ(y.status, ECID_ANSWER_FOUND);
    EXPECT_EQ(ids_of(y), std::vector<std::string>{row[1]});
  }
  // A 9-digit number nobody holds.
  for (int i = 0;; ++i) {
    std::string candidate = std::to_string(100000000 + i * 7);
    if (sql.count("SELECT count(*) FROM person WHERE legacy_id = '" + candidate + "'") == 0) {
      r.key = candidate;
      EXPECT_EQ(one(r).status, ECID_ANSWER_NOT_FOUND);
      break;
    }
  }
  for (const char* bad : {"17234567", "1723456789", "17234567x", "001085000101"}) {
    r.key = bad;
    LookupResult z = one(r);
    EXPECT_EQ(z.status, ECID_ANSWER_INVALID_KEY) << bad;
    EXPECT_FALSE(z.detail.empty());
  }
}

TEST_F(Lookup, CandidatesByNameAndBirthYear) {
  auto contains = [](const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  // Any spelling with the same fold, any date of the same year.
  for (const char* name : {"Nguyễn Văn An", "NGUYEN VAN AN", "Nguyen  Van An", "Nguye\xCC\x82\xCC\x83n Va\xCC\x86n An"}) {
    for (const char* date : {"1985-02-15", "1985", "1985-07", "15/02/1985", "01.01.1985"}) {
      LookupResult r = one(candidates(name, date));
      ASSERT_EQ(r.status, ECID_ANSWER_FOUND) << name << " " << date;
      EXPECT_TRUE(contains(ids_of(r), "001085000101")) << name << " " << date;
    }
  }
  EXPECT_TRUE(contains(ids_of(one(candidates("Nguyễn Văn An", "1985", "001"))), "001085000101"));
  EXPECT_TRUE(contains(ids_of(one(candidates("Nguyễn Văn An", "1985", "1"))), "001085000101"));
  EXPECT_FALSE(contains(ids_of(one(candidates("Nguyễn Văn An", "1985", "079"))), "001085000101"));
  EXPECT_FALSE(contains(ids_of(one(candidates("Nguyễn Văn An", "1986-02-15"))), "001085000101"));
  // Year-only register date matches a full claimed date of that year; tone placement folds away.
  EXPECT_TRUE(contains(ids_of(one(candidates("Ngô Văn Bảy", "1948-05-01"))), "040048000808"));
  EXPECT_TRUE(contains(ids_of(one(candidates("Hoàng Thị Thuỳ Dung", "01/09/1998"))), "001198000505"));

  LookupResult none = one(candidates("Zzyzx Qwerty", "1985"));
  EXPECT_EQ(none.status, ECID_ANSWER_NOT_FOUND);
  EXPECT_TRUE(none.records.empty());
}

TEST_F(Lookup, CandidatesAgreeWithTheFile) {
  Sql sql(shared_register().path);
  auto people = sql.rows("SELECT full_name, birth_date, name_key, substr(birth_date, 1, 4), printf('%012d', pid) "
                         "FROM person ORDER BY (pid * 31) % 9973 LIMIT 150");
  for (const auto& p : people) {
    LookupResult r = one(candidates(p[0], p[1], "", {ECID_F_PERSONAL_ID, ECID_F_FULL_NAME, ECID_F_BIRTH_DATE}));
    ASSERT_EQ(r.status, ECID_ANSWER_FOUND);
    long long expected = sql.count("SELECT count(*) FROM person WHERE name_key = '" + p[2] +
                                   "' AND substr(birth_date, 1, 4) = '" + p[3] + "'");
    EXPECT_EQ(static_cast<long long>(r.records.size()), std::min<long long>(expected, 20));
    for (const auto& rec : r.records) {
      EXPECT_EQ(ecid::register_schema::name_key(*rec.find(ECID_F_FULL_NAME)), p[2]);
      EXPECT_EQ(rec.find(ECID_F_BIRTH_DATE)->substr(0, 4), p[3]);
    }
    std::vector<std::string> ids = ids_of(r);
    if (expected <= 20) {
      EXPECT_NE(std::find(ids.begin(), ids.end(), p[4]), ids.end());
    }
  }
}

TEST(CandidateCap, AtMostTwentyByAscendingId) {
  // A register made by hand with the shared schema: 25 namesakes born in 1980, 3 in 1981.
  TempDir dir;
  std::string path = (dir / "namesakes.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string sql = std::string(ecid::register_schema::kCreateSql) + std::string(ecid::register_schema::kIndexSql) +
                    "INSERT INTO meta VALUES (" + std::to_string(ecid::register_schema::kSchemaVersion) + ", '0', 28, '2025-06-30', 'ascii-upper-v1', 'now');";
  for (int i = 0; i < 28; ++i) {
    std::string year = i < 25 ? "1980" : "1981";
    // Inserted in descending ID order: the answer must still come sorted.
    sql += "INSERT INTO person (pid, full_name, birth_date, sex, birth_registration_place, name_key) VALUES (" +
           std::to_string(1080000100 + 100 * (28 - i)) + ", 'Nguyễn Văn An', '" + year + "-01-0" +
           std::to_string(1 + i % 9) + "', 'M', '001', 'NGUYEN VAN AN');";
  }
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);

  auto backend = ecid::open_embedded_register(path);
  LookupRequest r;
  r.kind = ECID_Q_PERSON_CANDIDATES;
  r.claims = {{ECID_F_FULL_NAME, "Nguyen Van An"}, {ECID_F_BIRTH_DATE, "1980"}};
  r.fields = {ECID_F_PERSONAL_ID};
  LookupResult x;
  backend->lookup(std::span(&r, 1), std::span(&x, 1));
  ASSERT_EQ(x.status, ECID_ANSWER_FOUND);
  ASSERT_EQ(x.records.size(), 20u);
  EXPECT_NE(x.detail.find("more than 20"), std::string::npos) << x.detail;
  for (size_t i = 1; i < x.records.size(); ++i)
    EXPECT_LT(*x.records[i - 1].find(ECID_F_PERSONAL_ID), *x.records[i].find(ECID_F_PERSONAL_ID));
  EXPECT_EQ(*x.records[0].find(ECID_F_PERSONAL_ID), "001080000500");  // 1981 holds ...200-...400

  r.claims[1].value = "1981-06-01";
  backend->lookup(std::span(&r, 1), std::span(&x, 1));
  ASSERT_EQ(x.status, ECID_ANSWER_FOUND);
  EXPECT_EQ(x.records.size(), 3u);
  EXPECT_TRUE(x.detail.empty());
}

TEST_F(Lookup, CandidateSearchNeedsNameAndDate) {
  LookupRequest r;
  r.kind = ECID_Q_PERSON_CANDIDATES;
  r.fields = {ECID_F_PERSONAL_ID};
  EXPECT_EQ(one(r).status, ECID_ANSWER_INVALID_KEY);
  r.claims.push_back({ECID_F_FULL_NAME, "Nguyễn Văn An"});
  EXPECT_EQ(one(r).status, ECID_ANSWER_INVALID_KEY);
  r.claims.push_back({ECID_F_BIRTH_DATE, "sometime"});
  EXPECT_EQ(one(r).status, ECID_ANSWER_INVALID_KEY);
  EXPECT_EQ(one(candidates("' - '", "1985")).status, ECID_ANSWER_INVALID_KEY);
  EXPECT_EQ(one(candidates("Nguyễn Văn An", "1985", "Hà Nội")).status, ECID_ANSWER_INVALID_KEY);
}

TEST_F(Lookup, QueriesThatNoRegisterAnswersAreUnavailableHere) {
  // Identity assertions and batch duplicates are answered by the host, never by a register.
  for (ecid_query_kind kind : {ECID_Q_EID_ASSERTION, ECID_Q_BATCH_DUPLICATES}) {
    LookupRequest r;
    r.kind = kind;
    r.key = "001085000123";
    LookupResult x = one(r);
    EXPECT_EQ(x.status, ECID_ANSWER_UNAVAILABLE) << kind;
    EXPECT_FALSE(x.detail.empty()) << kind;
  }
}

// A mixed batch: answers land at their request's index whatever order the backend used.
std::vector<LookupRequest> mixed_batch(Sql& sql, size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  auto ids = sql.rows("SELECT printf('%012d', pid) FROM person");
  auto legacy = sql.rows("SELECT legacy_id FROM person WHERE legacy_id IS NOT NULL");
  auto names = sql.rows("SELECT full_name, birth_date FROM person LIMIT 500");
  std::vector<LookupRequest> batch;
  for (size_t i = 0; i < n; ++i) {
    LookupRequest r;
    r.fields = {ECID_F_PERSONAL_ID, ECID_F_FULL_NAME, ECID_F_LEGACY_ID};
    switch (rng() % 6) {
      case 0: case 1: case 2:
        r.kind = ECID_Q_PERSON_BY_ID;
        r.key = ids[rng() % ids.size()][0];
        break;
      case 3:
        r.kind = ECID_Q_PERSON_BY_ID;
        r.key = rng() % 2 ? "001095999" + std::to_string(100 + rng() % 900) : "00308500010" + std::to_string(rng() % 10);
        break;
      case 4:
        r.kind = ECID_Q_PERSON_BY_LEGACY_ID;
        r.key = legacy[rng() % legacy.size()][0];
        break;
      default: {
        const auto& p = names[rng() % names.size()];
        r.kind = ECID_Q_PERSON_CANDIDATES;
        r.claims = {{ECID_F_FULL_NAME, p[0]}, {ECID_F_BIRTH_DATE, p[1]}};
        r.key = p[0];  // for the check below
        break;
      }
    }
    batch.push_back(std::move(r));
  }
  return batch;
}

// Checks one answer against the request alone (and the file).
void expect_answer_fits(const LookupRequest& q, const LookupResult& a) {
  switch (q.kind) {
    case ECID_Q_PERSON_BY_ID:
      if (q.key.substr(0, 3) == "003") {
        ASSERT_EQ(a.status, ECID_ANSWER_INVALID_KEY);
      } else if (q.key.substr(0, 9) == "001095999") {
        ASSERT_EQ(a.status, ECID_ANSWER_NOT_FOUND);
      } else {
        ASSERT_EQ(a.status, ECID_ANSWER_FOUND);
        ASSERT_EQ(a.records.size(), 1u);
        ASSERT_EQ(*a.records[0].find(ECID_F_PERSONAL_ID), q.key);
      }
      break;
    case ECID_Q_PERSON_BY_LEGACY_ID:
      ASSERT_EQ(a.status, ECID_ANSWER_FOUND);
      ASSERT_EQ(*a.records.at(0).find(ECID_F_LEGACY_ID), q.key);
      break;
    default:
      ASSERT_EQ(a.status, ECID_ANSWER_FOUND);
      for (const auto& rec : a.records)
        ASSERT_EQ(ecid::register_schema::name_key(*rec.find(ECID_F_FULL_NAME)), ecid::register_schema::name_key(q.key));
  }
}

TEST_F(Lookup, BatchAnswersInRequestOrder) {
  Sql sql(shared_register().path);
  auto batch = mixed_batch(sql, 1000, 5);
  // Results arrive with stale contents: the backend must overwrite them.
  std::vector<LookupResult> results(batch.size());
  for (auto& r : results) {
    r.status = 99;
    r.detail = "stale";
    r.records.resize(3);
  }
  backend_->lookup(batch, results);
  for (size_t i = 0; i < batch.size(); ++i) {
    SCOPED_TRACE(i);
    expect_answer_fits(batch[i], results[i]);
    if (results[i].status == ECID_ANSWER_FOUND) {
      EXPECT_TRUE(results[i].detail.empty());
    }
  }
  // The same answers one by one.
  for (size_t i = 0; i < batch.size(); i += 37) {
    LookupResult single = one(batch[i]);
    EXPECT_EQ(single.status, results[i].status);
    EXPECT_EQ(ids_of(single), ids_of(results[i]));
  }
  backend_->lookup({}, {});  // an empty batch is fine
}

TEST_F(Lookup, ConcurrentCallersGetTheirOwnAnswers) {
  Sql sql(shared_register().path);
  std::vector<std::vector<LookupRequest>> batches;
  for (uint32_t t = 0; t < 4; ++t) batches.push_back(mixed_batch(sql, 4000, 100 + t));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const auto& all = batches[t];
      for (size_t start = 0; start < all.size(); start += 250) {
        size_t n = std::min<size_t>(250, all.size() - start);
        std::vector<LookupResult> results(n);
        backend_->lookup(std::span(all).subspan(start, n), results);
        for (size_t i = 0; i < n; ++i) {
          const auto& q = all[start + i];
          const auto& a = results[i];
          bool ok = true;
          if (q.kind == ECID_Q_PERSON_BY_ID && a.status == ECID_ANSWER_FOUND)
            ok = a.records.size() == 1 && *a.records[0].find(ECID_F_PERSONAL_ID) == q.key;
          else if (q.kind == ECID_Q_PERSON_BY_LEGACY_ID)
            ok = a.status == ECID_ANSWER_FOUND && *a.records.at(0).find(ECID_F_LEGACY_ID) == q.key;
          else if (q.kind == ECID_Q_PERSON_CANDIDATES)
            ok = a.status == ECID_ANSWER_FOUND;
          if (!ok) ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(OpenRegister, MissingFileNamesTheFile) {
  TempDir dir;
  std::string path = (dir / "absent.db").string();
  try {
    ecid::open_embedded_register(path);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_THROW(ecid::open_embedded_register(dir.path().string()), std::runtime_error);
}

TEST(OpenRegister, RefusesFilesThatAreNotRegisters) {
  TempDir dir;
  auto text = dir.write("notes.db", "this is not a database, just text that is long enough............");
  try {
    ecid::open_embedded_register(text.string());
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(text.string()), std::string::npos) << e.what();
  }
  // A SQLite file of another shape.
  std::string other = (dir / "other.db").string();
  sqlite3* db = nullptr;
  sqlite3_open(other.c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  try {
    ecid::open_embedded_register(other);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not an ecid register"), std::string::npos) << e.what();
  }
  // A register of a future schema version.
  std::string future = (dir / "future.db").string();
  sqlite3_open(future.c_str(), &db);
  sqlite3_exec(db, std::string(ecid::register_schema::kCreateSql).c_str(), nullptr, nullptr, nullptr);
  sqlite3_exec(db, "INSERT INTO meta VALUES (99, '1', 0, '2025-06-30', 'x', 'now')", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  try {
    ecid::open_embedded_register(future);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 99"), std::string::npos) << e.what();
  }
}

TEST(OpenRegister, PathsWithUriCharacters) {
  TempDir dir;
  std::string path = (dir / "odd ?#%name.db").string();
  ecid::SeedOptions o;
  o.people = 10;
  o.path = path;
  ecid::seed_register(o);
  auto backend = ecid::open_embedded_register(path);
  LookupRequest r;
  r.kind = ECID_Q_PERSON_BY_ID;
  r.key = "079087000111";
  r.fields = {ECID_F_FULL_NAME};
  LookupResult x;
  backend->lookup(std::span(&r, 1), std::span(&x, 1));
  ASSERT_EQ(x.status, ECID_ANSWER_FOUND) << x.detail;
  EXPECT_EQ(*x.records[0].find(ECID_F_FULL_NAME), "Huỳnh Tấn Phát");
}

}  // namespace
