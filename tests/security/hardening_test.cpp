// Security suite, audit, privacy and input hardening (issue 16, items 1, 3, 9, 11, 12): the real
// `ecid` binary on real documents, configurations and audit databases.
//  - a document named after its parties leaves neither their IDs nor their names in the trail;
//  - an anchor file emptied or cut (with or without the rows' tail) fails `ecid audit verify`;
//  - documents and XML batches with a DOCTYPE are refused before any adapter sees them;
//  - duplicated YAML keys, and policy names no loaded adapter has, are reported with their line;
//  - `ecid check -` reads the standard input, bounded; a missing configuration says where ecid looked.
#include <ecid/audit.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "../audit/audit_test_support.hpp"
#include "../support/command.hpp"
#include "../support/seeded_register.hpp"
#include "../support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using ecid::testing::CommandRun;
using ecid::testing::read_file;
using ecid::testing::TempDir;

const std::string kEcid = ECID_CLI;
const fs::path kSamples = fs::path(ECID_SOURCE_DIR) / "samples";

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// The samples configuration with this build's adapters, a seeded register and a trail in `dir`;
// `extra` is appended (a section there replaces the samples' one).
// Lines 1-10 are written here; `extra` starts at line 11.
fs::path write_config(const TempDir& dir, const std::string& extra = {}, const fs::path& adapters = ECID_ADAPTER_DIR) {
  return dir.write("ecid.yaml", "extends: " + (kSamples / "ecid.yaml").string() + "\nadapters:\n  directories: [" +
                                    adapters.string() + "]\nregister:\n  path: " +
                                    ecid::testing::seeded(200, 1).string() + "\naudit:\n  path: " +
                                    (dir / "audit.db").string() + "\n  key_file: " + (dir / "audit.key").string() +
                                    "\n  anchor_file: " + (dir / "audit.anchors").string() +
                                    "\n  anchor_every: 1000\n" + extra);
}

CommandRun ecid(const TempDir& dir, const fs::path& config, const std::string& args) {
  return ecid::testing::run(kEcid + " --config " + q(config) + " " + args, dir / "stderr.txt");
}

std::string without(std::string text, std::string_view what) {
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what)) text.erase(at, what.size());
  return text;
}

// ---- item 1: no clear ID or name from a file name --------------------------------------------

TEST(AuditPrivacy, AFileNamedAfterTwoPartiesLeavesNoIdOrNameInTheTrail) {
  TempDir dir;
  const fs::path config = write_config(dir);
  // Without a case number the document has no reference of its own: its rows name the file.
  const std::string filing = without(read_file(kSamples / "court/civil_dispute.xml"),
                                     "<CaseNumber>64/2024/TLST-DS</CaseNumber>");
  const std::string name = "001085000101 Nguyễn Văn An - 079190000202 Trần Thị Bích Ngọc.xml";
  const fs::path doc = dir.write(name, filing);
  const CommandRun check = ecid(dir, config, "check " + q(doc));
  ASSERT_EQ(check.exit_code, 1) << check.out << check.err;  // the missing case number is a finding
  EXPECT_NE(check.out.find(name), std::string::npos) << "the report still shows the real path: " << check.out;

  const CommandRun exported = ecid(dir, config, "audit export");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::string stored = exported.out;
  for (const auto& entry : fs::directory_iterator(dir.path()))
    if (entry.path().filename().string().starts_with("audit.")) stored += read_file(entry.path());
  for (std::string_view secret : {"001085000101", "079190000202", "Nguyễn Văn An", "Trần Thị Bích Ngọc", "Bích Ngọc"})
    EXPECT_EQ(stored.find(secret), std::string::npos) << secret << " is in the trail";

  const CommandRun ref = ecid(dir, config, "audit ref " + q(doc));
  EXPECT_EQ(ref.exit_code, 0) << ref.err;
  const std::string reference = ref.out.substr(0, ref.out.find(' '));
  ASSERT_TRUE(reference.starts_with("file:")) << ref.out;
  size_t rows = 0;
  for (size_t at = exported.out.find("\"document_ref\":\"" + reference + "\""); at != std::string::npos;
       at = exported.out.find("\"document_ref\":\"" + reference + "\"", at + 1))
    ++rows;
  EXPECT_GE(rows, 2u) << "`ecid audit ref` maps the file to its rows:\n" << exported.out;
}

// Item 5: `-v` logs name a document by its audit reference, never by a path that may name a party.
TEST(AuditPrivacy, VerboseLogsDoNotRepeatANameFromTheFileName) {
  TempDir dir;
  const fs::path config = write_config(dir);
  const fs::path doc = dir.write("079190000202 Trần Thị Bích Ngọc.xml", read_file(kSamples / "court/civil_dispute.xml"));
  const CommandRun check = ecid(dir, config, "-v check " + q(doc));
  ASSERT_LE(check.exit_code, 1) << check.err;
  EXPECT_NE(check.err.find("routed to adapter court"), std::string::npos) << "the log line is there: " << check.err;
  for (std::string_view secret : {"Trần Thị Bích Ngọc", "Bích Ngọc", "079190000202"})
    EXPECT_EQ(check.err.find(secret), std::string::npos) << secret << " is in the log:\n" << check.err;
}

// ---- item 3: anchors that should be there ---------------------------------------------------

class MissingAnchors : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = write_config(dir_);
    ecid::AuditOptions o;  // as the configuration says, so `ecid audit verify` reads this trail
    o.path = dir_ / "audit.db";
    o.key_file = dir_ / "audit.key";
    o.anchor_file = dir_ / "audit.anchors";
    o.anchor_every = 1000;
    o.synchronous_full = false;
    o.max_delay = std::chrono::milliseconds(0);  // batches of 1,000: anchors exactly at 1000, 2000, …
    std::ofstream(o.key_file) << ecid::testing::kTestKey;
    fs::permissions(o.key_file, fs::perms::owner_read | fs::perms::owner_write);
    ecid::AuditLog log(o);
    for (uint64_t i = 0; i < 12850; ++i) log.append(ecid::testing::event(i));
    log.close();
  }
  CommandRun verify() { return ecid(dir_, config_, "audit verify"); }
  void keep_anchor_lines(size_t n) {
    std::istringstream in(read_file(dir_ / "audit.anchors"));
    std::string kept;
    for (std::string line; n > 0 && std::getline(in, line); --n) kept += line + "\n";
    std::ofstream(dir_ / "audit.anchors", std::ios::trunc) << kept;
  }
  TempDir dir_;
  fs::path config_;
};

TEST_F(MissingAnchors, AnIntactTrailVerifies) {
  const CommandRun v = verify();
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("intact: 12850 rows, 13 anchors checked"), std::string::npos) << v.out;
}

TEST_F(MissingAnchors, AnEmptiedAnchorFileIsNotIntact) {
  keep_anchor_lines(0);
  CommandRun v = verify();
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_NE(v.out.find("BROKEN: unanchored"), std::string::npos) << v.out;
  // Also with the last 3,000 rows deleted: what is left is a valid, shorter chain.
  ecid::testing::drop_guards(dir_ / "audit.db");
  ecid::testing::sql(dir_ / "audit.db", "DELETE FROM audit WHERE seq > 9850");
  v = verify();
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_NE(v.out.find("BROKEN: unanchored at row 1"), std::string::npos) << v.out;
}

TEST_F(MissingAnchors, AnAnchorFileCutWithTheRowsTailIsNotIntact) {
  keep_anchor_lines(5);  // anchors at rows 1000..5000 remain
  ecid::testing::drop_guards(dir_ / "audit.db");
  ecid::testing::sql(dir_ / "audit.db", "DELETE FROM audit WHERE seq > 9850");
  const CommandRun v = verify();
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_NE(v.out.find("BROKEN: unanchored at row 5001"), std::string::npos) << v.out;
}

// ---- item 9: DOCTYPE -------------------------------------------------------------------------

TEST(Doctype, ADocumentWithADoctypeIsRefusedBeforeAnyAdapter) {
  TempDir dir;
  const fs::path config = write_config(dir);
  std::string filing = read_file(kSamples / "court/civil_dispute.xml");
  filing.insert(filing.find("<CaseFiling"), "<!DOCTYPE CaseFiling [<!ENTITY plaintiff \"Nguyễn Văn An\">]>\n");
  filing.replace(filing.find("<FullName>Nguyễn Văn An"), std::string("<FullName>Nguyễn Văn An").size(),
                 "<FullName>&plaintiff;");
  const fs::path doc = dir.write("entity.xml", filing);
  const CommandRun check = ecid(dir, config, "check --format json " + q(doc));
  EXPECT_EQ(check.exit_code, 2) << check.out << check.err;
  const nlohmann::json report = nlohmann::json::parse(check.out)["documents"][0];
  EXPECT_NE(report.value("error", "").find("it has a DOCTYPE"), std::string::npos) << check.out;
  EXPECT_TRUE(report.value("adapter", "").empty()) << "no adapter saw it: " << check.out;
}

TEST(Doctype, AnXmlBatchWithADoctypeIsRefused) {
  TempDir dir;
  const fs::path config = write_config(dir);
  std::string batch = read_file(kSamples / "social_insurance/participants.xml");
  batch.insert(batch.find("<ParticipantBatch"), "<!DOCTYPE ParticipantBatch [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n");
  const fs::path in = dir.write("batch.xml", batch);
  const CommandRun run = ecid(dir, config, "collate " + q(in) + " --out " + q(dir / "out.csv"));
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("it has a DOCTYPE"), std::string::npos) << run.err;
}

// ---- item 11: duplicated keys and unknown policy names ---------------------------------------

TEST(ConfigNames, ADuplicatedKeyIsAnErrorNamingItsLine) {
  TempDir dir;
  const fs::path config = write_config(dir, "eid:\n  issuer: https://a.invalid\n  issuer: https://b.invalid\n");
  const CommandRun run = ecid(dir, config, "adapters list");
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("ecid.yaml:13: duplicated key 'issuer' (first at line 12)"), std::string::npos) << run.err;
}

TEST(ConfigNames, ADuplicatedKeyInAManifestRefusesTheAdapter) {
  TempDir dir;
  const fs::path adapters = dir / "adapters";
  fs::create_directories(adapters);
  fs::permissions(adapters, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec);
  fs::copy_file(fs::path(ECID_ADAPTER_DIR) / "libecid_court.so", adapters / "libecid_court.so");
  std::string manifest = read_file(fs::path(ECID_ADAPTER_DIR) / "court.manifest.yaml");
  const size_t version = manifest.find("\nversion:");
  ASSERT_NE(version, std::string::npos) << manifest;
  manifest.insert(version + 1, "version: 0.0.1\n");
  std::ofstream(adapters / "court.manifest.yaml") << manifest;
  const fs::path config = write_config(dir, {}, adapters);
  const CommandRun run = ecid(dir, config, "adapters list");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("duplicated key 'version'"), std::string::npos) << run.out;
}

std::string court_policy(const std::string& adapter, const std::string& purpose) {
  return "policy:\n  " + adapter + ":\n    " + purpose +
         ":\n      legal_basis: test\n      fields: [personal_id, full_name, birth_date]\n";
}

TEST(ConfigNames, APolicyForNoLoadedAdapterIsASecurityWarningEvenWithQuiet) {
  TempDir dir;
  const fs::path config = write_config(dir, court_policy("cuort", "court.case_filing"));
  const CommandRun run = ecid(dir, config, "-q check " + q(kSamples / "court/civil_dispute.xml"));
  EXPECT_NE(run.err.find("SECURITY WARNING"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("ecid.yaml:12: policy.cuort names no loaded adapter (loaded: "), std::string::npos)
      << run.err;
}

TEST(ConfigNames, APurposeTheManifestDoesNotDeclareIsAnError) {
  TempDir dir;
  const fs::path config = write_config(dir, court_policy("court", "court.case_filng"));
  const CommandRun run = ecid(dir, config, "check " + q(kSamples / "court/civil_dispute.xml"));
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("ecid.yaml:13: policy.court.court.case_filng: the court adapter declares no such purpose "
                         "(it declares: court.case_filing"),
            std::string::npos)
      << run.err;
}

// ---- item 12: standard input and a missing configuration -------------------------------------

TEST(StandardInput, CheckDashReadsOneDocument) {
  TempDir dir;
  const fs::path config = write_config(dir);
  const CommandRun run = ecid(dir, config, "check --format json - < " + q(kSamples / "court/civil_dispute.xml"));
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  const nlohmann::json report = nlohmann::json::parse(run.out)["documents"][0];
  EXPECT_EQ(report.value("adapter", ""), "court") << run.out;
}

TEST(StandardInput, IsBoundedLikeAFile) {
  TempDir dir;
  const fs::path config = write_config(dir);
  const CommandRun run = ecid(dir, config, "check --format json - < /dev/zero");
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.out.find("the standard input is too large (the limit is 64 MiB)"), std::string::npos) << run.out;
}

TEST(MissingConfiguration, SaysWhereEcidLookedAndWhy) {
  TempDir dir;
  CommandRun run = ecid::testing::run("ECID_CONFIG=" + q(dir / "none.yaml") + " " + kEcid + " adapters list",
                                      dir / "stderr.txt");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("no configuration file at " + (dir / "none.yaml").string() + " (from $ECID_CONFIG)"),
            std::string::npos)
      << run.err;
  run = ecid(dir, dir / "absent.yaml", "adapters list");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("no configuration file at " + (dir / "absent.yaml").string() + " (given with --config)"),
            std::string::npos)
      << run.err;
}


// ---- item 13: a collation's summary for machines -----------------------------------------------

TEST(CollateSummary, JsonIsOneObjectWhoseCountsAgreeWithTheResults) {
  TempDir dir;
  const fs::path config = write_config(dir);
  const fs::path results = dir / "results.csv";
  const CommandRun r = ecid(dir, config, "-q collate " + q(kSamples / "social_insurance/participants.csv") +
                                             " --out " + q(results) + " --summary json");
  ASSERT_LE(r.exit_code, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out);  // throws, failing the test, unless stdout is one JSON document
  std::ifstream rows(results);
  uint64_t lines = 0;
  for (std::string line; std::getline(rows, line);) ++lines;
  ASSERT_GT(lines, 1u);
  EXPECT_EQ(j.at("records").get<uint64_t>(), lines - 1) << "one row per record after the header";
  uint64_t by_class = 0;
  for (const auto& [cls, n] : j.at("by_class").items()) by_class += n.get<uint64_t>();
  EXPECT_EQ(by_class, j.at("records").get<uint64_t>());
  EXPECT_EQ(j.at("exit_code").get<int>(), r.exit_code);
  EXPECT_EQ(j.at("adapter"), "social_insurance");
  EXPECT_EQ(j.at("results"), results.string());
}

}  // namespace
