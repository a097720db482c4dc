#include "http_test_support.hpp"

#include "../support/sigpipe.hpp"
#include "../support/temp_dir.hpp"

#include <ecid/fields.hpp>
#include <ecid/personal_id.hpp>
#include <ecid/seed.hpp>

#include <sqlite3.h>

#include <cstdio>
#include <random>
#include <stdexcept>

namespace ecid::testing {

const std::string& register_path() {
  static TempDir dir;
  static const std::string path = [] {
    SeedOptions o;
    o.people = 3000;
    o.seed = 7;
    o.path = (dir / "register.db").string();
    seed_register(o);
    return o.path;
  }();
  return path;
}

FieldSet person_fields() {
  FieldSet f;
  for (const FieldInfo& info : all_fields())
    if (info.id < 40) f.add(info.id);
  return f;
}

LookupRequest by_id(std::string key, FieldSet fields) {
  LookupRequest r;
  r.kind = ECID_Q_PERSON_BY_ID;
  r.key = std::move(key);
  r.fields = fields;
  r.purpose = kPurpose;
  r.document_ref = "TEST-HTTP-1";
  return r;
}

LookupRequest by_legacy(std::string key, FieldSet fields) {
  LookupRequest r = by_id(std::move(key), fields);
  r.kind = ECID_Q_PERSON_BY_LEGACY_ID;
  return r;
}

LookupRequest candidates(std::string name, std::string birth, std::string place, FieldSet fields) {
  LookupRequest r = by_id("", fields);
  r.kind = ECID_Q_PERSON_CANDIDATES;
  r.claims.push_back({ECID_F_FULL_NAME, std::move(name)});
  r.claims.push_back({ECID_F_BIRTH_DATE, std::move(birth)});
  if (!place.empty()) r.claims.push_back({ECID_F_BIRTH_REGISTRATION_PLACE, std::move(place)});
  return r;
}

std::vector<std::string> sql_column(const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(register_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    throw std::runtime_error("cannot open the test register");
  std::vector<std::string> out;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    std::string e = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error("bad test SQL: " + e);
  }
  while (sqlite3_step(s) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(s, 0);
    out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

std::vector<std::string> existing_ids(size_t count, uint64_t seed) {
  std::vector<std::string> all = sql_column("SELECT printf('%012d', pid) FROM person ORDER BY pid");
  std::mt19937_64 rng(seed);
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) out.push_back(all[rng() % all.size()]);
  return out;
}

std::vector<std::string> random_ids(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> out;
  auto province = provinces();
  while (out.size() < count) {
    int code = province[rng() % province.size()].id_code;
    int year = 1930 + static_cast<int>(rng() % 95);
    bool female = rng() % 2;
    int century = year < 2000 ? 0 : 2;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%03d%d%02d%06d", code, century + (female ? 1 : 0), year % 100,
                  static_cast<int>(rng() % 1000000));
    if (decode_personal_id(buf).valid) out.push_back(buf);
  }
  return out;
}

std::unique_ptr<MockRegisterServer> start_mock(MockRegisterOptions options) {
  options.register_path = register_path();
  options.client_id = kClientId;
  options.client_secret = kClientSecret;
  ignore_sigpipe();
  auto server = std::make_unique<MockRegisterServer>(options);
  server->start();
  return server;
}

HttpRegisterConfig http_config(const MockRegisterServer& server) {
  HttpRegisterConfig c;
  c.base_url = server.base_url();
  c.client_id = kClientId;
  c.client_secret = kClientSecret;
  c.timeout_ms = 5000;
  c.deadline_ms = 30000;
  c.concurrency = 8;
  c.batch_size = 50;
  return c;
}

std::vector<LookupResult> run(RegisterBackend& backend, const std::vector<LookupRequest>& requests) {
  std::vector<LookupResult> results(requests.size());
  backend.lookup(requests, results);
  return results;
}

bool same_result(const LookupResult& a, const LookupResult& b, std::string* why) {
  auto fail = [&](std::string w) {
    if (why) *why = std::move(w);
    return false;
  };
  if (a.status != b.status)
    return fail(std::string("status ") + std::string(answer_status_name(a.status)) + " vs " +
                std::string(answer_status_name(b.status)) + " (" + a.detail + " | " + b.detail + ")");
  if (a.detail != b.detail) return fail("detail '" + a.detail + "' vs '" + b.detail + "'");
  if (a.records.size() != b.records.size())
    return fail(std::to_string(a.records.size()) + " vs " + std::to_string(b.records.size()) + " records");
  for (size_t i = 0; i < a.records.size(); ++i)
    if (a.records[i].values != b.records[i].values) return fail("record " + std::to_string(i) + " differs");
  return true;
}

}  // namespace ecid::testing
