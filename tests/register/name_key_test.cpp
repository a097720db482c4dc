// The candidate-search key (register_schema::name_key): registers on disk store it, so every
// key must stay byte-identical to the one the register was seeded with. The expectations in
// data/ were written by the fold as it was when the registers in use were seeded.
#include <ecid/register_schema.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <string>

namespace {

using ecid::register_schema::name_key;

const std::string kData = std::string(ECID_SOURCE_DIR) + "/tests/register/data/";

std::string utf8_of(char32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

TEST(NameKey, FoldsVietnameseToAsciiUpperCase) {
  EXPECT_EQ(name_key("Nguyễn Văn Đức"), "NGUYEN VAN DUC");
  EXPECT_EQ(name_key("Trần Thị Thu Hương"), "TRAN THI THU HUONG");
  EXPECT_EQ(name_key("Hoàng Thị Thuỳ Dung"), name_key("Hoàng Thị Thủy Dung"));
  // NFD input (combining marks) folds the same as NFC.
  EXPECT_EQ(name_key("Nguye\xCC\x82\xCC\x83n Va\xCC\x86n"), "NGUYEN VAN");
  // Look-alike eth for Đ.
  EXPECT_EQ(name_key("\xC3\x90\xE1\xBB\x97 Minh"), "DO MINH");
  EXPECT_EQ(name_key("  H' Hen   Niê "), "H HEN NIE");
  EXPECT_EQ(name_key("Ksor Y Đhăm"), "KSOR Y DHAM");
  EXPECT_EQ(name_key("Ayŭn"), "AYUN");
  EXPECT_EQ(name_key("NGUYEN<<VAN<DUC"), "NGUYEN VAN DUC");
  EXPECT_EQ(name_key(""), "");
  EXPECT_EQ(name_key("\xFF\xFE"), "");
  // Every Vietnamese letter folds to its base.
  EXPECT_EQ(name_key("àáảãạăằắẳẵặâầấẩẫậ"), std::string(17, 'A'));
  EXPECT_EQ(name_key("ƯỪỨỬỮỰ"), "UUUUUU");
  EXPECT_EQ(name_key("ơờớởỡợ ỳýỷỹỵ"), "OOOOOO YYYYY");
}

// The seed generator appends keys to a reused buffer: nothing is added before the first letter.
TEST(NameKey, AppendsAfterWhatTheBufferHolds) {
  std::string out = "X";
  ecid::register_schema::append_name_key("  Đức ", out);
  EXPECT_EQ(out, "XDUC");
}

TEST(NameKey, GeneratedNamesKeepTheirStoredKeys) {
  std::ifstream in(kData + "name_keys.tsv");
  ASSERT_TRUE(in) << kData << "name_keys.tsv";
  std::string line;
  size_t names = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.rfind('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    std::string name = line.substr(0, tab);
    for (size_t p = 0; (p = name.find("\\t", p)) != std::string::npos;) name.replace(p, 2, "\t");
    EXPECT_EQ(name_key(name), line.substr(tab + 1)) << name;
    ++names;
  }
  EXPECT_GT(names, 2000u);
}

// Each scalar value between two letters: folded to a letter, dropped, or a separator.
TEST(NameKey, EveryCodePointFoldsAsStored) {
  std::ifstream in(kData + "name_key_fold.txt");
  ASSERT_TRUE(in) << kData << "name_key_fold.txt";
  std::map<char32_t, std::string> expected;  // absent: a separator
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.find(' ');
    const std::string range = line.substr(0, space), fold = line.substr(space + 1);
    const size_t dots = range.find("..");
    const auto first = static_cast<char32_t>(std::stoul(range.substr(0, dots), nullptr, 16));
    const auto last = dots == std::string::npos ? first : static_cast<char32_t>(std::stoul(range.substr(dots + 2), nullptr, 16));
    for (char32_t cp = first; cp <= last; ++cp) expected[cp] = fold == "drop" ? "" : fold;
  }
  ASSERT_EQ(expected.size(), 62u + 112u + 138u);  // ASCII letters and digits, marks, the rest
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const auto it = expected.find(cp);
    const std::string want = it == expected.end() ? "A B" : "A" + it->second + "B";
    ASSERT_EQ(name_key("A" + utf8_of(cp) + "B"), want) << "U+" << std::hex << static_cast<uint32_t>(cp);
  }
}

// Bytes that are not UTF-8 separate words, however many there are.
TEST(NameKey, IllFormedBytesSeparateWords) {
  const std::pair<std::string, std::string> cases[] = {
      {"An\x80h", "AN H"},
      {"An\xBF\xBFh", "AN H"},
      {"Nguy\xE1\xBB", "NGUY"},      // truncated ễ
      {"Nguy\xE1", "NGUY"},
      {"Ng\xC3", "NG"},
      {"\xFF\xFE", ""},
      {std::string("A\0B", 3), "A B"},
      {"A\xF8\x88\x80\x80\x80" "B", "A B"},  // 5-byte form
      {"A\xED\xA0\x80" "B", "A B"},          // surrogate
      {"A\xF4\x90\x80\x80" "B", "A B"},      // above U+10FFFF
      {"A\xF5\x80\x80\x80" "B", "A B"},
      {"A\xF0\x80\x80\x80" "B", "A B"},      // overlong 4-byte
      {"A\xF0\x9F\x98\x80" "B", "A B"},      // emoji
      {"A\xE0\x80" "B", "A B"},
      {"A\xC0" "B", "A B"},
      {"A\xE0\x9F\xBF" "B", "A B"},
      // Overlong forms: separators, as in every other ecid text function. The fold's own decoder
      // read them as the letter or mark they spell (AAB, A1B, AAB, AB). No register stores such
      // a key (the names it folds are well-formed) and the contract forbids them in claims.
      {"A\xC1\x81" "B", "A B"},
      {"A\xC0\xB1" "B", "A B"},
      {"A\xE0\x83\xA0" "B", "A B"},
      {"A\xE0\x8C\x80" "B", "A B"},
  };
  for (const auto& [bytes, key] : cases) EXPECT_EQ(name_key(bytes), key) << ::testing::PrintToString(bytes);
}

}  // namespace
