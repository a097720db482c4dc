// A register seeded once per test binary (20,000 people, seed 42), and raw SQL access to it.
#pragma once

#include <ecid/seed.hpp>

#include <sqlite3.h>

#include <functional>
#include <string>
#include <vector>

namespace ecid::testing {

constexpr uint64_t kPeople = 20000;
constexpr uint64_t kSeed = 42;

struct SeededRegister {
  std::string path;
  SeedSummary summary;
};
// Seeds on first use; removed at exit.
const SeededRegister& shared_register();

// Read-only SQL on a register file, for checking what the code under test wrote or answered.
class Sql {
 public:
  explicit Sql(const std::string& path);
  ~Sql();
  Sql(const Sql&) = delete;
  Sql& operator=(const Sql&) = delete;
  // Each row as strings (NULL → "\x01NULL" so it differs from "").
  std::vector<std::vector<std::string>> rows(const std::string& sql);
  long long count(const std::string& sql);  // first column of the first row
  void each(const std::string& sql, const std::function<void(sqlite3_stmt*)>& row);

 private:
  sqlite3* db_ = nullptr;
};

inline const std::string kNull = "\x01NULL";

}  // namespace ecid::testing
