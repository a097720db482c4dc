#include "register_fixture.hpp"

#include "../support/temp_dir.hpp"

#include <memory>
#include <stdexcept>

namespace ecid::testing {

const SeededRegister& shared_register() {
  static TempDir dir;
  static const SeededRegister seeded = [] {
    SeededRegister r;
    r.path = (dir / "register.db").string();
    SeedOptions options;
    options.people = kPeople;
    options.seed = kSeed;
    options.path = r.path;
    r.summary = seed_register(options);
    return r;
  }();
  return seeded;
}

Sql::Sql(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    throw std::runtime_error("cannot open " + path);
}
Sql::~Sql() { sqlite3_close_v2(db_); }

void Sql::each(const std::string& sql, const std::function<void(sqlite3_stmt*)>& row) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("bad test SQL: ") + sqlite3_errmsg(db_));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(s, sqlite3_finalize);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) row(s);
  if (rc != SQLITE_DONE) throw std::runtime_error(std::string("test SQL failed: ") + sqlite3_errmsg(db_));
}

std::vector<std::vector<std::string>> Sql::rows(const std::string& sql) {
  std::vector<std::vector<std::string>> out;
  each(sql, [&](sqlite3_stmt* s) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(s); ++i) {
      const unsigned char* t = sqlite3_column_text(s, i);
      row.push_back(t == nullptr ? kNull : std::string(reinterpret_cast<const char*>(t)));
    }
    out.push_back(std::move(row));
  });
  return out;
}

long long Sql::count(const std::string& sql) {
  long long n = -1;
  each(sql, [&](sqlite3_stmt* s) { if (n == -1) n = sqlite3_column_int64(s, 0); });
  return n;
}

}  // namespace ecid::testing
