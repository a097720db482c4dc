// Audit rows appended per second with the hash chain, next to plain SQLite inserts of the same
// rows without it, in the same run (docs/audit.md, issue 7).
//
//   audit_bench [rows=500000] [batch_rows=1000] [dir=$TMPDIR]
//
// plain  : one prepared INSERT of the finished rows (time, pseudonym and context id already
//          computed) into the same table as AuditLog's (context stored once, referenced by id)
//          without the two hash columns, batch_rows per transaction, WAL. The ceiling.
// +chain : the same loop, also storing prev_hash and row_hash = SHA-256 over the length-prefixed
//          row: what the chain itself costs, without AuditLog around it.
// audit  : AuditLog::append() of AuditEvents: time, HMAC pseudonym, encoding, SHA-256 chain,
//          the same batching; one thread, then two threads sharing the log.
// Each is run 5 times, alternating, on fresh files; medians are printed, then audit / plain.
#include <ecid/audit.hpp>

#include <openssl/evp.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr int kRuns = 5;
constexpr const char* kKey = "bench-audit-key-0123456789abcdef";

std::vector<ecid::AuditEvent> make_events(size_t n) {
  std::vector<ecid::AuditEvent> events(n);
  char id[16];
  for (size_t i = 0; i < n; ++i) {
    ecid::AuditEvent& e = events[i];
    e.kind = i % 50 == 0 ? ecid::kAuditPolicyRefusal : ecid::kAuditRegisterQuery;
    e.adapter = "court";
    e.adapter_version = "1.2.0";
    e.purpose = "court_judgment_check";
    e.legal_basis = "Law 59/2020/QH14 art. 10";
    e.document_ref = "HCM-2025-" + std::to_string(100000 + i / 3) + ".xml";
    std::snprintf(id, sizeof id, "0%02zu%09zu", i % 97, i % 1000000000);
    e.subject_id = id;
    e.fields_disclosed = {"full_name", "birth_date", "permanent_residence"};
    e.outcome = i % 50 == 0 ? "refused: field not allowed" : "found";
  }
  return events;
}

// The plain rows as the audit store would hold them, minus the chain; the context members are
// stored once in a context table, the row refers to them by id.
struct PlainRow {
  std::string time, kind, adapter, adapter_version, purpose, legal_basis, document_ref, subject, fields, outcome;
  int64_t context = 0;
};

std::vector<PlainRow> make_plain_rows(const std::vector<ecid::AuditEvent>& events) {
  std::vector<PlainRow> rows;
  rows.reserve(events.size());
  for (const auto& e : events) {
    std::string fields;
    for (const auto& f : e.fields_disclosed) fields += (fields.empty() ? "" : ",") + f;
    rows.push_back({"2025-01-31T08:15:00.123456Z", e.kind, e.adapter, e.adapter_version, e.purpose, e.legal_basis,
                    e.document_ref, ecid::audit_pseudonym(kKey, e.subject_id), fields, e.outcome,
                    e.kind == ecid::kAuditPolicyRefusal ? 2 : 1});
  }
  return rows;
}

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

void remove_db(const fs::path& p) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(p.string() + suffix);
}

void run_plain(const fs::path& path, const std::vector<PlainRow>& rows, size_t batch, bool full, bool chain) {
  remove_db(path);
  sqlite3* db = nullptr;
  check(sqlite3_open(path.c_str(), &db), db, "open");
  // The same page size as AuditLog gives its files.
  check(sqlite3_exec(db, "PRAGMA page_size=16384", nullptr, nullptr, nullptr), db, "page size");
  check(sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr), db, "wal");
  check(sqlite3_exec(db, full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr),
        db, "sync");
  check(sqlite3_exec(db,
                     "CREATE TABLE audit_context (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, adapter TEXT NOT NULL, "
                     "adapter_version TEXT NOT NULL, purpose TEXT NOT NULL, legal_basis TEXT NOT NULL)",
                     nullptr, nullptr, nullptr),
        db, "create context");
  check(sqlite3_exec(db,
                     (std::string("CREATE TABLE audit (seq INTEGER PRIMARY KEY, time TEXT NOT NULL, context INTEGER "
                                  "NOT NULL, document_ref TEXT NOT NULL, subject TEXT NOT NULL, fields TEXT NOT NULL, "
                                  "outcome TEXT NOT NULL") +
                      (chain ? ", prev_hash BLOB NOT NULL, row_hash BLOB NOT NULL)" : ")"))
                         .c_str(),
                     nullptr, nullptr, nullptr),
        db, "create");
  sqlite3_stmt* insert = nullptr;
  check(sqlite3_prepare_v2(db,
                           (std::string("INSERT INTO audit (seq, time, context, document_ref, subject, fields, outcome") +
                            (chain ? ", prev_hash, row_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                                   : ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"))
                               .c_str(),
                           -1, &insert, nullptr),
        db, "prepare");
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char prev[32] = {}, hash[32];
  std::string encoded;
  auto bind = [&](int i, const std::string& s) {
    sqlite3_bind_text(insert, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  };
  for (size_t at = 0; at < rows.size(); at += batch) {
    check(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), db, "begin");
    for (size_t i = at; i < std::min(rows.size(), at + batch); ++i) {
      const PlainRow& r = rows[i];
      sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(i + 1));
      bind(2, r.time);
      sqlite3_bind_int64(insert, 3, r.context);
      bind(4, r.document_ref);
      bind(5, r.subject);
      bind(6, r.fields);
      bind(7, r.outcome);
      if (chain) {
        encoded.clear();
        for (const std::string* m : {&r.time, &r.kind, &r.adapter, &r.adapter_version, &r.purpose, &r.legal_basis,
                                     &r.document_ref, &r.subject, &r.fields, &r.outcome}) {
          const uint32_t n = static_cast<uint32_t>(m->size());
          encoded.append(reinterpret_cast<const char*>(&n), 4);
          encoded += *m;
        }
        unsigned len = 0;
        EVP_DigestInit_ex2(ctx, sha256, nullptr);
        EVP_DigestUpdate(ctx, prev, sizeof prev);
        EVP_DigestUpdate(ctx, encoded.data(), encoded.size());
        EVP_DigestFinal_ex(ctx, hash, &len);
        sqlite3_bind_blob(insert, 8, prev, sizeof prev, SQLITE_TRANSIENT);
        sqlite3_bind_blob(insert, 9, hash, sizeof hash, SQLITE_TRANSIENT);
        std::copy(hash, hash + sizeof hash, prev);
      }
      check(sqlite3_step(insert), db, "insert");
      sqlite3_reset(insert);
    }
    check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
  }
  EVP_MD_CTX_free(ctx);
  EVP_MD_free(sha256);
  sqlite3_finalize(insert);
  sqlite3_close(db);
}

void run_audit(const fs::path& dir, const std::vector<ecid::AuditEvent>& events, size_t batch, bool full,
                 int threads) {
  ecid::AuditOptions o;
  o.path = dir / "audit.db";
  o.anchor_file = dir / "audit.anchors";
  o.key = kKey;
  o.batch_rows = batch;
  o.synchronous_full = full;
  remove_db(o.path);
  fs::remove(o.anchor_file);
  {
    ecid::AuditLog log(o);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
      workers.emplace_back([&, t] {
        for (size_t i = static_cast<size_t>(t); i < events.size(); i += static_cast<size_t>(threads))
          log.append(events[i]);
      });
    for (auto& w : workers) w.join();
    log.close();
  }
}

// CPU seconds used by the process so far: the machine is shared, so wall-clock rates move with
// other people's load while CPU cost per row does not.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Rate {
  double wall = 0;  // rows per second
  double cpu = 0;   // rows per CPU second
};

template <typename Run>
Rate measure(size_t rows, Run&& run) {
  const double cpu0 = cpu_seconds();
  const auto start = Clock::now();
  run();
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  return {static_cast<double>(rows) / wall, static_cast<double>(rows) / (cpu_seconds() - cpu0)};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 500000;
  const size_t batch = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000;
  const fs::path base = argc > 3 ? fs::path(argv[3]) : fs::temp_directory_path();
  const fs::path dir = base / ("ecid-audit-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);

  const auto events = make_events(rows);
  const auto plain_rows = make_plain_rows(events);
  std::printf("audit_bench: %zu rows, %zu rows per transaction, WAL, median of %d, files in %s\n", rows, batch,
              kRuns, dir.c_str());
  for (bool full : {false, true}) {
    std::vector<Rate> plain, chained, audit1, audit2;
    for (int r = 0; r < kRuns; ++r) {
      plain.push_back(measure(rows, [&] { run_plain(dir / "plain.db", plain_rows, batch, full, false); }));
      chained.push_back(measure(rows, [&] { run_plain(dir / "plain.db", plain_rows, batch, full, true); }));
      audit1.push_back(measure(rows, [&] { run_audit(dir, events, batch, full, 1); }));
      audit2.push_back(measure(rows, [&] { run_audit(dir, events, batch, full, 2); }));
    }
    auto med = [](const std::vector<Rate>& v, double Rate::*m) {
      std::vector<double> x;
      for (const Rate& r : v) x.push_back(r.*m);
      return median(x);
    };
    for (double Rate::*m : {&Rate::wall, &Rate::cpu}) {
      const double p = med(plain, m), c = med(chained, m), a1 = med(audit1, m), a2 = med(audit2, m);
      std::printf("synchronous=%-6s %-10s plain %7.0f | +chain %7.0f (%3.0f%%) | audit 1 thread %7.0f (%3.0f%%) | "
                  "audit 2 threads %7.0f (%3.0f%%)\n",
                  full ? "FULL" : "NORMAL", m == &Rate::wall ? "rows/s" : "rows/CPU-s", p, c, 100.0 * c / p, a1,
                  100.0 * a1 / p, a2, 100.0 * a2 / p);
    }
  }
  // The last audit database must verify; its rate is reported for the operator's tool.
  const auto start = Clock::now();
  const ecid::AuditVerifyResult v = ecid::verify_audit(dir / "audit.db", dir / "audit.anchors");
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("verify: %s, %llu rows, %llu anchors, %.0f rows/s\n", v.ok ? "ok" : v.detail.c_str(),
              static_cast<unsigned long long>(v.rows), static_cast<unsigned long long>(v.anchors_checked),
              static_cast<double>(v.rows) / seconds);
  // An access request scans the table.
  const auto find_start = Clock::now();
  const auto found = ecid::find_audit(dir / "audit.db", kKey, events[rows / 2].subject_id);
  const double find_seconds = std::chrono::duration<double>(Clock::now() - find_start).count();
  std::printf("find: %zu row(s) for one subject in %.3f s (%.0f rows scanned/s)\n", found.size(), find_seconds,
              static_cast<double>(rows) / find_seconds);
  fs::remove_all(dir);
  return v.ok && !found.empty() ? 0 : 1;
}
