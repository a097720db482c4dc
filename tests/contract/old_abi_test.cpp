// An adapter compiled against the 1.2 contract header keeps loading and working on a 1.3 host: the
// real loader, the real engine and driver, three records named only by "record[n]" subjects, and
// three answers it indexes with its own sizeof(ecid_answer).
#include <ecid/config.hpp>
#include <ecid/engine.hpp>
#include <ecid/register.hpp>

#include <gtest/gtest.h>

#include <map>

namespace {

using namespace ecid;

class Names : public RegisterBackend {
 public:
  std::map<std::string, std::string> people;
  std::string source_name() const override { return "test/names"; }
  void lookup(std::span<const LookupRequest> requests, std::span<LookupResult> out) override {
    for (size_t i = 0; i < requests.size(); ++i) {
      const auto it = people.find(requests[i].key);
      out[i].status = it == people.end() ? ECID_ANSWER_NOT_FOUND : ECID_ANSWER_FOUND;
      if (it != people.end()) out[i].records.push_back({{{ECID_F_PERSONAL_ID, it->first}, {ECID_F_FULL_NAME, it->second}}});
    }
  }
};

TEST(OldAbiAdapter, BuiltAgainstThe12HeaderItIsServedUnchanged) {
  const Config config = parse_config("adapters:\n  directories: [\"" + std::string(ECID_OLD_ABI_DIR) +
                                         "\"]\nregister:\n  backend: embedded\n  path: unused.db\naudit:\n  enabled: false\n"
                                         "policy:\n  old:\n    old.check:\n      legal_basis: \"test\"\n      fields: [full_name]\n",
                                     "/tmp");
  auto reg = std::make_shared<Names>();
  // Generated rather than written out: the second record is not on the register.
  const std::string ids[] = {"001085000101", "079190000202", "048072000303"};
  reg->people[ids[0]] = "Nguy\xE1\xBB\x85n V\xC4\x83n An";
  reg->people[ids[2]] = "L\xC3\xAA V\xC4\x83n H\xC3\xB9ng";
  Engine engine(config, reg);
  ASSERT_EQ(engine.adapters().loaded().size(), 1u);
  EXPECT_TRUE(engine.adapters().refused().empty());
  EXPECT_EQ(engine.adapters().loaded()[0]->manifest.abi_minor, 1u);

  std::string doc = "<Old xmlns=\"urn:ecid:test:old\">";
  for (const std::string& id : ids) doc += "<R>" + id + "</R>";
  doc += "</Old>";
  const DocumentReport report = engine.check("old.xml", doc);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(report.document_ref, "OLD-1");
  ASSERT_EQ(report.findings.size(), 3u);
  for (uint32_t r = 0; r < 3; ++r) {
    const Finding& f = report.findings[r];
    SCOPED_TRACE(f.subject_ref);
    EXPECT_EQ(f.record, r + 1) << "the record comes from the 1.1 subject convention";
    const bool on_register = reg->people.count(ids[r]) == 1;
    EXPECT_EQ(f.code, on_register ? ECID_FINDING_VERIFIED : ECID_FINDING_ID_NOT_FOUND);
    EXPECT_EQ(f.value, on_register ? reg->people[ids[r]] : "") << "each answer read at its own place in the array";
  }
}

}  // namespace
