// The engine end to end with the real loader and a real adapter library (the probe), against
// an in-memory register: rounds, the policy gate, minimisation, claim checks, bad adapters.
#include <ecid/engine.hpp>
#include <ecid/fields.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

namespace {

using namespace ecid;

class FakeRegister : public RegisterBackend {
 public:
  std::map<std::string, RegisterRecord> by_id;
  std::map<std::string, std::string> legacy_to_id;
  std::atomic<int> batches{0};
  std::atomic<int> requests{0};
  std::vector<LookupRequest> seen;
  std::mutex mu;
  bool down = false;

  std::string source_name() const override { return "population/fake"; }
  void lookup(std::span<const LookupRequest> reqs, std::span<LookupResult> out) override {
    ++batches;
    for (size_t i = 0; i < reqs.size(); ++i) {
      ++requests;
      {
        std::lock_guard l(mu);
        seen.push_back(reqs[i]);
      }
      if (down) {
        out[i].status = ECID_ANSWER_UNAVAILABLE;
        out[i].detail = "register down";
        continue;
      }
      std::string id = reqs[i].key;
      if (reqs[i].kind == ECID_Q_PERSON_BY_LEGACY_ID) {
        auto it = legacy_to_id.find(id);
        id = it == legacy_to_id.end() ? "" : it->second;
      }
      auto it = by_id.find(id);
      if (it == by_id.end()) {
        out[i].status = ECID_ANSWER_NOT_FOUND;
        continue;
      }
      out[i].status = ECID_ANSWER_FOUND;
      RegisterRecord r;  // a real backend returns the fields asked for; so does the fake
      for (const auto& [f, v] : it->second.values)
        if (reqs[i].fields.has(f)) r.values.emplace_back(f, v);
      out[i].records.push_back(std::move(r));
    }
  }
};

RegisterRecord person(const std::string& id, const std::string& name, const std::string& birth, const std::string& sex,
                      const std::string& legacy = "", const std::string& residence = "Số 1, phường X, thành phố Hà Nội") {
  RegisterRecord r;
  r.values = {{ECID_F_PERSONAL_ID, id}, {ECID_F_FULL_NAME, name}, {ECID_F_BIRTH_DATE, birth}, {ECID_F_SEX, sex},
              {ECID_F_LEGACY_ID, legacy}, {ECID_F_CURRENT_RESIDENCE, residence}, {ECID_F_RELIGION, "Không"}};
  return r;
}

Config test_config(const std::string& fields = "[full_name, birth_date, sex, personal_id, legacy_id, current_residence]") {
  std::string yaml = "adapters:\n  directories: [\"" + std::string(ECID_TEST_ADAPTER_DIR) +
                     "\"]\nregister:\n  backend: embedded\n  path: unused.db\naudit:\n  enabled: false\n"
                     "policy:\n  probe:\n    test.lookup:\n"
                     "      legal_basis: \"test\"\n      fields: " + fields + "\n";
  return parse_config(yaml, "/tmp");
}

struct EngineTest : ::testing::Test {
  std::shared_ptr<FakeRegister> reg = std::make_shared<FakeRegister>();
  void SetUp() override {
    reg->by_id["001085000101"] = person("001085000101", "Nguyễn Văn An", "1985-02-15", "M", "172345678");
    reg->by_id["001198000505"] = person("001198000505", "Hoàng Thị Thủy Dung", "1998-09-01", "F");
    reg->by_id["040048000808"] = person("040048000808", "Ngô Văn Bảy", "1948", "M");
    reg->by_id["031093000707"] = person("031093000707", "Vũ Thị Lan", "1993-04-04", "F");
    reg->legacy_to_id["172345678"] = "001085000101";
  }
  DocumentReport run(const std::string& body, const Config& c = test_config()) {
    Engine engine(c, reg);
    return engine.check("doc.xml", "<Probe xmlns=\"urn:ecid:test:probe\">" + body + "</Probe>");
  }
};

std::string check_of(const Finding& f, uint32_t field) {
  std::string key = std::to_string(field) + ":";
  auto pos = f.detail.find("checks=");
  auto at = f.detail.find(key, pos);
  if (pos == std::string::npos || at == std::string::npos) return "";
  // avoid matching "14:" inside "4:": require a separator before
  while (at != std::string::npos && at > pos + 7 && f.detail[at - 1] != ',' && f.detail[at - 1] != '=')
    at = f.detail.find(key, at + 1);
  if (at == std::string::npos) return "";
  return f.detail.substr(at + key.size(), 1);
}

}  // namespace

TEST_F(EngineTest, ComparesClaimsAfterNormalisationAndReportsEachOutcome) {
  DocumentReport r = run(
      "<Person id='001085000101' name='Nguyễn Văn An' birth='15/02/1985' sex='Nam'/>"
      "<Person id='001198000505' name='Hoàng Thị Thuỷ Dung' birth='01092000' sex='F'/>"
      "<Person id='040048000808' name='NGO VAN BAY' birth='12/03/1948'/>");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(check_of(r.findings[0], ECID_F_FULL_NAME), std::to_string(ECID_CHECK_MATCH));
  EXPECT_EQ(check_of(r.findings[0], ECID_F_BIRTH_DATE), std::to_string(ECID_CHECK_MATCH));
  EXPECT_EQ(check_of(r.findings[0], ECID_F_SEX), std::to_string(ECID_CHECK_MATCH));
  EXPECT_EQ(check_of(r.findings[0], ECID_F_PERSONAL_ID), std::to_string(ECID_CHECK_MATCH));
  // Old-style tone placement is the same name; a different birth year is a mismatch.
  EXPECT_EQ(check_of(r.findings[1], ECID_F_FULL_NAME), std::to_string(ECID_CHECK_MATCH));
  EXPECT_EQ(check_of(r.findings[1], ECID_F_BIRTH_DATE), std::to_string(ECID_CHECK_MISMATCH));
  // Stripped capitals are at most "needs review"; year-only register dates agree partially.
  EXPECT_EQ(check_of(r.findings[2], ECID_F_FULL_NAME), std::to_string(ECID_CHECK_NEEDS_REVIEW));
  EXPECT_EQ(check_of(r.findings[2], ECID_F_BIRTH_DATE), std::to_string(ECID_CHECK_MATCH_PARTIAL));
}

TEST_F(EngineTest, FlagsIdStructureInconsistentWithRegister) {
  DocumentReport r = run("<Person id='031093000707'/>");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(check_of(r.findings[0], ECID_F_PERSONAL_ID), std::to_string(ECID_CHECK_MISMATCH));
}

TEST_F(EngineTest, DisclosesOnlyRequestedFieldsNeverTheComparedOnes) {
  DocumentReport r = run("<Person id='001085000101' name='Nguyễn Văn An' fields='current_residence'/>");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.findings.size(), 1u);
  const std::string& v = r.findings[0].value;
  EXPECT_NE(v.find(std::to_string(ECID_F_CURRENT_RESIDENCE) + "="), std::string::npos) << v;
  EXPECT_EQ(v.find("Nguyễn"), std::string::npos) << "the compared name must not be disclosed: " << v;
  EXPECT_EQ(v.find("1985"), std::string::npos) << v;
  ASSERT_EQ(r.queries.size(), 1u);
  EXPECT_EQ(r.queries[0].fields_disclosed, std::vector<uint32_t>{ECID_F_CURRENT_RESIDENCE});
}

TEST_F(EngineTest, SecondRoundDependsOnFirstRoundAnswers) {
  DocumentReport r = run("<Person id='001085000101' fields='legacy_id'/><FollowUp/>");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.rounds, 2u);
  ASSERT_EQ(r.queries.size(), 2u);
  EXPECT_EQ(r.queries[1].round, 1u);
  EXPECT_EQ(r.queries[1].kind, static_cast<uint32_t>(ECID_Q_PERSON_BY_LEGACY_ID));
  EXPECT_EQ(r.queries[1].source, "population/fake");
  EXPECT_EQ(reg->seen.back().key, "172345678");

  // Change the register's first-round answer: the second round must follow it.
  reg->by_id["001085000101"] = person("001085000101", "Nguyễn Văn An", "1985-02-15", "M", "999888777");
  reg->seen.clear();
  DocumentReport r2 = run("<Person id='001085000101' fields='legacy_id'/><FollowUp/>");
  ASSERT_TRUE(r2.ok) << r2.error;
  ASSERT_EQ(r2.queries.size(), 2u);
  EXPECT_EQ(reg->seen.back().key, "999888777");
  EXPECT_EQ(r2.queries[1].status, static_cast<uint32_t>(ECID_ANSWER_NOT_FOUND));

  // And with no legacy ID in the first answer there is no second round at all.
  reg->by_id["001085000101"] = person("001085000101", "Nguyễn Văn An", "1985-02-15", "M", "");
  DocumentReport r3 = run("<Person id='001085000101' fields='legacy_id'/><FollowUp/>");
  ASSERT_TRUE(r3.ok);
  EXPECT_EQ(r3.rounds, 1u);
}

TEST_F(EngineTest, StopsAdapterThatNeverStopsPlanning) {
  DocumentReport r = run("<Person id='001085000101'/><Loop/>");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("more than " + std::to_string(ECID_MAX_ROUNDS) + " rounds"), std::string::npos) << r.error;
  EXPECT_EQ(r.exit_class(), 2);
}

// The driver refuses what the host cannot take as sent (here a key over 4096 bytes), with no I/O,
// beside a well-formed query of the same document that is answered.
TEST_F(EngineTest, RefusesAMalformedQueryWithoutIo) {
  const std::string long_key(5000, '1');
  DocumentReport r = run("<Person id='" + long_key + "'/><Person id='001085000101'/>");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.queries.size(), 2u);
  EXPECT_EQ(r.queries[0].source, "host");
  EXPECT_EQ(r.queries[0].status, static_cast<uint32_t>(ECID_ANSWER_REFUSED));
  EXPECT_EQ(r.queries[0].detail, "malformed query: key longer than 4096 bytes");
  EXPECT_EQ(r.queries[1].status, static_cast<uint32_t>(ECID_ANSWER_FOUND));
  EXPECT_EQ(reg->requests.load(), 1) << "only the well-formed query reaches the register";
}

TEST_F(EngineTest, RefusesUngrantedPurposeBeforeAnyIo) {
  DocumentReport r = run("<Person id='001085000101' purpose='test.ungranted' fields='current_residence'/>");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(reg->requests.load(), 0) << "a refused query must not reach the register";
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, static_cast<uint32_t>(ECID_FINDING_REFUSED_BY_POLICY));
  EXPECT_NE(r.findings[0].detail.find("purpose 'test.ungranted' is not granted to adapter 'probe'"), std::string::npos)
      << r.findings[0].detail;
  EXPECT_EQ(r.queries[0].source, "policy");
}

TEST_F(EngineTest, RefusesPurposeTheManifestDoesNotDeclare) {
  DocumentReport r = run("<Person id='001085000101' purpose='marketing'/>");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(reg->requests.load(), 0);
  EXPECT_NE(r.findings[0].detail.find("purpose 'marketing' is not declared in probe.manifest.yaml"), std::string::npos)
      << r.findings[0].detail;
}

TEST_F(EngineTest, RefusesFieldNotPermittedForThePurpose) {
  // religion is declared in the manifest but the configuration does not grant it: sensitive
  // fields are disclosed only when a purpose names them.
  DocumentReport r = run("<Person id='001085000101' fields='religion'/>");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(reg->requests.load(), 0);
  EXPECT_NE(r.findings[0].detail.find("field 'religion' is not permitted for purpose 'test.lookup'"), std::string::npos)
      << r.findings[0].detail;
  // Granting it explicitly lets it through.
  DocumentReport r2 = run("<Person id='001085000101' fields='religion'/>", test_config("[religion]"));
  EXPECT_EQ(r2.findings[0].code, static_cast<uint32_t>(ECID_FINDING_VERIFIED));
  EXPECT_NE(r2.findings[0].value.find(std::to_string(ECID_F_RELIGION) + "=Không"), std::string::npos);
}

TEST_F(EngineTest, RefusesFieldTheManifestDoesNotDeclareForTheKind) {
  DocumentReport r = run("<Person id='172345678' kind='legacy' fields='religion'/>", test_config("[religion, personal_id]"));
  ASSERT_TRUE(r.ok);
  EXPECT_NE(r.findings[0].detail.find("field 'religion' is not declared in probe.manifest.yaml for person.by_legacy_id"),
            std::string::npos)
      << r.findings[0].detail;
}

TEST_F(EngineTest, RegisterDownIsUnavailableNeverNotFound) {
  reg->down = true;
  DocumentReport r = run("<Person id='001085000101'/>");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.findings[0].code, static_cast<uint32_t>(ECID_FINDING_REGISTER_UNAVAILABLE));
  EXPECT_EQ(r.queries[0].status, static_cast<uint32_t>(ECID_ANSWER_UNAVAILABLE));
}

TEST_F(EngineTest, BatchesOneRoundIntoOneRegisterCall) {
  std::string body;
  for (int i = 0; i < 50; ++i) body += "<Person id='001085000101'/>";
  DocumentReport r = run(body);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(reg->batches.load(), 1);
  EXPECT_EQ(reg->requests.load(), 50);
}

TEST_F(EngineTest, AdapterExceptionsBecomeErrorsNotCrashes) {
  for (std::string where : {"open", "plan", "assess"}) {
    DocumentReport r = run("<Person id='001085000101'/><Throw where='" + where + "'/>");
    EXPECT_FALSE(r.ok) << where;
    EXPECT_NE(r.error.find("probe threw in " + where), std::string::npos) << r.error;
    EXPECT_EQ(r.exit_class(), 2);
  }
  // The engine keeps working after an adapter failure.
  EXPECT_TRUE(run("<Person id='001085000101'/>").ok);
}

TEST_F(EngineTest, RejectsUnknownFindingCodeFromAdapter) {
  DocumentReport r = run("<BadFinding/>");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("unknown finding code 9999"), std::string::npos) << r.error;
}

TEST_F(EngineTest, ClearErrorsForDocumentsNoAdapterCanTake) {
  Engine engine(test_config(), reg);
  struct Case {
    std::string doc, expected;
  } cases[] = {
      {"", "empty document"},
      {"<Probe xmlns='urn:ecid:test:probe'><Person", "not well-formed XML"},
      {"<Other xmlns='urn:x'/>", "no adapter handles root element Other{urn:x}"},
      {"<Probe/>", "no adapter handles root element Probe{}"},
      {"\x01\x02garbage", "not well-formed XML"},
  };
  for (const auto& c : cases) {
    DocumentReport r = engine.check("bad.xml", c.doc);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find(c.expected), std::string::npos) << "for input " << c.doc << ": " << r.error;
  }
  // A prefixed root element routes by its prefix's namespace.
  DocumentReport r = engine.check("p.xml", "<p:Probe xmlns:p='urn:ecid:test:probe'/>");
  EXPECT_EQ(r.adapter, "probe") << r.error;
}

TEST_F(EngineTest, ChecksDocumentsConcurrently) {
  Engine engine(test_config(), reg);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        DocumentReport r = engine.check(
            "d.xml", "<Probe xmlns='urn:ecid:test:probe' ref='R'><Person id='001085000101' name='Nguyễn Văn An'/></Probe>");
        if (!r.ok || r.findings.size() != 1 || r.findings[0].code != ECID_FINDING_VERIFIED || r.document_ref != "R")
          ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}
