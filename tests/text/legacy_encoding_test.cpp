// TCVN3 and VNI-Windows: the domain notes' vectors, the full code charts, round trips over
// generated names, detection, and bytes outside the charts.
#include <gtest/gtest.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <cstdio>
#include <string>

#include "ecid/text.hpp"
#include "ecid/testdata/vietnamese_fixture.hpp"

namespace {

using namespace ecid::text;
using ecid::testing::latin1_bytes;
using ecid::testing::NameGenerator;
using ecid::testing::non_ascii_letters;

struct Vector {
  const char* unicode;
  const char* tcvn3_cp1252;  // the bytes, shown as cp1252 (all ≤ U+00FF)
  const char* vni_cp1252;
};
// docs/domain.md §9.2, copied here so the tests do not read the reference folder.
// clang-format off
const Vector kVectors[] = {
    {"Nguyễn Văn Đức", "NguyÔn V¨n §øc", "Nguyeãn Vaên Ñöùc"},
    {"Trần Thị Thu Hương", "TrÇn ThÞ Thu H\u00AD¬ng", "Traàn Thò Thu Höông"},
    {"Phạm Thị Ngọc Ánh", "Ph¹m ThÞ Ngäc ¸nh", "Phaïm Thò Ngoïc AÙnh"},
    {"Lê Hoàng Phúc", "Lª Hoµng Phóc", "Leâ Hoaøng Phuùc"},
    {"Đặng Thuỳ Dương", "§Æng Thuú D\u00AD¬ng", "Ñaëng Thuyø Döông"},
    {"Thành phố Hồ Chí Minh", "Thµnh phè Hå ChÝ Minh", "Thaønh phoá Hoà Chí Minh"},
    {"Thừa Thiên Huế", "Thõa Thiªn HuÕ", "Thöøa Thieân Hueá"},
    {"NGUYỄN VĂN ĐỨC", "NGUYÔN V¡N §øC", "NGUYEÃN VAÊN ÑÖÙC"},
};
// clang-format on

TEST(LegacyEncodingTest, DomainVectorsGiveTheDocumentedBytes) {
  const std::string expected("\x4e\x67\x75\x79\xd4\x6e\x20\x56\xa8\x6e\x20\xa7\xf8\x63");
  EXPECT_EQ(encode_tcvn3("Nguyễn Văn Đức"), expected);
  EXPECT_EQ(latin1_bytes(kVectors[0].tcvn3_cp1252), expected);
  for (const Vector& v : kVectors) {
    const std::string tcvn3 = latin1_bytes(v.tcvn3_cp1252);
    const std::string vni = latin1_bytes(v.vni_cp1252);
    EXPECT_EQ(decode(tcvn3, Encoding::Tcvn3), v.unicode) << v.unicode;
    EXPECT_EQ(decode(vni, Encoding::Vni), v.unicode) << v.unicode;
    EXPECT_EQ(detect_encoding(tcvn3), Encoding::Tcvn3) << v.unicode;
    EXPECT_EQ(detect_encoding(vni), Encoding::Vni) << v.unicode;
    EXPECT_EQ(to_utf8(tcvn3), v.unicode);
    EXPECT_EQ(to_utf8(vni), v.unicode);
    EXPECT_EQ(encode_tcvn3(v.unicode), tcvn3) << v.unicode;
    EXPECT_EQ(encode_vni(v.unicode), vni) << v.unicode;
    EXPECT_EQ(detect_encoding(v.unicode), Encoding::Utf8);
    EXPECT_EQ(strip_key(to_utf8(tcvn3)), strip_key(v.unicode));
  }
}

// The charts as published by an independent converter (duydev/vietnamese-conversion,
// src/charsets.ts), shown in cp1252: "letter=bytes".
// clang-format off
const char* const kTcvn3Chart[] = {
    "à=µ", "á=¸", "â=©", "ã=·", "è=Ì", "é=Ð", "ê=ª", "ì=×", "í=Ý", "ò=ß", "ó=ã", "ô=«", "õ=â",
    "ù=ï", "ú=ó", "ý=ý", "ă=¨", "đ=®", "ĩ=Ü", "ũ=ò", "ơ=¬", "ư=\u00AD", "ạ=¹", "ả=¶", "ấ=Ê",
    "ầ=Ç", "ẩ=È", "ẫ=É", "ậ=Ë", "ắ=¾", "ằ=»", "ẳ=¼", "ẵ=½", "ặ=Æ", "ẹ=Ñ", "ẻ=Î", "ẽ=Ï", "ế=Õ",
    "ề=Ò", "ể=Ó", "ễ=Ô", "ệ=Ö", "ỉ=Ø", "ị=Þ", "ọ=ä", "ỏ=á", "ố=è", "ồ=å", "ổ=æ", "ỗ=ç", "ộ=é",
    "ớ=í", "ờ=ê", "ở=ë", "ỡ=ì", "ợ=î", "ụ=ô", "ủ=ñ", "ứ=ø", "ừ=õ", "ử=ö", "ữ=÷", "ự=ù", "ỳ=ú",
    "ỵ=þ", "ỷ=û", "ỹ=ü", "Â=¢", "Ê=£", "Ô=¤", "Ă=¡", "Đ=§", "Ơ=¥", "Ư=¦",
};
// clang-format on
// clang-format off
const char* const kVniChart[] = {
    "à=aø", "á=aù", "â=aâ", "ã=aõ", "è=eø", "é=eù", "ê=eâ", "ì=ì",  "í=í",  "ò=oø", "ó=où",
    "ô=oâ", "õ=oõ", "ù=uø", "ú=uù", "ý=yù", "ă=aê", "đ=ñ",  "ĩ=ó",  "ũ=uõ", "ơ=ô",  "ư=ö",
    "ạ=aï", "ả=aû", "ấ=aá", "ầ=aà", "ẩ=aå", "ẫ=aã", "ậ=aä", "ắ=aé", "ằ=aè", "ẳ=aú", "ẵ=aü",
    "ặ=aë", "ẹ=eï", "ẻ=eû", "ẽ=eõ", "ế=eá", "ề=eà", "ể=eå", "ễ=eã", "ệ=eä", "ỉ=æ",  "ị=ò",
    "ọ=oï", "ỏ=oû", "ố=oá", "ồ=oà", "ổ=oå", "ỗ=oã", "ộ=oä", "ớ=ôù", "ờ=ôø", "ở=ôû", "ỡ=ôõ",
    "ợ=ôï", "ụ=uï", "ủ=uû", "ứ=öù", "ừ=öø", "ử=öû", "ữ=öõ", "ự=öï", "ỳ=yø", "ỵ=î",  "ỷ=yû",
    "ỹ=yõ", "À=AØ", "Á=AÙ", "Â=AÂ", "Ã=AÕ", "È=EØ", "É=EÙ", "Ê=EÂ", "Ì=Ì",  "Í=Í",  "Ò=OØ",
    "Ó=OÙ", "Ô=OÂ", "Õ=OÕ", "Ù=UØ", "Ú=UÙ", "Ý=YÙ", "Ă=AÊ", "Đ=Ñ",  "Ĩ=Ó",  "Ũ=UÕ", "Ơ=Ô",
    "Ư=Ö",  "Ạ=AÏ", "Ả=AÛ", "Ấ=AÁ", "Ầ=AÀ", "Ẩ=AÅ", "Ẫ=AÃ", "Ậ=AÄ", "Ắ=AÉ", "Ằ=AÈ", "Ẳ=AÚ",
    "Ẵ=AÜ", "Ặ=AË", "Ẹ=EÏ", "Ẻ=EÛ", "Ẽ=EÕ", "Ế=EÁ", "Ề=EÀ", "Ể=EÅ", "Ễ=EÃ", "Ệ=EÄ", "Ỉ=Æ",
    "Ị=Ò",  "Ọ=OÏ", "Ỏ=OÛ", "Ố=OÁ", "Ồ=OÀ", "Ổ=OÅ", "Ỗ=OÃ", "Ộ=OÄ", "Ớ=ÔÙ", "Ờ=ÔØ", "Ở=ÔÛ",
    "Ỡ=ÔÕ", "Ợ=ÔÏ", "Ụ=UÏ", "Ủ=UÛ", "Ứ=ÖÙ", "Ừ=ÖØ", "Ử=ÖÛ", "Ữ=ÖÕ", "Ự=ÖÏ", "Ỳ=YØ", "Ỵ=Î",
    "Ỷ=YÛ", "Ỹ=YÕ",
};
// clang-format on

std::pair<std::string, std::string> chart_entry(const std::string& entry) {
  const std::size_t eq = entry.find('=');
  return {entry.substr(0, eq), latin1_bytes(entry.substr(eq + 1))};
}

TEST(LegacyEncodingTest, Tcvn3MatchesTheIndependentChart) {
  EXPECT_EQ(std::size(kTcvn3Chart), 67u + 7u);
  for (const char* entry : kTcvn3Chart) {
    const auto [letter, bytes] = chart_entry(entry);
    EXPECT_EQ(encode_tcvn3(letter), bytes) << letter;
    EXPECT_EQ(decode(bytes, Encoding::Tcvn3), letter) << letter;
  }
}

TEST(LegacyEncodingTest, VniMatchesTheIndependentChart) {
  EXPECT_EQ(std::size(kVniChart), 134u);
  for (const char* entry : kVniChart) {
    const auto [letter, bytes] = chart_entry(entry);
    EXPECT_EQ(encode_vni(letter), bytes) << letter;
    EXPECT_EQ(decode(bytes, Encoding::Vni), letter) << letter;
  }
}

TEST(LegacyEncodingTest, EveryLetterRoundTrips) {
  for (bool upper : {false, true}) {
    for (const std::string& letter : non_ascii_letters(upper)) {
      // Each letter alone, and inside words of its own case.
      EXPECT_EQ(decode(encode_vni(letter), Encoding::Vni), letter) << letter;
      const std::string word = upper ? "NG" + letter + "N" : "ng" + letter + "n";
      EXPECT_EQ(decode(encode_vni(word), Encoding::Vni), word) << word;
      EXPECT_EQ(decode(encode_tcvn3(word), Encoding::Tcvn3), word) << word;
      const std::string two_words = upper ? "NGUYỄN " + letter : "nguyễn " + letter;
      EXPECT_EQ(decode(encode_tcvn3(two_words), Encoding::Tcvn3), two_words) << two_words;
      if (!upper) {
        EXPECT_EQ(decode(encode_tcvn3(letter), Encoding::Tcvn3), letter) << letter;
      }
    }
  }
}

TEST(LegacyEncodingTest, Tcvn3LosesCaseOnlyWhereTheContextCannotTell) {
  // One word in capitals with a single letter of known case: nothing says it is capitals.
  EXPECT_EQ(decode(encode_tcvn3("HÀ"), Encoding::Tcvn3), "Hà");
  EXPECT_EQ(decode(encode_tcvn3("HÀ NỘI"), Encoding::Tcvn3), "HÀ NỘI");
  EXPECT_EQ(decode(encode_tcvn3("Hà Nội"), Encoding::Tcvn3), "Hà Nội");
  EXPECT_EQ(decode(encode_tcvn3("LÊ THỊ Á"), Encoding::Tcvn3), "LÊ THỊ Á");
  EXPECT_EQ(decode(encode_tcvn3("Lê Thị Á"), Encoding::Tcvn3), "Lê Thị Á");
  // In running lower-case text a word-initial accented vowel stays lower case.
  EXPECT_EQ(decode(encode_tcvn3("nhà ở xã hội"), Encoding::Tcvn3), "nhà ở xã hội");
  EXPECT_EQ(decode(encode_tcvn3("Thành phố Hồ Chí Minh"), Encoding::Tcvn3),
            "Thành phố Hồ Chí Minh");
}

// Surnames whose capitals show in TCVN3 (two letters of known case), so a name opening
// with one tells the decoder whether the name is in capitals or title case.
const char* const kSurnames[] = {"Nguyễn", "Trần", "Lê",  "Phạm",  "Hoàng",  "Huỳnh", "Phan",
                                 "Đặng",   "Bùi",  "Ngô", "Dương", "Trương", "Đoàn",  "Lương"};

std::string upper_case(const std::string& s) {
  std::string out;
  icu::UnicodeString::fromUTF8(s).toUpper(icu::Locale::getRoot()).toUTF8String(out);
  return out;
}

TEST(LegacyEncodingTest, GeneratedNamesRoundTripAndAreDetected) {
  NameGenerator gen(2024);
  int tcvn3_detected = 0, vni_detected = 0, total = 0;
  for (int i = 0; i < 20000; ++i) {
    const bool caps = i % 4 == 0;
    std::string name = std::string(kSurnames[gen.pick(std::size(kSurnames))]) + " " +
                       gen.name(1 + static_cast<int>(gen.pick(3)));
    if (caps) name = upper_case(name);
    const std::string tcvn3 = encode_tcvn3(name);
    const std::string vni = encode_vni(name);
    ASSERT_EQ(decode(vni, Encoding::Vni), name) << name;
    ASSERT_EQ(decode(tcvn3, Encoding::Tcvn3), name) << name;
    if (is_valid_utf8(tcvn3) || is_valid_utf8(vni)) continue;  // all-ASCII names
    ++total;
    if (detect_encoding(tcvn3) == Encoding::Tcvn3) {
      ++tcvn3_detected;
      EXPECT_EQ(to_utf8(tcvn3), name);
    }
    if (detect_encoding(vni) == Encoding::Vni) {
      ++vni_detected;
      EXPECT_EQ(to_utf8(vni), name);
    }
  }
  ASSERT_GT(total, 15000);
  std::printf("detection: TCVN3 %d/%d, VNI %d/%d\n", tcvn3_detected, total, vni_detected, total);
  EXPECT_GE(tcvn3_detected, total * 995 / 1000);
  EXPECT_GE(vni_detected, total * 995 / 1000);
}

TEST(LegacyEncodingTest, RandomWordsKeepTheirLettersWhateverTheCase) {
  // Without a word that shows the case, TCVN3 may leave capitals in lower case; the
  // letters (and so the match key) always survive.
  NameGenerator gen(5);
  for (int i = 0; i < 20000; ++i) {
    std::string words = gen.name(1 + static_cast<int>(gen.pick(4)));
    if (i % 3 == 0) words = upper_case(words);
    EXPECT_EQ(name_match_key(decode(encode_tcvn3(words), Encoding::Tcvn3)), name_match_key(words))
        << words;
    EXPECT_EQ(decode(encode_vni(words), Encoding::Vni), words) << words;
  }
}

TEST(LegacyEncodingTest, TitleCaseNamesKeepCapitals) {
  // Title-case words opening with a case-lost vowel (Ánh, Ủy) get their capital back.
  NameGenerator gen(99);
  for (int i = 0; i < 5000; ++i) {
    const std::string name = "Nguyễn Thị " + gen.name(2);
    EXPECT_EQ(decode(encode_tcvn3(name), Encoding::Tcvn3), name);
  }
}

TEST(DetectEncodingTest, Basics) {
  EXPECT_EQ(detect_encoding(""), Encoding::Utf8);
  EXPECT_EQ(detect_encoding("NGUYEN VAN DUC"), Encoding::Utf8);
  EXPECT_EQ(detect_encoding("Nguyễn Văn Đức"), Encoding::Utf8);
  // Invalid UTF-8 that is neither encoding: cp1252 holes, VN3 gaps, control bytes.
  EXPECT_EQ(detect_encoding("\x81\x8D\x8F\x90"), Encoding::Unknown);
  EXPECT_EQ(detect_encoding(std::string("\x00\x01\x02\xB0\xB1\xC0\x9D", 7)), Encoding::Unknown);
  EXPECT_EQ(detect_encoding("\xFF\xFE\x00\x01\x81"), Encoding::Unknown);
  // Title-case VNI capitals opening words ("Ñinh") are VNI evidence.
  EXPECT_EQ(detect_encoding(latin1_bytes("Ñinh Coâng Traùng")), Encoding::Vni);
  EXPECT_EQ(detect_encoding(encode_vni("Đinh")), Encoding::Vni);
  EXPECT_EQ(detect_encoding(encode_tcvn3("Đinh")), Encoding::Tcvn3);
}

TEST(DecodeTest, BytesOutsideTheChartsAreDefined) {
  // cp1252 punctuation passes through in both encodings; holes become U+FFFD.
  EXPECT_EQ(decode("\x93Hoa\x94", Encoding::Tcvn3), "\u201CHoa\u201D");
  EXPECT_EQ(decode("\x93Hoa\x94", Encoding::Vni), "\u201CHoa\u201D");
  EXPECT_EQ(decode("\x81", Encoding::Vni), "\uFFFD");
  // A VNI mark byte with no vowel before it is shown as its cp1252 character.
  EXPECT_EQ(decode("b\xF9", Encoding::Vni), "bù");
  // TCVN 5712 combining marks (0xB0–0xB4) compose.
  EXPECT_EQ(decode("a\xB3", Encoding::Tcvn3), "á");
  // The full standard's capitals in VN3's gaps are read as capitals.
  EXPECT_EQ(decode("\xC4", Encoding::Tcvn3), "Ấ");
  // Unknown: cp1252.
  EXPECT_EQ(decode("caf\xE9", Encoding::Unknown), "café");
  // UTF-8 is normalised; ill-formed bytes become U+FFFD.
  EXPECT_EQ(decode("Nguye\xCC\x82\xCC\x83n", Encoding::Utf8), "Nguyễn");
  EXPECT_EQ(decode("a\xFF"
                   "b",
                   Encoding::Utf8),
            "a\uFFFD"
            "b");
  // Characters an encoding cannot write.
  EXPECT_EQ(encode_tcvn3("Ωx"), "?x");
  EXPECT_EQ(encode_vni("Ω€"), "?\x80");
}

}  // namespace
