// The vehicle and organisation registers of the embedded register file: what the seed writes
// (consistent with the seeded citizens, deterministic) and how the backend answers.
#include "../support/temp_dir.hpp"

#include <ecid/personal_id.hpp>
#include <ecid/plate.hpp>
#include <ecid/register.hpp>
#include <ecid/register_schema.hpp>
#include <ecid/seed.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <set>

namespace {

namespace fs = std::filesystem;

std::vector<std::vector<std::string>> rows(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) throw std::runtime_error("open");
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    std::string e = sqlite3_errmsg(h);
    sqlite3_close(h);
    throw std::runtime_error(e + " in " + sql);
  }
  std::vector<std::vector<std::string>> out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(s); ++i) {
      const unsigned char* t = sqlite3_column_text(s, i);
      row.emplace_back(t ? reinterpret_cast<const char*>(t) : "NULL");
    }
    out.push_back(std::move(row));
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return out;
}
std::string one(const fs::path& db, const std::string& sql) { return rows(db, sql).at(0).at(0); }
std::string dump(const fs::path& db, const std::string& table) {
  std::string out;
  for (const auto& r : rows(db, "SELECT * FROM " + table + " ORDER BY 1, 2")) {
    for (const auto& c : r) out += c + "|";
    out += "\n";
  }
  return out;
}

class Registers : public ::testing::Test {
 protected:
  static const ecid::testing::TempDir& dir() {
    static ecid::testing::TempDir d;
    return d;
  }
  static fs::path seeded(uint64_t people, uint64_t seed, const std::string& name = "") {
    const fs::path p = dir() / (name.empty() ? "r-" + std::to_string(people) + "-" + std::to_string(seed) + ".db" : name);
    if (!fs::exists(p)) {
      ecid::SeedOptions o;
      o.people = people;
      o.seed = seed;
      o.path = p.string();
      ecid::seed_register(o);
    }
    return p;
  }
  static ecid::LookupResult lookup(ecid::RegisterBackend& b, uint32_t kind, const std::string& key,
                                   ecid::FieldSet fields, std::vector<ecid::Claim> claims = {}) {
    ecid::LookupRequest q;
    q.kind = kind;
    q.key = key;
    q.fields = fields;
    q.claims = std::move(claims);
    std::vector<ecid::LookupResult> r(1);
    b.lookup(std::span<const ecid::LookupRequest>(&q, 1), r);
    return r[0];
  }
};

const ecid::FieldSet kAllVehicle{ECID_F_PLATE, ECID_F_VEHICLE_KIND, ECID_F_VEHICLE_OWNER_KIND, ECID_F_VEHICLE_OWNER_ID,
                                 ECID_F_PLATE_STATUS, ECID_F_PLATE_HISTORY};
const ecid::FieldSet kAllOrganisation{ECID_F_ORG_CODE, ECID_F_ORG_NAME, ECID_F_ORG_REPRESENTATIVE_ID,
                                      ECID_F_ORG_REPRESENTATIVE_NAME, ECID_F_ORG_STATUS, ECID_F_ORG_HEAD_OFFICE};

std::string value(const ecid::LookupResult& r, uint32_t field, size_t record = 0) {
  const std::string* v = r.records.at(record).find(field);
  return v ? *v : "(absent)";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Look-ups

TEST_F(Registers, PlatesAreFoundByAnySpelling) {
  auto b = ecid::open_embedded_register(seeded(300, 1).string());
  for (const std::string spelling : {"30A-123.45", "30a12345", " 30A 123 45", "30A-12345"}) {
    const auto r = lookup(*b, ECID_Q_VEHICLE_BY_PLATE, spelling, kAllVehicle);
    ASSERT_EQ(r.status, static_cast<uint32_t>(ECID_ANSWER_FOUND)) << spelling << r.detail;
    EXPECT_EQ(r.source, "vehicle/embedded");
    EXPECT_EQ(value(r, ECID_F_PLATE), "30A-123.45");
    EXPECT_EQ(value(r, ECID_F_VEHICLE_KIND), "car");
    EXPECT_EQ(value(r, ECID_F_VEHICLE_OWNER_KIND), "person");
    EXPECT_EQ(value(r, ECID_F_VEHICLE_OWNER_ID), "001085000101");
    EXPECT_EQ(value(r, ECID_F_PLATE_STATUS), "active");
    EXPECT_EQ(value(r, ECID_F_PLATE_HISTORY), "2019-03-02..:person:001085000101:active");
  }
  // History, oldest first, and the current owner is the last period's.
  auto r = lookup(*b, ECID_Q_VEHICLE_BY_PLATE, "43A-555.66", kAllVehicle);
  EXPECT_EQ(value(r, ECID_F_PLATE_HISTORY),
            "2015-01-10..2023-06-01:person:048072000303:active;2023-06-01..:organisation:0400000303:active");
  EXPECT_EQ(value(r, ECID_F_VEHICLE_OWNER_ID), "0400000303");
  // Held: the holder is the owner. Revoked: nobody is.
  r = lookup(*b, ECID_Q_VEHICLE_BY_PLATE, "30F-246.80", kAllVehicle);
  EXPECT_EQ(value(r, ECID_F_PLATE_STATUS), "held");
  EXPECT_EQ(value(r, ECID_F_VEHICLE_OWNER_ID), "001085000101");
  r = lookup(*b, ECID_Q_VEHICLE_BY_PLATE, "18-B1 234.56", kAllVehicle);
  EXPECT_EQ(value(r, ECID_F_PLATE_STATUS), "revoked");
  EXPECT_EQ(value(r, ECID_F_VEHICLE_OWNER_ID), "(absent)");
  EXPECT_EQ(value(r, ECID_F_VEHICLE_KIND), "motorbike");
  // Only the fields asked for.
  r = lookup(*b, ECID_Q_VEHICLE_BY_PLATE, "30A-123.45", ecid::FieldSet{ECID_F_PLATE_STATUS});
  ASSERT_EQ(r.records.size(), 1u);
  ASSERT_EQ(r.records[0].values.size(), 1u);
  EXPECT_EQ(r.records[0].values[0].first, static_cast<uint32_t>(ECID_F_PLATE_STATUS));
  // Absent and impossible plates.
  r = lookup(*b, ECID_Q_VEHICLE_BY_PLATE, "30A-999.99", kAllVehicle);
  EXPECT_EQ(r.status, static_cast<uint32_t>(ECID_ANSWER_NOT_FOUND));
  EXPECT_EQ(r.source, "vehicle/embedded");
  r = lookup(*b, ECID_Q_VEHICLE_BY_PLATE, "13A-123.45", kAllVehicle);
  EXPECT_EQ(r.status, static_cast<uint32_t>(ECID_ANSWER_INVALID_KEY));
  EXPECT_NE(r.detail.find("13"), std::string::npos) << r.detail;
}

TEST_F(Registers, AKeylessPlateLookupListsTheOwnersPlates) {
  auto b = ecid::open_embedded_register(seeded(300, 1).string());
  const ecid::Claim an{ECID_F_VEHICLE_OWNER_ID, "001085000101"};
  auto r = lookup(*b, ECID_Q_VEHICLE_BY_PLATE, "", ecid::FieldSet{ECID_F_PLATE, ECID_F_PLATE_STATUS}, {an});
  ASSERT_EQ(r.status, static_cast<uint32_t>(ECID_ANSWER_FOUND)) << r.detail;
  ASSERT_EQ(r.records.size(), 2u);  // his car in use and the plate held from the one he sold
  EXPECT_EQ(value(r, ECID_F_PLATE, 0), "30A-123.45");
  EXPECT_EQ(value(r, ECID_F_PLATE, 1), "30F-246.80");
  r = lookup(*b, ECID_Q_VEHICLE_BY_PLATE, "", ecid::FieldSet{ECID_F_PLATE}, {an, {ECID_F_PLATE_STATUS, "held"}, {ECID_F_VEHICLE_KIND, "car"}});
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(value(r, ECID_F_PLATE), "30F-246.80");
  r = lookup(*b, ECID_Q_VEHICLE_BY_PLATE, "", ecid::FieldSet{ECID_F_PLATE}, {an, {ECID_F_VEHICLE_KIND, "motorbike"}});
  EXPECT_EQ(r.status, static_cast<uint32_t>(ECID_ANSWER_NOT_FOUND));
  // A former owner is no owner: the transferred car and the revoked plate are not listed.
  r = lookup(*b, ECID_Q_VEHICLE_BY_PLATE, "", ecid::FieldSet{ECID_F_PLATE}, {{ECID_F_VEHICLE_OWNER_ID, "048072000303"}});
  EXPECT_EQ(r.status, static_cast<uint32_t>(ECID_ANSWER_NOT_FOUND));
  r = lookup(*b, ECID_Q_VEHICLE_BY_PLATE, "", ecid::FieldSet{ECID_F_PLATE}, {{ECID_F_VEHICLE_OWNER_ID, "036155000404"}});
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(value(r, ECID_F_PLATE), "18A-135.79");
  // Bad requests.
  for (const auto& claims : std::vector<std::vector<ecid::Claim>>{
           {}, {{ECID_F_VEHICLE_OWNER_ID, ""}}, {an, {ECID_F_VEHICLE_KIND, "boat"}}, {an, {ECID_F_PLATE_STATUS, "lost"}}}) {
    r = lookup(*b, ECID_Q_VEHICLE_BY_PLATE, "", ecid::FieldSet{ECID_F_PLATE}, claims);
    EXPECT_EQ(r.status, static_cast<uint32_t>(ECID_ANSWER_INVALID_KEY));
    EXPECT_FALSE(r.detail.empty());
  }
}

TEST_F(Registers, OrganisationsAreFoundByCode) {
  auto b = ecid::open_embedded_register(seeded(300, 1).string());
  for (const std::string code : {"0100000101", " 0100 000 101 "}) {
    const auto r = lookup(*b, ECID_Q_ORGANISATION_BY_CODE, code, kAllOrganisation);
    ASSERT_EQ(r.status, static_cast<uint32_t>(ECID_ANSWER_FOUND)) << code;
    EXPECT_EQ(r.source, "organisation/embedded");
    EXPECT_EQ(value(r, ECID_F_ORG_CODE), "0100000101");
    EXPECT_EQ(value(r, ECID_F_ORG_NAME), "Hội Luật gia phường Ngọc Hà");
    EXPECT_EQ(value(r, ECID_F_ORG_REPRESENTATIVE_ID), "001085000101");
    EXPECT_EQ(value(r, ECID_F_ORG_REPRESENTATIVE_NAME), "Nguyễn Văn An");
    EXPECT_EQ(value(r, ECID_F_ORG_STATUS), "active");
    EXPECT_EQ(value(r, ECID_F_ORG_HEAD_OFFICE), "Số 18 phố Liễu Giai, phường Ngọc Hà, thành phố Hà Nội");
  }
  EXPECT_EQ(lookup(*b, ECID_Q_ORGANISATION_BY_CODE, "0400000303", kAllOrganisation).records[0].find(ECID_F_ORG_STATUS)[0],
            "dissolved");
  EXPECT_EQ(lookup(*b, ECID_Q_ORGANISATION_BY_CODE, "0199999999", kAllOrganisation).status,
            static_cast<uint32_t>(ECID_ANSWER_NOT_FOUND));
  EXPECT_EQ(lookup(*b, ECID_Q_ORGANISATION_BY_CODE, "0100000101-001", kAllOrganisation).status,
            static_cast<uint32_t>(ECID_ANSWER_NOT_FOUND));
  for (const std::string bad : {"", "12345", "01000001011", "010000010A", "0100000101-01", "0100000101/001"})
    EXPECT_EQ(lookup(*b, ECID_Q_ORGANISATION_BY_CODE, bad, kAllOrganisation).status,
              static_cast<uint32_t>(ECID_ANSWER_INVALID_KEY))
        << bad;
  const auto some = lookup(*b, ECID_Q_ORGANISATION_BY_CODE, "0100000101", ecid::FieldSet{ECID_F_ORG_STATUS});
  ASSERT_EQ(some.records[0].values.size(), 1u);
}

// One batch mixing all kinds, large enough to be visited in key order: answers stay in
// request order and each names its own register.
TEST_F(Registers, OneBatchServesEveryRegister) {
  auto b = ecid::open_embedded_register(seeded(300, 1).string());
  std::vector<ecid::LookupRequest> requests;
  std::vector<std::pair<std::string, uint32_t>> expected;  // source, status
  for (int i = 0; i < 30; ++i) {
    ecid::LookupRequest v;
    v.kind = ECID_Q_VEHICLE_BY_PLATE;
    v.key = i % 2 ? "30A-123.45" : "30A-999.99";
    v.fields = kAllVehicle;
    requests.push_back(v);
    expected.emplace_back("vehicle/embedded", i % 2 ? ECID_ANSWER_FOUND : ECID_ANSWER_NOT_FOUND);
    ecid::LookupRequest o;
    o.kind = ECID_Q_ORGANISATION_BY_CODE;
    o.key = i % 3 ? "0300000202" : "0199999999";
    o.fields = kAllOrganisation;
    requests.push_back(o);
    expected.emplace_back("organisation/embedded", i % 3 ? ECID_ANSWER_FOUND : ECID_ANSWER_NOT_FOUND);
    ecid::LookupRequest p;
    p.kind = ECID_Q_PERSON_BY_ID;
    p.key = i % 2 ? "001085000101" : "001095999999";
    p.fields = ecid::FieldSet{ECID_F_FULL_NAME};
    requests.push_back(p);
    expected.emplace_back("", i % 2 ? ECID_ANSWER_FOUND : ECID_ANSWER_NOT_FOUND);
  }
  std::vector<ecid::LookupResult> results(requests.size());
  b->lookup(requests, results);
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(results[i].source, expected[i].first) << i;
    EXPECT_EQ(results[i].status, expected[i].second) << i;
  }
  EXPECT_EQ(b->source_name(), "population/embedded");
}

TEST_F(Registers, AnOlderSchemaIsRefusedByName) {
  const fs::path old = dir() / "v1.db";
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(old.c_str(), &h), SQLITE_OK);
  sqlite3_exec(h, "CREATE TABLE meta (schema_version INTEGER); INSERT INTO meta VALUES (1);", nullptr, nullptr, nullptr);
  sqlite3_close(h);
  try {
    ecid::open_embedded_register(old.string());
    FAIL() << "a version-1 register was opened";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(std::to_string(ecid::register_schema::kSchemaVersion)), std::string::npos);
  }
}

// ---------------------------------------------------------------------------------------------
// What the seed writes

TEST_F(Registers, SeedIsDeterministicAndLeavesThePeopleAlone) {
  const fs::path a = seeded(3000, 5, "a.db"), b = seeded(3000, 5, "b.db"), c = seeded(3000, 6, "c.db");
  for (const char* table : {"vehicle", "plate_history", "organisation", "person"}) EXPECT_EQ(dump(a, table), dump(b, table)) << table;
  EXPECT_NE(dump(a, "plate_history"), dump(c, "plate_history"));
  EXPECT_NE(dump(a, "organisation"), dump(c, "organisation"));
  // About one vehicle per 8 people and one organisation per 400, fixtures besides.
  EXPECT_NEAR(std::stod(one(a, "SELECT count(*) FROM vehicle")), 3000.0 / 8, 3000.0 / 8 * 0.2);
  EXPECT_EQ(one(a, "SELECT count(*) FROM organisation"), std::to_string(6 + 3000 / 400));
  EXPECT_EQ(one(a, "SELECT schema_version FROM meta"), std::to_string(ecid::register_schema::kSchemaVersion));
}

TEST_F(Registers, EveryPlateIsAValidCanonicalKeyOfItsKind) {
  const fs::path reg = seeded(20000, 11);
  const auto plates = rows(reg, "SELECT plate, vehicle_kind FROM vehicle");
  ASSERT_GT(plates.size(), 2000u);
  std::map<std::string, int> kinds;
  for (const auto& p : plates) {
    const ecid::PlateParse r = ecid::parse_plate(p[0]);
    ASSERT_TRUE(r.plate) << p[0] << ": " << r.problem;
    EXPECT_EQ(r.plate->key, p[0]);
    EXPECT_EQ(ecid::plate_kind_name(r.plate->kind), p[1]) << p[0];
    ++kinds[p[1]];
  }
  // Roughly 80% motorbikes; reserved serials are never issued at random.
  EXPECT_GT(kinds["motorbike"], 3 * kinds["car"]);
  EXPECT_GT(kinds["car"], 0);
  EXPECT_EQ(one(reg, "SELECT count(*) FROM vehicle WHERE substr(plate, -5, 3) = '999' AND length(plate) >= 8"), "0");
}

TEST_F(Registers, PlateHistoriesAreContiguousAndOwnersAreRealPeople) {
  const fs::path reg = seeded(20000, 11);
  // Exactly one current period per plate, periods back to back.
  EXPECT_EQ(one(reg, "SELECT count(*) FROM vehicle v WHERE (SELECT count(*) FROM plate_history h "
                     "WHERE h.plate = v.plate AND h.valid_to IS NULL) <> 1"),
            "0");
  EXPECT_EQ(one(reg, "SELECT count(*) FROM plate_history a WHERE a.valid_to IS NOT NULL AND NOT EXISTS "
                     "(SELECT 1 FROM plate_history b WHERE b.plate = a.plate AND b.valid_from = a.valid_to)"),
            "0");
  EXPECT_EQ(one(reg, "SELECT count(*) FROM plate_history WHERE valid_to IS NOT NULL AND valid_to <= valid_from"), "0");
  EXPECT_EQ(one(reg, "SELECT count(*) FROM plate_history WHERE valid_from > '2025-06-30'"), "0");
  // Every person owner is a row of person; a plate is put on or held for someone 18 or older
  // (the latest birthday a partial date allows) and alive; a revoked plate may outlive its
  // owner. Every organisation owner is a row of organisation.
  EXPECT_EQ(one(reg, "SELECT count(*) FROM plate_history h LEFT JOIN person p ON p.pid = CAST(h.owner_id AS INTEGER) "
                     "WHERE h.owner_kind = 'person' AND (p.pid IS NULL OR (h.status <> 'revoked' AND ("
                     "date(CASE length(p.birth_date) WHEN 4 THEN p.birth_date || '-12-31' "
                     "WHEN 7 THEN date(p.birth_date || '-01', '+1 month', '-1 day') ELSE p.birth_date END, "
                     "'+18 years') > h.valid_from OR (p.death_date IS NOT NULL AND p.death_date <= h.valid_from))))"),
            "0");
  EXPECT_GT(std::stoi(one(reg, "SELECT count(*) FROM plate_history WHERE owner_kind = 'person'")), 1000);
  EXPECT_EQ(one(reg, "SELECT count(*) FROM plate_history h LEFT JOIN organisation o ON o.code = h.owner_id "
                     "WHERE h.owner_kind = 'organisation' AND o.code IS NULL"),
            "0");
  // Held plates follow the 2023 rules; each class of story occurs.
  EXPECT_EQ(one(reg, "SELECT count(*) FROM plate_history WHERE status = 'held' AND valid_from < '2023-08-15'"), "0");
  for (const char* cls :
       {"status = 'held' AND valid_to IS NULL", "status = 'revoked'", "status = 'held' AND valid_to IS NOT NULL",
        "owner_kind = 'organisation'"})
    EXPECT_GT(std::stoi(one(reg, std::string("SELECT count(*) FROM plate_history WHERE ") + cls)), 0) << cls;
  // Owners who died since keep their plates active (nobody re-registered them).
  EXPECT_GT(std::stoi(one(reg, "SELECT count(*) FROM plate_history h JOIN person p ON p.pid = CAST(h.owner_id AS INTEGER) "
                               "WHERE h.valid_to IS NULL AND h.status = 'active' AND p.death_date IS NOT NULL")),
            0);
  // Representatives: living citizens under their own names; some organisations not active.
  EXPECT_EQ(one(reg, "SELECT count(*) FROM organisation o LEFT JOIN person p ON p.pid = CAST(o.representative_id AS INTEGER) "
                     "WHERE p.pid IS NULL OR p.full_name <> o.representative_name OR p.death_date IS NOT NULL"),
            "0");
  EXPECT_GT(std::stoi(one(reg, "SELECT count(*) FROM organisation WHERE status <> 'active'")), 0);
  EXPECT_EQ(one(reg, "SELECT count(*) FROM organisation WHERE head_office NOT LIKE '%, %, %'"), "0");
}

TEST_F(Registers, FixtureVehiclesAndOrganisationsAreInEveryRegister) {
  for (const auto& reg : {seeded(10, 1, "tiny.db"), seeded(20000, 11)}) {
    EXPECT_EQ(one(reg, "SELECT count(*) FROM vehicle WHERE plate IN ('30A12345','29B112345','51K67890','30F24680',"
                       "'18B123456','18A13579','43A55566','29AB01234','29AC04567')"),
              "9");
    EXPECT_EQ(one(reg, "SELECT count(*) FROM organisation WHERE substr(code, 3) < '00001000'"), "6");
    EXPECT_EQ(one(reg, "SELECT count(*) FROM plate_history h WHERE h.plate IN (SELECT plate FROM vehicle WHERE plate IN "
                       "('30A12345','30F24680','29AC04567')) "),
              "5");
  }
  // Random plates are never owned by a fixture citizen (samples count the fixtures' plates).
  EXPECT_EQ(one(seeded(20000, 11), "SELECT count(*) FROM plate_history WHERE owner_kind = 'person' AND "
                                   "CAST(owner_id AS INTEGER) % 1000000 < 1000 AND plate NOT IN ('30A12345','29B112345',"
                                   "'30F24680','18B123456','18A13579','43A55566','29AB01234','29AC04567')"),
            "0");
}
