// Plate rules (ecid/plate.hpp): every spelling of a plate gives one key, impossible plates are
// refused with the rule they break, and the locality code names its province from the one
// province table.
#include <ecid/personal_id.hpp>
#include <ecid/plate.hpp>

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace {

struct Good {
  std::string text, key, display;
  ecid::PlateKind kind;
  std::string series, serial;
};

}  // namespace

TEST(Plate, CommonSpellingsParseToOneKey) {
  const std::vector<Good> good = {
      {"30A-123.45", "30A12345", "30A-123.45", ecid::PlateKind::Car, "A", "12345"},
      {"30a12345", "30A12345", "30A-123.45", ecid::PlateKind::Car, "A", "12345"},
      {" 30A 123 45 ", "30A12345", "30A-123.45", ecid::PlateKind::Car, "A", "12345"},
      {"30A-12345", "30A12345", "30A-123.45", ecid::PlateKind::Car, "A", "12345"},
      {"29A-1234", "29A1234", "29A-1234", ecid::PlateKind::Car, "A", "1234"},
      {"51K-678.90", "51K67890", "51K-678.90", ecid::PlateKind::Car, "K", "67890"},
      {"29-B1 123.45", "29B112345", "29-B1 123.45", ecid::PlateKind::Motorbike, "B1", "12345"},
      {"29B1-123.45", "29B112345", "29-B1 123.45", ecid::PlateKind::Motorbike, "B1", "12345"},
      {"29-b1 12345", "29B112345", "29-B1 123.45", ecid::PlateKind::Motorbike, "B1", "12345"},
      {"29-AB 012.34", "29AB01234", "29-AB 012.34", ecid::PlateKind::Motorbike, "AB", "01234"},
      {"29AB01234", "29AB01234", "29-AB 012.34", ecid::PlateKind::Motorbike, "AB", "01234"},
      {"29-MĐ1 013.53", "29MD101353", "29-MĐ1 013.53", ecid::PlateKind::Motorbike, "MĐ1", "01353"},
      {"29-mđ1 01353", "29MD101353", "29-MĐ1 013.53", ecid::PlateKind::Motorbike, "MĐ1", "01353"},
      {"29MD101353", "29MD101353", "29-MĐ1 013.53", ecid::PlateKind::Motorbike, "MĐ1", "01353"},
      {"51LD-123.45", "51LD12345", "51LD-123.45", ecid::PlateKind::Special, "LD", "12345"},
      {"51-LD 123.45", "51LD12345", "51LD-123.45", ecid::PlateKind::Special, "LD", "12345"},
      {"80NG-123.45", "80NG12345", "80NG-123.45", ecid::PlateKind::Special, "NG", "12345"},
      {"29QT-1234", "29QT1234", "29QT-1234", ecid::PlateKind::Special, "QT", "1234"},
      {"15R-012.34", "15R01234", "15R-012.34", ecid::PlateKind::Trailer, "R", "01234"},
      {"99Z-000.01", "99Z00001", "99Z-000.01", ecid::PlateKind::Car, "Z", "00001"},
  };
  for (const Good& g : good) {
    const ecid::PlateParse r = ecid::parse_plate(g.text);
    ASSERT_TRUE(r.plate) << g.text << ": " << r.problem;
    EXPECT_EQ(r.plate->key, g.key) << g.text;
    EXPECT_EQ(r.plate->display, g.display) << g.text;
    EXPECT_EQ(r.plate->kind, g.kind) << g.text;
    EXPECT_EQ(r.plate->series, g.series) << g.text;
    EXPECT_EQ(r.plate->serial, g.serial) << g.text;
    EXPECT_TRUE(r.problem.empty());
    // The key and the display are spellings too, and give the same plate.
    EXPECT_EQ(ecid::plate_key(r.plate->key), g.key);
    EXPECT_EQ(ecid::plate_key(r.plate->display), g.key);
  }
}

TEST(Plate, LocalityCodeNamesTheProvince) {
  // Every plate code of the province table, and only those (plus 80), is a locality.
  std::set<int> codes;
  for (const ecid::Province& p : ecid::provinces()) {
    std::string_view rest = p.plate_codes;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      codes.insert(std::stoi(std::string(rest.substr(0, comma))));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  for (int code = 0; code < 100; ++code) {
    char text[16];
    std::snprintf(text, sizeof text, "%02dA-123.45", code);
    const ecid::PlateParse r = ecid::parse_plate(text);
    if (code == 80) {
      ASSERT_TRUE(r.plate) << r.problem;
      EXPECT_TRUE(r.plate->central_agencies());
      EXPECT_EQ(r.plate->province, nullptr);
    } else if (codes.count(code)) {
      ASSERT_TRUE(r.plate) << text << ": " << r.problem;
      ASSERT_NE(r.plate->province, nullptr);
      EXPECT_EQ(r.plate->province, ecid::province_by_plate_code(code));
    } else {
      EXPECT_FALSE(r.plate) << text;
      EXPECT_NE(r.problem.find("locality code"), std::string::npos) << r.problem;
    }
  }
  // The unused codes docs/domain.md §1.4 names are among the refused ones.
  for (const char* unused : {"13", "42", "44", "45", "46", "87", "91", "96"})
    EXPECT_FALSE(ecid::parse_plate(std::string(unused) + "A-123.45").plate) << unused;
  const auto hn = ecid::parse_plate("30A-123.45");
  EXPECT_EQ(hn.plate->province->name, "Hà Nội");
  const auto hd = ecid::parse_plate("34A-123.45");
  EXPECT_EQ(hd.plate->province->name, "Hải Dương");
  EXPECT_EQ(hd.plate->province->merged_name, "Hải Phòng");
}

TEST(Plate, ImpossiblePlatesAreRefusedWithTheRule) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "empty"},
      {"   ", "empty"},
      {"A30-123.45", "locality"},
      {"3A-123.45", "locality"},
      {"13A-123.45", "locality code 13"},
      {"30I-123.45", "obsolete"},
      {"30J-123.45", "obsolete"},
      {"30O-123.45", "obsolete"},
      {"30Q-123.45", "obsolete"},
      {"30W-123.45", "W"},
      {"29-R1 123.45", "trailer"},
      {"30A-000.00", "never issued"},
      {"29A-0000", "never issued"},
      {"29-B0 123.45", "1-9"},
      {"30A-123.4", "before the last two digits"},
      {"30A-123.456", "before the last two digits"},
      {"30A-12.3.45", "before the last two digits"},
      {"30A-123456", "6 digits"},
      {"30ABC-123.45", "at most two letters"},
      {"30-123.45", "no series letter"},
      {"30A-12A.45", "digits only"},
      {"29-AB 1234", "5-digit"},
      {"29-B 123.45", "motorbike"},    // a motorbike layout with no series digit
      {"29-B1 1234", "motorbike"},     // 4-digit motorbike serials are not used
      {"29-MĐ 123.45", "MĐ"},
      {"29-MD 123.45", "MĐ"},
      {"30Đ-123.45", "MĐ"},
      {"29-MĐĐ1 123.45", "once"},
      {"30A_123.45", "only letters"},
      {"30A–123.45", "only letters"},  // an en dash
      {"30А-123.45", "only letters"},  // Cyrillic А
      {std::string(40, '1'), "32 bytes"},
  };
  for (const auto& [text, why] : bad) {
    const ecid::PlateParse r = ecid::parse_plate(text);
    EXPECT_FALSE(r.plate) << text;
    EXPECT_NE(r.problem.find(why), std::string::npos) << text << ": " << r.problem;
    EXPECT_EQ(r.problem.find('\n'), std::string::npos);
    EXPECT_FALSE(ecid::plate_key(text));
  }
}

// Random input: never a crash, and whatever parses is stable (its key and display reparse to it).
TEST(Plate, RandomInputIsStable) {
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789ABDIMRZabdz -.\t\xC4\x90\xC4\x91";
  int parsed = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string text;
    if (i % 2) {
      const size_t n = rng() % 14;
      for (size_t k = 0; k < n; ++k) text += alphabet[rng() % alphabet.size()];
    } else {
      // Plate-shaped: locality, 1-3 letters (sometimes Đ), an optional digit, 4-6 digits, with
      // separators anywhere.
      const std::string letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
      auto sep = [&] { return std::string(rng() % 3 == 0 ? 1 : 0, " -."[rng() % 3]); };
      text += std::to_string(10 + rng() % 90) + sep();
      for (size_t k = 0, n = 1 + rng() % 3; k < n; ++k) text += rng() % 40 == 0 ? "\xC4\x90" : std::string(1, letters[rng() % 26]);
      if (rng() % 2) text += std::to_string(rng() % 10);
      text += sep();
      for (size_t k = 0, n = 4 + rng() % 3; k < n; ++k) text += std::to_string(rng() % 10) + (rng() % 6 == 0 ? sep() : "");
    }
    const ecid::PlateParse r = ecid::parse_plate(text);
    if (!r.plate) {
      EXPECT_FALSE(r.problem.empty()) << text;
      continue;
    }
    ++parsed;
    const ecid::PlateParse again = ecid::parse_plate(r.plate->display);
    ASSERT_TRUE(again.plate) << text << " → " << r.plate->display;
    EXPECT_EQ(again.plate->key, r.plate->key) << text;
    EXPECT_EQ(again.plate->display, r.plate->display) << text;
    EXPECT_EQ(ecid::parse_plate(r.plate->key).plate->display, r.plate->display) << text;
  }
  EXPECT_GT(parsed, 5000);
}

TEST(Plate, KindNames) {
  for (ecid::PlateKind k : {ecid::PlateKind::Car, ecid::PlateKind::Motorbike, ecid::PlateKind::Special, ecid::PlateKind::Trailer})
    EXPECT_EQ(ecid::plate_kind_by_name(ecid::plate_kind_name(k)), k);
  EXPECT_FALSE(ecid::plate_kind_by_name("boat"));
}
