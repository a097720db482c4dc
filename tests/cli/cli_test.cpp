// The `ecid` command line as an operator runs it: the real binary, the real adapters, a
// freshly seeded register, the repository's own configuration and samples.
#include <gtest/gtest.h>

#include <fstream>
#include <sqlite3.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <regex>
#include <set>
#include <sstream>
#include <algorithm>

#include "../support/command.hpp"
#include "../support/temp_dir.hpp"

namespace fs = std::filesystem;
using ecid::testing::CommandRun;
using ecid::testing::TempDir;
using ecid::testing::run;

namespace {

// A copy of the repository layout in a temp folder: config/ecid.yaml from the repo,
// build/adapters linking to the built adapters, var/register.db seeded once per suite.
class CliTest : public ::testing::Test {
 protected:
  static inline TempDir* root = nullptr;
  static void SetUpTestSuite() {
    root = new TempDir();
    fs::create_directories(*root / "config");
    fs::create_directories(*root / "build");
    fs::create_directories(*root / "var");
    fs::copy_file(fs::path(ECID_SOURCE_DIR) / "config/ecid.yaml", *root / "config/ecid.yaml");
    fs::create_directory_symlink(ECID_ADAPTER_DIR, *root / "build/adapters");
    CommandRun seed = run(ecli() + " register seed --people 3000 --seed 11", *root / "seed.err");
    ASSERT_EQ(seed.exit_code, 0) << seed.err;
  }
  static void TearDownTestSuite() {
    delete root;
    root = nullptr;
  }
  // ecid never takes its configuration from the current folder: the copy is named explicitly.
  static std::string ecli() {
    return "cd " + root->path().string() + " && ECID_CONFIG=" + (*root / "config/ecid.yaml").string() + " " +
           std::string(ECID_CLI);
  }
  static std::string samples() { return std::string(ECID_SOURCE_DIR) + "/samples/court/*.xml"; }
  CommandRun ecid(const std::string& args) { return run(ecli() + " " + args, *root / "stderr.txt"); }
};

TEST_F(CliTest, ChecksCourtSamplesAndShowsEveryFindingKind) {
  CommandRun r = ecid("check --format json " + samples());
  EXPECT_EQ(r.exit_code, 1) << "samples are made to need attention\n" << r.err;
  auto j = nlohmann::json::parse(r.out);
  std::set<std::string> codes;
  size_t with_reference = 0;  // one sample carries an invalid case number on purpose
  for (const auto& d : j["documents"]) {
    EXPECT_TRUE(d["ok"].get<bool>()) << d.dump();
    EXPECT_EQ(d["adapter"], "court");
    if (!d["document_ref"].get<std::string>().empty()) ++with_reference;
    for (const auto& f : d["findings"]) codes.insert(f["code"].get<std::string>());
  }
  for (const char* expected : {"VERIFIED", "MISMATCH", "ID_NOT_FOUND", "ID_STRUCTURE_INCONSISTENT", "DECEASED",
                               "LEGACY_ID_RESOLVED", "ADDRESS_FOR_SERVICE", "NO_ID_GIVEN", "INVALID_INPUT"})
    EXPECT_TRUE(codes.count(expected)) << "no sample shows " << expected;
  EXPECT_EQ(j["summary"]["exit_code"], 1);
  EXPECT_GE(with_reference + 1, j["documents"].size());
  EXPECT_GE(j["documents"].size(), 5u);
}

TEST_F(CliTest, TextReportIsATablePerDocument) {
  CommandRun r = ecid("check " + samples());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("SUBJECT"), std::string::npos);
  EXPECT_NE(r.out.find("ADDRESS_FOR_SERVICE"), std::string::npos);
  EXPECT_NE(r.out.find("[court 1.0.0]"), std::string::npos) << r.out;
  // Each register that answered once per document, with its outcomes: a found and an unknown party.
  const CommandRun one = ecid("check " + std::string(ECID_SOURCE_DIR) + "/samples/court/unchecked_parties.xml");
  EXPECT_NE(one.out.find("; population/embedded: found 1, not_found 1;"), std::string::npos) << one.out;
}

TEST_F(CliTest, BadDocumentExitsTwoWithReason) {
  root->write("bad.xml", "<CaseFiling xmlns='urn:ecid:court:filing:1'><Parties>");
  CommandRun r = ecid("check bad.xml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("not well-formed XML"), std::string::npos) << r.out;
  CommandRun missing = ecid("check does-not-exist.xml");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("cannot read 'does-not-exist.xml': No such file or directory"), std::string::npos) << missing.out;
}

TEST_F(CliTest, UnknownConfigKeyNamesKeyAndLine) {
  root->write("bad.yaml", "register:\n  backend: embedded\n  path: x.db\n  colour: blue\n");
  CommandRun r = ecid("--config bad.yaml check " + samples());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:4: unknown key 'colour' in register"), std::string::npos) << r.err;
  root->write("bad2.yaml", "register:\n  backend: embedded\n  path: x.db\n  http:\n    base_url: x\n    timeout_ms: soon\n");
  CommandRun r2 = ecid("--config bad2.yaml check " + samples());
  EXPECT_EQ(r2.exit_code, 2);
  EXPECT_NE(r2.err.find("bad2.yaml:6: 'timeout_ms' must be a whole number"), std::string::npos) << r2.err;
}

TEST_F(CliTest, AdaptersListShowsLoadedAndRefused) {
  CommandRun r = ecid("adapters list");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("court 1.0.0"), std::string::npos) << r.out;
  TempDir extra;
  fs::copy(ECID_ADAPTER_DIR, extra.path(), fs::copy_options::recursive);
  extra.write("broken.manifest.yaml", "name: broken\nversion: 1\nabi: \"2.0\"\nlibrary: libx.so\ndocument_types:\n  - root: X\n");
  root->write("two.yaml", "adapters:\n  directories: [\"" + extra.path().string() +
                              "\"]\nregister:\n  backend: embedded\n  path: ../var/register.db\naudit:\n  enabled: false\n");
  CommandRun r2 = ecid("--config two.yaml adapters list");
  EXPECT_EQ(r2.exit_code, 1);
  EXPECT_NE(r2.out.find("court 1.0.0"), std::string::npos) << "a bad adapter never stops the others";
  EXPECT_NE(r2.out.find("broken.manifest.yaml: ABI major mismatch: manifest declares ABI 2.0"), std::string::npos) << r2.out;
}

TEST_F(CliTest, HelpAndUsageErrors) {
  CommandRun help = ecid("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Exit codes"), std::string::npos);
  CommandRun bad = ecid("check --format yaml x.xml");
  EXPECT_EQ(bad.exit_code, 2);
  CommandRun none = ecid("");
  EXPECT_EQ(none.exit_code, 2);
}

// `register info` tells whether a register is the one this build's samples expect; a register
// made by another seed generator still opens, with one warning, and `info` exits 1 for it.
TEST_F(CliTest, RegisterInfoTellsWhetherTheRegisterIsCurrent) {
  CommandRun info = ecid("register info");
  EXPECT_EQ(info.exit_code, 0) << info.out << info.err;
  EXPECT_NE(info.out.find("people            3000, seed 11"), std::string::npos) << info.out;

  const fs::path old = *root / "var/old.db";
  fs::copy_file(*root / "var/register.db", old);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(old.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 0", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  CommandRun stale = ecid("register info --path " + old.string());
  EXPECT_EQ(stale.exit_code, 1) << stale.out << stale.err;
  EXPECT_NE(stale.out.find("seed --force --people 3000 --seed 11"), std::string::npos) << stale.out;

  const fs::path config = *root / "config/old.yaml";
  std::ofstream(config) << "adapters:\n  directories: [" << (*root / "build/adapters").string()
                        << "]\nregister:\n  backend: embedded\n  path: " << old.string() << "\naudit:\n  enabled: false\n";
  CommandRun check = ecid("-c " + config.string() + " check " + samples());
  EXPECT_LE(check.exit_code, 1) << check.err;
  EXPECT_NE(check.err.find("seed generator version 0"), std::string::npos) << check.err;

  CommandRun not_a_register = ecid("register info --path " + std::string(ECID_SOURCE_DIR) + "/README.md");
  EXPECT_EQ(not_a_register.exit_code, 2);
  EXPECT_NE(not_a_register.err.find("not an ecid register"), std::string::npos) << not_a_register.err;
}

// An operator answering a citizen's access request: the look-ups of a check are found by the
// person's ID, within bounds, without the ID appearing in the output; bad bounds are usage errors.
TEST_F(CliTest, AuditFindAnswersAnAccessRequestWithinBounds) {
  const std::string id = "001085000101";  // the plaintiff of civil_dispute.xml
  const std::string sample = std::string(ECID_SOURCE_DIR) + "/samples/court/civil_dispute.xml";
  CommandRun check = ecid("check " + sample);
  ASSERT_LE(check.exit_code, 1) << check.err;
  CommandRun verify = ecid("audit verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  CommandRun all = ecid("audit find --id " + id);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out.find(id), std::string::npos) << "the clear ID must not be printed";
  std::vector<uint64_t> seqs;
  std::istringstream lines(all.out);
  for (std::string line; std::getline(lines, line);) {
    const auto row = nlohmann::json::parse(line);
    EXPECT_EQ(row["adapter"], "court");
    seqs.push_back(row["seq"].get<uint64_t>());
  }
  ASSERT_FALSE(seqs.empty()) << "the check looked this person up";
  EXPECT_NE(all.err.find(std::to_string(seqs.size()) + " look-ups"), std::string::npos) << all.err;

  // Each search leaves a row of its own (kind audit_search); the check's look-ups are bounded.
  auto look_ups = [](const std::string& out) {
    size_t n = 0;
    for (size_t at = out.find("\"adapter\":\"court\""); at != std::string::npos; at = out.find("\"adapter\":\"court\"", at + 1)) ++n;
    return n;
  };
  CommandRun after = ecid("audit find --id " + id + " --from " + std::to_string(seqs.back() + 1));
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(look_ups(after.out), 0u) << after.out;
  EXPECT_NE(after.out.find("\"kind\":\"audit_search\""), std::string::npos) << "the first search is on the trail";
  CommandRun last = ecid("audit find --id " + id + " --from " + std::to_string(seqs.back()) + " --to 9999-12-31");
  EXPECT_EQ(look_ups(last.out), 1u) << last.out;

  CommandRun bad = ecid("audit find --id " + id + " --from yesterday");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--from"), std::string::npos) << bad.err;
}

TEST_F(CliTest, FindingsDocumentationIsGeneratedFromTheTable) {
  CommandRun r = ecid("findings --markdown");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, ecid::testing::read_file(fs::path(ECID_SOURCE_DIR) / "docs/findings.md"))
      << "regenerate with: ./build/bin/ecid findings --markdown > docs/findings.md";
}

TEST_F(CliTest, VerboseLogsNeverContainFullIdNumbersOrNames) {
  CommandRun r = ecid("--verbose check --queries " + samples());
  std::string logs = r.err;
  EXPECT_FALSE(logs.empty()) << "verbose mode should log something";
  std::regex twelve_digits("(^|[^0-9])[0-9]{12}([^0-9]|$)");
  std::regex nine_digits("(^|[^0-9])[0-9]{9}([^0-9]|$)");
  EXPECT_FALSE(std::regex_search(logs, twelve_digits)) << logs;
  EXPECT_FALSE(std::regex_search(logs, nine_digits)) << logs;
  for (const char* name : {"Nguyễn Văn An", "Trần Thị Bích Ngọc", "Phạm Thị Hoa", "Đỗ Minh Tuấn"})
    EXPECT_EQ(logs.find(name), std::string::npos) << name;
}

}  // namespace
