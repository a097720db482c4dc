// Security suite, outputs, inputs and signals (issue 21, items 4, 12, 13, 14): the real `ecid`
// binary run as a child on real files, FIFOs, devices and signals.
//  - ecid collate never writes through a planted link or into another user's file, and creates
//    its results and working files 0640 (folder 0750) whatever the umask;
//  - ecid check refuses FIFOs, devices, directories and oversized files before reading;
//  - scripts/build.sh keeps no log at a fixed /tmp name;
//  - SIGTERM stops ecid check and ecid collate cleanly: every query the register answered has its
//    audit row, the output so far is valid, exit code 143, and a collation continues.
#include <ecid/audit.hpp>
#include <ecid/collate.hpp>
#include <ecid/config.hpp>
#include <ecid/mock_register.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "../support/seeded_register.hpp"
#include "../support/sigpipe.hpp"
#include "../support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using ecid::testing::read_file;
using ecid::testing::TempDir;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string kEcid = std::string(ECID_BINARY_DIR) + "/bin/ecid";
constexpr uid_t kNobody = 65534;

// The shipped policy section, for configurations written by the tests.
std::string shipped_policy() {
  const std::string yaml = read_file(fs::path(ECID_SOURCE_DIR) / "config/ecid.yaml");
  const size_t policy = yaml.find("\npolicy:");
  const size_t after = yaml.find("\n\n", policy + 1);
  return yaml.substr(policy + 1, after - policy);
}

// A configuration with this build's adapters, `register_section` and, when `audit_db` is given,
// an audit trail there.
fs::path write_config(const TempDir& dir, const std::string& register_section, const fs::path& audit_db = {},
                      const std::string& name = "ecid.yaml") {
  std::string yaml = "adapters:\n  directories: [" + std::string(ECID_ADAPTER_DIR) + "]\n" + register_section;
  if (!audit_db.empty())
    yaml += "audit:\n  path: " + audit_db.string() + "\n  key_file: " + (dir / "audit.key").string() + "\n";
  else
    yaml += "audit:\n  enabled: false\n";  // the explicit choice a configuration without a trail needs
  yaml += shipped_policy();
  return dir.write(name, yaml);
}

std::string embedded(const fs::path& db) { return "register:\n  backend: embedded\n  path: " + db.string() + "\n"; }

struct Child {
  pid_t pid = -1;
  fs::path out, err;
};

struct Exit {
  int code = -1;    // exit status, or -signal when ended by one
  bool timed_out = false;
  std::string out, err;
};

// Starts `ecid args...` with stdout and stderr in files of `dir`; `umask_to` and a memory cap
// (so a regression that reads a device cannot take the machine's memory) apply to the child.
Child start(const TempDir& dir, const std::vector<std::string>& args, std::optional<mode_t> umask_to = {}) {
  static int n = 0;
  Child c;
  c.out = dir / ("child" + std::to_string(++n) + ".out");
  c.err = dir / ("child" + std::to_string(n) + ".err");
  std::vector<std::string> argv{kEcid};
  argv.insert(argv.end(), args.begin(), args.end());
  c.pid = fork();
  if (c.pid == 0) {
    if (!std::freopen(c.out.c_str(), "w", stdout) || !std::freopen(c.err.c_str(), "w", stderr)) _exit(126);
    if (umask_to) ::umask(*umask_to);
    const rlimit cap{rlim_t{4} << 30, rlim_t{4} << 30};
    setrlimit(RLIMIT_AS, &cap);
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    execv(raw[0], raw.data());
    _exit(127);
  }
  return c;
}

// Waits for the child, killing it after `limit`.
Exit finish(const Child& c, std::chrono::milliseconds limit = 60s) {
  Exit e;
  const auto deadline = Clock::now() + limit;
  int status = 0;
  while (waitpid(c.pid, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      e.timed_out = true;
      kill(c.pid, SIGKILL);
      waitpid(c.pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(2ms);
  }
  e.code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
  e.out = read_file(c.out);
  e.err = read_file(c.err);
  return e;
}

Exit ecid(const TempDir& dir, const std::vector<std::string>& args, std::optional<mode_t> umask_to = {},
          std::chrono::milliseconds limit = 60s) {
  return finish(start(dir, args, umask_to), limit);
}

// Polls `condition` every 2 ms for up to `limit`.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit = 30s) {
  const auto deadline = Clock::now() + limit;
  while (!condition()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

// A CSV batch of `n` participant records built from the register's fixture citizens.
std::string make_batch(size_t n, unsigned seed) {
  const std::vector<std::string> lines = {
      ",Nguy\xE1\xBB\x85n V\xC4\x83n An,15/02/1985,Nam,001085000101,01",
      ",Ho\xC3\xA0ng Th\xE1\xBB\x8B Thu\xE1\xBB\xB7 Dung,01/09/1998,F,001198000505,1",
      ",\xC4\x90\xE1\xBB\x97 Minh Tu\xE1\xBA\xA5n,06/06/1988,M,172345678,38",
      ",Hu\xE1\xBB\xB3nh T\xE1\xBA\xA5n Ph\xC3\xA1t,15/03/1987,M,,79",
      ",Tr\xE1\xBA\xA7n V\xC4\x83n B,1995,Nam,001095999999,01",
      ",Ph\xE1\xBA\xA1m Th\xE1\xBB\x8B Hoa,20/01/1955,F,036155000404,36"};
  std::string body = "si_code,full_name,birth_date,sex,personal_id,birth_registration_place\n";
  std::mt19937 rng(seed);
  for (size_t i = 0; i < n; ++i) {
    char si[16];
    std::snprintf(si, sizeof si, "%010zu", 1000000 + rng() % (n * 2));
    body += si + lines[rng() % lines.size()] + "\n";
  }
  return body;
}

// An audit trail's rows as (kind, document_ref) pairs, in order.
std::vector<std::pair<std::string, std::string>> audit_rows(const fs::path& db) {
  std::vector<std::pair<std::string, std::string>> rows;
  if (!fs::exists(db)) return rows;
  std::stringstream lines;
  ecid::export_audit(db, {}, lines);
  std::string line;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);
    rows.emplace_back(j["kind"].get<std::string>(), j["document_ref"].get<std::string>());
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Item 4: outputs of ecid collate.

class CollateOutputs : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = write_config(dir_, embedded(ecid::testing::seeded(2000, 3)));
    batch_ = dir_.write("batch.csv", make_batch(3000, 11));
    victim_ = dir_.write("victim", "root-only data that must survive\n" + std::string(1 << 20, 'v'));
    fs::permissions(victim_, fs::perms::owner_read | fs::perms::owner_write);
    victim_bytes_ = read_file(victim_);
  }
  Exit collate(const fs::path& out, std::vector<std::string> extra = {}, std::optional<mode_t> umask_to = {}) {
    std::vector<std::string> args{"-c", config_.string(), "collate", batch_.string(), "--out", out.string(),
                                  "--chunk", "500"};
    args.insert(args.end(), extra.begin(), extra.end());
    return ecid(dir_, args, umask_to);
  }
  // Leaves a resumable run behind: OUT.partial and a checkpoint after the first chunk (the
  // second chunk's rows are written, not checkpointed: a resume cuts them off).
  void interrupt_after_two_chunks(const fs::path& out) {
    ecid::Collation c(ecid::load_config(config_));
    ecid::CollationOptions o;
    o.input = batch_;
    o.output = out;
    o.chunk_records = 500;
    o.checkpoint_every = 0ms;
    int chunks = 0;
    o.after_chunk = [&](uint64_t) {
      if (++chunks == 2) throw std::runtime_error("interrupted (test)");
    };
    EXPECT_THROW(c.run(o), std::runtime_error);
    ASSERT_TRUE(fs::exists(out.string() + ".checkpoint/checkpoint.json"));
    ASSERT_GT(fs::file_size(out.string() + ".partial"), 0u);
  }
  void expect_victim_untouched() {
    EXPECT_TRUE(read_file(victim_) == victim_bytes_) << "the victim file was written through";
    EXPECT_EQ(mode_of(victim_), 0600u);
  }
  TempDir dir_;
  fs::path config_, batch_, victim_;
  std::string victim_bytes_;
};

TEST_F(CollateOutputs, AFreshRunRefusesAPartialResultsFileThatIsASymbolicLink) {
  const fs::path out = dir_ / "results.csv";
  fs::create_symlink(victim_, out.string() + ".partial");
  const Exit e = collate(out);
  EXPECT_EQ(e.code, 2) << e.err;
  EXPECT_NE(e.err.find("results.csv.partial': it is a symbolic link"), std::string::npos) << e.err;
  expect_victim_untouched();
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(CollateOutputs, AResumedRunRefusesAPartialThatBecameALinkOrAnotherUsersFile) {
  const fs::path out = dir_ / "resumed.csv";
  interrupt_after_two_chunks(out);
  const fs::path partial = out.string() + ".partial";
  const std::string committed = read_file(partial);

  // The partial swapped for a link to the (longer) victim: before, the resume cut the victim to
  // the checkpoint's size and appended results to it.
  fs::rename(partial, dir_ / "kept.partial");
  fs::create_symlink(victim_, partial);
  Exit e = collate(out);
  EXPECT_EQ(e.code, 2) << e.err;
  EXPECT_NE(e.err.find("resumed.csv.partial': it is a symbolic link"), std::string::npos) << e.err;
  expect_victim_untouched();

  // Another user's file there.
  fs::remove(partial);
  fs::rename(dir_ / "kept.partial", partial);
  ASSERT_EQ(::chown(partial.c_str(), kNobody, kNobody), 0) << "the suite runs as root (as CI does)";
  e = collate(out);
  EXPECT_EQ(e.code, 2) << e.err;
  EXPECT_NE(e.err.find("belongs to another user"), std::string::npos) << e.err;
  EXPECT_EQ(read_file(partial), committed);

  // Given back: the run continues from its checkpoint.
  ASSERT_EQ(::chown(partial.c_str(), ::geteuid(), ::getegid()), 0);
  e = collate(out);
  EXPECT_EQ(e.code, 1) << e.err;
  EXPECT_NE(e.out.find("continued from record 500)"), std::string::npos) << e.out;  // the checkpoint's
  EXPECT_FALSE(fs::exists(partial));
}

TEST_F(CollateOutputs, CheckpointFilesAreNeverWrittenThroughALink) {
  // A checkpoint folder of this user with a link planted at each temporary name: refused.
  const fs::path out = dir_ / "links.csv";
  const fs::path checkpoint = dir_ / "links.checkpoint";
  fs::create_directory(checkpoint);
  fs::permissions(checkpoint, static_cast<fs::perms>(0750));
  for (const char* name : {"checkpoint.json.tmp", "pass1.0.bin"}) {
    fs::create_symlink(victim_, checkpoint / name);
    const Exit e = collate(out, {"--checkpoint", checkpoint.string()});
    EXPECT_EQ(e.code, 2) << name << ": " << e.err;
    EXPECT_NE(e.err.find(std::string(name) + "': it is a symbolic link"), std::string::npos) << e.err;
    expect_victim_untouched();
    fs::remove(checkpoint / name);
  }

  // A folder others may write into (they could plant those links), or one that is a link, or
  // another user's: refused before anything is written in it, even with --restart.
  const fs::path open_dir = dir_ / "open.checkpoint";
  fs::create_directory(open_dir);
  fs::permissions(open_dir, fs::perms::all);
  fs::create_symlink(victim_, open_dir / "checkpoint.json.tmp");
  Exit e = collate(out, {"--checkpoint", open_dir.string(), "--restart"});
  EXPECT_EQ(e.code, 2) << e.err;
  EXPECT_NE(e.err.find("other users may write into it"), std::string::npos) << e.err;
  EXPECT_TRUE(fs::is_symlink(open_dir / "checkpoint.json.tmp"));

  fs::create_directory_symlink(dir_.path(), dir_ / "link.checkpoint");
  e = collate(out, {"--checkpoint", (dir_ / "link.checkpoint").string()});
  EXPECT_EQ(e.code, 2) << e.err;
  EXPECT_NE(e.err.find("it is a symbolic link"), std::string::npos) << e.err;

  const fs::path theirs = dir_ / "theirs.checkpoint";
  fs::create_directory(theirs);
  ASSERT_EQ(::chown(theirs.c_str(), kNobody, kNobody), 0);
  e = collate(out, {"--checkpoint", theirs.string()});
  EXPECT_EQ(e.code, 2) << e.err;
  EXPECT_NE(e.err.find("belongs to another user"), std::string::npos) << e.err;
  expect_victim_untouched();
}

TEST_F(CollateOutputs, ResultsAndWorkingFilesAre0640UnderUmask000) {
  const fs::path out = dir_ / "modes.csv";
  const Exit e = collate(out, {}, mode_t{0});
  ASSERT_EQ(e.code, 1) << e.err;
  EXPECT_EQ(mode_of(out), 0640u);

  // What a stopped run leaves: the folder 0750, every file in it and the partial 0640.
  const fs::path stopped = dir_ / "stopped.csv";
  const mode_t old = ::umask(0);
  interrupt_after_two_chunks(stopped);
  ::umask(old);
  const fs::path folder = stopped.string() + ".checkpoint";
  EXPECT_EQ(mode_of(folder), 0750u);
  EXPECT_EQ(mode_of(stopped.string() + ".partial"), 0640u);
  int files = 0;
  for (const auto& f : fs::directory_iterator(folder)) {
    EXPECT_EQ(mode_of(f.path()), 0640u) << f.path();
    ++files;
  }
  EXPECT_GE(files, 2);  // checkpoint.json, duplicates.bin, prefetched answers
}

// ---------------------------------------------------------------------------------------------
// Item 12: inputs that are not regular files, or too large, are refused before being read.

class Inputs : public ::testing::Test {
 protected:
  void SetUp() override { config_ = write_config(dir_, embedded(ecid::testing::seeded(2000, 3))); }
  TempDir dir_;
  fs::path config_;
};

TEST_F(Inputs, CheckRefusesDevicesFifosFoldersAndOversizedFilesQuickly) {
  const fs::path fifo = dir_ / "documents.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const fs::path big = dir_ / "big.xml";
  { std::ofstream(big) << "<x/>"; }
  fs::resize_file(big, (uint64_t{64} << 20) + 1);  // sparse: one byte over the limit
  const fs::path folder = dir_ / "folder.xml";
  fs::create_directory(folder);
  const std::map<fs::path, std::string> expected = {{"/dev/zero", "is a character device"},
                                                    {fifo, "is a FIFO"},
                                                    {folder, "is a directory"},
                                                    {big, "is too large (67108865 bytes; the limit is 64 MiB)"}};
  for (const auto& [file, why] : expected) {
    const auto started = Clock::now();
    const Exit e = ecid(dir_, {"-c", config_.string(), "check", file.string()}, {}, 20s);
    EXPECT_FALSE(e.timed_out) << file << " was read (or waited on) instead of refused";
    EXPECT_LT(Clock::now() - started, 10s) << file;
    EXPECT_EQ(e.code, 2) << file << ": " << e.out << e.err;
    EXPECT_NE(e.out.find(file.string() + ": cannot be checked: '" + file.string() + "' " + why), std::string::npos)
        << e.out << e.err;
  }
}

// ecid collate refused these before too (a regression guard): it streams any size, but only
// from a regular file.
TEST_F(Inputs, CollateRefusesDevicesAndFifos) {
  const fs::path fifo = dir_ / "batch.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const fs::path& input : {fs::path("/dev/zero"), fifo}) {
    const Exit e =
        ecid(dir_, {"-c", config_.string(), "collate", input.string(), "--out", (dir_ / "r.csv").string()}, {}, 20s);
    EXPECT_FALSE(e.timed_out) << input;
    EXPECT_EQ(e.code, 2) << input << ": " << e.err;
    EXPECT_NE(e.err.find(input.string()), std::string::npos) << e.err;
  }
}

// ---------------------------------------------------------------------------------------------
// Item 13: scripts/build.sh, run with a stand-in cmake that records where its output goes.

TEST(BuildScript, TheConfigureLogIsAPrivateTemporaryFileNotAFixedTmpName) {
  TempDir dir;
  const fs::path script = dir / "repo/scripts/build.sh";
  fs::create_directories(script.parent_path());
  fs::copy_file(fs::path(ECID_SOURCE_DIR) / "scripts/build.sh", script);
  const fs::path record = dir / "stdout-of-cmake";
  // The shell's own stdout ($$), read from a subshell: readlink's would be the record file.
  dir.write("bin/cmake", "#!/bin/sh\nwhere=$(readlink /proc/$$/fd/1)\necho \"$where\" >> '" + record.string() + "'\n");
  fs::permissions(dir / "bin/cmake", fs::perms::owner_all);
  fs::create_directory(dir / "tmp");
  const std::string command = "cd '" + dir.path().string() + "' && PATH='" + (dir / "bin").string() +
                              "':\"$PATH\" TMPDIR='" + (dir / "tmp").string() + "' bash repo/scripts/build.sh";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::istringstream lines(read_file(record));
  std::string configure_log;
  std::getline(lines, configure_log);  // the first cmake call configures
  EXPECT_NE(configure_log, "/tmp/ecid-configure.log");
  EXPECT_EQ(configure_log.rfind((dir / "tmp").string() + "/ecid-configure.", 0), 0u) << configure_log;
  EXPECT_FALSE(fs::exists(configure_log)) << "the log is removed when the build succeeds";
}

// ---------------------------------------------------------------------------------------------
// Item 14: SIGTERM in the middle of a run.

// ecid check of many court documents against a slow register over HTTP.
class CheckSignals : public ::testing::Test {
 protected:
  void SetUp() override {
    ecid::MockRegisterOptions m;
    m.register_path = ecid::testing::seeded(2000, 3).string();
    m.faults.latency_ms = 60;
    ecid::testing::ignore_sigpipe();
    mock_ = std::make_unique<ecid::MockRegisterServer>(m);
    mock_->start();
    const std::string http = "register:\n  backend: http\n  http:\n    base_url: " + mock_->base_url() +
                             "\n    client_id: ecid-dev\n    client_secret: ecid-dev-secret\n    timeout_ms: 10000\n"
                             "    deadline_ms: 20000\n    max_retries: 0\n";
    audit_db_ = dir_ / "audit.db";
    config_ = write_config(dir_, http, audit_db_);
    for (int i = 0; i < 40; ++i)
      for (const char* sample : {"civil_dispute.xml", "divorce.xml", "inheritance.xml"})
        documents_.push_back(
            dir_.write("doc" + std::to_string(i) + "-" + sample,
                       read_file(fs::path(ECID_SOURCE_DIR) / "samples/court" / sample)).string());
  }
  Child start_check() {
    std::vector<std::string> args{"-c", config_.string(), "check", "--format", "json"};
    args.insert(args.end(), documents_.begin(), documents_.end());
    return start(dir_, args);
  }
  TempDir dir_;
  std::unique_ptr<ecid::MockRegisterServer> mock_;
  fs::path config_, audit_db_;
  std::vector<std::string> documents_;
};

TEST_F(CheckSignals, SigtermAuditsEveryAnsweredQueryPrintsValidJsonAndExits143) {
  const Child child = start_check();
  ASSERT_TRUE(wait_until([&] { return mock_->counters().queries >= 10; })) << "no queries reached the register";
  kill(child.pid, SIGTERM);
  const Exit e = finish(child, 30s);
  ASSERT_FALSE(e.timed_out);
  EXPECT_EQ(e.code, 143) << e.err;
  EXPECT_NE(e.err.find("stopped by SIGTERM"), std::string::npos) << e.err;

  const auto json = nlohmann::json::parse(e.out, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << "stdout is not one JSON document:\n" << e.out;
  const auto& reported = json.at("documents");
  EXPECT_GE(reported.size(), 1u);
  EXPECT_LT(reported.size(), documents_.size()) << "the signal came too late to test anything";
  for (const auto& d : reported) EXPECT_TRUE(d.at("ok").get<bool>()) << d.dump();

  // Every query the register answered has its row, none more.
  const uint64_t answered = mock_->counters().queries;
  uint64_t query_rows = 0;
  for (const auto& row : audit_rows(audit_db_)) query_rows += row.first == "register_query";
  EXPECT_GT(answered, 0u);
  EXPECT_EQ(query_rows, answered);
  const Exit verify = ecid(dir_, {"-c", config_.string(), "audit", "verify"});
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
}

// Whether a running process catches `signal` (its handler is installed), from /proc.
bool catches(pid_t pid, int signal) {
  std::istringstream lines(read_file("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(lines, line))
    if (line.rfind("SigCgt:", 0) == 0) return (std::stoull(line.substr(7), nullptr, 16) >> (signal - 1)) & 1;
  return false;
}

TEST_F(CheckSignals, TheFirstSignalIsHandledASecondEndsTheRunAtOnce) {
  const Child child = start_check();
  ASSERT_TRUE(wait_until([&] { return mock_->counters().queries >= 1; }));
  EXPECT_TRUE(catches(child.pid, SIGTERM)) << "ecid check must handle SIGTERM while it queries";
  kill(child.pid, SIGTERM);
  // Two SIGTERMs sent together are one pending signal: send the second once the first was
  // handled, which /proc shows as SIGTERM no longer caught.
  ASSERT_TRUE(wait_until([&] { return !catches(child.pid, SIGTERM); }));
  kill(child.pid, SIGTERM);
  const Exit e = finish(child, 30s);
  // The handler giving way to the default action (seen above) is what makes the second signal
  // kill; the clean stop may still win the race and exit 143 before the second one arrives.
  EXPECT_TRUE(e.code == -SIGTERM || e.code == 143) << "the second SIGTERM must kill (exit " << e.code << ")";
}

// ecid collate of a batch whose main pass commits many chunks.
TEST(CollateSignals, SigtermCommitsTheChunksInFlightAndARerunContinuesToTheSameResults) {
  TempDir dir;
  const fs::path reg = ecid::testing::seeded(2000, 3);
  const fs::path batch = dir.write("batch.csv", make_batch(60000, 5));
  auto collate = [&](const fs::path& config, const fs::path& out) {
    return std::vector<std::string>{"-c", config.string(), "collate", batch.string(), "--out", out.string(),
                                    "--chunk", "200"};
  };
  // The uninterrupted run: results and audit rows to compare with.
  const fs::path reference_db = dir / "reference-audit.db";
  Exit e = ecid(dir, collate(write_config(dir, embedded(reg), reference_db, "reference.yaml"), dir / "reference.csv"));
  ASSERT_EQ(e.code, 1) << e.err;
  const auto reference_rows = audit_rows(reference_db);

  const fs::path out = dir / "results.csv";
  const fs::path partial = out.string() + ".partial";
  const fs::path db = dir / "audit.db";
  const fs::path config = write_config(dir, embedded(reg), db);
  const Child child = start(dir, collate(config, out));
  // Queries flow and chunks commit once the results file grows past its header.
  ASSERT_TRUE(wait_until([&] { return fs::exists(partial) && fs::file_size(partial) > 200; }));
  kill(child.pid, SIGTERM);
  e = finish(child, 30s);
  ASSERT_FALSE(e.timed_out);
  ASSERT_EQ(e.code, 143) << e.err;
  EXPECT_NE(e.err.find("stopped by SIGTERM"), std::string::npos) << e.err;
  ASSERT_FALSE(fs::exists(out)) << "the results appear only once complete";

  // What was committed is whole and consistent: the partial ends with a whole row, the
  // checkpoint counts its chunks, and the audit trail holds exactly those chunks' rows.
  const auto checkpoint = nlohmann::json::parse(read_file(out.string() + ".checkpoint/checkpoint.json"));
  const uint64_t chunks = checkpoint.at("chunks").get<uint64_t>();
  ASSERT_GT(chunks, 0u);
  ASSERT_LT(chunks, 300u) << "the signal came too late to test anything";
  const std::string committed = read_file(partial);
  EXPECT_EQ(committed.size(), checkpoint.at("output_size").get<uint64_t>());
  EXPECT_EQ(committed, read_file(dir / "reference.csv").substr(0, committed.size()));
  EXPECT_EQ(committed.back(), '\n');
  auto chunk_of = [](const std::string& ref) { return std::stoull(ref.substr(ref.rfind(':') + 1)); };
  std::vector<std::string> expected_kinds, kinds;
  for (const auto& [kind, ref] : reference_rows)
    if (chunk_of(ref) < chunks) expected_kinds.push_back(kind + ref.substr(ref.rfind(':')));
  for (const auto& [kind, ref] : audit_rows(db)) kinds.push_back(kind + ref.substr(ref.rfind(':')));
  EXPECT_EQ(kinds, expected_kinds) << "the audit trail must hold the committed chunks' rows, and only those";
  Exit verify = ecid(dir, {"-c", config.string(), "audit", "verify"});
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;

  // The same command continues and ends where an uninterrupted run does.
  e = ecid(dir, collate(config, out));
  ASSERT_EQ(e.code, 1) << e.err;
  EXPECT_NE(e.out.find("(continued from record "), std::string::npos) << e.out;
  EXPECT_EQ(read_file(out), read_file(dir / "reference.csv"));
  kinds.clear();
  for (const auto& [kind, ref] : audit_rows(db)) kinds.push_back(kind + ref.substr(ref.rfind(':')));
  expected_kinds.clear();
  for (const auto& [kind, ref] : reference_rows) expected_kinds.push_back(kind + ref.substr(ref.rfind(':')));
  EXPECT_EQ(kinds, expected_kinds) << "every query once, none twice";
  verify = ecid(dir, {"-c", config.string(), "audit", "verify"});
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
}

}  // namespace
