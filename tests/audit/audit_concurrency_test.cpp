// Several threads, several processes, and a writer killed mid-batch.
#include "audit_test_support.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <thread>

extern char** environ;

namespace ecid::testing {
namespace {

pid_t spawn_writer(const AuditOptions& o, uint64_t rows, size_t batch_rows, const std::string& tag) {
  const std::string args[] = {ECID_AUDIT_WRITER, o.path.string(), o.key, o.anchor_file.string(),
                              std::to_string(rows), std::to_string(batch_rows), tag};
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, ECID_AUDIT_WRITER, nullptr, nullptr, argv.data(), environ);
  EXPECT_EQ(rc, 0) << "cannot start " << ECID_AUDIT_WRITER;
  return rc == 0 ? pid : -1;
}

int wait_exit(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Seq runs 1..n without gap and no row appears twice.
void expect_contiguous(const std::filesystem::path& db, int64_t n) {
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM audit"), n);
  EXPECT_EQ(sql_int(db, "SELECT min(seq) FROM audit"), 1);
  EXPECT_EQ(sql_int(db, "SELECT max(seq) FROM audit"), n);
  EXPECT_EQ(sql_int(db, "SELECT count(DISTINCT document_ref) FROM audit"), n);
}

// Rows of each writer appear in the order it appended them (document_ref TAG-i, i increasing).
void expect_each_writer_in_order(const std::vector<AuditRow>& rows, size_t writers, uint64_t per_writer) {
  std::map<std::string, uint64_t> next;
  for (const AuditRow& r : rows) {
    const size_t dash = r.document_ref.rfind('-');
    ASSERT_NE(dash, std::string::npos);
    const std::string tag = r.document_ref.substr(0, dash);
    const uint64_t i = std::stoull(r.document_ref.substr(dash + 1));
    ASSERT_EQ(i, next[tag]) << "writer " << tag << " out of order at seq " << r.seq;
    ++next[tag];
  }
  EXPECT_EQ(next.size(), writers);
  for (const auto& [tag, count] : next) EXPECT_EQ(count, per_writer) << tag;
}

TEST(AuditConcurrency, FourThreadsTenThousandRowsEach) {
  TempDir dir;
  AuditOptions o = options(dir);
  o.batch_rows = 256;
  o.anchor_every = 1000;
  constexpr int kThreads = 4;
  constexpr uint64_t kRows = 10000;
  {
    AuditLog log(o);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&log, t] {
        for (uint64_t i = 0; i < kRows; ++i) {
          AuditEvent e = event(i, citizen_id(static_cast<uint64_t>(t) * kRows + i));
          e.document_ref = "t" + std::to_string(t) + "-" + std::to_string(i);
          log.append(e);
        }
      });
    for (auto& th : threads) th.join();
  }
  expect_contiguous(o.path, kThreads * kRows);
  const AuditVerifyResult v = verify_audit(o.path, o.anchor_file);
  EXPECT_TRUE(v.ok) << to_string(v.problem) << ": " << v.detail;
  EXPECT_EQ(v.rows, kThreads * kRows);
  EXPECT_GE(v.anchors_checked, 40u);
  expect_each_writer_in_order(all_rows(o.path), kThreads, kRows);
}

TEST(AuditConcurrency, TwoProcessesAndAThreadShareOneChain) {
  TempDir dir;
  AuditOptions o = options(dir);
  o.anchor_every = 1000;
  constexpr uint64_t kRows = 20000;
  { AuditLog create(o); }  // both writers open an existing chain… and the test also writes
  const pid_t a = spawn_writer(o, kRows, 500, "pa");
  const pid_t b = spawn_writer(o, kRows, 300, "pb");
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  {
    AuditOptions mine = o;
    mine.batch_rows = 100;
    AuditLog log(mine);
    for (uint64_t i = 0; i < 5000; ++i) {
      AuditEvent e = event(i);
      e.document_ref = "pt-" + std::to_string(i);
      log.append(e);
    }
  }
  EXPECT_EQ(wait_exit(a), 0);
  EXPECT_EQ(wait_exit(b), 0);
  expect_contiguous(o.path, 2 * kRows + 5000);
  const AuditVerifyResult v = verify_audit(o.path, o.anchor_file);
  EXPECT_TRUE(v.ok) << to_string(v.problem) << ": " << v.detail;
  EXPECT_GE(v.anchors_checked, 45u);
  const auto rows = all_rows(o.path);
  std::map<std::string, uint64_t> per_tag;
  for (const AuditRow& r : rows) ++per_tag[r.document_ref.substr(0, 2)];
  EXPECT_EQ(per_tag["pa"], kRows);
  EXPECT_EQ(per_tag["pb"], kRows);
  EXPECT_EQ(per_tag["pt"], 5000u);
}

TEST(AuditConcurrency, TwoProcessesCreatingTheDatabaseAgreeOnOneChain) {
  TempDir dir;
  AuditOptions o = options(dir);
  const pid_t a = spawn_writer(o, 3000, 100, "pa");
  const pid_t b = spawn_writer(o, 3000, 100, "pb");
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  EXPECT_EQ(wait_exit(a), 0);
  EXPECT_EQ(wait_exit(b), 0);
  expect_contiguous(o.path, 6000);
  EXPECT_TRUE(verify_audit(o.path, o.anchor_file).ok);
  expect_each_writer_in_order(all_rows(o.path), 2, 3000);
}

TEST(AuditConcurrency, VerifyWhileAnotherProcessAppends) {
  TempDir dir;
  AuditOptions o = options(dir);
  o.anchor_every = 500;
  { AuditLog create(o); }
  const pid_t pid = spawn_writer(o, 40000, 250, "pv");
  ASSERT_GT(pid, 0);
  int checks = 0, status = 0;
  uint64_t last_rows = 0;
  for (; waitpid(pid, &status, WNOHANG) == 0; ++checks) {
    const AuditVerifyResult v = verify_audit(o.path, o.anchor_file);
    ASSERT_TRUE(v.ok) << to_string(v.problem) << ": " << v.detail;
    EXPECT_GE(v.rows, last_rows);
    last_rows = v.rows;
  }
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_GT(checks, 0);
  const AuditVerifyResult v = verify_audit(o.path, o.anchor_file);
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_EQ(v.rows, 40000u);
}

TEST(AuditConcurrency, KillMinusNineMidBatchLeavesAValidPrefix) {
  TempDir dir;
  AuditOptions o = options(dir);
  o.anchor_every = 1000;
  constexpr size_t kBatch = 2000;
  int64_t total = 0;
  for (int round = 0; round < 3; ++round) {
    const std::string tag = "k" + std::to_string(round);
    const pid_t pid = spawn_writer(o, 100000000, kBatch, tag);
    ASSERT_GT(pid, 0);
    // Let it commit a few batches, then kill it wherever it is (most of its time is inside one).
    const int64_t target = total + 3 * static_cast<int64_t>(kBatch);
    for (int tries = 0; tries < 2000 && committed_rows(o.path) < target; ++tries)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(3 + 7 * round));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    EXPECT_EQ(wait_exit(pid), 128 + SIGKILL);

    const AuditVerifyResult v = verify_audit(o.path, o.anchor_file);
    EXPECT_TRUE(v.ok) << to_string(v.problem) << ": " << v.detail;
    const int64_t now = sql_int(o.path, "SELECT count(*) FROM audit");
    EXPECT_GE(now, target);
    EXPECT_EQ((now - total) % static_cast<int64_t>(kBatch), 0) << "a batch was committed in part";
    // The rows present are a prefix of what the writer appended: TAG-0, TAG-1, … in seq order.
    EXPECT_EQ(sql_int(o.path, "SELECT count(*) FROM audit WHERE seq > " + std::to_string(total) +
                                  " AND document_ref <> '" + tag + "-' || (seq - " + std::to_string(total + 1) + ")"),
              0);
    total = now;
  }
  // The chain goes on after the crashes.
  {
    AuditLog log(o);
    for (int i = 0; i < 10; ++i) log.append(event(static_cast<uint64_t>(i)));
  }
  expect_contiguous(o.path, total + 10);
  const AuditVerifyResult v = verify_audit(o.path, o.anchor_file);
  EXPECT_TRUE(v.ok) << v.detail;
}

}  // namespace
}  // namespace ecid::testing
