// Surname / middle names / given name.
#include <gtest/gtest.h>

#include "ecid/text.hpp"
#include "ecid/testdata/vietnamese_fixture.hpp"

namespace {

using ecid::text::NameParts;
using ecid::text::split_name;

void expect_parts(const char* name, const char* surname, std::vector<std::string> middle,
                  const char* given, bool kinh) {
  const NameParts p = split_name(name);
  EXPECT_EQ(p.surname, surname) << name;
  EXPECT_EQ(p.middle, middle) << name;
  EXPECT_EQ(p.given, given) << name;
  EXPECT_EQ(p.kinh_style, kinh) << name;
}

TEST(SplitNameTest, KinhNames) {
  expect_parts("Nguyễn Văn Đức", "Nguyễn", {"Văn"}, "Đức", true);
  expect_parts("Nguyễn Thị Thu Hương", "Nguyễn", {"Thị", "Thu"}, "Hương", true);
  expect_parts("Nguyễn Hương", "Nguyễn", {}, "Hương", true);
  expect_parts("Nguyễn T. Hương", "Nguyễn", {"T."}, "Hương", true);
  expect_parts("NGUYỄN VĂN ĐỨC", "NGUYỄN", {"VĂN"}, "ĐỨC", true);
  expect_parts("Lê", "Lê", {}, "", true);
  expect_parts("Quách Tuấn Khanh", "Quách", {"Tuấn"}, "Khanh", true);
}

TEST(SplitNameTest, PartsAreNormalised) {
  // Spacing, NFD input and tone placement are normalised in the parts too.
  expect_parts("  Đặng   Thuỷ\tHoà ", "Đặng", {"Thủy"}, "Hòa", true);
  expect_parts("Nguye\u0302\u0303n Va\u0306n", "Nguyễn", {}, "Văn", true);
}

TEST(SplitNameTest, CompoundSurnames) {
  expect_parts("Tôn Nữ Thị Hoa", "Tôn Nữ", {"Thị"}, "Hoa", true);
  expect_parts("Tôn Thất Thuyết", "Tôn Thất", {}, "Thuyết", true);
  expect_parts("Âu Dương Phong", "Âu Dương", {}, "Phong", true);
  expect_parts("Nguyễn Phúc Bửu Lộc", "Nguyễn Phúc", {"Bửu"}, "Lộc", true);
  expect_parts("Công Tằng Tôn Nữ Thị Xuân", "Công Tằng Tôn Nữ", {"Thị"}, "Xuân", true);
  expect_parts("Hoàng Phủ Ngọc Tường", "Hoàng Phủ", {"Ngọc"}, "Tường", true);
  expect_parts("Gia Cát Lượng", "Gia Cát", {}, "Lượng", true);
  expect_parts("TƯ MÃ Ý", "TƯ MÃ", {}, "Ý", true);
  // The given name must remain: two tokens are surname + given name.
  expect_parts("Âu Dương", "Âu", {}, "Dương", true);
  // Only at the start.
  expect_parts("Nguyễn Tôn Nữ Hoa", "Nguyễn", {"Tôn", "Nữ"}, "Hoa", true);
}

TEST(SplitNameTest, MinorityNamesArePositionalOnly) {
  // Ê Đê: the clan name (Niê) is last; Jrai: the clan name (Ksor, Nay) is first. Neither is
  // forced into the Kinh pattern: kinh_style is false and the parts are positional.
  expect_parts("H' Hen Niê", "H'", {"Hen"}, "Niê", false);
  expect_parts("Ksor Y Đhăm", "Ksor", {"Y"}, "Đhăm", false);
  expect_parts("Nay Y Blang", "Nay", {"Y"}, "Blang", false);
  expect_parts("Y Ngông Niê Kdăm", "Y", {"Ngông", "Niê"}, "Kdăm", false);
  expect_parts("John Smith", "John", {}, "Smith", false);
  // A compound surname is not looked for in a name that is not Kinh.
  expect_parts("Tôn Nữ Ksor", "Tôn", {"Nữ"}, "Ksor", false);
}

TEST(SplitNameTest, GeneratedKinhNamesAreKinh) {
  ecid::testing::NameGenerator gen(17);
  for (int i = 0; i < 5000; ++i) {
    const std::string name = gen.name(2 + static_cast<int>(gen.pick(3)));
    const NameParts p = split_name(name);
    EXPECT_TRUE(p.kinh_style) << name;
    std::string joined = p.surname;
    for (const auto& m : p.middle) joined += " " + m;
    joined += " " + p.given;
    EXPECT_EQ(joined, ecid::text::normalise_name(name));
  }
}

TEST(SplitNameTest, EmptyAndOdd) {
  expect_parts("", "", {}, "", true);
  expect_parts("   ", "", {}, "", true);
  const NameParts p = split_name(std::string("A\0B", 3));
  EXPECT_EQ(p.surname, "A");
  EXPECT_EQ(p.given, "B");
}

}  // namespace
