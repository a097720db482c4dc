// Input that is not a name: every function returns defined, valid UTF-8 and never crashes.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "ecid/text.hpp"

namespace {

using namespace ecid::text;

void expect_all_defined(const std::string& input) {
  const std::string outputs[] = {nfc(input),
                                 normalise_name(input),
                                 name_match_key(input),
                                 strip_key(input),
                                 to_utf8(input),
                                 decode(input, Encoding::Tcvn3),
                                 decode(input, Encoding::Vni),
                                 decode(input, Encoding::Unknown),
                                 decode(input, Encoding::Utf8),
                                 encode_tcvn3(input),
                                 encode_vni(input)};
  for (std::size_t i = 0; i < std::size(outputs); ++i) {
    if (i < 9) {
      EXPECT_TRUE(is_valid_utf8(outputs[i])) << "output " << i;
    }
  }
  const NameParts parts = split_name(input);
  EXPECT_TRUE(is_valid_utf8(parts.surname));
  EXPECT_TRUE(is_valid_utf8(parts.given));
  (void)detect_encoding(input);
  // Same input, same output.
  EXPECT_EQ(name_match_key(input), outputs[2]);
  EXPECT_EQ(strip_key(input), outputs[3]);
}

TEST(HostileInputTest, Empty) {
  expect_all_defined("");
  EXPECT_EQ(nfc(""), "");
  EXPECT_EQ(name_match_key(""), "");
  EXPECT_EQ(strip_key(""), "");
  EXPECT_EQ(decode("", Encoding::Tcvn3), "");
  EXPECT_EQ(detect_encoding(""), Encoding::Utf8);
}

TEST(HostileInputTest, InvalidUtf8BecomesReplacementCharacters) {
  const std::string bad = "Nguy\xD4n \xC0\xAF \xED\xA0\x80 \xF8\x88\x80\x80\x80";
  expect_all_defined(bad);
  EXPECT_EQ(nfc("a\x80"
                "b"),
            "a\uFFFD"
            "b");
  EXPECT_EQ(normalise_name("a\xC3"), "a\uFFFD");
  EXPECT_EQ(name_match_key("\xC0\xAF"), "\uFFFD\uFFFD");  // overlong: one U+FFFD per byte
  EXPECT_EQ(strip_key("A\xFF"
                      "B"),
            "A\uFFFD"
            "B");
}

TEST(HostileInputTest, LoneCombiningMarks) {
  const std::string marks = "\u0301\u0303\u0323";
  expect_all_defined(marks);
  EXPECT_EQ(strip_key(marks), "");
  EXPECT_EQ(nfc(marks), "\u0323\u0301\u0303");  // canonical order: dot below first
  EXPECT_EQ(strip_key(" \u0301 Hoa"), "HOA");
}

TEST(HostileInputTest, NulAndControlBytesAreSpaces) {
  const std::string with_nul(
      "Nguy\0\x01n\x7F"
      "V",
      9);
  expect_all_defined(with_nul);
  EXPECT_EQ(normalise_name(with_nul), "Nguy n V");
  EXPECT_EQ(strip_key(with_nul), "NGUY N V");
  EXPECT_EQ(normalise_name(std::string(5, '\0')), "");
}

TEST(HostileInputTest, OneMegabyteStrings) {
  std::mt19937 rng(1);
  std::string random_bytes(1 << 20, '\0');
  for (char& c : random_bytes) c = static_cast<char>(rng());
  expect_all_defined(random_bytes);

  std::string long_name;
  while (long_name.size() < (1u << 20)) long_name += "Nguyễn Văn Đức Hoà ";
  const std::string key = name_match_key(long_name);
  EXPECT_EQ(key.rfind("nguyễn văn đức hòa nguyễn", 0), 0u);
  EXPECT_EQ(strip_key(long_name).substr(0, 19), "NGUYEN VAN DUC HOA ");
  EXPECT_EQ(decode(encode_vni(long_name), Encoding::Vni), long_name);
}

TEST(HostileInputTest, RandomShortInputs) {
  std::mt19937 rng(42);
  for (int i = 0; i < 20000; ++i) {
    std::string s(rng() % 24, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    expect_all_defined(s);
  }
}

}  // namespace
