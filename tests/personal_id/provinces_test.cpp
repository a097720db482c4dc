// The compiled province table agrees with the project's data/provinces.csv (its source).
#include <ecid/personal_id.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

// Minimal CSV reader: quoted fields may hold commas.
std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) fields.emplace_back();
      else fields.back() += c;
    }
    rows.push_back(fields);
  }
  return rows;
}

// "41,50–59" → {41, 50, ..., 59}
std::vector<int> plate_list(const std::string& text) {
  std::vector<int> out;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) {
    size_t dash = part.find("\xE2\x80\x93");  // en dash
    if (dash == std::string::npos) dash = part.find('-');
    if (dash == std::string::npos) {
      out.push_back(std::stoi(part));
    } else {
      int lo = std::stoi(part.substr(0, dash));
      int hi = std::stoi(part.substr(part.find_first_of("0123456789", dash)));
      for (int c = lo; c <= hi; ++c) out.push_back(c);
    }
  }
  return out;
}

TEST(Provinces, MatchTheCsvRowByRow) {
  auto rows = read_csv(std::string(ECID_SOURCE_DIR) + "/data/provinces.csv");
  ASSERT_EQ(rows.size(), 64u) << "header + 63 rows";
  EXPECT_EQ(rows[0][0], "id_code");
  auto table = ecid::provinces();
  ASSERT_EQ(table.size(), 63u);
  for (size_t i = 0; i < 63; ++i) {
    const auto& r = rows[i + 1];
    ASSERT_EQ(r.size(), 5u);
    const ecid::Province& p = table[i];
    EXPECT_EQ(p.id_code, std::stoi(r[0]));
    EXPECT_EQ(p.name, r[1]);
    std::vector<int> plates;
    for (int c : plate_list(std::string(p.plate_codes))) plates.push_back(c);
    EXPECT_EQ(plates, plate_list(r[2])) << r[1];
    EXPECT_EQ(p.merged_name, r[3]);
    EXPECT_EQ(p.merged_code, std::stoi(r[4]));
    EXPECT_EQ(ecid::province_by_id_code(p.id_code), &p);
  }
}

TEST(Provinces, SortedUniqueAndMergedInto34) {
  std::set<int> codes;
  std::map<int, std::string> merged;
  int previous = 0;
  for (const ecid::Province& p : ecid::provinces()) {
    EXPECT_GT(p.id_code, previous);
    previous = p.id_code;
    codes.insert(p.id_code);
    auto [it, inserted] = merged.emplace(p.merged_code, std::string(p.merged_name));
    EXPECT_EQ(it->second, p.merged_name) << "one name per merged code";
    // Every new code is one of the old ones (the new code is the host province's old code).
    EXPECT_NE(ecid::province_by_id_code(p.merged_code), nullptr) << p.merged_code;
  }
  EXPECT_EQ(codes.size(), 63u);
  EXPECT_EQ(merged.size(), 34u);
  EXPECT_EQ(ecid::province_by_id_code(74)->merged_name, "TP Hồ Chí Minh");
  EXPECT_EQ(ecid::province_by_id_code(80)->merged_code, 80);
  EXPECT_EQ(ecid::province_by_id_code(72)->merged_code, 80);
  EXPECT_EQ(ecid::province_by_id_code(0), nullptr);
  EXPECT_EQ(ecid::province_by_id_code(-1), nullptr);
  EXPECT_EQ(ecid::province_by_id_code(1000), nullptr);
}

TEST(Provinces, PlateCodesMapBackToOneProvince) {
  std::map<int, int> owner;
  for (const ecid::Province& p : ecid::provinces()) {
    for (int plate : plate_list(std::string(p.plate_codes))) {
      EXPECT_TRUE(owner.emplace(plate, p.id_code).second) << "plate " << plate << " twice";
      const ecid::Province* found = ecid::province_by_plate_code(plate);
      ASSERT_NE(found, nullptr) << plate;
      EXPECT_EQ(found->id_code, p.id_code) << plate;
    }
  }
  EXPECT_EQ(ecid::province_by_plate_code(30)->name, "Hà Nội");
  EXPECT_EQ(ecid::province_by_plate_code(55)->name, "TP Hồ Chí Minh");
  EXPECT_EQ(ecid::province_by_plate_code(60)->name, "Đồng Nai");
  for (int unused = 0; unused < 100; ++unused) {
    if (owner.count(unused) == 0) {
      EXPECT_EQ(ecid::province_by_plate_code(unused), nullptr) << unused;
    }
  }
  EXPECT_EQ(ecid::province_by_plate_code(80), nullptr);  // central agencies, not a province
  EXPECT_EQ(ecid::province_by_plate_code(-1), nullptr);
  EXPECT_EQ(ecid::province_by_plate_code(100), nullptr);
}

}  // namespace
