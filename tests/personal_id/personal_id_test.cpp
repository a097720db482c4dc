// The personal ID number rules (docs/domain.md §1, §11): structure, decoding, consistency, masking.
#include <ecid/personal_id.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <string>

namespace {

using ecid::decode_personal_id;
using ecid::PersonalIdInfo;

// Encodes the structure independently of the decoder under test.
std::string encode(int province, char sex, int year, int suffix) {
  int century = (year - 1900) / 100;
  int digit4 = 2 * century + (sex == 'F' ? 1 : 0);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%03d%d%02d%06d", province, digit4, year % 100, suffix);
  return buf;
}

TEST(PersonalId, DecodesThePublishedExamples) {
  PersonalIdInfo a = decode_personal_id("035199000123", 2025);
  ASSERT_TRUE(a.valid) << a.problem;
  EXPECT_EQ(a.province_code, 35);
  EXPECT_EQ(ecid::province_by_id_code(a.province_code)->name, "Hà Nam");
  EXPECT_EQ(a.sex, 'F');
  EXPECT_EQ(a.birth_year, 1999);

  PersonalIdInfo b = decode_personal_id("037153000257", 2025);
  ASSERT_TRUE(b.valid) << b.problem;
  EXPECT_EQ(ecid::province_by_id_code(b.province_code)->name, "Ninh Bình");
  EXPECT_EQ(b.sex, 'F');
  EXPECT_EQ(b.birth_year, 1953);
}

TEST(PersonalId, EveryCenturySexDigit) {
  for (int digit = 0; digit <= 9; ++digit) {
    std::string id = "001" + std::to_string(digit) + "45123456";
    PersonalIdInfo info = decode_personal_id(id, 2399);
    ASSERT_TRUE(info.valid) << id << ": " << info.problem;
    EXPECT_EQ(info.sex, digit % 2 == 0 ? 'M' : 'F') << id;
    EXPECT_EQ(info.birth_year, 1900 + 100 * (digit / 2) + 45) << id;
  }
}

TEST(PersonalId, RejectsEveryCodeOutsideTheTable) {
  std::set<int> known;
  for (const ecid::Province& p : ecid::provinces()) known.insert(p.id_code);
  ASSERT_EQ(known.size(), 63u);
  int rejected = 0;
  for (int code = 0; code <= 999; ++code) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%03d085000101", code);
    PersonalIdInfo info = decode_personal_id(buf, 2025);
    if (known.count(code) != 0) {
      EXPECT_TRUE(info.valid) << buf << ": " << info.problem;
      EXPECT_EQ(info.province_code, code);
    } else {
      EXPECT_FALSE(info.valid) << buf;
      EXPECT_NE(info.problem.find("province"), std::string_view::npos) << info.problem;
      ++rejected;
    }
  }
  EXPECT_EQ(rejected, 1000 - 63);
}

TEST(PersonalId, RejectsTheGapCodesOfTheCircular) {
  // The gaps listed in docs/domain.md §1.4, never used as province codes.
  for (int code : {3, 5, 7, 9, 13, 16, 18, 21, 23, 28, 29, 32, 39, 41, 43, 47, 50, 53, 55, 57, 59,
                   61, 63, 65, 69, 71, 73, 76, 78, 81, 85, 88, 90}) {
    EXPECT_EQ(ecid::province_by_id_code(code), nullptr) << code;
    EXPECT_FALSE(decode_personal_id(encode(code, 'M', 1980, 1), 2025).valid) << code;
  }
  EXPECT_FALSE(decode_personal_id("000085000101", 2025).valid);
  EXPECT_FALSE(decode_personal_id("097085000101", 2025).valid);
}

TEST(PersonalId, RejectsWrongLengthAndNonDigits) {
  for (const char* bad : {"", "0", "00108500010", "0010850001011", "00108500010a", " 01085000101",
                          "001085000101 ", "-01085000101", "001-085-000101", "0010850001O1",
                          "\xEF\xBC\x90" "01085000101" /* full-width zero */}) {
    PersonalIdInfo info = decode_personal_id(bad, 2025);
    EXPECT_FALSE(info.valid) << '"' << bad << '"';
    EXPECT_FALSE(info.problem.empty()) << '"' << bad << '"';
    EXPECT_EQ(info.sex, 0);
  }
  EXPECT_NE(decode_personal_id("123", 2025).problem.find("12"), std::string_view::npos);
  EXPECT_NE(decode_personal_id("00108500010x", 2025).problem.find("digit"), std::string_view::npos);
}

TEST(PersonalId, RejectsABirthYearInTheFuture) {
  EXPECT_TRUE(decode_personal_id(encode(1, 'M', 2025, 5), 2025).valid);
  PersonalIdInfo future = decode_personal_id(encode(1, 'M', 2026, 5), 2025);
  EXPECT_FALSE(future.valid);
  EXPECT_NE(future.problem.find("future"), std::string_view::npos);
  EXPECT_TRUE(decode_personal_id(encode(1, 'M', 2026, 5), 2026).valid);
  // Default: this year. Digit 9 means the 24th century: always in the future.
  EXPECT_FALSE(decode_personal_id("001999000101").valid);
  EXPECT_FALSE(decode_personal_id("001450000101").valid);
  EXPECT_TRUE(decode_personal_id("001085000101").valid);
}

TEST(PersonalId, RoundTripsRandomValidIds) {
  std::mt19937_64 rng(20250630);
  auto provinces = ecid::provinces();
  for (int i = 0; i < 200000; ++i) {
    const ecid::Province& p = provinces[rng() % provinces.size()];
    char sex = rng() % 2 ? 'F' : 'M';
    int year = 1900 + static_cast<int>(rng() % 126);
    int suffix = static_cast<int>(rng() % 1000000);
    std::string id = encode(p.id_code, sex, year, suffix);
    PersonalIdInfo info = decode_personal_id(id, 2025);
    ASSERT_TRUE(info.valid) << id << ": " << info.problem;
    ASSERT_EQ(info.province_code, p.id_code) << id;
    ASSERT_EQ(info.sex, sex) << id;
    ASSERT_EQ(info.birth_year, year) << id;
    ASSERT_EQ(encode(info.province_code, info.sex, info.birth_year, suffix), id);
  }
}

TEST(PersonalId, AcceptsEverySixDigitSuffix) {
  // There is no check digit: all 10^6 random parts are valid.
  std::string id = "079190000000";
  int valid = 0;
  for (int suffix = 0; suffix < 1000000; ++suffix) {
    std::snprintf(id.data() + 6, 7, "%06d", suffix);
    if (decode_personal_id(id, 2025).valid) ++valid;
  }
  EXPECT_EQ(valid, 1000000);
}

TEST(PersonalId, IsLegacyId) {
  EXPECT_TRUE(ecid::is_legacy_id("172345678"));
  EXPECT_TRUE(ecid::is_legacy_id("000000000"));
  EXPECT_FALSE(ecid::is_legacy_id("17234567"));
  EXPECT_FALSE(ecid::is_legacy_id("1723456789"));
  EXPECT_FALSE(ecid::is_legacy_id("17234567a"));
  EXPECT_FALSE(ecid::is_legacy_id(""));
  EXPECT_FALSE(ecid::is_legacy_id("001085000101"));
}

TEST(IdStructureProblem, ConsistentRecordHasNone) {
  PersonalIdInfo info = decode_personal_id("001085000101", 2025);
  EXPECT_FALSE(ecid::id_structure_problem(info, 'M', 1985).has_value());
  // Unknown recorded values cannot disagree.
  EXPECT_FALSE(ecid::id_structure_problem(info, 0, 0).has_value());
  EXPECT_FALSE(ecid::id_structure_problem(info, '?', 1985).has_value());
}

TEST(IdStructureProblem, NamesTheDisagreeingField) {
  // The fixture citizen Vũ Thị Lan: recorded female, digit 4 says male.
  PersonalIdInfo lan = decode_personal_id("031093000707", 2025);
  auto sex = ecid::id_structure_problem(lan, 'F', 1993);
  ASSERT_TRUE(sex.has_value());
  EXPECT_EQ(*sex, "sex digit says M, record says F");

  auto year = ecid::id_structure_problem(lan, 'M', 1994);
  ASSERT_TRUE(year.has_value());
  EXPECT_NE(year->find("birth year"), std::string::npos);
  EXPECT_EQ(year->find("sex"), std::string::npos);

  auto both = ecid::id_structure_problem(lan, 'F', 1992);
  ASSERT_TRUE(both.has_value());
  EXPECT_NE(both->find("sex"), std::string::npos);
  EXPECT_NE(both->find("birth year"), std::string::npos);

  // Right last two digits, wrong century.
  PersonalIdInfo dha = decode_personal_id("001300000909", 2025);
  ASSERT_TRUE(dha.valid);
  EXPECT_FALSE(ecid::id_structure_problem(dha, 'F', 2000).has_value());
  EXPECT_TRUE(ecid::id_structure_problem(dha, 'F', 1900).has_value());
}

TEST(IdStructureProblem, InvalidStructureIsAProblem) {
  PersonalIdInfo bad = decode_personal_id("003085000101", 2025);
  auto problem = ecid::id_structure_problem(bad, 'M', 1985);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(*problem, std::string(bad.problem));
  EXPECT_TRUE(ecid::id_structure_problem(PersonalIdInfo{}, 'M', 1985).has_value());
}

int count_digits(const std::string& s) {
  return static_cast<int>(std::count_if(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }));
}

TEST(MaskPersonalId, KeepsProvinceAndLastTwoDigits) {
  EXPECT_EQ(ecid::mask_personal_id("001085000145"), "001*******45");
  EXPECT_EQ(ecid::mask_personal_id("172345678"), "*******78");
  EXPECT_EQ(ecid::mask_personal_id(""), "");
  EXPECT_EQ(count_digits(ecid::mask_personal_id("12345")), 0);
}

TEST(MaskPersonalId, NeverRevealsMoreThanFiveDigits) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    size_t length = rng() % 40;
    std::string input;
    for (size_t k = 0; k < length; ++k)
      input += rng() % 10 == 0 ? static_cast<char>('a' + rng() % 26) : static_cast<char>('0' + rng() % 10);
    std::string masked = ecid::mask_personal_id(input);
    ASSERT_LE(count_digits(masked), 5) << input << " -> " << masked;
    // The masked text never contains the clear value.
    if (input.size() >= 6) {
      ASSERT_EQ(masked.find(input), std::string::npos);
    }
  }
}

}  // namespace
