// Name normalisation, match keys and strip keys.
#include <gtest/gtest.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <string>

#include "ecid/text.hpp"
#include "ecid/testdata/vietnamese_fixture.hpp"

namespace {

using namespace ecid::text;
using ecid::testing::kLowerVowels;
using ecid::testing::kStrippedVowel;
using ecid::testing::kUpperVowels;
using ecid::testing::NameGenerator;

std::string icu_nfd(const std::string& s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  std::string out;
  nfd->normalize(icu::UnicodeString::fromUTF8(s), status).toUTF8String(out);
  EXPECT_TRUE(U_SUCCESS(status));
  return out;
}
std::string icu_nfc(const std::string& s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
  std::string out;
  n->normalize(icu::UnicodeString::fromUTF8(s), status).toUTF8String(out);
  return out;
}
// The slow reference for strip_key: NFD, drop non-spacing marks, đ → d, upper-case, spaces.
std::string reference_strip(const std::string& s) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(icu_nfd(s));
  icu::UnicodeString kept;
  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    UChar32 c = text.char32At(i);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    if (c == 0x111 || c == 0x110) c = 'D';
    kept.append(c);
  }
  kept.toUpper(icu::Locale::getRoot());
  std::string out;
  kept.toUTF8String(out);
  return out;
}

TEST(FixtureTest, VowelTableIsTheUnicodeChart) {
  // The fixture is typed by hand; check it against ICU so the other tests can trust it.
  const char* marks[6] = {"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"};
  const char* bases[12] = {"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"};
  for (int row = 0; row < 12; ++row) {
    for (int tone = 0; tone < 6; ++tone) {
      EXPECT_EQ(icu_nfc(std::string(bases[row]) + marks[tone]), kLowerVowels[row][tone]);
      std::string upper;
      icu::UnicodeString::fromUTF8(kLowerVowels[row][tone])
          .toUpper(icu::Locale::getRoot())
          .toUTF8String(upper);
      EXPECT_EQ(upper, kUpperVowels[row][tone]);
    }
  }
  EXPECT_EQ(ecid::testing::non_ascii_letters(false).size(), 67u);
  EXPECT_EQ(ecid::testing::non_ascii_letters(true).size(), 67u);
}

TEST(Utf8Test, Validity) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("Nguyễn Văn Đức"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));   // U+1F600
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\x80"));              // stray continuation
  EXPECT_FALSE(is_valid_utf8("Nguy\xD4n"));         // TCVN3 byte
}

TEST(NfcTest, NfdAndNfcGiveTheSameText) {
  const std::string name = "Nguyễn Văn Đức";
  const std::string decomposed = icu_nfd(name);
  ASSERT_NE(decomposed, name);
  EXPECT_EQ(nfc(decomposed), name);
  EXPECT_EQ(nfc(name), name);
  EXPECT_EQ(nfc("plain ascii"), "plain ascii");
}

TEST(NfcTest, GeneratedNamesInNfdNormaliseBack) {
  NameGenerator gen(7);
  for (int i = 0; i < 3000; ++i) {
    const std::string name = gen.name(3);
    const std::string decomposed = icu_nfd(name);
    EXPECT_EQ(nfc(decomposed), name);
    EXPECT_EQ(name_match_key(decomposed), name_match_key(name)) << name;
    EXPECT_EQ(normalise_name(decomposed), normalise_name(name)) << name;
    EXPECT_EQ(strip_key(decomposed), strip_key(name)) << name;
  }
}

TEST(NormaliseNameTest, TonePlacementVariantsShareAMatchKey) {
  // Same name, two spellings (tone on the first or on the second vowel).
  const std::pair<const char*, const char*> same[] = {
      {"Thuỷ", "Thủy"},   {"Thuỳ", "Thùy"},
      {"Hoà", "Hòa"},     {"Khoá", "Khóa"},
      {"Thuý", "Thúy"},   {"Khoẻ", "Khỏe"},
      {"HOÀ", "HÒA"},     {"Lê Thị Thuý Hoà", "Lê Thị Thúy Hòa"},
      {"Uý", "Úy"},       {"Hoạ", "Họa"},
      {"Hòang", "Hoàng"}, {"Hủynh", "Huỷnh"},
  };
  for (const auto& [a, b] : same) {
    EXPECT_EQ(name_match_key(a), name_match_key(b)) << a << " / " << b;
    EXPECT_EQ(normalise_name(a), normalise_name(b)) << a << " / " << b;
  }
  // The canonical form: first vowel in open syllables, second vowel in closed ones.
  EXPECT_EQ(normalise_name("Hoà"), "Hòa");
  EXPECT_EQ(normalise_name("Thuỷ"), "Thủy");
  EXPECT_EQ(normalise_name("HOÀ"), "HÒA");
  EXPECT_EQ(normalise_name("Hòang"), "Hoàng");
  EXPECT_EQ(normalise_name("Hoàng"), "Hoàng");
  EXPECT_EQ(normalise_name("Huỳnh"), "Huỳnh");
  // "qu" is a consonant: Quý keeps its tone on y; Nguyễn (uyê) and Khuya are not pairs.
  EXPECT_EQ(normalise_name("Quý"), "Quý");
  EXPECT_EQ(normalise_name("Quỳnh"), "Quỳnh");
  EXPECT_EQ(normalise_name("Nguyễn"), "Nguyễn");
  EXPECT_EQ(normalise_name("Ngoãn"), "Ngoãn");
}

TEST(NormaliseNameTest, DifferentTonesStayDifferent) {
  // Thuỳ (grave) and Thủy (hook) are two names, not two spellings of one.
  EXPECT_NE(name_match_key("Thuỳ"), name_match_key("Thủy"));
  EXPECT_NE(name_match_key("Hương"), name_match_key("Hường"));
  EXPECT_NE(name_match_key("Hương"), name_match_key("Hưởng"));
  EXPECT_NE(name_match_key("Hường"), name_match_key("Hướng"));
  EXPECT_NE(name_match_key("Hưởng"), name_match_key("Hướng"));
  EXPECT_NE(name_match_key("Đức"), name_match_key("Dục"));
  for (const char* name : {"Hương", "Hường", "Hưởng", "Hướng"}) EXPECT_EQ(strip_key(name), "HUONG");
  for (const char* name : {"Đức", "Dục", "Dúc"}) EXPECT_EQ(strip_key(name), "DUC");
}

TEST(NormaliseNameTest, LookAlikesAndWhiteSpace) {
  EXPECT_EQ(normalise_name("\u00D0\u1EB7ng"), "Đặng");  // Ð (eth) → Đ
  EXPECT_EQ(name_match_key("\u00D0\u1EB7ng"), name_match_key("Đặng"));
  EXPECT_EQ(name_match_key("\u00F0\u1EE9c"), name_match_key("đức"));
  EXPECT_EQ(name_match_key("Đức"), "đức");
  EXPECT_EQ(normalise_name("  Nguyễn \t Văn\u00A0\u00A0Đức \n"), "Nguyễn Văn Đức");
  EXPECT_EQ(normalise_name("Nguyễn\u200B Văn\u3000Đức"), "Nguyễn Văn Đức");
  EXPECT_EQ(normalise_name("Nguyễn Văn Đức"), "Nguyễn Văn Đức");  // case kept
  EXPECT_EQ(name_match_key("NGUYỄN VĂN ĐỨC"), name_match_key("nguyễn văn đức"));
  EXPECT_EQ(name_match_key("Nguyễn Văn Đức"), "nguyễn văn đức");
  EXPECT_EQ(normalise_name(""), "");
  EXPECT_EQ(normalise_name(" \t "), "");
}

TEST(NormaliseNameTest, NonVietnameseTextGoesThroughIcu) {
  EXPECT_EQ(name_match_key("MÜLLER"), "müller");
  EXPECT_EQ(name_match_key("ΣΟΦΊΑ"), name_match_key("σοφία"));
  EXPECT_EQ(name_match_key("Ivan Иванов"), "ivan иванов");
  // Decomposed non-Vietnamese letters are composed.
  EXPECT_EQ(normalise_name("Mu\u0308ller"), "Müller");
}

TEST(NormaliseNameTest, EveryVietnameseLetterFoldsToItsLowerCase) {
  for (int row = 0; row < 12; ++row) {
    for (int tone = 0; tone < 6; ++tone) {
      EXPECT_EQ(name_match_key(kUpperVowels[row][tone]), kLowerVowels[row][tone]);
      EXPECT_EQ(name_match_key(kLowerVowels[row][tone]), kLowerVowels[row][tone]);
      EXPECT_EQ(strip_key(kUpperVowels[row][tone]), std::string(1, kStrippedVowel[row]));
      EXPECT_EQ(strip_key(kLowerVowels[row][tone]), std::string(1, kStrippedVowel[row]));
    }
  }
  EXPECT_EQ(strip_key("đĐðÐ"), "DDDD");
}

TEST(NormaliseNameTest, MatchKeyIsIdempotentAndCaseBlind) {
  NameGenerator gen(11);
  for (int i = 0; i < 3000; ++i) {
    const std::string name = gen.name(3);
    std::string shouted;
    icu::UnicodeString::fromUTF8(name).toUpper(icu::Locale::getRoot()).toUTF8String(shouted);
    const std::string key = name_match_key(name);
    EXPECT_EQ(name_match_key(shouted), key) << name;
    EXPECT_EQ(name_match_key(key), key) << name;
    EXPECT_EQ(normalise_name(normalise_name(name)), normalise_name(name)) << name;
    std::string folded;
    icu::UnicodeString::fromUTF8(normalise_name(name)).foldCase().toUTF8String(folded);
    EXPECT_EQ(key, folded) << name;
  }
}

TEST(StripKeyTest, AgreesWithTheIcuReferenceOnGeneratedNames) {
  NameGenerator gen(3);
  for (int i = 0; i < 20000; ++i) {
    const std::string name = gen.name(2 + static_cast<int>(gen.pick(3)));
    EXPECT_EQ(strip_key(name), reference_strip(name)) << name;
  }
}

TEST(StripKeyTest, Examples) {
  EXPECT_EQ(strip_key("Nguyễn Văn Đức"), "NGUYEN VAN DUC");
  EXPECT_EQ(strip_key("  Trần  Thị\tThu   Hương "), "TRAN THI THU HUONG");
  EXPECT_EQ(strip_key("Thừa Thiên Huế"), "THUA THIEN HUE");
  EXPECT_EQ(strip_key("H' Hen Niê"), "H' HEN NIE");
  EXPECT_EQ(strip_key("Müller Øster"), "MULLER ØSTER");  // no ASCII form: kept, upper case
  EXPECT_EQ(strip_key("Иван"), "ИВАН");
  EXPECT_EQ(strip_key(""), "");
  EXPECT_EQ(strip_key("\u0301\u0303"), "");  // lone marks vanish
}

}  // namespace
