// Every classification of the social-insurance collation, end to end: a CSV or XML batch through
// ecid::Collation, the real adapter library loaded by the real loader, the host's policy gate and
// matching, and a register whose people each test chooses.
#include "collate_test_support.hpp"

#include <ecid/text.hpp>

#include <gtest/gtest.h>

#include "../support/temp_dir.hpp"

namespace {

using namespace collate_test;

const std::string kHeader = "si_code,full_name,birth_date,sex,personal_id,birth_registration_place\n";

// UTF-8 spelled out, so that the source file's own encoding cannot change a test.
const std::string kAn = "Nguy\xE1\xBB\x85n V\xC4\x83n An";
const std::string kDung = "Ho\xC3\xA0ng Th\xE1\xBB\x8B Th\xE1\xBB\xA7y Dung";
const std::string kDungOldTones = "Ho\xC3\xA0ng Th\xE1\xBB\x8B Thu\xE1\xBB\xB7 Dung";  // Thuỷ
const std::string kTuan = "\xC4\x90\xE1\xBB\x97 Minh Tu\xE1\xBA\xA5n";
const std::string kPhat = "Hu\xE1\xBB\xB3nh T\xE1\xBA\xA5n Ph\xC3\xA1t";
const std::string kNu = "N\xE1\xBB\xAF";

std::string nfd(const std::string& s) {
  // ễ = ê + tilde; ă = a + breve: enough to make "Nguyễn Văn An" decomposed.
  std::string out = s;
  const std::pair<std::string, std::string> map[] = {{"\xE1\xBB\x85", "\xC3\xAA\xCC\x83"}, {"\xC4\x83", "a\xCC\x86"}};
  for (const auto& [from, to] : map)
    for (size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size())) out.replace(at, from.size(), to);
  return out;
}

class Classes : public ::testing::Test {
 protected:
  ecid::testing::TempDir dir;
  std::shared_ptr<FakeRegister> reg = std::make_shared<FakeRegister>(fixtures());
  ecid::CollationSummary summary;

  std::vector<Row> run(const std::string& name, const std::string& content, ecid::CollationOptions o = {},
                       const ecid::Config& config = config_for()) {
    o.input = dir / name;
    o.output = dir / (name + ".results.csv");
    write_file(o.input, content);
    ecid::Collation c(config, reg);
    summary = c.run(o);
    EXPECT_FALSE(fs::exists(o.output.string() + ".checkpoint")) << "the checkpoint is removed when done";
    EXPECT_FALSE(fs::exists(o.output.string() + ".partial"));
    return read_results(o.output);
  }
  std::vector<Row> csv(const std::string& body, ecid::CollationOptions o = {}) { return run("batch.csv", kHeader + body, o); }
};

TEST_F(Classes, MatchIsEqualityOfNormalisedValues) {
  const std::string variants[] = {
      "0100000001," + kAn + ",15/02/1985,Nam,001085000101,01",                   // as the register writes it
      "0100000002," + nfd(kAn) + ",15-02-1985,1,001 085 000 101,1",              // NFD, other spellings
      "0100000003," + kDungOldTones + ",01/09/1998," + kNu + ",001198000505,001",  // Thuỷ = Thủy
      "0100000004,NGUY\xE1\xBB\x84N V\xC4\x82N AN,19850215,M,001085000101,"};     // capitals, no place
  for (const std::string& line : variants) {
    SCOPED_TRACE(line);
    const auto rows = csv(line + "\n");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].cls(), "match") << rows[0].reason();
    EXPECT_EQ(rows[0].findings(), "VERIFIED");
    EXPECT_NE(rows[0].reason().find("full name, birth date"), std::string::npos) << rows[0].reason();
    EXPECT_EQ(summary.exit_class(), 0);
  }
}

TEST_F(Classes, YearOnlyDateMatchesAndIsReportedAsSuch) {
  const auto rows = csv("0100000001," + kAn + ",00/00/1985,Nam,001085000101,01\n"
                        "4000000002,Ng\xC3\xB4 V\xC4\x83n B\xE1\xBA\xA3y,12/03/1948,Nam,040048000808,40\n"
                        "0100000003," + kPhat + ",1986,Nam,079087000111,79\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].cls(), "match");
  EXPECT_NE(rows[0].reason().find("year only"), std::string::npos) << "document gives the year: " << rows[0].reason();
  EXPECT_EQ(rows[0].findings(), "VERIFIED");
  EXPECT_EQ(rows[1].cls(), "match");
  EXPECT_NE(rows[1].reason().find("year only"), std::string::npos) << "register holds the year: " << rows[1].reason();
  EXPECT_EQ(rows[2].cls(), "mismatch_birth_date") << "a year-only date of another year";
}

TEST_F(Classes, MismatchPerFieldWithReason) {
  const auto rows = csv("7900000001,Hu\xE1\xBB\xB3nh T\xE1\xBA\xA5n Phong,15/03/1987,Nam,079087000111,79\n"
                        "7900000002,Tr\xE1\xBA\xA7n Th\xE1\xBB\x8B B\xC3\xAD" "ch Ng\xE1\xBB\x8D" "c,10/07/1990,F,079190000202,79\n"
                        "4800000003,L\xC3\xAA V\xC4\x83n H\xC3\xB9ng,30/11/1972," + kNu + ",048072000303,48\n"
                        "3800000004," + kTuan + ",06/06/1988,Nam,038088000606,01\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].cls(), "mismatch_full_name");
  EXPECT_EQ(rows[0].findings(), "MISMATCH:full_name");
  EXPECT_NE(rows[0].reason().find("full name: differs"), std::string::npos) << rows[0].reason();
  EXPECT_EQ(rows[1].cls(), "mismatch_birth_date");
  EXPECT_NE(rows[1].reason().find("same year, different day or month"), std::string::npos) << rows[1].reason();
  EXPECT_EQ(rows[2].cls(), "mismatch_sex");
  // The record's own sex also disagrees with the ID's sex digit.
  EXPECT_EQ(rows[2].findings(), "MISMATCH:sex;ID_STRUCTURE_INCONSISTENT");
  EXPECT_NE(rows[2].reason().find("record: sex digit says M, record says F"), std::string::npos) << rows[2].reason();
  EXPECT_EQ(rows[3].cls(), "mismatch_birth_registration_place");
  EXPECT_EQ(summary.exit_class(), 1);
}

TEST_F(Classes, StrippedAgreementIsAtMostNeedsReview) {
  const auto rows = csv("0100000001,Nguyen Van An,15/02/1985,Nam,001085000101,01\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cls(), "needs_review_full_name");
  EXPECT_EQ(rows[0].findings(), "NEEDS_REVIEW:full_name");
  EXPECT_NE(rows[0].reason().find("only without diacritics"), std::string::npos) << rows[0].reason();
  EXPECT_EQ(rows[0].findings().find("VERIFIED"), std::string::npos);
}

TEST_F(Classes, NotFoundInvalidIdDeceasedAndStructure) {
  const auto rows = csv("0100000001,Tr\xE1\xBA\xA7n V\xC4\x83n B\xC3\xACnh,1995,Nam,001095999999,01\n"
                        "0100000002," + kAn + ",15/02/1985,Nam,000085000101,01\n"
                        "0100000003," + kAn + ",15/02/1985,Nam,12345,01\n"
                        "3600000004,Ph\xE1\xBA\xA1m Th\xE1\xBB\x8B Hoa,20/01/1955," + kNu + ",036155000404,36\n"
                        "3100000005,V\xC5\xA9 Th\xE1\xBB\x8B Lan,04/04/1993," + kNu + ",031093000707,31\n");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].cls(), "id_not_found");
  EXPECT_EQ(rows[1].cls(), "invalid_personal_id");
  EXPECT_NE(rows[1].reason().find("cannot exist"), std::string::npos);
  EXPECT_EQ(rows[2].cls(), "invalid_personal_id");
  EXPECT_EQ(rows[3].cls(), "deceased");
  EXPECT_EQ(rows[3].value(), "2024-05-10");
  EXPECT_EQ(rows[4].cls(), "id_structure_inconsistent");
  EXPECT_NE(rows[4].reason().find("register: sex digit says M, record says F"), std::string::npos) << rows[4].reason();
}

TEST_F(Classes, LegacyIdIsResolved) {
  const auto rows = csv("3800000001," + kTuan + ",06/06/1988,Nam,172 345 678,38\n"
                        "3800000002," + kTuan + ",06/06/1988,Nam,999999999,38\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].cls(), "legacy_id_resolved");
  EXPECT_EQ(rows[0].value(), "038088000606");
  EXPECT_EQ(rows[0].findings(), "LEGACY_ID_RESOLVED;VERIFIED");
  EXPECT_EQ(rows[1].cls(), "id_not_found");
  EXPECT_NE(rows[1].reason().find("legacy ID"), std::string::npos);
}

TEST_F(Classes, NoIdGivenSearchesCandidates) {
  auto people = fixtures();
  // A namesake born the same year in the same province: the search cannot choose.
  people.push_back({"001085123456", kAn, "1985-07-01", "M", "001", "", ""});
  reg = std::make_shared<FakeRegister>(people);
  const auto rows = csv("7900000001," + kPhat + ",15/03/1987,Nam,,79\n"
                        "0100000002," + kAn + ",1985,Nam,,01\n"
                        "0100000003," + kAn + ",15/02/1985,Nam,,01\n"
                        "0100000004,Tr\xC6\xB0\xC6\xA1ng V\xC4\x83n Khoa,02/02/1970,Nam,,01\n"
                        "0100000005,Tr\xC6\xB0\xC6\xA1ng V\xC4\x83n Khoa,,Nam,,01\n");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].cls(), "proposed_id");
  EXPECT_EQ(rows[0].value(), "079087000111");
  EXPECT_NE(rows[0].reason().find("needs review"), std::string::npos);
  EXPECT_EQ(rows[1].cls(), "ambiguous") << "two people agree when only the year is known";
  EXPECT_NE(rows[1].reason().find("2 register people"), std::string::npos) << rows[1].reason();
  EXPECT_EQ(rows[2].cls(), "proposed_id") << "the full date tells the two apart";
  EXPECT_EQ(rows[2].value(), "001085000101");
  EXPECT_EQ(rows[3].cls(), "no_id_given");
  EXPECT_EQ(rows[4].cls(), "invalid_birth_date");
  EXPECT_EQ(rows[4].findings(), "INVALID_INPUT:birth_date;NO_ID_GIVEN");
}

TEST_F(Classes, DuplicatesAreFoundAcrossTheWholeBatch) {
  ecid::CollationOptions o;
  o.chunk_records = 2;  // the two records sharing an ID are in different chunks
  const auto rows = csv("3800000001," + kTuan + ",06/06/1988,Nam,038088000606,38\n"
                        "0100000002," + kAn + ",15/02/1985,Nam,001085000101,01\n"
                        "0100000003," + kDung + ",01/09/1998," + kNu + ",001198000505,01\n"
                        "3800000004," + kTuan + ",06/06/1988,Nam,038088000606,38\n"
                        "3800000001," + kTuan + ",06/06/1988,Nam,038088000606,38\n",
                        o);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].cls(), "duplicate");
  EXPECT_EQ(rows[0].value(), "3800000004");
  EXPECT_NE(rows[0].reason().find("1 other social-insurance code in this batch"), std::string::npos) << rows[0].reason();
  EXPECT_EQ(rows[1].cls(), "match");
  EXPECT_EQ(rows[2].cls(), "match");
  EXPECT_EQ(rows[3].cls(), "duplicate");
  EXPECT_EQ(rows[3].value(), "3800000001");
  EXPECT_EQ(rows[4].cls(), "duplicate") << "the same SI code twice is one code; the other code still counts";
  EXPECT_EQ(summary.duplicate_keys, 1u);
}

TEST_F(Classes, BadRecordsAreReportedWithTheirPositionAndNeverStopTheBatch) {
  const std::string long_line = "0100000009," + std::string(70000, 'x') + ",1985,Nam,,01\n";
  const std::string body = "0100000001," + kAn + ",15/02/1985,Nam,001085000101,01\n"  // line 2
                           "0100000002,\"unbalanced,15/02/1985,Nam,,01\n"              // line 3
                           "\n"                                                         // line 4: blank
                           "0100000003,too,few\n"                                       // line 5
                           ",Somebody,15/02/1985,Nam,,01\n"                             // line 6
                           + long_line +                                                // line 7
                           "0100000004," + kDung + ",01/09/1998,F,001198000505,01\n";   // line 8
  const auto rows = csv(body);
  ASSERT_EQ(rows.size(), 6u);
  const std::pair<std::string, std::string> expected[] = {
      {"2", "match"}, {"3", "bad_record"}, {"5", "bad_record"}, {"6", "bad_record"}, {"7", "bad_record"}, {"8", "match"}};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(rows[i][0], std::to_string(i + 1)) << "record numbers count records, not lines";
    EXPECT_EQ(rows[i][1], expected[i].first);
    EXPECT_EQ(rows[i].cls(), expected[i].second) << rows[i].reason();
  }
  EXPECT_NE(rows[1].reason().find("unbalanced quotes"), std::string::npos);
  EXPECT_NE(rows[2].reason().find("3 fields, the header has 6"), std::string::npos) << rows[2].reason();
  EXPECT_NE(rows[3].reason().find("no social-insurance code"), std::string::npos);
  EXPECT_NE(rows[4].reason().find("longer than 64 KiB"), std::string::npos);
  // Byte offsets point at the first byte of each record.
  const std::string file = kHeader + body;
  for (const Row& r : rows) {
    const size_t offset = std::stoull(r[2]);
    ASSERT_LT(offset, file.size());
    EXPECT_TRUE(offset == 0 || file[offset - 1] == '\n');
  }
  EXPECT_EQ(summary.blank_lines, 1u);
  EXPECT_EQ(summary.by_class["bad_record"], 4u);
  EXPECT_EQ(summary.records, 6u);
}

TEST_F(Classes, LegacyEncodingsAreDecodedPerRecord) {
  const std::string tcvn3 = "0100000001," + ecid::text::encode_tcvn3(kAn) + ",15/02/1985,Nam,001085000101,01\n";
  const std::string vni = "0100000002," + ecid::text::encode_vni(kDung) + ",01/09/1998," +
                          ecid::text::encode_vni(kNu) + ",001198000505,01\n";
  const auto rows = csv(tcvn3 + vni + "7900000003," + kPhat + ",15/03/1987,Nam,079087000111,79\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].cls(), "match") << rows[0].reason();
  EXPECT_EQ(rows[0].encoding(), "tcvn3");
  EXPECT_EQ(rows[1].cls(), "match") << rows[1].reason();
  EXPECT_EQ(rows[1].encoding(), "vni");
  EXPECT_EQ(rows[2].encoding(), "utf8");
  EXPECT_EQ(summary.by_encoding["tcvn3"], 1u);
  EXPECT_EQ(summary.by_encoding["vni"], 1u);

  // Told the file is UTF-8, legacy bytes are bad records, not guesses.
  ecid::CollationOptions o;
  o.encoding = ecid::BatchEncoding::Utf8;
  const auto strict = csv(tcvn3, o);
  ASSERT_EQ(strict.size(), 1u);
  EXPECT_EQ(strict[0].cls(), "bad_record");
  EXPECT_NE(strict[0].reason().find("not valid UTF-8"), std::string::npos);
  // Told it is TCVN3, every record is decoded.
  o.encoding = ecid::BatchEncoding::Tcvn3;
  const auto forced = csv(tcvn3, o);
  EXPECT_EQ(forced[0].cls(), "match");
  EXPECT_EQ(forced[0].encoding(), "tcvn3");
}

TEST_F(Classes, RegisterFailureIsPerRecordAndTheRunCompletes) {
  reg->fail = true;
  const auto rows = csv("0100000001," + kAn + ",15/02/1985,Nam,001085000101,01\n"
                        "0100000002,Somebody,15/02/1985,Nam,,01\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].cls(), "register_unavailable");
  EXPECT_EQ(rows[1].cls(), "register_unavailable");
  EXPECT_EQ(summary.exit_class(), 1);
}

TEST_F(Classes, PolicyRefusesBeforeAnyLookup) {
  ecid::Config config = config_for();
  config.policy.clear();  // nothing granted to the adapter
  ecid::CollationOptions o;
  const auto rows = run("batch.csv", kHeader + "0100000001," + kAn + ",15/02/1985,Nam,001085000101,01\n", o, config);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cls(), "refused_by_policy");
  EXPECT_NE(rows[0].reason().find("no policy in the configuration"), std::string::npos) << rows[0].reason();
  EXPECT_EQ(reg->calls, 0) << "no register I/O for a refused query, prefetch included";
}

TEST_F(Classes, XmlBatchWithBrokenElements) {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<si:ParticipantBatch xmlns:si=\"urn:ecid:social-insurance:participants:1\">\n"
      "  <si:Participant><si:SiCode>0100000001</si:SiCode><si:FullName>" + kAn +
      "</si:FullName><si:BirthDate>15/02/1985</si:BirthDate><si:Sex>Nam</si:Sex>"
      "<si:PersonalId>001085000101</si:PersonalId><si:BirthRegistrationPlace>01</si:BirthRegistrationPlace></si:Participant>\n"
      "  <si:Participant><si:SiCode>0100000002</si:SiCode><si:FullName>A</si:Fullname></si:Participant>\n"
      "  <si:Participant><si:SiCode>0100000003</si:SiCode><si:FullName lang=vi>B</si:FullName></si:Participant>\n"
      "  <si:Participant><si:SiCode>0100000004</si:SiCode>\n"
      "  <si:Participant><si:SiCode>3800000005</si:SiCode><si:FullName>" + kTuan +
      "</si:FullName><si:BirthDate>06/06/1988</si:BirthDate><si:Sex>M</si:Sex><si:LegacyId>172345678</si:LegacyId>"
      "</si:Participant>\n"
      "  <si:Employer>not a participant</si:Employer>\n"
      "  <si:Participant><si:SiCode>0100000007</si:SiCode><si:SiCode>0100000008</si:SiCode></si:Participant>\n"
      "</si:ParticipantBatch>\n";
  const auto rows = run("batch.xml", xml);
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[0].cls(), "match");
  EXPECT_EQ(rows[0][1], "3");
  EXPECT_EQ(rows[1].cls(), "bad_record");
  EXPECT_NE(rows[1].reason().find("does not close"), std::string::npos) << rows[1].reason();
  EXPECT_EQ(rows[2].cls(), "bad_record") << "an unquoted attribute breaks only its record";
  EXPECT_NE(rows[2].reason().find("cannot read the record"), std::string::npos) << rows[2].reason();
  EXPECT_EQ(rows[3].cls(), "bad_record") << "an element left open ends where the next record starts";
  EXPECT_EQ(rows[3][1], "6");
  EXPECT_EQ(rows[4].cls(), "legacy_id_resolved");
  EXPECT_EQ(rows[4][1], "7");
  EXPECT_EQ(rows[5].cls(), "bad_record");
  EXPECT_NE(rows[5].reason().find("unexpected element"), std::string::npos);
  EXPECT_EQ(rows[6].cls(), "bad_record");
  EXPECT_NE(rows[6].reason().find("twice"), std::string::npos);

  // A file that ends inside an element: the complete records before it still count.
  const std::string cut = xml.substr(0, xml.find("<si:Participant><si:SiCode>0100000002") + 40);
  const auto partial = run("cut.xml", cut);
  ASSERT_EQ(partial.size(), 2u);
  EXPECT_EQ(partial[0].cls(), "match");
  EXPECT_EQ(partial[1].cls(), "bad_record");
  EXPECT_NE(partial[1].reason().find("ends inside"), std::string::npos) << partial[1].reason() << "\n" << cut;
}

TEST_F(Classes, ABatchTheAdapterRefusesAsAWholeStopsWithTheReason) {
  write_file(dir / "noheader.csv", "full_name,birth_date\nA,1985\n");
  ecid::Collation c(config_for(), reg);
  ecid::CollationOptions o;
  o.input = dir / "noheader.csv";
  o.output = dir / "out.csv";
  try {
    c.run(o);
    FAIL() << "expected a CollationError";
  } catch (const ecid::CollationError& e) {
    EXPECT_NE(std::string(e.what()).find("no column si_code"), std::string::npos) << e.what();
  }
  write_file(dir / "other.xml", "<Other xmlns=\"urn:x\"><A/></Other>");
  o.input = dir / "other.xml";
  EXPECT_THROW(c.run(o), ecid::CollationError);
}

TEST_F(Classes, ChunkSizeThreadsAndPrefetchDoNotChangeTheResults) {
  // A few thousand records made of the fixtures with every kind of variation.
  const std::vector<std::string> lines = {
      "," + kAn + ",15/02/1985,Nam,001085000101,01", ",Nguyen Van An,15/02/1985,Nam,001085000101,01",
      "," + kDung + ",01/09/1998,F,001198000505,1",   "," + kTuan + ",06/06/1988,M,172345678,38",
      "," + kPhat + ",15/03/1987,M,,79",                ",Tr\xE1\xBA\xA7n V\xC4\x83n B,1995,Nam,001095999999,01",
      ",broken",                                         "," + kTuan + ",06/06/1988,M,038088000606,38"};
  std::string body;
  for (int i = 0; i < 3000; ++i) {
    char si[16];
    std::snprintf(si, sizeof si, "%010d", 100000 + i * 7 % 1000);  // some SI codes repeat
    body += si + lines[static_cast<size_t>(i * 31 % static_cast<int>(lines.size()))] + "\n";
  }
  auto results = [&](size_t chunk, unsigned threads, bool prefetch) {
    ecid::CollationOptions o;
    o.chunk_records = chunk;
    o.threads = threads;
    o.prefetch = prefetch;
    csv(body, o);
    return read_file(dir / "batch.csv.results.csv");
  };
  const std::string reference = results(1000, 1, true);
  EXPECT_EQ(read_results(dir / "batch.csv.results.csv").size(), 3000u);
  EXPECT_EQ(results(1, 2, true), reference);
  EXPECT_EQ(results(7, 3, true), reference);
  EXPECT_EQ(results(250, 2, false), reference) << "the prefetch is a cache: same answers as live look-ups";
  uint64_t sum = 0;
  for (const auto& [cls, n] : summary.by_class) sum += n;
  EXPECT_EQ(sum, 3000u);
}

}  // namespace
