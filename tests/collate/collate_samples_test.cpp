// The samples of samples/social_insurance through ecid::Collation on freshly seeded registers,
// checked row by row against the expected classes in samples/social_insurance/README.md (parsed
// here, so that the README and the adapter cannot drift apart).
#include "collate_test_support.hpp"

#include <ecid/audit.hpp>

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "../support/readme_table.hpp"
#include "../support/seeded_register.hpp"

namespace {

using namespace collate_test;

const fs::path kSamples = fs::path(ECID_SOURCE_DIR) / "samples/social_insurance";

struct Expected {
  std::string files;  // "both" or "xml"
  uint64_t record;
  std::string cls, value;
};

std::vector<Expected> read_readme() {
  std::vector<Expected> out;
  for (const auto& cells :
       ecid::testing::markdown_table(read_file(kSamples / "README.md"), "| files | record | class | value |")) {
    if (cells.size() < 4) throw std::runtime_error("short row in the README table");
    out.push_back({cells[0], std::stoull(cells[1]), cells[2], cells[3]});
  }
  return out;
}

using ecid::testing::folder;
using ecid::testing::seeded;

class Samples : public ::testing::TestWithParam<std::pair<uint64_t, uint64_t>> {};

TEST(SamplesReadme, CoversEveryClassAndBothFiles) {
  const auto expected = read_readme();
  ASSERT_EQ(expected.size(), 22u);
  std::set<std::string> classes;
  for (const auto& e : expected) classes.insert(e.cls);
  for (const char* cls : {"match", "mismatch_full_name", "mismatch_birth_date", "mismatch_sex", "needs_review_full_name",
                          "id_not_found", "deceased", "id_structure_inconsistent", "legacy_id_resolved", "proposed_id",
                          "no_id_given", "duplicate", "bad_record", "invalid_personal_id", "invalid_birth_date"})
    EXPECT_TRUE(classes.count(cls)) << cls << " is shown by no sample";
  EXPECT_TRUE(fs::exists(kSamples / "participants.csv"));
  EXPECT_TRUE(fs::exists(kSamples / "participants.xml"));
}

TEST_P(Samples, EveryRecordHasTheClassTheReadmeLists) {
  const auto [people, seed] = GetParam();
  ecid::Collation collation(config_for(seeded(people, seed)));
  ASSERT_NE(collation.adapters().find("social_insurance"), nullptr) << [&] {
    std::string why;
    for (const auto& r : collation.adapters().refused()) why += r.file.string() + ": " + r.reason + "\n";
    return why;
  }();
  const auto expected = read_readme();
  for (const char* file : {"participants.csv", "participants.xml"}) {
    SCOPED_TRACE(file);
    const bool xml = std::string(file).ends_with(".xml");
    ecid::CollationOptions o;
    o.input = kSamples / file;
    o.output = folder() / (std::string(file) + "-" + std::to_string(people) + ".results.csv");
    o.chunk_records = 5;  // several chunks, so that duplicates and positions cross chunk borders
    const ecid::CollationSummary s = collation.run(o);
    EXPECT_EQ(s.exit_class(), 1);
    const auto rows = read_results(o.output);
    size_t n = 0;
    for (const Expected& e : expected) {
      if (e.files == "xml" && !xml) continue;
      ++n;
      ASSERT_LE(e.record, rows.size());
      const Row& r = rows[e.record - 1];
      EXPECT_EQ(r[0], std::to_string(e.record));
      EXPECT_EQ(r.cls(), e.cls) << "record " << e.record << ": " << r.findings() << " — " << r.reason();
      EXPECT_EQ(r.value(), e.value) << "record " << e.record;
    }
    EXPECT_EQ(rows.size(), n);
    EXPECT_EQ(s.records, n);
    EXPECT_EQ(rows[19].encoding(), "vni");
    EXPECT_EQ(rows[20].encoding(), "tcvn3");
    for (const Row& r : rows) EXPECT_EQ(r[3].find("Nguy"), std::string::npos) << "subjects never carry names";
  }
}

// Records without a usable ID are matched by a candidate search or through a legacy ID: the
// person the register disclosed must be findable in the audit trail under their own ID.
TEST_P(Samples, PeopleFoundWithoutTheirIdAreAuditedUnderIt) {
  const auto [people, seed] = GetParam();
  ecid::Collation collation(config_for(seeded(people, seed)));
  const fs::path dir = folder() / ("audit-" + std::to_string(people));
  fs::remove_all(dir);
  ecid::AuditOptions ao;
  ao.path = dir / "audit.db";
  ao.key = "collate-test-audit-key-0123456789";
  fs::create_directories(dir);
  std::map<std::string, std::string> proposed;  // ID → class
  {
    ecid::AuditLog log(ao);
    ecid::CollationOptions o;
    o.input = kSamples / "participants.csv";
    o.output = dir / "results.csv";
    o.audit = &log;
    o.audit_db = ao.path;
    collation.run(o);
    log.close();
    for (const Row& r : read_results(o.output))
      if (r.cls() == "proposed_id" || r.cls() == "legacy_id_resolved") proposed[r.value()] = r.cls();
  }
  ASSERT_EQ(proposed.size(), 3u);  // records 11, 12 (= 20) and 21 of the README
  for (const auto& [id, cls] : proposed) {
    size_t disclosures = 0;
    for (const ecid::AuditRow& row : ecid::find_audit(ao.path, ao.key, id))
      if (row.kind == ecid::kAuditDisclosure) {
        ++disclosures;
        EXPECT_EQ(row.outcome, cls == "proposed_id" ? "disclosed by person.candidates" : "disclosed by person.by_legacy_id");
        EXPECT_EQ(row.purpose, "social_insurance.collation");
      }
    EXPECT_GE(disclosures, 1u) << cls << " " << id << " has no disclosure row";
  }
  EXPECT_TRUE(ecid::verify_audit(ao.path).ok);
}

// The fixtures are in every register, whatever its size and seed.
INSTANTIATE_TEST_SUITE_P(Registers, Samples,
                         ::testing::Values(std::pair<uint64_t, uint64_t>{200, 1},
                                           std::pair<uint64_t, uint64_t>{5000, 20240521}));

}  // namespace
