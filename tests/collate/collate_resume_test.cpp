// Resuming: `ecid collate` killed with SIGKILL at random moments and started again with the same
// command ends with a results file identical, byte for byte, to an uninterrupted run's; an
// interrupted run with an audit trail never writes a register query's row twice.
#include "collate_test_support.hpp"

#include <ecid/audit.hpp>
#include <ecid/seed.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <random>
#include <set>
#include <thread>

#include "../support/temp_dir.hpp"

namespace {

// The unaudited runs say so explicitly, as a configuration without a trail must.
const std::string kNoAudit = "audit:\n  enabled: false\n";

using namespace collate_test;
using Clock = std::chrono::steady_clock;

const std::string kHeader = "si_code,full_name,birth_date,sex,personal_id,birth_registration_place\n";

// A batch made from the fixtures with every kind of record, `n` records long.
std::string make_batch(size_t n) {
  const std::vector<std::string> lines = {
      ",Nguy\xE1\xBB\x85n V\xC4\x83n An,15/02/1985,Nam,001085000101,01",
      ",Nguyen Van An,15/02/1985,Nam,001085000101,01",
      ",Ho\xC3\xA0ng Th\xE1\xBB\x8B Thu\xE1\xBB\xB7 Dung,01/09/1998,F,001198000505,1",
      ",\xC4\x90\xE1\xBB\x97 Minh Tu\xE1\xBA\xA5n,06/06/1988,M,172345678,38",
      ",Hu\xE1\xBB\xB3nh T\xE1\xBA\xA5n Ph\xC3\xA1t,15/03/1987,M,,79",
      ",Tr\xE1\xBA\xA7n V\xC4\x83n B,1995,Nam,001095999999,01",
      ",\"broken,line",
      ",Ph\xE1\xBA\xA1m Th\xE1\xBB\x8B Hoa,20/01/1955,F,036155000404,36",
      ",V\xC5\xA9 Th\xE1\xBB\x8B Lan,04/04/1993,F,031093000707,31"};
  std::string body = kHeader;
  std::mt19937 rng(7);
  for (size_t i = 0; i < n; ++i) {
    char si[16];
    std::snprintf(si, sizeof si, "%010zu", 1000000 + rng() % (n * 2));
    body += si + lines[rng() % lines.size()] + "\n";
  }
  return body;
}

class Resume : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ecid::testing::TempDir();
    ecid::SeedOptions o;
    o.people = 3000;
    o.seed = 5;
    o.path = (dir_->path() / "register.db").string();
    ecid::seed_register(o);
    // The shipped policy, this build's adapters, the test register.
    std::string yaml = read_file(fs::path(ECID_SOURCE_DIR) / "config/ecid.yaml");
    const size_t policy = yaml.find("\npolicy:");
    const size_t after = yaml.find("\n\n", policy + 1);
    yaml = "adapters:\n  directories: [" + std::string(ECID_ADAPTER_DIR) + "]\nregister:\n  backend: embedded\n  path: " +
           o.path + "\n" + yaml.substr(policy + 1, after - policy) + "\n" + kNoAudit;
    write_file(dir_->path() / "ecid.yaml", yaml);
  }
  static void TearDownTestSuite() { delete dir_; }
  static ecid::testing::TempDir* dir_;
  const fs::path& dir() const { return dir_->path(); }

  // Runs `ecid collate` as a child; kills it with SIGKILL after `kill_after` (if set).
  // Returns the exit code, or -9 when it was killed.
  int collate(const fs::path& input, const fs::path& out, std::optional<std::chrono::milliseconds> kill_after = {},
              std::string* output = nullptr) {
    const std::string ecid = std::string(ECID_BINARY_DIR) + "/bin/ecid";
    const fs::path log = dir() / "child.out";
    pid_t pid = fork();
    if (pid == 0) {
      FILE* f = std::freopen(log.c_str(), "w", stdout);
      (void)f;
      execl(ecid.c_str(), ecid.c_str(), "-c", (dir() / "ecid.yaml").c_str(), "collate", input.c_str(), "--out",
            out.c_str(), "--chunk", "500", "--threads", "2", static_cast<char*>(nullptr));
      _exit(127);
    }
    if (kill_after) {
      std::this_thread::sleep_for(*kill_after);
      kill(pid, SIGKILL);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (output) *output = read_file(log);
    if (WIFSIGNALED(status)) return -WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};
ecid::testing::TempDir* Resume::dir_ = nullptr;

TEST_F(Resume, KilledAtRandomMomentsTheResultsAreIdenticalToAnUninterruptedRun) {
  const fs::path batch = dir() / "batch.csv";
  write_file(batch, make_batch(120000));
  const fs::path reference = dir() / "reference.csv";
  const auto started = Clock::now();
  ASSERT_EQ(collate(batch, reference), 1);
  const auto full = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  const std::string expected = read_file(reference);
  ASSERT_EQ(read_results(reference).size(), 120000u);

  const fs::path out = dir() / "resumed.csv";
  std::mt19937 rng(static_cast<unsigned>(std::random_device{}()));
  int killed = 0;
  int64_t span_ms = full.count() * 9 / 10;
  for (int attempt = 0; attempt < 12; ++attempt) {
    // Kill moments spread over a whole run, so indexing, prefetching and collating are all hit.
    const auto when = std::chrono::milliseconds(20 + rng() % std::max<int64_t>(1, span_ms));
    const int rc = collate(batch, out, when);
    if (rc != -SIGKILL) {
      ASSERT_EQ(rc, 1) << "a run that finished before the kill must have succeeded";
      if (killed > 0) break;
      // Finished before the first kill (the machine got faster): start over and kill sooner.
      fs::remove(out);
      span_ms = std::max<int64_t>(1, span_ms / 2);
      continue;
    }
    ++killed;
    EXPECT_FALSE(fs::exists(out)) << "results appear only when complete";
  }
  std::string output;
  if (!fs::exists(out)) {
    ASSERT_EQ(collate(batch, out, std::nullopt, &output), 1) << output;
  }
  EXPECT_GT(killed, 0);
  EXPECT_EQ(read_file(out), expected) << "resumed results differ from the uninterrupted run's";
  EXPECT_FALSE(fs::exists(out.string() + ".checkpoint"));
  EXPECT_FALSE(fs::exists(out.string() + ".partial"));
}

TEST_F(Resume, ACheckpointOfAnotherInputIsRefused) {
  const fs::path batch = dir() / "small.csv";
  write_file(batch, make_batch(3000));
  const fs::path out = dir() / "small.results.csv";
  ecid::Collation c(config_for(dir() / "register.db"));
  ecid::CollationOptions o;
  o.input = batch;
  o.output = out;
  o.chunk_records = 500;
  o.checkpoint_every = std::chrono::milliseconds(0);
  // Leave a checkpoint behind after two chunks, then change the input.
  int chunks = 0;
  o.after_chunk = [&](uint64_t) {
    if (++chunks == 2) throw std::runtime_error("interrupted (test)");
  };
  EXPECT_THROW(c.run(o), std::runtime_error);
  o.after_chunk = nullptr;
  ASSERT_TRUE(fs::exists(out.string() + ".checkpoint/checkpoint.json"));
  write_file(batch, make_batch(3001));
  try {
    c.run(o);
    FAIL() << "expected the checkpoint to be refused";
  } catch (const ecid::CollationError& e) {
    EXPECT_NE(std::string(e.what()).find("belongs to another run"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("input"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--restart"), std::string::npos) << e.what();
  }
  std::string output;
  EXPECT_EQ(collate(batch, out, std::nullopt, &output), 2) << "the command line says so with exit code 2";
  o.restart = true;
  const auto s = c.run(o);
  EXPECT_EQ(s.records, 3001u);
  EXPECT_FALSE(s.resumed);
}

// An interrupted run whose audit rows were committed past its checkpoint: the resumed run
// skips exactly those, so every register query has one row.
TEST_F(Resume, AuditRowsAreNeverWrittenTwice) {
  const fs::path batch = dir() / "audited.csv";
  write_file(batch, make_batch(4000));
  ecid::Collation c(config_for(dir() / "register.db"));
  auto audit_options = [&](const fs::path& db) {
    ecid::AuditOptions a;
    a.path = db;
    a.key = "collate-test-key-0123456789";
    a.max_delay = std::chrono::milliseconds(0);
    return a;
  };
  // The rows an uninterrupted run writes, without the job id (random per run).
  auto rows_of = [&](const fs::path& db) {
    std::stringstream lines;
    ecid::export_audit(db, {}, lines);
    std::multiset<std::string> rows;
    std::string line;
    while (std::getline(lines, line)) {
      // What identifies a row's content across runs: everything but time, hashes and the job id.
      auto j = nlohmann::json::parse(line);
      std::string ref = j["document_ref"].get<std::string>();
      ref = ref.substr(ref.rfind(':'));  // "collate:<job>:<chunk>" → ":<chunk>"
      rows.insert(j["kind"].dump() + j["adapter"].dump() + j["purpose"].dump() + j["legal_basis"].dump() + ref +
                  j["subject"].dump() + j["fields_disclosed"].dump() + j["outcome"].dump());
    }
    return rows;
  };
  std::multiset<std::string> expected;
  {
    ecid::AuditLog audit(audit_options(dir() / "reference-audit.db"));
    ecid::CollationOptions o;
    o.input = batch;
    o.output = dir() / "audited-reference.csv";
    o.chunk_records = 100;
    o.audit = &audit;
    o.audit_db = dir() / "reference-audit.db";
    c.run(o);
    audit.close();
    expected = rows_of(dir() / "reference-audit.db");
  }
  ASSERT_GT(expected.size(), 3000u);

  const fs::path db = dir() / "audit.db";
  ecid::CollationOptions o;
  o.input = batch;
  o.output = dir() / "audited.csv";
  o.chunk_records = 100;
  o.audit_db = db;
  o.checkpoint_every = std::chrono::hours(1);  // no checkpoint between the start and the interruption
  for (int stop_at : {1, 7}) {
    ecid::AuditLog audit(audit_options(db));
    o.audit = &audit;
    int commits = 0;
    o.after_chunk = [&](uint64_t) {
      if (++commits >= stop_at) throw std::runtime_error("interrupted (test)");
    };
    EXPECT_THROW(c.run(o), std::runtime_error);
    audit.close();  // commits what the interrupted run had appended
  }
  o.after_chunk = nullptr;
  {
    ecid::AuditLog audit(audit_options(db));
    o.audit = &audit;
    const auto s = c.run(o);
    EXPECT_TRUE(s.resumed);
    audit.close();
  }
  EXPECT_EQ(read_file(o.output), read_file(dir() / "audited-reference.csv"));
  const auto rows = rows_of(db);
  EXPECT_EQ(rows.size(), expected.size()) << "every register query once, none twice";
  EXPECT_EQ(rows, expected);
  EXPECT_TRUE(ecid::verify_audit(db).ok);
}

}  // namespace

namespace {

// The command line audits a collation whenever the configuration has an audit trail, as
// `ecid check` does: no flag can leave register queries unaudited.
TEST_F(Resume, TheCommandAuditsEveryQueryWhenTheConfigurationHasAnAuditTrail) {
  const fs::path batch = dir() / "cli-audited.csv";
  write_file(batch, make_batch(600));
  const fs::path audited_dir = dir() / "cli-audit";  // absent: created with its key on first use
  std::string yaml = read_file(dir() / "ecid.yaml");
  yaml.erase(yaml.find(kNoAudit), kNoAudit.size());
  yaml += "audit:\n  path: " + (audited_dir / "audit.db").string() + "\n  key_file: " + (audited_dir / "audit.key").string() +
          "\n  anchor_file: " + (audited_dir / "audit.anchors").string() + "\n";
  write_file(dir() / "ecid-audit.yaml", yaml);
  const std::string ecid = std::string(ECID_BINARY_DIR) + "/bin/ecid";
  const std::string config = (dir() / "ecid-audit.yaml").string();
  const int rc = std::system((ecid + " -q -c " + config + " collate " + batch.string() + " --out " +
                              (dir() / "cli-audited.results.csv").string() + " > /dev/null")
                                 .c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_LE(WEXITSTATUS(rc), 1);
  std::stringstream lines;
  const uint64_t rows = ecid::export_audit(audited_dir / "audit.db", {}, lines);
  EXPECT_GE(rows, 400u);  // one per register query: most records ask one
  EXPECT_EQ(lines.str().find("001085000101"), std::string::npos) << "a clear personal ID in the audit trail";
  const int verify = std::system((ecid + " -q -c " + config + " audit verify > /dev/null").c_str());
  EXPECT_TRUE(WIFEXITED(verify) && WEXITSTATUS(verify) == 0);
}

}  // namespace
