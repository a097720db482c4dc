// The synthetic register generator: fixtures, determinism, data-quality classes, failure modes.
#include <ecid/personal_id.hpp>
#include <ecid/register_schema.hpp>
#include <ecid/seed.hpp>

#include "../support/temp_dir.hpp"
#include "register_fixture.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using ecid::testing::kNull;
using ecid::testing::shared_register;
using ecid::testing::Sql;
using ecid::testing::TempDir;

ecid::SeedSummary seed(const fs::path& path, uint64_t people, uint64_t seed_value) {
  ecid::SeedOptions o;
  o.people = people;
  o.seed = seed_value;
  o.path = path.string();
  return ecid::seed_register(o);
}

std::string digest_of_rows(const std::string& path) {
  Sql sql(path);
  std::string all;
  for (const auto& row : sql.rows("SELECT * FROM person ORDER BY pid")) {
    for (const auto& v : row) { all += v; all += '\x1f'; }
    all += '\n';
  }
  return all;
}

// ---------------------------------------------------------------------------------------------

struct Fixture {
  const char* pid; const char* name; const char* sex; const char* birth; const char* registration;
  const char* current; const char* temporary; const char* permanent; const char* death; const char* legacy;
};

// The fixture citizens exactly as the issue specifies them (NULL = not held).
const Fixture kFixtures[] = {
    {"001085000101", "Nguyễn Văn An", "M", "1985-02-15", "001",
     "Số 12 ngõ 34 phố Kim Mã, phường Ngọc Hà, thành phố Hà Nội", nullptr,
     "Số 5 phố Hàng Bông, phường Hoàn Kiếm, thành phố Hà Nội", nullptr, nullptr},
    {"079190000202", "Trần Thị Bích Ngọc", "F", "1990-07-09", "079", nullptr,
     "Số 88 đường Lê Lợi, phường Bến Thành, Thành phố Hồ Chí Minh", "Ấp 3, xã Tân Thạnh, tỉnh Tây Ninh",
     nullptr, nullptr},
    {"048072000303", "Lê Văn Hùng", "M", "1972-11-30", "048", nullptr, nullptr,
     "Tổ 5, phường Hải Châu, thành phố Đà Nẵng", nullptr, nullptr},
    {"036155000404", "Phạm Thị Hoa", "F", "1955-01-20", "036", nullptr, nullptr,
     "Thôn Đông, xã Hải Hậu, tỉnh Ninh Bình", "2024-05-10", nullptr},
    {"001198000505", "Hoàng Thị Thủy Dung", "F", "1998-09-01", "001",
     "Số 7 ngõ 2 phố Đội Cấn, phường Ba Đình, thành phố Hà Nội", nullptr,
     "Số 7 ngõ 2 phố Đội Cấn, phường Ba Đình, thành phố Hà Nội", nullptr, nullptr},
    {"038088000606", "Đỗ Minh Tuấn", "M", "1988-06-06", "038",
     "Số 20 đường Trần Phú, phường Hạc Thành, tỉnh Thanh Hóa", nullptr,
     "Số 20 đường Trần Phú, phường Hạc Thành, tỉnh Thanh Hóa", nullptr, "172345678"},
    {"031093000707", "Vũ Thị Lan", "F", "1993-04-04", "031",
     "Số 3 đường Lạch Tray, phường Gia Viên, thành phố Hải Phòng", nullptr,
     "Số 3 đường Lạch Tray, phường Gia Viên, thành phố Hải Phòng", nullptr, nullptr},
    {"040048000808", "Ngô Văn Bảy", "M", "1948", "040", "Xóm 4, xã Nghi Lộc, tỉnh Nghệ An", nullptr,
     "Xóm 4, xã Nghi Lộc, tỉnh Nghệ An", nullptr, nullptr},
    {"001300000909", "Đặng Thu Hà", "F", "2000-12-24", "001",
     "Số 9 phố Huế, phường Hai Bà Trưng, thành phố Hà Nội", nullptr,
     "Số 9 phố Huế, phường Hai Bà Trưng, thành phố Hà Nội", nullptr, nullptr},
    {"079087000111", "Huỳnh Tấn Phát", "M", "1987-03-15", "079",
     "Số 15 đường Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh", nullptr,
     "Số 15 đường Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh", nullptr, nullptr},
};

std::string or_null(const char* s) { return s == nullptr ? kNull : std::string(s); }

TEST(Seed, EveryFixtureIsPresentWithExactValues) {
  Sql sql(shared_register().path);
  for (const Fixture& f : kFixtures) {
    auto rows = sql.rows(
        "SELECT printf('%012d', pid), full_name, sex, birth_date, birth_registration_place, "
        "current_residence, temporary_residence, permanent_residence, death_date, legacy_id, "
        "nationality, name_key FROM person WHERE pid = " + std::string(f.pid));
    ASSERT_EQ(rows.size(), 1u) << f.pid;
    const auto& r = rows[0];
    EXPECT_EQ(r[0], f.pid);
    EXPECT_EQ(r[1], f.name);
    EXPECT_EQ(r[2], f.sex);
    EXPECT_EQ(r[3], f.birth);
    EXPECT_EQ(r[4], f.registration);
    EXPECT_EQ(r[5], or_null(f.current)) << f.pid;
    EXPECT_EQ(r[6], or_null(f.temporary)) << f.pid;
    EXPECT_EQ(r[7], or_null(f.permanent)) << f.pid;
    EXPECT_EQ(r[8], or_null(f.death)) << f.pid;
    EXPECT_EQ(r[9], or_null(f.legacy)) << f.pid;
    EXPECT_EQ(r[10], "Việt Nam");
    EXPECT_EQ(r[11], ecid::register_schema::name_key(f.name));
  }
  EXPECT_EQ(sql.count("SELECT count(*) FROM person WHERE pid = 1095999999"), 0)
      << "001095999999 is the samples' 'not found' ID";
}

TEST(Seed, FixturesAreThereEvenInATinyRegister) {
  TempDir dir;
  auto summary = seed(dir / "tiny.db", 3, 1);
  EXPECT_EQ(summary.people, 10u);
  Sql sql((dir / "tiny.db").string());
  EXPECT_EQ(sql.count("SELECT count(*) FROM person"), 10);
  auto sixteen = seed(dir / "sixteen.db", 16, 1);
  EXPECT_EQ(Sql((dir / "sixteen.db").string()).count("SELECT count(*) FROM person"), 16);
  EXPECT_EQ(sixteen.people, 16u);
}

TEST(Seed, IsDeterministicForPeopleAndSeed) {
  TempDir dir;
  seed(dir / "a.db", 3000, 7);
  seed(dir / "b.db", 3000, 7);
  seed(dir / "c.db", 3000, 8);
  std::string a = digest_of_rows((dir / "a.db").string());
  EXPECT_EQ(a, digest_of_rows((dir / "b.db").string()));
  EXPECT_NE(a, digest_of_rows((dir / "c.db").string()));
  // Same meta apart from the creation time.
  Sql sa((dir / "a.db").string()), sc((dir / "c.db").string());
  auto meta_a = sa.rows("SELECT schema_version, seed, people, reference_date, name_key_fold FROM meta");
  ASSERT_EQ(meta_a.size(), 1u);
  EXPECT_EQ(meta_a[0], (std::vector<std::string>{std::to_string(ecid::register_schema::kSchemaVersion), "7", "3000", "2025-06-30", "ascii-upper-v1"}));
  EXPECT_EQ(sc.rows("SELECT seed FROM meta")[0][0], "8");
}

TEST(Seed, EveryIdHasAValidStructureAndOnlyTheDeliberateOnesDisagree) {
  const auto& reg = shared_register();
  Sql sql(reg.path);
  std::set<std::string> fixture_ids;
  for (const Fixture& f : kFixtures) fixture_ids.insert(f.pid);
  long long rows = 0, inconsistent = 0;
  sql.each("SELECT printf('%012d', pid), sex, birth_date, birth_registration_place FROM person",
           [&](sqlite3_stmt* s) {
             ++rows;
             std::string pid = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
             std::string sex = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
             std::string birth = reinterpret_cast<const char*>(sqlite3_column_text(s, 2));
             std::string place = reinterpret_cast<const char*>(sqlite3_column_text(s, 3));
             ecid::PersonalIdInfo info = ecid::decode_personal_id(pid, 2025);
             ASSERT_TRUE(info.valid) << ecid::mask_personal_id(pid) << ": " << info.problem;
             ASSERT_EQ(place, pid.substr(0, 3)) << "digits 1-3 are the birth registration place";
             if (ecid::id_structure_problem(info, sex[0], std::stoi(birth.substr(0, 4)))) ++inconsistent;
             // Random suffixes stay out of the fixtures' and the never-issued ranges.
             int suffix = std::stoi(pid.substr(6));
             if (suffix < 1000) {
               ASSERT_EQ(fixture_ids.count(pid), 1u) << "only fixtures below 001000";
             }
             ASSERT_LT(suffix, 999000);
           });
  EXPECT_EQ(rows, static_cast<long long>(ecid::testing::kPeople));
  EXPECT_EQ(inconsistent, static_cast<long long>(reg.summary.inconsistent_ids));
  EXPECT_GE(inconsistent, 1 + 0.002 * rows);  // fixture 7 + roughly 0.5 %
  EXPECT_LE(inconsistent, 1 + 0.010 * rows);
  EXPECT_EQ(sql.count("SELECT count(*) FROM person WHERE pid % 1000000 < 1000"), 10);
}

TEST(Seed, ClassSharesAreRoughlyAsSpecified) {
  const auto& reg = shared_register();
  const auto& s = reg.summary;
  Sql sql(reg.path);
  const double n = static_cast<double>(sql.count("SELECT count(*) FROM person"));
  ASSERT_EQ(n, static_cast<double>(s.people));
  auto share = [&](const std::string& where) {
    return static_cast<double>(sql.count("SELECT count(*) FROM person WHERE " + where)) / n;
  };
  auto counted = [&](const std::string& where) {
    return static_cast<uint64_t>(sql.count("SELECT count(*) FROM person WHERE " + where));
  };
  // The summary counts what is in the file.
  EXPECT_EQ(counted("death_date IS NOT NULL"), s.deceased);
  EXPECT_EQ(counted("length(birth_date) = 4"), s.year_only_birth_dates);
  EXPECT_EQ(counted("length(birth_date) = 7"), s.month_only_birth_dates);
  EXPECT_EQ(counted("legacy_id IS NOT NULL"), s.legacy_ids);
  EXPECT_EQ(counted("permanent_residence IS NOT NULL AND current_residence IS NOT NULL AND "
                    "permanent_residence <> current_residence"), s.stale_permanent_residence);
  EXPECT_EQ(counted("permanent_residence IS NOT NULL AND temporary_residence IS NULL AND "
                    "current_residence IS NULL"), s.only_permanent_residence);
  EXPECT_EQ(counted("permanent_residence IS NULL AND temporary_residence IS NOT NULL AND "
                    "current_residence IS NULL"), s.only_temporary_residence);
  EXPECT_EQ(counted("permanent_residence IS NOT NULL AND temporary_residence IS NOT NULL AND "
                    "current_residence IS NULL"), s.temporary_without_current);
  EXPECT_EQ(counted("permanent_residence IS NULL AND temporary_residence IS NULL AND "
                    "current_residence IS NOT NULL"), s.only_current_residence);
  EXPECT_EQ(counted("ethnicity NOT IN ('Kinh')"), s.minority_style_names);

  EXPECT_NEAR(share("death_date IS NOT NULL"), 0.03, 0.012);
  EXPECT_NEAR(share("legacy_id IS NOT NULL"), 0.10, 0.03);
  EXPECT_NEAR(share("permanent_residence <> current_residence"), 0.15, 0.03);
  EXPECT_GT(share("permanent_residence IS NOT NULL AND temporary_residence IS NULL AND current_residence IS NULL"), 0.02);
  EXPECT_GT(share("permanent_residence IS NULL AND temporary_residence IS NOT NULL AND current_residence IS NULL"), 0.005);
  EXPECT_GT(share("permanent_residence IS NULL AND temporary_residence IS NULL AND current_residence IS NOT NULL"), 0.005);
  EXPECT_EQ(counted("permanent_residence IS NULL AND temporary_residence IS NULL AND current_residence IS NULL"), 0u);
  double pre_1950 = share("birth_date < '1950'");
  ASSERT_GT(pre_1950, 0.005);
  EXPECT_NEAR(share("birth_date < '1950' AND length(birth_date) = 4") / pre_1950, 0.30, 0.08);
  EXPECT_EQ(counted("birth_date >= '1950' AND length(birth_date) < 10"), 0u);
  EXPECT_GT(share("ethnicity <> 'Kinh'"), 0.005);
  EXPECT_LT(share("ethnicity <> 'Kinh'"), 0.10);
  EXPECT_NEAR(share("sex = 'F'"), 0.5, 0.05);
}

TEST(Seed, FieldsAreWellFormed) {
  const auto& reg = shared_register();
  Sql sql(reg.path);
  // Dates: full ISO dates exist and are real days; deaths follow births and precede the reference date.
  EXPECT_EQ(sql.count("SELECT count(*) FROM person WHERE length(birth_date) = 10 AND "
                      "date(birth_date) IS NOT birth_date"), 0);
  EXPECT_EQ(sql.count("SELECT count(*) FROM person WHERE death_date IS NOT NULL AND "
                      "(date(death_date) IS NOT death_date OR death_date < birth_date OR death_date > '2025-06-30')"), 0);
  EXPECT_EQ(sql.count("SELECT count(*) FROM person WHERE birth_date > '2025-06-30'"), 0);
  EXPECT_EQ(sql.count("SELECT count(*) FROM person WHERE legacy_id IS NOT NULL AND "
                      "(length(legacy_id) <> 9 OR legacy_id GLOB '*[^0-9]*')"), 0);
  EXPECT_EQ(sql.count("SELECT count(*) FROM (SELECT legacy_id FROM person WHERE legacy_id IS NOT NULL "
                      "GROUP BY legacy_id HAVING count(*) > 1)"), 0);
  EXPECT_EQ(sql.count("SELECT count(*) FROM person WHERE sex NOT IN ('M', 'F')"), 0);
  EXPECT_EQ(sql.count("SELECT count(*) FROM person WHERE household_id IS NULL OR household_relation IS NULL"), 0);
  // Households: several people each, one head.
  EXPECT_EQ(sql.count("SELECT count(*) FROM (SELECT household_id FROM person GROUP BY household_id "
                      "HAVING sum(household_relation = 'Chủ hộ') <> 1)"), 0);
  double households = static_cast<double>(sql.count("SELECT count(DISTINCT household_id) FROM person"));
  EXPECT_NEAR(static_cast<double>(reg.summary.people) / households, 3.2, 0.7);
  EXPECT_GT(sql.count("SELECT count(*) FROM (SELECT household_id FROM person GROUP BY household_id HAVING count(*) >= 4)"), 100);

  // Every address ends with a post-2025 province and names a commune.
  std::set<std::string> province_lines;
  for (const ecid::Province& p : ecid::provinces()) {
    std::string name(p.merged_name);
    province_lines.insert(name == "TP Hồ Chí Minh" ? "Thành phố Hồ Chí Minh" : "thành phố " + name);
    province_lines.insert("tỉnh " + name);
  }
  long long addresses = 0;
  sql.each("SELECT permanent_residence FROM person WHERE permanent_residence IS NOT NULL UNION ALL "
           "SELECT temporary_residence FROM person WHERE temporary_residence IS NOT NULL UNION ALL "
           "SELECT current_residence FROM person WHERE current_residence IS NOT NULL",
           [&](sqlite3_stmt* s) {
             std::string a = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
             ++addresses;
             size_t last = a.rfind(", ");
             ASSERT_NE(last, std::string::npos) << a;
             ASSERT_EQ(province_lines.count(a.substr(last + 2)), 1u) << a;
             ASSERT_TRUE(a.find(", phường ") != std::string::npos || a.find(", xã ") != std::string::npos) << a;
             ASSERT_EQ(a.find("quận"), std::string::npos) << "no district level after 2025: " << a;
           });
  EXPECT_GT(addresses, static_cast<long long>(reg.summary.people));

  // Names: Vietnamese with diacritics, a stored key that is the fold of the name.
  long long with_diacritics = 0, names = 0;
  std::map<std::string, int> surnames;
  sql.each("SELECT full_name, name_key FROM person", [&](sqlite3_stmt* s) {
    std::string name = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    std::string key = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
    ++names;
    ASSERT_EQ(key, ecid::register_schema::name_key(name)) << "row " << names;
    for (char c : key) ASSERT_TRUE((c >= 'A' && c <= 'Z') || c == ' ');
    if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
      ++with_diacritics;
    ++surnames[name.substr(0, name.find(' '))];
  });
  EXPECT_GT(static_cast<double>(with_diacritics) / static_cast<double>(names), 0.9);
  EXPECT_NEAR(static_cast<double>(surnames["Nguyễn"]) / static_cast<double>(names), 0.37, 0.05);
  EXPECT_GT(surnames["Huỳnh"], 0);
  EXPECT_GT(surnames["Võ"], 0);
  EXPECT_GT(sql.count("SELECT count(*) FROM person WHERE full_name LIKE 'H'' %' OR full_name LIKE '% Y %'"), 0)
      << "some Ê Đê / Jrai names";
  EXPECT_GT(sql.count("SELECT count(*) FROM person WHERE full_name LIKE 'Tôn Nữ %' OR full_name LIKE 'Tôn Thất %' "
                      "OR full_name LIKE 'Âu Dương %' OR full_name LIKE 'Nguyễn Phúc %'"), 0)
      << "some compound surnames";
}

TEST(Seed, ReportsProgressAndFinishes) {
  TempDir dir;
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  ecid::SeedOptions o;
  o.people = 40000;
  o.seed = 3;
  o.path = (dir / "p.db").string();
  o.progress = [&](uint64_t done, uint64_t total) { calls.emplace_back(done, total); };
  ecid::seed_register(o);
  ASSERT_GE(calls.size(), 2u);
  for (size_t i = 1; i < calls.size(); ++i) EXPECT_GE(calls[i].first, calls[i - 1].first);
  EXPECT_EQ(calls.back(), std::make_pair(uint64_t{40000}, uint64_t{40000}));
  EXPECT_FALSE(fs::exists(o.path + ".tmp"));
}

TEST(Seed, ACancelledSeedLeavesNoFile) {
  TempDir dir;
  ecid::SeedOptions o;
  o.people = 40000;
  o.path = (dir / "cancelled.db").string();
  o.progress = [](uint64_t done, uint64_t) { if (done >= 16384) throw std::runtime_error("cancelled by test"); };
  EXPECT_THROW(ecid::seed_register(o), std::runtime_error);
  EXPECT_FALSE(fs::exists(o.path));
  EXPECT_FALSE(fs::exists(o.path + ".tmp"));
}

TEST(Seed, ACancelledOverwriteKeepsTheOldRegister) {
  TempDir dir;
  fs::path path = dir / "keep.db";
  seed(path, 100, 1);
  std::string before = digest_of_rows(path.string());
  ecid::SeedOptions o;
  o.people = 40000;
  o.path = path.string();
  o.overwrite = true;
  o.progress = [](uint64_t, uint64_t) { throw std::runtime_error("cancelled by test"); };
  EXPECT_THROW(ecid::seed_register(o), std::runtime_error);
  EXPECT_EQ(digest_of_rows(path.string()), before);
}

TEST(Seed, AKilledSeedLeavesNoFileAndTheNextSeedWorks) {
  TempDir dir;
  fs::path path = dir / "killed.db";
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    ecid::SeedOptions o;
    o.people = 300000;
    o.path = path.string();
    o.progress = [&](uint64_t done, uint64_t) {
      if (done >= 32768) { char c = 1; (void)!write(pipe_fds[1], &c, 1); pause(); }
    };
    try { ecid::seed_register(o); } catch (...) {}
    _exit(0);
  }
  close(pipe_fds[1]);
  char c = 0;
  ASSERT_EQ(read(pipe_fds[0], &c, 1), 1) << "the child never reached the middle of its seed";
  close(pipe_fds[0]);
  EXPECT_TRUE(fs::exists(path.string() + ".tmp")) << "the child was writing its temporary file";
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_FALSE(fs::exists(path)) << "a killed seed must not leave a register at the path";
  auto summary = seed(path, 500, 1);
  EXPECT_EQ(summary.people, 500u);
  EXPECT_EQ(Sql(path.string()).count("SELECT count(*) FROM person"), 500);
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
}

TEST(Seed, RefusesToReplaceAFileUnlessAsked) {
  TempDir dir;
  fs::path path = dir / "r.db";
  seed(path, 50, 1);
  try {
    seed(path, 60, 1);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("exists"), std::string::npos) << e.what();
  }
  EXPECT_EQ(Sql(path.string()).count("SELECT count(*) FROM person"), 50);
  ecid::SeedOptions o;
  o.people = 60;
  o.path = path.string();
  o.overwrite = true;
  ecid::seed_register(o);
  EXPECT_EQ(Sql(path.string()).count("SELECT count(*) FROM person"), 60);
}

TEST(Seed, BadPathsGiveClearErrors) {
  TempDir dir;
  auto message = [](const std::string& path) -> std::string {
    ecid::SeedOptions o;
    o.people = 20;
    o.path = path;
    try {
      ecid::seed_register(o);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  };
  std::string missing_dir = (dir / "no" / "such" / "dir" / "r.db").string();
  std::string m = message(missing_dir);
  EXPECT_NE(m.find(missing_dir), std::string::npos) << m;
  EXPECT_NE(m.find("does not exist"), std::string::npos) << m;
  EXPECT_FALSE(fs::exists(dir / "no"));

  m = message(dir.path().string());
  EXPECT_NE(m.find("directory"), std::string::npos) << m;

  m = message("");
  EXPECT_FALSE(m.empty());

  // A directory we may not write into.
  if (geteuid() != 0) {
    fs::create_directory(dir / "ro");
    fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    m = message((dir / "ro" / "r.db").string());
    EXPECT_NE(m.find("ro/r.db"), std::string::npos) << m;
    fs::permissions(dir / "ro", fs::perms::owner_all);
  }
}

}  // namespace
