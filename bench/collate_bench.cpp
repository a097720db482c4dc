// collate_bench: `ecid collate` end to end on a national-scale batch, next to the baseline a data
// engineer would write: the sqlite3 command line importing the batch CSV and joining it to the
// register on the ID with plain equality of name, birth date and sex.
//
//   collate_bench [--people N] [--records N] [--dir D] [--threads T] [--chunk C] [--seed S]
//                 [--runs R] [--audit] [--reuse] [--no-baseline] [--keep]
//
// Defaults: 1,000,000 people and records (a few minutes). The national figure:
//   collate_bench --people 10000000 --records 10000000 --dir /big/disk
// Both programs run as child processes on the same files, warm (both files are read once before
// each timed run); wall time and peak RSS (getrusage of the child) are printed for each. The
// contenders alternate R times (default 3) and the medians are compared: the machine is shared.
// --audit adds a third contender: ecid with the hash-chained audit trail on (one row per query).
#include <ecid/register_schema.hpp>
#include <ecid/seed.hpp>
#include <ecid/text.hpp>

#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// The unaudited contender says so explicitly, as a configuration without a trail must.
const std::string kUnaudited = "audit:\n  enabled: false\n";

struct Options {
  uint64_t people = 1000000;
  uint64_t records = 1000000;
  fs::path dir = fs::temp_directory_path() / "ecid-collate-bench";
  unsigned threads = 2;
  size_t chunk = 20000;
  uint64_t seed = 20250630;
  bool reuse = false;
  bool baseline = true;
  bool keep = false;
  unsigned runs = 3;
  bool audit = false;
};

// xoshiro-free small generator: splitmix64 is enough for a data mix.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
};

// The register's people, compactly: what a batch record is made from.
struct Person {
  uint64_t pid;
  uint32_t name_at;
  uint16_t name_len;
  uint8_t sex;       // 'M' / 'F'
  uint8_t place;     // province code
  uint16_t year;
  uint8_t month, day;  // 0 = not held
  uint32_t legacy;     // 0 = none
};

struct Register {
  std::vector<Person> people;
  std::string names;
  std::string_view name(const Person& p) const { return {names.data() + p.name_at, p.name_len}; }
};

Register read_register(const fs::path& file) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    throw std::runtime_error("cannot open " + file.string());
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT pid, full_name, birth_date, sex, birth_registration_place, legacy_id FROM person", -1,
                     &s, nullptr);
  Register r;
  while (sqlite3_step(s) == SQLITE_ROW) {
    Person p{};
    p.pid = static_cast<uint64_t>(sqlite3_column_int64(s, 0));
    std::string_view name(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)), static_cast<size_t>(sqlite3_column_bytes(s, 1)));
    p.name_at = static_cast<uint32_t>(r.names.size());
    p.name_len = static_cast<uint16_t>(name.size());
    r.names.append(name);
    std::string_view birth(reinterpret_cast<const char*>(sqlite3_column_text(s, 2)));
    p.year = static_cast<uint16_t>(std::atoi(std::string(birth.substr(0, 4)).c_str()));
    if (birth.size() >= 7) p.month = static_cast<uint8_t>(std::atoi(std::string(birth.substr(5, 2)).c_str()));
    if (birth.size() >= 10) p.day = static_cast<uint8_t>(std::atoi(std::string(birth.substr(8, 2)).c_str()));
    p.sex = static_cast<uint8_t>(reinterpret_cast<const char*>(sqlite3_column_text(s, 3))[0]);
    p.place = static_cast<uint8_t>(std::atoi(reinterpret_cast<const char*>(sqlite3_column_text(s, 4))));
    if (sqlite3_column_type(s, 5) != SQLITE_NULL) p.legacy = static_cast<uint32_t>(sqlite3_column_int64(s, 5));
    r.people.push_back(p);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return r;
}

std::string nfd(std::string_view s) {
  // Decomposes the precomposed Vietnamese letters the generator meets: enough for a benchmark.
  static const std::pair<std::string_view, std::string_view> kMap[] = {
      {"ễ", "ê\xCC\x83"}, {"ă", "a\xCC\x86"}, {"ị", "i\xCC\xA3"}, {"ọ", "o\xCC\xA3"}, {"ạ", "a\xCC\xA3"},
      {"à", "a\xCC\x80"}, {"á", "a\xCC\x81"}, {"ú", "u\xCC\x81"}, {"ù", "u\xCC\x80"}, {"ồ", "ô\xCC\x80"},
      {"ố", "ô\xCC\x81"}, {"ế", "ê\xCC\x81"}, {"ề", "ê\xCC\x80"}, {"ấ", "â\xCC\x81"}, {"ầ", "â\xCC\x80"},
      {"ữ", "ư\xCC\x83"}, {"ứ", "ư\xCC\x81"}, {"ừ", "ư\xCC\x80"}, {"ờ", "ơ\xCC\x80"}, {"ớ", "ơ\xCC\x81"}};
  std::string out(s);
  for (const auto& [from, to] : kMap)
    for (size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size())) out.replace(at, from.size(), to);
  return out;
}

// Old-style tone placement, as many older records write it.
std::string old_tones(std::string_view s) {
  static const std::pair<std::string_view, std::string_view> kMap[] = {
      {"Hòa", "Hoà"}, {"Thủy", "Thuỷ"}, {"Thúy", "Thuý"}, {"Khỏe", "Khoẻ"}, {"Hòe", "Hoè"}, {"Tùy", "Tuỳ"}};
  std::string out(s);
  for (const auto& [from, to] : kMap)
    for (size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + 1)) out.replace(at, from.size(), to);
  return out;
}

struct Mix {
  std::map<std::string, uint64_t> counts;
  void add(const std::string& k) { ++counts[k]; }
};

// Writes the batch CSV: one participant record per line, in an order unrelated to the ID.
uint64_t write_batch(const Register& reg, const Options& o, const fs::path& file, Mix& mix) {
  Rng rng{o.seed};
  const uint64_t n = reg.people.size();
  std::vector<uint32_t> order(n);
  for (uint32_t i = 0; i < n; ++i) order[i] = i;
  for (uint64_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
  std::FILE* f = std::fopen(file.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + file.string());
  std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
  std::fputs("si_code,full_name,birth_date,sex,personal_id,birth_registration_place\n", f);
  std::vector<std::pair<uint64_t, uint32_t>> pending_duplicates;  // (write after record n, person)
  uint64_t written = 0, si = 0;
  std::string line, name;
  auto emit = [&](uint32_t who, bool duplicate) {
    const Person& p = reg.people[who];
    ++si;
    char si_code[16];
    std::snprintf(si_code, sizeof si_code, "%02u%08llu", p.place % 100, static_cast<unsigned long long>(si % 100000000));
    name.assign(reg.name(p));
    char sex = static_cast<char>(p.sex);
    unsigned year = p.year, month = p.month, day = p.day;
    std::string id;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%012llu", static_cast<unsigned long long>(p.pid));
    id = buf;
    std::string what = duplicate ? "duplicate" : "exact";
    int encoding = 0;  // 0 UTF-8, 1 TCVN3, 2 VNI
    if (!duplicate) {
      const uint64_t roll = rng.below(10000);
      if (roll < 300) {
        id.clear();
        what = "no ID (candidate search)";
      } else if (roll < 500) {
        // Reserved: see the legacy number below.
      } else if (roll < 600) {
        id.replace(6, 3, "999");
        what = "ID not on the register";
      } else if (roll < 800) {
        const Person& other = reg.people[rng.below(n)];
        name.assign(reg.name(other));
        what = "another name";
      } else if (roll < 950) {
        if (day) day = day % 28 + 1;
        else year += 1;
        what = "another birth date";
      } else if (roll < 1000) {
        sex = sex == 'M' ? 'F' : 'M';
        what = "another sex";
      } else if (roll < 1005) {
        what = "bad record";
      }
      // ~10% of people hold a legacy number; a fifth of their records are filed under it.
      if (what == "exact" && p.legacy && rng.below(5) == 0) {
        std::snprintf(buf, sizeof buf, "%09u", p.legacy);
        id = buf;
        what = "legacy ID";
      }
      if (what == "exact" || what == "legacy ID") {
        const uint64_t style = rng.below(1000);
        if (style < 30) {
          name = nfd(name);
          what += ", NFD name";
        } else if (style < 45) {
          encoding = 1;
          what += ", TCVN3 line";
        } else if (style < 60) {
          encoding = 2;
          what += ", VNI line";
        } else if (style < 80) {
          name = old_tones(name);
          what += ", old tone placement";
        } else if (style < 100 && month) {
          month = day = 0;
          what += ", year-only date";
        }
      }
      if (rng.chance(0.01)) pending_duplicates.emplace_back(written + 1 + rng.below(2000), who);
    }
    mix.add(what);
    if (what == "bad record") {
      line = std::string(si_code) + "," + name + ",broken line without all its fields\n";
    } else {
      char date[16];
      if (month && day) std::snprintf(date, sizeof date, "%02u/%02u/%04u", day, month, year);
      else if (month) std::snprintf(date, sizeof date, "00/%02u/%04u", month, year);
      else std::snprintf(date, sizeof date, "00/00/%04u", year);
      const uint64_t sex_style = rng.below(10);
      std::string sex_text = sex_style < 6 ? (sex == 'M' ? "Nam" : "Nữ") : sex_style < 9 ? (sex == 'M' ? "1" : "2")
                                                                                           : std::string(1, sex);
      char place[8];
      std::snprintf(place, sizeof place, "%02u", p.place);
      std::string text_name = name;
      if (encoding == 1) {
        text_name = ecid::text::encode_tcvn3(name);
        sex_text = ecid::text::encode_tcvn3(sex_text);
      } else if (encoding == 2) {
        text_name = ecid::text::encode_vni(name);
        sex_text = ecid::text::encode_vni(sex_text);
      }
      line.clear();
      line += si_code;
      line += ',';
      line += text_name;
      line += ',';
      line += date;
      line += ',';
      line += sex_text;
      line += ',';
      line += id;
      line += ',';
      line += place;
      line += '\n';
    }
    std::fwrite(line.data(), 1, line.size(), f);
    ++written;
  };
  for (uint64_t i = 0; written < o.records; ++i) {
    emit(order[i % n], false);
    for (size_t k = 0; k < pending_duplicates.size() && written < o.records;) {
      if (pending_duplicates[k].first <= written) {
        emit(pending_duplicates[k].second, true);
        pending_duplicates[k] = pending_duplicates.back();
        pending_duplicates.pop_back();
      } else {
        ++k;
      }
    }
  }
  std::fclose(f);
  return written;
}

struct ChildRun {
  double seconds = 0;
  double cpu_seconds = 0;  // user + system: what the run cost, whatever else shares the machine
  long max_rss_kb = 0;
  int exit_code = -1;
};

// Runs argv with stdin/stdout redirected; wall time and the child's peak RSS.
ChildRun run_child(const std::vector<std::string>& argv, const fs::path& stdin_file, const fs::path& stdout_file,
                   const fs::path& stderr_file = {}) {
  const auto start = Clock::now();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (!stdin_file.empty()) {
      int in = ::open(stdin_file.c_str(), O_RDONLY);
      dup2(in, 0);
    }
    int out = ::open(stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    if (!stderr_file.empty()) {
      int err = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(err, 2);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    std::perror("execv");
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  ChildRun r;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.max_rss_kb = usage.ru_maxrss;
  r.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                  static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// Reads a file once so that both contenders start with it in the page cache.
void warm(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> buf(1 << 20);
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
  }
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&] {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return std::string(argv[++i]);
    };
    if (a == "--people") o.people = std::stoull(value());
    else if (a == "--records") o.records = std::stoull(value());
    else if (a == "--dir") o.dir = value();
    else if (a == "--threads") o.threads = static_cast<unsigned>(std::stoul(value()));
    else if (a == "--chunk") o.chunk = std::stoull(value());
    else if (a == "--seed") o.seed = std::stoull(value());
    else if (a == "--reuse") o.reuse = true;
    else if (a == "--no-baseline") o.baseline = false;
    else if (a == "--keep") o.keep = true;
    else if (a == "--runs") o.runs = std::max(1u, static_cast<unsigned>(std::stoul(value())));
    else if (a == "--audit") o.audit = true;
    else {
      std::fprintf(stderr,
                   "usage: collate_bench [--people N] [--records N] [--dir D] [--threads T] [--chunk C] [--seed S] "
                   "[--runs R] [--audit] [--reuse] [--no-baseline] [--keep]\n");
      return 2;
    }
  }
  fs::create_directories(o.dir);
  const fs::path reg = o.dir / ("register-" + std::to_string(o.people) + ".db");
  const fs::path batch = o.dir / ("batch-" + std::to_string(o.people) + "-" + std::to_string(o.records) + ".csv");
  const fs::path results = o.dir / "results.csv";
  const fs::path config = o.dir / "ecid.yaml";

  if (!(o.reuse && fs::exists(reg))) {
    const auto t = Clock::now();
    ecid::SeedOptions so;
    so.people = o.people;
    so.seed = 1;
    so.path = reg.string();
    so.overwrite = true;
    ecid::seed_register(so);
    std::printf("seeded a register of %llu people in %.1f s\n", static_cast<unsigned long long>(o.people), seconds_since(t));
  }
  Mix mix;
  if (!(o.reuse && fs::exists(batch))) {
    const auto t = Clock::now();
    Register r = read_register(reg);
    const uint64_t n = write_batch(r, o, batch, mix);
    std::printf("generated %llu participant records (%.0f MB) in %.1f s; mix:\n", static_cast<unsigned long long>(n),
                static_cast<double>(fs::file_size(batch)) / 1e6, seconds_since(t));
    for (const auto& [k, v] : mix.counts)
      std::printf("  %-40s %10llu  %6.2f%%\n", k.c_str(), static_cast<unsigned long long>(v), 100.0 * static_cast<double>(v) / static_cast<double>(n));
  }
  {
    std::ofstream c(config);
    c << "adapters:\n  directories: [" << ECID_ADAPTER_DIR << "]\nregister:\n  backend: embedded\n  path: " << reg.string()
      << "\n" << kUnaudited << "policy:\n  social_insurance:\n    social_insurance.collation:\n"
         "      legal_basis: \"Law on Social Insurance 2024 (41/2024/QH15); Decree 70/2024/ND-CP on data exploitation\"\n"
         "      fields: [personal_id, death_date]\n";
  }
  const uint64_t records = o.records;

  warm(reg);
  warm(batch);
  auto load = [] {
    double l[3] = {0, 0, 0};
    getloadavg(l, 3);
    return l[0];
  };
  std::printf("load average before the runs: %.2f (2 cores; others' work slows both contenders)\n", load());
  std::fflush(stdout);
  const fs::path audited_config = o.dir / "ecid-audit.yaml";
  {
    std::ifstream in(config);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.erase(text.find(kUnaudited), kUnaudited.size());
    std::ofstream out(audited_config);
    out << text << "audit:\n  path: " << (o.dir / "audit.db").string() << "\n  key_file: "
        << (o.dir / "audit.key").string() << "\n  anchor_file: " << (o.dir / "audit.anchors").string() << "\n";
  }
  auto collate_cmd = [&](const fs::path& cfg) {
    return std::vector<std::string>{ECID_CLI, "-q", "-c", cfg.string(), "collate", batch.string(), "--out",
                                    results.string(), "--restart", "--threads", std::to_string(o.threads), "--chunk",
                                    std::to_string(o.chunk)};
  };
  auto shown = [](const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) out += a + " ";
    return out;
  };
  const fs::path work = o.dir / "baseline.db";
  const fs::path script = o.dir / "baseline.sql";
  {
    std::ofstream s(script);
    s << "PRAGMA journal_mode=OFF;\nPRAGMA synchronous=OFF;\n.mode csv\n.import " << batch.string() << " batch\n"
      << "ATTACH '" << reg.string() << "' AS reg;\n.output " << (o.dir / "baseline.csv").string() << "\n"
      << "SELECT b.si_code, b.personal_id,\n"
         "  CASE WHEN p.pid IS NULL THEN 'id_not_found'\n"
         "       WHEN p.full_name = b.full_name\n"
         "        AND p.birth_date = substr(b.birth_date, 7, 4) || '-' || substr(b.birth_date, 4, 2) || '-' || substr(b.birth_date, 1, 2)\n"
         "        AND p.sex = CASE WHEN b.sex IN ('Nam', '1', 'M') THEN 'M' ELSE 'F' END THEN 'match'\n"
         "       ELSE 'mismatch' END\n"
         "FROM batch b LEFT JOIN reg.person p ON p.pid = CAST(b.personal_id AS INTEGER);\n";
  }
  std::printf("\necid:     %s\n", shown(collate_cmd(config)).c_str());
  if (o.audit) std::printf("+audit:   %s\n", shown(collate_cmd(audited_config)).c_str());
  if (o.baseline) std::printf("baseline: /usr/bin/sqlite3 %s < %s\n", work.c_str(), script.c_str());

  struct Contender {
    const char* name;
    std::vector<ChildRun> runs;
  };
  Contender plain{"ecid", {}}, audited{"ecid+audit", {}}, sql{"baseline", {}};
  auto report = [&](const ChildRun& r, const char* name, unsigned run) {
    std::printf("  run %u %-10s exit %d, %6.1f s, %7.0f records/s, %6.1f s CPU (%.1f us/record), peak RSS %.0f MiB\n",
                run, name, r.exit_code, r.seconds, static_cast<double>(records) / r.seconds, r.cpu_seconds,
                r.cpu_seconds / static_cast<double>(records) * 1e6, static_cast<double>(r.max_rss_kb) / 1024.0);
    std::fflush(stdout);
  };
  for (unsigned run = 1; run <= o.runs; ++run) {
    warm(reg);
    warm(batch);
    plain.runs.push_back(run_child(collate_cmd(config), {}, o.dir / "ecid.out", o.dir / "ecid.err"));
    report(plain.runs.back(), plain.name, run);
    if (o.audit) {
      for (const char* f : {"audit.db", "audit.db-wal", "audit.db-shm", "audit.anchors"}) fs::remove(o.dir / f);
      warm(reg);
      warm(batch);
      audited.runs.push_back(run_child(collate_cmd(audited_config), {}, o.dir / "ecid-audit.out", o.dir / "ecid-audit.err"));
      report(audited.runs.back(), audited.name, run);
    }
    if (o.baseline) {
      fs::remove(work);
      warm(reg);
      warm(batch);
      sql.runs.push_back(run_child({"/usr/bin/sqlite3", work.string()}, script, o.dir / "baseline.out", o.dir / "baseline.err"));
      report(sql.runs.back(), sql.name, run);
    }
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  };
  auto median_of = [&](const Contender& c, auto member) {
    std::vector<double> v;
    for (const auto& r : c.runs) v.push_back(static_cast<double>(r.*member));
    return median(v);
  };
  std::printf("\nmedians of %u run(s):\n", o.runs);
  for (const Contender* c : {&plain, &audited, &sql}) {
    if (c->runs.empty()) continue;
    const double sec = median_of(*c, &ChildRun::seconds);
    std::printf("  %-10s %6.1f s, %7.0f records/s, %6.1f s CPU, peak RSS %.0f MiB\n", c->name, sec,
                static_cast<double>(records) / sec, median_of(*c, &ChildRun::cpu_seconds),
                median_of(*c, &ChildRun::max_rss_kb) / 1024.0);
  }
  const double e_sec = median_of(plain, &ChildRun::seconds);
  if (!sql.runs.empty()) std::printf("ecid / baseline speed: %.2fx\n", median_of(sql, &ChildRun::seconds) / e_sec);
  if (!audited.runs.empty())
    std::printf("ecid+audit / ecid speed: %.2f (the audit trail's cost in the collation)\n",
                e_sec / median_of(audited, &ChildRun::seconds));
  int worst_exit = 0;
  long peak_rss = 0;
  for (const auto& r : plain.runs) worst_exit = std::max(worst_exit, r.exit_code), peak_rss = std::max(peak_rss, r.max_rss_kb);
  if (!o.keep) {
    fs::remove(work);
    fs::remove(o.dir / "baseline.csv");
  }
  std::printf("ecid goal: %llu records in under 60 s (>= 170,000 records/s), peak RSS under 1 GiB: %s\n",
              static_cast<unsigned long long>(records),
              worst_exit <= 1 && static_cast<double>(records) / e_sec >= 170000 && peak_rss < 1024 * 1024 ? "met"
                                                                                                          : "NOT met");
  if (!o.keep) fs::remove(results);
  return worst_exit <= 1 ? 0 : 1;
}
