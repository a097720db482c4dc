// Seeding speed of the synthetic register, and look-up speed of the embedded backend next to
// a raw SQLite ceiling measured in the same run (PERF.md: compare with your own ceiling).
//
//   seed_bench [--people 100000,1000000] [--runs 3] [--dir /tmp] [--no-lookups]
#include <ecid/register.hpp>
#include <ecid/seed.hpp>

#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// CPU seconds of the whole process (all threads): on a shared machine wall time is inflated by
// other work, CPU time much less.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// IDs to look up: 90% held by someone, 10% never issued (suffix 999xxx).
std::vector<std::string> sample_keys(const std::string& path, size_t n) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT printf('%012d', pid) FROM person", -1, &s, nullptr);
  std::vector<std::string> all;
  while (sqlite3_step(s) == SQLITE_ROW) all.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  sqlite3_finalize(s);
  sqlite3_close(db);
  std::mt19937_64 rng(1);
  std::vector<std::string> keys;
  for (size_t i = 0; i < n; ++i) {
    std::string k = all[rng() % all.size()];
    if (i % 10 == 9) k.replace(6, 3, "999");
    keys.push_back(k);
  }
  return keys;
}

// The ceiling: the same statement shape straight on SQLite, one transaction per 1,000.
double raw_sqlite_rate(const std::string& path, const std::vector<std::string>& keys, int threads) {
  auto run = [&](size_t from, size_t to) {
    sqlite3* db = nullptr;
    std::string uri = "file:" + std::filesystem::absolute(path).string() + "?mode=ro&immutable=1";
    sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
    sqlite3_exec(db, "PRAGMA mmap_size=2147483648", nullptr, nullptr, nullptr);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "SELECT full_name, birth_date, sex, current_residence FROM person WHERE pid = ?", -1, &s, nullptr);
    size_t found = 0;
    for (size_t start = from; start < to; start += 1000) {
      sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
      for (size_t i = start; i < std::min(to, start + 1000); ++i) {
        sqlite3_bind_int64(s, 1, std::stoll(keys[i]));
        if (sqlite3_step(s) == SQLITE_ROW) {
          std::string name(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
          found += !name.empty();
        }
        sqlite3_reset(s);
      }
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return found;
  };
  auto t = Clock::now();
  std::vector<std::thread> pool;
  size_t per = keys.size() / static_cast<size_t>(threads);
  for (int i = 0; i < threads; ++i) pool.emplace_back([&, i] { run(per * i, per * (i + 1)); });
  for (auto& th : pool) th.join();
  return static_cast<double>(per * static_cast<size_t>(threads)) / seconds_since(t);
}

double backend_rate(ecid::RegisterBackend& backend, const std::vector<std::string>& keys, int threads) {
  const ecid::FieldSet fields{ECID_F_FULL_NAME, ECID_F_BIRTH_DATE, ECID_F_SEX, ECID_F_CURRENT_RESIDENCE};
  auto run = [&](size_t from, size_t to) {
    std::vector<ecid::LookupRequest> batch(1000);
    std::vector<ecid::LookupResult> results(1000);
    for (size_t start = from; start < to; start += 1000) {
      size_t n = std::min<size_t>(1000, to - start);
      for (size_t i = 0; i < n; ++i) {
        batch[i].kind = ECID_Q_PERSON_BY_ID;
        batch[i].key = keys[start + i];
        batch[i].fields = fields;
      }
      backend.lookup(std::span(batch).first(n), std::span(results).first(n));
    }
  };
  auto t = Clock::now();
  std::vector<std::thread> pool;
  size_t per = keys.size() / static_cast<size_t>(threads);
  for (int i = 0; i < threads; ++i) pool.emplace_back([&, i] { run(per * i, per * (i + 1)); });
  for (auto& th : pool) th.join();
  return static_cast<double>(per * static_cast<size_t>(threads)) / seconds_since(t);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<uint64_t> sizes = {100000, 1000000};
  int runs = 3;
  std::string dir = std::filesystem::temp_directory_path().string();
  bool lookups = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--people") {
      sizes.clear();
      std::stringstream ss(value());
      for (std::string part; std::getline(ss, part, ',');) sizes.push_back(std::stoull(part));
    } else if (a == "--runs") {
      runs = std::max(1, std::stoi(value()));
    } else if (a == "--dir") {
      dir = value();
    } else if (a == "--no-lookups") {
      lookups = false;
    } else {
      std::fprintf(stderr, "usage: seed_bench [--people N,N] [--runs R] [--dir D] [--no-lookups]\n");
      return 2;
    }
  }
  std::printf("hardware threads: %u\n", std::thread::hardware_concurrency());
  std::string last;
  for (uint64_t people : sizes) {
    std::string path = dir + "/seed_bench_" + std::to_string(people) + ".db";
    std::vector<double> rates, cpu;
    for (int r = 0; r < runs; ++r) {
      double cpu_before = cpu_seconds();
      ecid::SeedOptions o;
      o.people = people;
      o.seed = 1;
      o.path = path;
      o.overwrite = true;
      ecid::SeedSummary s = ecid::seed_register(o);
      cpu.push_back(cpu_seconds() - cpu_before);
      rates.push_back(static_cast<double>(s.people) / s.seconds);
      std::printf("seed %9llu people: %6.2f s wall, %6.2f s CPU  %8.0f people/s\n",
                  static_cast<unsigned long long>(people), s.seconds, cpu.back(), rates.back());
    }
    std::printf("seed %9llu people: median %8.0f people/s (wall) over %d runs, median CPU %.2f s, file %.0f MB\n",
                static_cast<unsigned long long>(people), median(rates), runs, median(cpu),
                static_cast<double>(std::filesystem::file_size(path)) / 1e6);
    if (!last.empty()) std::filesystem::remove(last);
    last = path;
  }
  if (lookups && !last.empty()) {
    auto keys = sample_keys(last, 400000);
    auto backend = ecid::open_embedded_register(last);
    backend_rate(*backend, keys, 1);  // warm the page cache
    for (int threads : {1, 2}) {
      std::vector<double> raw, ours;
      for (int r = 0; r < runs; ++r) {
        raw.push_back(raw_sqlite_rate(last, keys, threads));
        ours.push_back(backend_rate(*backend, keys, threads));
      }
      std::printf("lookup by ID, batches of 1000, %d thread(s): backend %8.0f/s, raw SQLite ceiling %8.0f/s (%.0f%%)\n",
                  threads, median(ours), median(raw), 100.0 * median(ours) / median(raw));
    }
  }
  if (!last.empty()) std::filesystem::remove(last);
  return 0;
}
