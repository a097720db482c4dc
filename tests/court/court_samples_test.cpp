// End to end: every court sample through ecid::Engine on a freshly seeded register, checked
// against the expected findings table in samples/court/README.md (parsed by the shared samples
// support, so the README and the test cannot drift apart). Also the findings only the
// environment can cause.
#include "../support/samples_support.hpp"

#include <ecid/audit.hpp>
#include <ecid/eid.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <tuple>

using namespace samples_test;

namespace {

const fs::path kSamples = fs::path(ECID_SOURCE_DIR) / "samples/court";

// Registers seeded once per process (seeded()), in a folder removed at exit.
class SeededRegisters : public ::testing::Test {};

// One sample's report against its rows of the README, and the court's own rules.
void expect_readme_findings(ecid::Engine& engine, const Readme& readme, const std::string& file,
                            const std::string& bytes) {
  SCOPED_TRACE(file);
  const ecid::DocumentReport report = engine.check(file, bytes);
  check_report_against_readme(report, readme, file, "court");
  if (!report.ok) return;  // already failed above
  EXPECT_EQ(report.rounds, 1u);
  // Each look-up went to the register (or the eID verifier, for the filer) under the court's
  // purpose, and nothing else.
  for (const auto& q : report.queries) {
    EXPECT_EQ(q.purpose, "court.case_filing");
    if (q.kind == ECID_Q_EID_ASSERTION) {
      EXPECT_EQ(q.subject_ref.rfind("filer (party[", 0), 0u) << q.subject_ref;
    } else {
      EXPECT_TRUE(q.kind == ECID_Q_PERSON_BY_ID || q.kind == ECID_Q_PERSON_BY_LEGACY_ID) << q.kind;
    }
  }
}

// The `exp` of a compact token's payload, read without verifying anything.
std::optional<int64_t> token_expiry(const std::string& token) {
  const size_t first = token.find('.');
  const size_t second = token.find('.', first + 1);
  if (first == std::string::npos || second == std::string::npos) return std::nullopt;
  const auto payload = ecid::eid::base64url_decode(std::string_view(token).substr(first + 1, second - first - 1));
  if (!payload) return std::nullopt;
  const size_t at = payload->find("\"exp\":");
  if (at == std::string::npos) return std::nullopt;
  return std::strtoll(payload->c_str() + at + 6, nullptr, 10);
}

std::string assertion_of(const std::string& xml) {
  const size_t open = xml.find("<Assertion>");
  const size_t close = xml.find("</Assertion>");
  if (open == std::string::npos || close == std::string::npos) return {};
  return xml.substr(open + 11, close - open - 11);
}

class CourtSamples : public SeededRegisters,
                     public ::testing::WithParamInterface<std::pair<uint64_t, uint64_t>> {};
class CourtEnvironment : public SeededRegisters {};

}  // namespace

TEST(CourtSamplesReadme, ListsEverySampleAndCoversEveryDocumentFinding) {
  const Readme r = read_readme(kSamples, false);
  const auto files = sample_files(kSamples);
  ASSERT_GE(files.size(), 5u);
  for (const auto& f : files) {
    EXPECT_TRUE(r.document_refs.count(f)) << f << " is not in the samples table";
    EXPECT_TRUE(r.expected.count(f)) << f << " has no expected findings";
  }
  for (const auto& [f, _] : r.expected) EXPECT_TRUE(fs::exists(kSamples / f)) << f;
  std::set<std::string> covered;
  for (const auto& [f, subjects] : r.expected)
    for (const auto& [s, list] : subjects)
      for (const auto& e : list) covered.insert(e.code);
  for (const char* code : {"VERIFIED", "MISMATCH", "ID_NOT_FOUND", "ID_STRUCTURE_INCONSISTENT", "DECEASED",
                           "LEGACY_ID_RESOLVED", "ADDRESS_FOR_SERVICE", "NEEDS_REVIEW", "INVALID_INPUT", "NO_ID_GIVEN",
                           "IDENTITY_VERIFIED", "IDENTITY_REJECTED"})
    EXPECT_TRUE(covered.count(code)) << code << " is shown by no sample";
}

TEST_P(CourtSamples, FindingsAreThoseTheReadmeLists) {
  const auto [people, seed] = GetParam();
  ecid::Engine engine(shipped_config(seeded(people, seed)));
  ASSERT_NE(engine.adapters().find("court"), nullptr) << [&] {
    std::string why;
    for (const auto& r : engine.adapters().refused()) why += r.file.string() + ": " + r.reason + "\n";
    return why;
  }();
  const Readme readme = read_readme(kSamples, false);
  for (const auto& file : sample_files(kSamples))
    expect_readme_findings(engine, readme, file, ecid::testing::read_file((kSamples / file).string()));
}

// The fixtures are in every register, whatever its size and seed.
INSTANTIATE_TEST_SUITE_P(Registers, CourtSamples,
                         ::testing::Values(std::pair<uint64_t, uint64_t>{200, 1},
                                           std::pair<uint64_t, uint64_t>{5000, 20240521}));

// A party filed under an old 9-digit CMND is looked up by that number, but the answer discloses
// the person behind it: the audit names that person too (a row of kind register_disclosure),
// or their access request (`ecid audit find --id`) would miss the look-up.
TEST_F(SeededRegisters, APersonFoundByLegacyIdIsAuditedUnderTheirPersonalId) {
  const fs::path dir = folder() / "audit-legacy";
  fs::remove_all(dir);
  const ecid::Config c = shipped_config(seeded(200, 1), dir);
  std::string resolved;
  {
    ecid::Engine engine(c);
    const ecid::DocumentReport report =
        engine.check("inheritance.xml", ecid::testing::read_file((kSamples / "inheritance.xml").string()));
    ASSERT_TRUE(report.ok) << report.error;
    for (const auto& f : report.findings)
      if (f.code == ECID_FINDING_LEGACY_ID_RESOLVED) resolved = f.value;
  }
  ASSERT_EQ(resolved.size(), 12u) << "inheritance.xml resolves no legacy ID";
  ecid::AuditOptions o;
  o.key_file = c.audit_key_file;
  const auto rows = ecid::find_audit(c.audit_path, ecid::load_audit_key(o), resolved);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, ecid::kAuditDisclosure);
  EXPECT_EQ(rows[0].outcome, "disclosed by person.by_legacy_id");
  EXPECT_FALSE(rows[0].fields_disclosed.empty());
  // The look-up itself is audited under the number it was made with.
  const auto by_legacy = ecid::find_audit(c.audit_path, ecid::load_audit_key(o), "172345678");
  ASSERT_EQ(by_legacy.size(), 1u);
  EXPECT_EQ(by_legacy[0].kind, ecid::kAuditRegisterQuery);
  EXPECT_EQ(by_legacy[0].seq + 1, rows[0].seq);
  EXPECT_EQ(by_legacy[0].document_ref, rows[0].document_ref);
  EXPECT_EQ(by_legacy[0].purpose, rows[0].purpose);
}

// Every audit row of a filing names its case number (the README's document ref), from the first
// look-up on: the adapter gives it at open, before it plans anything. A filing without a valid
// number is named by its file.
TEST_F(SeededRegisters, EveryAuditRowOfAFilingCarriesItsCaseNumber) {
  const fs::path dir = folder() / "audit-refs";
  fs::remove_all(dir);
  const ecid::Config c = shipped_config(seeded(200, 1), dir);
  const Readme readme = read_readme(kSamples, false);
  uint64_t next = 1, with_number = 0;
  for (const auto& file : sample_files(kSamples)) {
    {
      ecid::Engine engine(c);  // closing it commits the file's rows
      ASSERT_TRUE(engine.check(file, ecid::testing::read_file((kSamples / file).string())).ok) << file;
    }
    std::ostringstream lines;
    const uint64_t n = ecid::export_audit(c.audit_path, ecid::parse_audit_range(std::to_string(next), ""), lines);
    EXPECT_GT(n, 0u) << file << " looked nobody up";
    next += n;
    const std::string& ref = readme.document_refs.at(file);
    with_number += !ref.empty();
    // A filing without a (valid) case number is recorded by a keyed digest of its path, never the
    // path, which may name a party (docs/audit.md).
    ecid::AuditOptions key;
    key.key_file = c.audit_key_file;
    const std::string expected = ref.empty() ? ecid::audit_file_reference(ecid::load_audit_key(key), file, {}) : ref;
    std::istringstream in(lines.str());
    for (std::string line; std::getline(in, line);)
      EXPECT_EQ(nlohmann::json::parse(line)["document_ref"], expected) << file;
  }
  EXPECT_GE(with_number, 5u);
}

// Findings carry what the register disclosed: check() returns them only once the document's
// audit rows are committed (another connection sees them while the engine is still open), and
// withholds them when the trail cannot be written.
TEST_F(SeededRegisters, FindingsLeaveOnlyAfterTheirAuditRowsAreCommitted) {
  const fs::path dir = folder() / "audit-release";
  fs::remove_all(dir);
  const ecid::Config c = shipped_config(seeded(200, 1), dir);
  const std::string doc = ecid::testing::read_file((kSamples / "civil_dispute.xml").string());
  ecid::Engine engine(c);
  uint64_t committed = 0;
  for (int i = 1; i <= 3; ++i) {
    const ecid::DocumentReport report = engine.check("civil_dispute.xml", doc);
    ASSERT_TRUE(report.ok) << report.error;
    ASSERT_FALSE(report.findings.empty());
    std::ostringstream sink;
    const uint64_t now = ecid::export_audit(c.audit_path, {}, sink);
    EXPECT_EQ(now, committed + report.queries.size()) << "check " << i << " returned before its rows were committed";
    committed = now;
  }

  // Another writer's trigger makes every insert fail: the next document's findings are withheld.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(c.audit_path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TRIGGER injected BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  const ecid::DocumentReport refused = engine.check("civil_dispute.xml", doc);
  EXPECT_FALSE(refused.ok);
  EXPECT_TRUE(refused.findings.empty()) << "findings released without their audit rows";
  EXPECT_NE(refused.error.find("audit trail could not be written"), std::string::npos) << refused.error;
  EXPECT_NE(refused.error.find("disk on fire"), std::string::npos) << refused.error;
  EXPECT_EQ(refused.exit_class(), 2);
  // The trail is writable again: the queued rows and the next document's land, in order.
  ASSERT_EQ(sqlite3_exec(db, "DROP TRIGGER injected", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_TRUE(engine.check("civil_dispute.xml", doc).ok);
  std::ostringstream sink;
  EXPECT_EQ(ecid::export_audit(c.audit_path, {}, sink), committed * 5 / 3);
  EXPECT_TRUE(ecid::verify_audit(c.audit_path, c.audit_anchor_file).ok);
}

TEST_F(CourtEnvironment, RegisterWithoutResidenceMeansPublicPosting) {
  const fs::path reg = seeded(200, 1);
  auto rewritten = std::make_shared<RewritingRegister>(
      std::shared_ptr<ecid::RegisterBackend>(ecid::open_embedded_register(reg.string())),
      [](const ecid::LookupRequest&, ecid::LookupResult& r) {
        for (auto& rec : r.records)
          std::erase_if(rec.values, [](const auto& v) {
            return v.first == ECID_F_CURRENT_RESIDENCE || v.first == ECID_F_TEMPORARY_RESIDENCE ||
                   v.first == ECID_F_PERMANENT_RESIDENCE;
          });
      });
  ecid::Engine engine(shipped_config(reg), rewritten);
  const auto report = engine.check("civil_dispute.xml", ecid::testing::read_file((kSamples / "civil_dispute.xml").string()));
  ASSERT_TRUE(report.ok) << report.error;
  for (const char* subject : {"party[1] (plaintiff)", "party[2] (defendant)"}) {
    const auto fs = of_subject(report, subject);
    EXPECT_TRUE(findings_match(fs, {{"VERIFIED", ""}, {"ADDRESS_FOR_SERVICE", "public posting"}})) << subject;
    for (const auto& f : fs)
      if (f.code == ECID_FINDING_ADDRESS_FOR_SERVICE) {
        EXPECT_EQ(f.severity, static_cast<uint32_t>(ECID_SEVERITY_ATTENTION));
        EXPECT_NE(f.detail.find("CPC Art. 179"), std::string::npos);
      }
  }
  EXPECT_EQ(report.exit_class(), 1);
}

TEST_F(CourtEnvironment, RegisterFailuresAreErrors) {
  const fs::path reg = seeded(200, 1);
  const std::vector<std::tuple<uint32_t, std::string, uint32_t>> cases = {
      {ECID_ANSWER_UNAVAILABLE, "REGISTER_UNAVAILABLE", ECID_SEVERITY_ERROR},
      {ECID_ANSWER_BAD_ANSWER, "REGISTER_UNAVAILABLE", ECID_SEVERITY_ERROR},
      {ECID_ANSWER_INVALID_KEY, "INVALID_INPUT", ECID_SEVERITY_ATTENTION},
  };
  for (const auto& [status, code, severity] : cases) {
    auto failing = std::make_shared<RewritingRegister>(
        std::shared_ptr<ecid::RegisterBackend>(ecid::open_embedded_register(reg.string())),
        [status = status](const ecid::LookupRequest&, ecid::LookupResult& r) {
          r.status = status;
          r.detail = "injected by the test";
          r.records.clear();
        });
    ecid::Engine engine(shipped_config(reg), failing);
    const auto report = engine.check("divorce.xml", ecid::testing::read_file((kSamples / "divorce.xml").string()));
    ASSERT_TRUE(report.ok) << report.error;
    for (const char* subject : {"party[1] (plaintiff)", "party[2] (defendant)"}) {
      const auto fs = of_subject(report, subject);
      EXPECT_TRUE(findings_match(fs, {{code, "injected by the test"}})) << subject << " status " << status;
      ASSERT_FALSE(fs.empty());
      EXPECT_EQ(fs[0].severity, severity);
    }
  }
}

TEST_F(CourtEnvironment, NarrowerPolicyIsRefusedBeforeAnyLookup) {
  const fs::path reg = seeded(200, 1);
  ecid::Config config = shipped_config(reg);
  bool narrowed = false;
  for (auto& ap : config.policy)
    if (ap.adapter == "court")
      for (auto& pp : ap.purposes)
        if (pp.id == "court.case_filing") {
          ecid::FieldSet fields;
          for (uint32_t f : pp.fields.list())
            if (f != ECID_F_CURRENT_RESIDENCE) fields.add(f);
          pp.fields = fields;
          narrowed = true;
        }
  ASSERT_TRUE(narrowed) << "config/ecid.yaml has no policy.court.court.case_filing";
  int lookups = 0;
  auto counting = std::make_shared<RewritingRegister>(
      std::shared_ptr<ecid::RegisterBackend>(ecid::open_embedded_register(reg.string())),
      [&](const ecid::LookupRequest&, ecid::LookupResult&) { ++lookups; });
  ecid::Engine engine(config, counting);
  const auto report =
      engine.check("inheritance.xml", ecid::testing::read_file((kSamples / "inheritance.xml").string()));
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(lookups, 0);
  for (const char* subject : {"party[1] (plaintiff)", "party[2] (defendant)", "party[3] (related)"}) {
    const auto fs = of_subject(report, subject);
    EXPECT_TRUE(findings_match(fs, {{"REFUSED_BY_POLICY", "current_residence"}})) << subject;
  }
  EXPECT_EQ(report.exit_class(), 1);
}

TEST_F(CourtEnvironment, HostileDocumentsAreRefusedWithAReason) {
  ecid::Engine engine(shipped_config(seeded(200, 1)));
  const fs::path data = fs::path(ECID_SOURCE_DIR) / "tests/court/data";
  int seen = 0;
  for (const auto& e : fs::directory_iterator(data)) {
    if (e.path().extension() != ".xml") continue;
    ++seen;
    const auto report = engine.check(e.path().filename().string(), ecid::testing::read_file(e.path().string()));
    EXPECT_FALSE(report.ok) << e.path();
    EXPECT_FALSE(report.error.empty()) << e.path();
    EXPECT_EQ(report.error.find('\n'), std::string::npos) << report.error;
    EXPECT_TRUE(report.findings.empty());
    EXPECT_EQ(report.exit_class(), 2);
  }
  EXPECT_GE(seen, 8);
}

// The online samples carry tokens of the committed mock issuer; when they near their expiry
// (or the keys change) scripts/make-eid-samples.sh mints them again.
TEST(CourtOnlineSamples, TokensAreFarFromExpiry) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  int online = 0;
  for (const auto& file : sample_files(kSamples)) {
    if (file.rfind("online_", 0) != 0) continue;
    ++online;
    const std::string xml = ecid::testing::read_file((kSamples / file).string());
    EXPECT_NE(xml.find("Generated by scripts/make-eid-samples.sh"), std::string::npos) << file;
    const std::string token = assertion_of(xml);
    if (token.empty() || file == "online_expired.xml") continue;
    const auto exp = token_expiry(token);
    ASSERT_TRUE(exp.has_value()) << file;
    EXPECT_GT(*exp - now, 30LL * 86400) << file << ": the sample tokens expire within 30 days; run "
                                        << "scripts/make-eid-samples.sh to mint them again";
  }
  EXPECT_GE(online, 9);
}

// The script makes samples that give exactly what the README says, with fresh tokens: the
// committed files can always be re-minted.
TEST_F(CourtEnvironment, MakeEidSamplesScriptReproducesTheOnlineSamples) {
  const fs::path ecid_cli = fs::path(ECID_BINARY_DIR) / "bin/ecid";
  if (!fs::exists(ecid_cli)) GTEST_SKIP() << "no CLI at " << ecid_cli;
  const fs::path out = folder() / "remint";
  fs::create_directories(out);
  const std::string command = "ECID='" + ecid_cli.string() + "' ECID_SAMPLES_OUT='" + out.string() + "' '" +
                              (fs::path(ECID_SOURCE_DIR) / "scripts/make-eid-samples.sh").string() + "' >'" +
                              (out / "log.txt").string() + "' 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << ecid::testing::read_file((out / "log.txt").string());
  ecid::Engine engine(shipped_config(seeded(200, 1)));
  const Readme readme = read_readme(kSamples, false);
  int reminted = 0;
  for (const auto& e : fs::directory_iterator(out)) {
    if (e.path().extension() != ".xml") continue;
    const std::string file = e.path().filename().string();
    ++reminted;
    EXPECT_TRUE(fs::exists(kSamples / file)) << file << " is made by the script but not committed";
    const std::string fresh = ecid::testing::read_file(e.path().string());
    const std::string committed = ecid::testing::read_file((kSamples / file).string());
    // Same document around a different token (new iat, exp, sub and signature).
    const std::string fresh_token = assertion_of(fresh), committed_token = assertion_of(committed);
    std::string a = fresh, b = committed;
    if (!fresh_token.empty()) a.replace(a.find(fresh_token), fresh_token.size(), "TOKEN");
    if (!committed_token.empty()) b.replace(b.find(committed_token), committed_token.size(), "TOKEN");
    EXPECT_EQ(a, b) << file;
    expect_readme_findings(engine, readme, file, fresh);
  }
  int committed_online = 0;
  for (const auto& file : sample_files(kSamples)) committed_online += file.rfind("online_", 0) == 0;
  EXPECT_EQ(reminted, committed_online);
}
