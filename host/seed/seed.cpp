// The synthetic population register generator.
//
// Two passes keep memory at ~24 bytes per person whatever the register size:
//  1. walk households in order and assign every member's ID number (and legacy number), keeping
//     only (ID, household, member);
//  2. sort by ID and regenerate each member's full record from per-household and per-member
//     random streams, inserting rows in ascending key order (the fastest way to build a B-tree).
// Every random draw comes from a stream keyed by (seed, purpose, household, member), so pass 2
// sees exactly what pass 1 saw and the output depends on nothing but (people, seed).
#include <ecid/personal_id.hpp>
#include <ecid/register_schema.hpp>
#include <ecid/seed.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <exception>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

namespace ecid {
namespace {

constexpr int kReferenceYear = 2025;  // register_schema::kReferenceDate
constexpr int kReferenceMonth = 6;
constexpr int kReferenceDay = 30;

// Random suffixes are drawn from 001000-998999: suffixes 000000-000999 belong to the fixture
// citizens and 999000-999999 are never issued, so samples can name IDs that are surely absent.
constexpr uint64_t kSuffixFirst = 1000;
constexpr uint64_t kSuffixCount = 998000;
constexpr uint64_t kLegacyCount = 1000000000;
constexpr int64_t kFirstRandomHousehold = 101;  // 1..10 are the fixtures' households

// --- deterministic random streams ------------------------------------------------------------

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t x = a ^ (b * 0xD6E8FEB86659FD93ull);
  return splitmix64(x);
}

enum Stream : uint64_t {
  kHouseholdShape = 1,
  kHouseholdText = 2,
  kPersonCore = 3,
  kPersonText = 4,
  kSuffixKey = 5,
  kLegacyKey = 6,
  // The vehicle and organisation registers.
  kVehicle = 7,
  kPlateSerialKey = 8,
  kOrganisation = 9,
  kOrganisationKey = 10,
};

// xoshiro256**: small, fast and the same on every platform (std distributions are not).
class Rng {
 public:
  Rng(uint64_t seed, Stream stream, uint64_t a, uint64_t b = 0) {
    uint64_t x = mix(mix(mix(seed, stream), a), b);
    for (auto& word : s_) word = splitmix64(x);
  }
  uint64_t next() {
    uint64_t result = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n); n > 0. Multiply-shift: deterministic, bias below 2^-32 for our n.
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  int between(int lo, int hi) { return lo + static_cast<int>(below(static_cast<uint64_t>(hi - lo + 1))); }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  template <class T, size_t N>
  const T& pick(const std::array<T, N>& items) { return items[below(N)]; }
  template <class T>
  const T& pick(const std::vector<T>& items) { return items[below(items.size())]; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// A keyed pseudo-random permutation of [0, domain) (Feistel network + cycle walking): the n-th
// ID drawn in a bucket is unique by construction, yet looks random.
uint64_t permute(uint64_t value, uint64_t domain, int half_bits, uint64_t key) {
  const uint64_t mask = (uint64_t{1} << half_bits) - 1;
  do {
    uint64_t left = value >> half_bits, right = value & mask;
    for (uint64_t round = 0; round < 4; ++round) {
      uint64_t f = mix(key + round, right) & mask;
      uint64_t next_right = left ^ f;
      left = right;
      right = next_right;
    }
    value = (left << half_bits) | right;
  } while (value >= domain);
  return value;
}

// A weighted choice over a fixed table, by cumulative weights.
class WeightedPick {
 public:
  explicit WeightedPick(std::vector<uint32_t> weights) : cumulative_(std::move(weights)) {
    for (size_t i = 1; i < cumulative_.size(); ++i) cumulative_[i] += cumulative_[i - 1];
  }
  size_t operator()(Rng& rng) const {
    uint64_t x = rng.below(cumulative_.back());
    return static_cast<size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), x) -
                               cumulative_.begin());
  }

 private:
  std::vector<uint32_t> cumulative_;
};

// --- geography ----------------------------------------------------------------------------

// 2019 census population (thousands) per ID province code: births are registered roughly in
// proportion to it.
constexpr std::array<std::pair<int, uint32_t>, 63> kPopulation = {{
    {1, 8054}, {2, 854},  {4, 530},  {6, 314},  {8, 785},  {10, 731}, {11, 599}, {12, 460},
    {14, 1248}, {15, 822}, {17, 855}, {19, 1287}, {20, 782}, {22, 1321}, {24, 1804}, {25, 1464},
    {26, 1152}, {27, 1369}, {30, 1893}, {31, 2029}, {33, 1253}, {34, 1861}, {35, 853}, {36, 1781},
    {37, 982},  {38, 3641}, {40, 3327}, {42, 1289}, {44, 896},  {45, 633},  {46, 1129}, {48, 1134},
    {49, 1496}, {51, 1231}, {52, 1487}, {54, 873},  {56, 1232}, {58, 591},  {60, 1231}, {62, 540},
    {64, 1514}, {66, 1870}, {67, 622},  {68, 1297}, {70, 995},  {72, 1169}, {74, 2426}, {75, 3097},
    {77, 1148}, {79, 8993}, {80, 1689}, {82, 1765}, {83, 1289}, {84, 1009}, {86, 1023}, {87, 1600},
    {89, 1908}, {91, 1723}, {92, 1236}, {93, 734},  {94, 1200}, {95, 907},  {96, 1194},
}};

enum class Region { NorthDelta, NorthMountain, Central, Highlands, South };

Region region_of(int code) {
  switch (code) {
    case 2: case 4: case 6: case 8: case 10: case 11: case 12: case 14: case 15: case 17: case 20:
      return Region::NorthMountain;
    case 62: case 64: case 66: case 67: case 68:
      return Region::Highlands;
    default:
      break;
  }
  if (code <= 37) return Region::NorthDelta;
  if (code < 70) return Region::Central;
  return Region::South;
}

// "thành phố Hà Nội", "tỉnh Ninh Bình", "Thành phố Hồ Chí Minh": the post-2025 province line.
std::string_view merged_province_line(const Province& p) {
  static const auto lines = [] {
    std::array<std::string, 97> out;
    for (const Province& q : provinces()) {
      std::string_view name = q.merged_name;
      if (q.merged_code == 79) out[q.id_code] = "Thành phố Hồ Chí Minh";
      else if (q.merged_code == 1 || q.merged_code == 31 || q.merged_code == 46 ||
               q.merged_code == 48 || q.merged_code == 92)
        out[q.id_code] = "thành phố " + std::string(name);
      else out[q.id_code] = "tỉnh " + std::string(name);
    }
    return out;
  }();
  return lines[p.id_code];
}

// The pre-2025 province line, for places of birth and hometowns recorded long ago.
std::string_view old_province_line(const Province& p) {
  static const auto lines = [] {
    std::array<std::string, 97> out;
    for (const Province& q : provinces()) {
      if (q.id_code == 79) out[q.id_code] = "Thành phố Hồ Chí Minh";
      else if (q.id_code == 1 || q.id_code == 31 || q.id_code == 48 || q.id_code == 92)
        out[q.id_code] = "thành phố " + std::string(q.name);
      else out[q.id_code] = "tỉnh " + std::string(q.name);
    }
    return out;
  }();
  return lines[p.id_code];
}

using Names = std::vector<std::string_view>;

struct CommuneList {
  Names wards;     // phường
  Names communes;  // xã
};

const CommuneList& communes_of(int merged_code, Region region) {
  static const CommuneList ha_noi{
      {"Ba Đình", "Ngọc Hà", "Giảng Võ", "Hoàn Kiếm", "Cửa Nam", "Hai Bà Trưng", "Bạch Mai",
       "Vĩnh Tuy", "Đống Đa", "Kim Liên", "Láng", "Ô Chợ Dừa", "Tây Hồ", "Phú Thượng", "Cầu Giấy",
       "Nghĩa Đô", "Yên Hòa", "Thanh Xuân", "Khương Đình", "Hoàng Mai", "Định Công", "Long Biên",
       "Bồ Đề", "Hà Đông", "Kiến Hưng", "Sơn Tây", "Tùng Thiện"},
      {"Sóc Sơn", "Đông Anh", "Thư Lâm", "Gia Lâm", "Bát Tràng", "Thanh Trì", "Ba Vì", "Chương Mỹ",
       "Thường Tín", "Phú Xuyên", "Mê Linh", "Quốc Oai"}};
  static const CommuneList ho_chi_minh{
      {"Sài Gòn", "Bến Thành", "Tân Định", "Cầu Ông Lãnh", "Bàn Cờ", "Xuân Hòa", "Nhiêu Lộc",
       "Chợ Lớn", "Bình Tây", "Chánh Hưng", "Gia Định", "Bình Thạnh", "Thạnh Mỹ Tây",
       "Tân Sơn Nhất", "Tân Bình", "Phú Nhuận", "Thủ Đức", "Linh Xuân", "Hiệp Bình", "An Khánh",
       "Thủ Dầu Một", "Dĩ An", "Thuận An", "Vũng Tàu", "Bà Rịa"},
      {"Củ Chi", "Hóc Môn", "Bình Chánh", "Nhà Bè", "Cần Giờ", "Long Sơn", "Dầu Tiếng"}};
  static const CommuneList da_nang{
      {"Hải Châu", "Hòa Cường", "Thanh Khê", "An Khê", "Sơn Trà", "An Hải", "Ngũ Hành Sơn",
       "Liên Chiểu", "Cẩm Lệ", "Hội An", "Tam Kỳ"},
      {"Hòa Vang", "Bà Nà", "Duy Xuyên", "Thăng Bình", "Núi Thành"}};
  static const CommuneList hai_phong{
      {"Hồng Bàng", "Ngô Quyền", "Gia Viên", "Lê Chân", "An Biên", "Hải An", "Kiến An", "Đồ Sơn",
       "Hải Dương", "Thành Đông", "Chí Linh"},
      {"An Lão", "Tiên Lãng", "Vĩnh Bảo", "Kiến Thụy", "Thanh Hà", "Ninh Giang"}};
  static const CommuneList hue{
      {"Thuận Hóa", "Phú Xuân", "Kim Long", "Vỹ Dạ", "Thủy Xuân", "Hương Thủy", "Hương Trà"},
      {"Phú Vang", "Quảng Điền", "Phong Điền", "A Lưới"}};
  static const CommuneList can_tho{
      {"Ninh Kiều", "Cái Khế", "Tân An", "An Bình", "Bình Thủy", "Cái Răng", "Ô Môn", "Sóc Trăng",
       "Vị Thanh"},
      {"Phong Điền", "Thới Lai", "Cờ Đỏ", "Mỹ Xuyên", "Long Mỹ"}};
  static const CommuneList lowland{
      {"Tân An", "Hòa Bình", "Quang Trung", "Trần Phú", "Thống Nhất", "Hồng Hà", "Đông Thành",
       "Bắc Sơn", "Nam Sơn", "Tân Lập", "Phú Lợi", "Hòa Thuận", "An Phú", "Minh Khai", "Tân Tiến",
       "Quyết Thắng", "Trường Thi", "Thành Công", "Đông Hải", "Tân Sơn"},
      {"Tân Thạnh", "Hải Hậu", "Nghi Lộc", "Yên Thành", "Hòa An", "Phú Mỹ", "Long Hưng",
       "Bình Minh", "Đông Hưng", "Kim Sơn", "Thạch Hà", "Quảng Xương", "Vĩnh Lộc", "Tam Nông",
       "Châu Thành", "Cái Bè", "Thanh Sơn", "Tiên Yên", "Đông Sơn", "Yên Định", "Hưng Nguyên",
       "Cẩm Xuyên", "Mỹ Tú", "Thới Bình", "Phước Long"}};
  static const CommuneList mountain{
      {"Tân An", "Bắc Sơn", "Nam Thanh", "Hòa Chung", "Tân Phong", "Đông Tiến", "Quyết Tiến"},
      {"Mường Khương", "Bảo Yên", "Mù Cang Chải", "Mường Tè", "Sìn Hồ", "Đồng Văn", "Mèo Vạc",
       "Bảo Lạc", "Ba Bể", "Mường Nhé", "Tủa Chùa", "Thuận Châu", "Mai Châu"}};
  static const CommuneList highlands{
      {"Tân An", "Tân Lợi", "Thống Nhất", "Hội Thương", "Thắng Lợi", "Tân Tiến", "Ea Tam"},
      {"Ea Kar", "Krông Pắc", "Cư M'gar", "Ea H'leo", "Krông Búk", "Ia Grai", "Chư Prông",
       "Đăk Hà", "Đắk Mil", "Lâm Hà", "Đam Rông"}};
  switch (merged_code) {
    case 1: return ha_noi;
    case 79: return ho_chi_minh;
    case 48: return da_nang;
    case 31: return hai_phong;
    case 46: return hue;
    case 92: return can_tho;
    default: break;
  }
  if (region == Region::NorthMountain) return mountain;
  if (region == Region::Highlands) return highlands;
  return lowland;
}

const Names kStreets = {
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Lý Thường Kiệt", "Hai Bà Trưng", "Quang Trung",
    "Nguyễn Huệ", "Lê Duẩn", "Điện Biên Phủ", "Hùng Vương", "Võ Thị Sáu", "Phan Đình Phùng",
    "Trần Phú", "Nguyễn Du", "Bà Triệu", "Lê Thánh Tông", "Hoàng Diệu", "Nguyễn Văn Cừ",
    "Lạc Long Quân", "Âu Cơ", "Phan Chu Trinh", "Nguyễn Thị Minh Khai", "Lê Hồng Phong",
    "Ngô Quyền", "Trần Quốc Toản", "Nguyễn Chí Thanh", "Võ Văn Kiệt", "Phạm Văn Đồng",
    "Tôn Đức Thắng", "Lý Tự Trọng", "Nguyễn Đình Chiểu", "Cách Mạng Tháng Tám", "Trường Chinh",
    "Hoàng Văn Thụ", "Lê Văn Sỹ", "Kim Mã", "Đội Cấn", "Hàng Bông", "Lạch Tray", "Bạch Đằng"};
const Names kHamlets = {"Đông", "Đoài", "Thượng", "Hạ", "Trung", "Nam", "Bắc", "Tiền", "Hậu",
                        "Phú Xá", "An Lạc", "Yên Phú", "Đông Hòa", "Tân Lập", "Hòa Bình",
                        "Thống Nhất"};
const Names kVillages = {"Nà Phặc", "Pác Nặm", "Nậm Cang", "Tả Van", "Hua Pan", "Co Mạ",
                         "Nà Sản", "Bó Mạ", "Phiêng Lằn"};
const Names kHighlandVillages = {"Buôn Ako Dhông", "Buôn Kô Tam", "Buôn Đôn", "Buôn Ma Đuk",
                                 "Buôn Trấp", "Làng Plei Ốp", "Làng Kon Klor", "Làng Plei Chuet"};
const Names kSouthernHamlets = {"Tân Hòa", "Phú Lợi", "Bình An", "Long Thạnh", "Mỹ Hòa",
                                "An Thới", "Thạnh Phú"};

void append_number(std::string& out, int n) { out += std::to_string(n); }

// A full post-2025 address line: street or hamlet, commune, province.
void make_address(Rng& rng, const Province& province, bool urban, std::string& out) {
  out.clear();
  Region region = region_of(province.id_code);
  const CommuneList& list = communes_of(province.merged_code, region);
  bool ha_noi = province.merged_code == 1;
  if (urban) {
    int n = rng.between(1, 220);
    uint64_t shape = rng.below(100);
    if (region == Region::South) {
      if (shape < 45) { out += "Số "; append_number(out, n); out += " đường "; out += rng.pick(kStreets); }
      else if (shape < 70) { out += "Số "; append_number(out, n); out += '/'; append_number(out, rng.between(1, 60)); out += " đường "; out += rng.pick(kStreets); }
      else if (shape < 85) { out += "Số "; append_number(out, n); out += " hẻm "; append_number(out, rng.between(1, 400)); out += " đường "; out += rng.pick(kStreets); }
      else { out += "Khu phố "; append_number(out, rng.between(1, 12)); }
    } else {
      std::string_view street_kind = ha_noi ? " phố " : " đường ";
      if (shape < 45) { out += "Số "; append_number(out, n); out += street_kind; out += rng.pick(kStreets); }
      else if (shape < 75) { out += "Số "; append_number(out, n); out += " ngõ "; append_number(out, rng.between(1, 300)); out += street_kind; out += rng.pick(kStreets); }
      else if (shape < 85 && ha_noi) { out += "Số "; append_number(out, n); out += " ngách "; append_number(out, rng.between(1, 80)); out += " ngõ "; append_number(out, rng.between(1, 300)); out += street_kind; out += rng.pick(kStreets); }
      else { out += "Tổ "; append_number(out, rng.between(1, 40)); }
    }
    out += ", phường ";
    out += rng.pick(list.wards);
  } else {
    switch (region) {
      case Region::South:
        if (rng.chance(0.5)) { out += "Ấp "; append_number(out, rng.between(1, 9)); }
        else { out += "Ấp "; out += rng.pick(kSouthernHamlets); }
        break;
      case Region::NorthMountain:
        if (rng.chance(0.7)) { out += "Bản "; out += rng.pick(kVillages); }
        else { out += "Thôn "; out += rng.pick(kHamlets); }
        break;
      case Region::Highlands:
        if (rng.chance(0.5)) out += rng.pick(kHighlandVillages);
        else { out += "Thôn "; append_number(out, rng.between(1, 12)); }
        break;
      default:
        if (rng.chance(0.6)) { out += "Thôn "; out += rng.pick(kHamlets); }
        else { out += "Xóm "; append_number(out, rng.between(1, 15)); }
        break;
    }
    out += ", xã ";
    out += rng.pick(list.communes);
  }
  out += ", ";
  out += merged_province_line(province);
}

bool big_city(int merged_code) {
  return merged_code == 1 || merged_code == 79 || merged_code == 48 || merged_code == 31 ||
         merged_code == 46 || merged_code == 92;
}

// "xã Hải Hậu, tỉnh Nam Định": a place recorded before 2025, so in the old province.
void make_old_place(Rng& rng, const Province& province, std::string& out) {
  out.clear();
  const CommuneList& list = communes_of(province.merged_code, region_of(province.id_code));
  if (rng.chance(big_city(province.merged_code) ? 0.6 : 0.25)) { out += "phường "; out += rng.pick(list.wards); }
  else { out += "xã "; out += rng.pick(list.communes); }
  out += ", ";
  out += old_province_line(province);
}

// --- names ----------------------------------------------------------------------------------

struct WeightedNames {
  Names names;
  WeightedPick pick;
  WeightedNames(std::initializer_list<std::pair<std::string_view, uint32_t>> items)
      : names(), pick([&] {
          std::vector<uint32_t> w;
          for (const auto& item : items) w.push_back(item.second);
          return w;
        }()) {
    for (const auto& item : items) names.push_back(item.first);
  }
  std::string_view operator()(Rng& rng) const { return names[pick(rng)]; }
};

const WeightedNames& surnames() {
  // Approximate shares (per mille) of Vietnamese surnames.
  static const WeightedNames table{
      {"Nguyễn", 380}, {"Trần", 110}, {"Lê", 95}, {"Phạm", 70}, {"Hoàng", 51}, {"Phan", 45},
      {"Vũ", 39}, {"Đặng", 21}, {"Bùi", 20}, {"Đỗ", 14}, {"Hồ", 13}, {"Ngô", 13}, {"Dương", 10},
      {"Lý", 5}, {"Đinh", 8}, {"Trương", 8}, {"Lâm", 5}, {"Mai", 5}, {"Cao", 4}, {"Hà", 5},
      {"Tạ", 3}, {"Lương", 4}, {"Đoàn", 5}, {"Trịnh", 4}, {"Quách", 2}, {"Tô", 2}, {"Chu", 2},
      {"Kiều", 1}, {"Lưu", 3}, {"La", 1}, {"Thái", 2}, {"Châu", 2}, {"Tăng", 1}, {"Phùng", 2},
      {"Khúc", 1}, {"Âu Dương", 1}, {"Tôn Thất", 1}, {"Nguyễn Phúc", 1}};
  return table;
}

// Southern spellings of the same surnames (Hoàng → Huỳnh, Vũ → Võ).
std::string_view regional_surname(std::string_view s, Region region, Rng& rng) {
  bool south = region == Region::South || region == Region::Central;
  if (south && s == "Hoàng" && rng.chance(0.7)) return "Huỳnh";
  if (south && s == "Vũ" && rng.chance(0.7)) return "Võ";
  return s;
}

// Surname as a person of `sex` carries it: the Tôn Thất lineage's daughters are Tôn Nữ.
std::string_view surname_for_sex(std::string_view s, char sex) {
  if (sex == 'F' && s == "Tôn Thất") return "Tôn Nữ";
  if (sex == 'M' && s == "Tôn Nữ") return "Tôn Thất";
  return s;
}

const WeightedNames& male_middles() {
  static const WeightedNames table{
      {"Văn", 40}, {"Đức", 8}, {"Minh", 10}, {"Quang", 5}, {"Hữu", 5}, {"Công", 4}, {"Thành", 4},
      {"Xuân", 3}, {"Ngọc", 3}, {"Tuấn", 2}, {"Gia", 3}, {"Hoàng", 3}, {"Anh", 3}, {"Đình", 5},
      {"Duy", 3}, {"Trọng", 3}, {"Bảo", 3}, {"Quốc", 4}, {"Thanh", 4}, {"Tiến", 2}, {"Nhật", 2},
      {"Tấn", 2}};
  return table;
}
const WeightedNames& female_middles() {
  static const WeightedNames table{
      {"Thị", 45}, {"Thu", 6}, {"Ngọc", 8}, {"Thanh", 5}, {"Minh", 4}, {"Hồng", 4}, {"Thùy", 4},
      {"Thủy", 2}, {"Phương", 4}, {"Bích", 3}, {"Kim", 4}, {"Mai", 2}, {"Diệu", 2}, {"Khánh", 3},
      {"Bảo", 3}, {"Hoài", 2}, {"Tuyết", 2}, {"Mỹ", 3}, {"Lan", 2}, {"Hải", 2}};
  return table;
}
// Given names include near-homographs (Hương/Hường, Đức/Dục) that fold to one key.
const Names kMaleGiven = {
    "An", "Anh", "Bảo", "Bình", "Cường", "Công", "Dũng", "Duy", "Dương", "Đạt", "Đức", "Dục",
    "Giang", "Hải", "Hiếu", "Hòa", "Hoàng", "Hùng", "Huy", "Hưng", "Khang", "Khánh", "Khoa",
    "Kiên", "Lâm", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Nhân", "Phát", "Phong", "Phúc", "Quân",
    "Quang", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thịnh", "Toàn", "Trí", "Trung", "Tuấn",
    "Tùng", "Việt", "Vinh", "Vũ", "Bảy", "Tư", "Hưởng"};
const Names kFemaleGiven = {
    "An", "Anh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hằng", "Hạnh", "Hiền", "Hoa",
    "Hồng", "Hương", "Hường", "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân",
    "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thu", "Thủy", "Thùy",
    "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Yến", "Ánh", "Xuân", "Lụa"};
const Names kNicknames = {"Hai", "Ba", "Tư", "Út", "Bé", "Tí", "Cu", "Bi"};

// Name styles of ethnic groups whose names do not follow the Kinh pattern.
enum class NameStyle : uint8_t { Kinh, EDe, Jrai, Hmong, Thai, Khmer };

const Names kEDeClans = {"Niê", "Êban", "Mlô", "Ayŭn", "Byă", "Hđơk", "Knul", "Adrơng"};
const Names kEDeFemale = {"Hen", "Bia", "Lan", "Nguyên", "Blô", "Djuin", "Huê", "Mai"};
const Names kEDeMale = {"Đhăm", "Blin", "Moan", "Ngông", "Jút", "Wang", "Tlang", "Khu"};
const Names kJraiClans = {"Ksor", "Rơ Châm", "Siu", "Rah Lan", "Rơ Mah", "Kpă", "Nay", "Puih"};
const Names kJraiGiven = {"Đhăm", "Blin", "Mlan", "Hyơr", "Nhung", "Phun", "Tuk", "Hlin"};
const Names kHmongClans = {"Giàng", "Sùng", "Vàng", "Thào", "Hờ", "Mùa", "Vừ", "Lầu"};
const Names kHmongGiven = {"Páo", "Chư", "Dế", "Sử", "Mỷ", "Dua", "Tráng", "Sinh", "Chá"};
const Names kThaiClans = {"Lò", "Lường", "Cầm", "Quàng", "Tòng", "Lù"};
const Names kThaiGiven = {"Hặc", "Khăm", "Ón", "Pọm", "Xiêng", "Ún", "Ính", "Tươi"};
const Names kKhmerClans = {"Thạch", "Sơn", "Kim", "Danh", "Lâm"};
const Names kKhmerMale = {"Sa Rinh", "Sô Phal", "Ri Tha", "Văn Tha", "Sóc Khem"};
const Names kKhmerFemale = {"Thị Sa Rây", "Thị Chanh Đa", "Thị Kim Rên", "Thị Sóc Kha"};

std::string_view ethnicity_of(NameStyle style) {
  switch (style) {
    case NameStyle::EDe: return "Ê Đê";
    case NameStyle::Jrai: return "Gia Rai";
    case NameStyle::Hmong: return "Mông";
    case NameStyle::Thai: return "Thái";
    case NameStyle::Khmer: return "Khmer";
    case NameStyle::Kinh: break;
  }
  return "Kinh";
}

// The family name a household passes to its children (Kinh style) or its clan name.
std::string_view draw_family_name(Rng& rng, NameStyle style, Region region) {
  switch (style) {
    case NameStyle::EDe: return rng.pick(kEDeClans);
    case NameStyle::Jrai: return rng.pick(kJraiClans);
    case NameStyle::Hmong: return rng.pick(kHmongClans);
    case NameStyle::Thai: return rng.pick(kThaiClans);
    case NameStyle::Khmer: return rng.pick(kKhmerClans);
    case NameStyle::Kinh: break;
  }
  return regional_surname(surnames()(rng), region, rng);
}

void make_name(Rng& rng, NameStyle style, std::string_view family, char sex, int birth_year,
               std::string& out) {
  out.clear();
  bool male = sex == 'M';
  switch (style) {
    case NameStyle::EDe:  // "H' Hen Niê", "Y Đhăm Niê": the clan name comes last
      out += male ? "Y " : "H' ";
      out += rng.pick(male ? kEDeMale : kEDeFemale);
      out += ' ';
      out += family;
      return;
    case NameStyle::Jrai:  // "Ksor Y Đhăm"
      out += family;
      out += male ? " Y " : " H' ";
      out += rng.pick(kJraiGiven);
      return;
    case NameStyle::Hmong:  // "Giàng A Páo"
      out += family;
      out += male ? " A " : " Thị ";
      out += rng.pick(kHmongGiven);
      return;
    case NameStyle::Thai:
      out += family;
      out += male ? " Văn " : " Thị ";
      out += rng.pick(kThaiGiven);
      return;
    case NameStyle::Khmer:
      out += family;
      out += ' ';
      out += rng.pick(male ? kKhmerMale : kKhmerFemale);
      return;
    case NameStyle::Kinh:
      break;
  }
  out += surname_for_sex(family, sex);
  // Older generations mostly carry the plain Văn/Thị; younger ones more varied middles.
  uint64_t shape = rng.below(100);
  int middles = shape < 5 ? 0 : (shape < (birth_year < 1975 ? 90 : 72) ? 1 : 2);
  const WeightedNames& middle = male ? male_middles() : female_middles();
  std::string_view first_middle;
  for (int i = 0; i < middles; ++i) {
    std::string_view m = (i == 0 && birth_year < 1975 && rng.chance(0.7)) ? (male ? "Văn" : "Thị")
                                                                          : middle(rng);
    // Văn/Thị only ever come first ("Thị Thu", never "Thu Thị").
    if (i > 0 && (m == "Văn" || m == "Thị")) continue;
    if (m == first_middle) continue;
    if (i == 0) first_middle = m;
    out += ' ';
    out += m;
  }
  out += ' ';
  out += rng.pick(male ? kMaleGiven : kFemaleGiven);
}

// --- households and people -------------------------------------------------------------------

enum class Relation : uint8_t { Head, Wife, Husband, Child, Father, Mother, Grandchild };

std::string_view relation_text(Relation r) {
  switch (r) {
    case Relation::Head: return "Chủ hộ";
    case Relation::Wife: return "Vợ";
    case Relation::Husband: return "Chồng";
    case Relation::Child: return "Con";
    case Relation::Father: return "Cha";
    case Relation::Mother: return "Mẹ";
    case Relation::Grandchild: return "Cháu";
  }
  return "";
}

constexpr int kMaxHousehold = 7;

struct Member {
  char sex = 'M';
  int age = 0;  // at the reference date
  Relation relation = Relation::Head;
};

// The numeric shape of a household: drawn cheaply in both passes.
struct HouseholdShape {
  int size = 1;
  const Province* province = nullptr;  // where the household is registered
  NameStyle style = NameStyle::Kinh;
  bool urban = false;
  std::array<Member, kMaxHousehold> members{};
};

struct Tables {
  WeightedPick province_pick;
  std::vector<const Province*> province_of_pick;
  Tables()
      : province_pick([] {
          std::vector<uint32_t> w;
          for (const auto& [code, pop] : kPopulation) w.push_back(pop);
          return w;
        }()) {
    for (const auto& [code, pop] : kPopulation) {
      const Province* p = province_by_id_code(code);
      if (p == nullptr) throw std::logic_error("population table names an unknown province");
      province_of_pick.push_back(p);
    }
  }
  const Province* random_province(Rng& rng) const { return province_of_pick[province_pick(rng)]; }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

NameStyle draw_style(Rng& rng, const Province& p) {
  switch (region_of(p.id_code)) {
    case Region::Highlands: {
      uint64_t x = rng.below(100);
      bool ede_land = p.id_code == 66 || p.id_code == 67 || p.id_code == 68;
      if (x < 15) return ede_land ? NameStyle::EDe : NameStyle::Jrai;
      if (x < 22) return ede_land ? NameStyle::Jrai : NameStyle::EDe;
      return NameStyle::Kinh;
    }
    case Region::NorthMountain: {
      uint64_t x = rng.below(100);
      if (x < 18) return NameStyle::Hmong;
      if (x < 30) return NameStyle::Thai;
      return NameStyle::Kinh;
    }
    default:
      if ((p.id_code == 94 || p.id_code == 84 || p.id_code == 91) && rng.chance(0.25))
        return NameStyle::Khmer;
      return NameStyle::Kinh;
  }
}

HouseholdShape draw_household(uint64_t seed, uint64_t h) {
  Rng rng(seed, kHouseholdShape, h);
  HouseholdShape s;
  static const WeightedPick size_pick({14, 20, 22, 24, 12, 6, 2});
  s.size = static_cast<int>(size_pick(rng)) + 1;
  s.province = tables().random_province(rng);
  s.style = draw_style(rng, *s.province);
  s.urban = rng.chance(big_city(s.province->merged_code) ? 0.75 : 0.35);

  Member& head = s.members[0];
  head.sex = rng.chance(0.72) ? 'M' : 'F';
  // The mean of two uniform draws: heads cluster in middle age, as in the census.
  head.age = s.size == 1 ? (rng.between(18, 92) + rng.between(18, 92)) / 2
                         : (rng.between(22, 86) + rng.between(24, 86)) / 2;
  head.relation = Relation::Head;
  int mother_age = head.sex == 'F' ? head.age : -1;
  int next = 1;
  if (s.size >= 2 && rng.chance(0.82)) {
    Member& spouse = s.members[next++];
    spouse.sex = head.sex == 'M' ? 'F' : 'M';
    spouse.age = std::max(18, head.age + (head.sex == 'M' ? -rng.between(-1, 7) : rng.between(-1, 7)));
    spouse.relation = head.sex == 'M' ? Relation::Wife : Relation::Husband;
    if (spouse.sex == 'F') mother_age = spouse.age;
  }
  if (mother_age < 0) mother_age = head.age;
  for (; next < s.size; ++next) {
    Member& m = s.members[next];
    m.sex = rng.chance(0.512) ? 'M' : 'F';
    if (next == s.size - 1 && s.size >= 5 && head.age <= 62 && rng.chance(0.6)) {
      m.age = std::min(100, head.age + rng.between(22, 34));
      m.relation = m.sex == 'M' ? Relation::Father : Relation::Mother;
    } else if (head.age >= 62 && next >= 3 && rng.chance(0.5)) {
      m.age = std::max(0, head.age - rng.between(42, 62));
      m.relation = Relation::Grandchild;
    } else {
      m.age = std::max(0, mother_age - rng.between(19, 38));
      m.relation = Relation::Child;
    }
  }
  return s;
}

enum class Residence : uint8_t {
  Usual,              // permanent = current, the household's address
  StalePermanent,     // registered with the household, living elsewhere
  OnlyPermanent,
  OnlyTemporary,
  TemporaryNoCurrent, // permanent + temporary, no current residence declared
  OnlyCurrent,        // neither permanent nor temporary residence
};

enum class DatePrecision : uint8_t { Day, Month, Year };

// What pass 1 needs to assign the ID number, and pass 2 the rest of the record.
struct PersonCore {
  char sex = 'M';
  int year = 0, month = 0, day = 0;
  DatePrecision precision = DatePrecision::Day;
  const Province* registration = nullptr;
  int id_century_sex = 0;  // digit 4 as written in the ID (may disagree, see inconsistent)
  int id_year = 0;         // digits 5-6 as written
  bool inconsistent = false;
  bool has_legacy = false;
  bool deceased = false;
  int death_year = 0, death_month = 0, death_day = 0;
  Residence residence = Residence::Usual;
};

int days_in_month(int year, int month) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

// A random day in [from, reference date]; `from` as (y, m, d).
void draw_date_after(Rng& rng, int fy, int fm, int fd, int& y, int& m, int& d) {
  y = rng.between(fy, kReferenceYear);
  int m_lo = y == fy ? fm : 1, m_hi = y == kReferenceYear ? kReferenceMonth : 12;
  m = rng.between(m_lo, std::max(m_lo, m_hi));
  int d_lo = (y == fy && m == fm) ? fd : 1;
  int d_hi = (y == kReferenceYear && m == kReferenceMonth) ? kReferenceDay : days_in_month(y, m);
  d = rng.between(d_lo, std::max(d_lo, d_hi));
}

PersonCore draw_core(uint64_t seed, uint64_t h, int index, const HouseholdShape& shape) {
  Rng rng(seed, kPersonCore, h, static_cast<uint64_t>(index));
  const Member& member = shape.members[static_cast<size_t>(index)];
  PersonCore p;
  p.sex = member.sex;
  p.registration = rng.chance(member.relation == Relation::Child ? 0.92 : 0.78)
                       ? shape.province
                       : tables().random_province(rng);
  p.year = kReferenceYear - member.age;
  p.month = rng.between(1, p.year == kReferenceYear ? kReferenceMonth : 12);
  p.day = rng.between(1, days_in_month(p.year, p.month));
  if (p.year < 1950) {
    uint64_t x = rng.below(100);
    if (x < 30) p.precision = DatePrecision::Year;
    else if (x < 35) p.precision = DatePrecision::Month;
  }
  p.id_century_sex = 2 * ((p.year - 1900) / 100) + (p.sex == 'F' ? 1 : 0);
  p.id_year = p.year % 100;
  if (rng.chance(0.005)) {
    // The real-world class that leads to re-established IDs: digit 4 or digits 5-6 disagree.
    p.inconsistent = true;
    if (rng.chance(0.5)) {
      p.id_century_sex ^= 1;
    } else {
      int delta = rng.between(1, 3) * (rng.chance(0.5) ? 1 : -1);
      int written = p.id_year + delta;
      if (written < 0 || written > 99 || p.year + delta > kReferenceYear) written = p.id_year - delta;
      p.id_year = written;
    }
  }
  // 9-digit CMND numbers were issued from age 14 until 2021.
  p.has_legacy = p.year <= 2006 && rng.chance(0.13);
  double death_chance = member.age < 40 ? 0.004 : member.age < 60 ? 0.02 : member.age < 75 ? 0.07 : 0.17;
  if (rng.chance(death_chance)) {
    p.deceased = true;
    int from_year = std::max(p.year, 2010);
    int fm = from_year == p.year ? p.month : 1, fd = from_year == p.year ? p.day : 1;
    draw_date_after(rng, from_year, fm, fd, p.death_year, p.death_month, p.death_day);
  }
  uint64_t r = rng.below(1000);
  if (r < 150) p.residence = Residence::StalePermanent;
  else if (r < 210) p.residence = Residence::OnlyPermanent;
  else if (r < 230) p.residence = Residence::OnlyTemporary;
  else if (r < 260) p.residence = Residence::TemporaryNoCurrent;
  else if (r < 280) p.residence = Residence::OnlyCurrent;
  return p;
}

// --- fixtures ------------------------------------------------------------------------------

struct FixtureCitizen {
  std::string_view pid, full_name, sex, birth_date, registration, current, temporary, permanent,
      death_date, legacy_id, marital_status, birth_place, hometown;
};

// Well-known synthetic citizens that samples and docs rely on (docs/register.md lists them).
// Their suffixes (000100-000999) are never drawn for random people.
constexpr std::array<FixtureCitizen, 10> kFixtures = {{
    {"001085000101", "Nguyễn Văn An", "M", "1985-02-15", "001",
     "Số 12 ngõ 34 phố Kim Mã, phường Ngọc Hà, thành phố Hà Nội", "",
     "Số 5 phố Hàng Bông, phường Hoàn Kiếm, thành phố Hà Nội", "", "", "Đã kết hôn",
     "phường Hàng Bông, thành phố Hà Nội", "xã Thường Tín, thành phố Hà Nội"},
    {"079190000202", "Trần Thị Bích Ngọc", "F", "1990-07-09", "079", "",
     "Số 88 đường Lê Lợi, phường Bến Thành, Thành phố Hồ Chí Minh",
     "Ấp 3, xã Tân Thạnh, tỉnh Tây Ninh", "", "", "Chưa kết hôn",
     "phường Bến Thành, Thành phố Hồ Chí Minh", "xã Tân Thạnh, tỉnh Long An"},
    {"048072000303", "Lê Văn Hùng", "M", "1972-11-30", "048", "", "",
     "Tổ 5, phường Hải Châu, thành phố Đà Nẵng", "", "", "Đã kết hôn",
     "phường Hải Châu, thành phố Đà Nẵng", "xã Duy Xuyên, tỉnh Quảng Nam"},
    {"036155000404", "Phạm Thị Hoa", "F", "1955-01-20", "036", "", "",
     "Thôn Đông, xã Hải Hậu, tỉnh Ninh Bình", "2024-05-10", "", "Góa",
     "xã Hải Hậu, tỉnh Nam Định", "xã Hải Hậu, tỉnh Nam Định"},
    {"001198000505", "Hoàng Thị Thủy Dung", "F", "1998-09-01", "001",
     "Số 7 ngõ 2 phố Đội Cấn, phường Ba Đình, thành phố Hà Nội", "",
     "Số 7 ngõ 2 phố Đội Cấn, phường Ba Đình, thành phố Hà Nội", "", "", "Chưa kết hôn",
     "phường Ba Đình, thành phố Hà Nội", "xã Kim Sơn, tỉnh Ninh Bình"},
    {"038088000606", "Đỗ Minh Tuấn", "M", "1988-06-06", "038",
     "Số 20 đường Trần Phú, phường Hạc Thành, tỉnh Thanh Hóa", "",
     "Số 20 đường Trần Phú, phường Hạc Thành, tỉnh Thanh Hóa", "", "172345678", "Đã kết hôn",
     "phường Hạc Thành, tỉnh Thanh Hóa", "xã Quảng Xương, tỉnh Thanh Hóa"},
    {"031093000707", "Vũ Thị Lan", "F", "1993-04-04", "031",
     "Số 3 đường Lạch Tray, phường Gia Viên, thành phố Hải Phòng", "",
     "Số 3 đường Lạch Tray, phường Gia Viên, thành phố Hải Phòng", "", "", "Đã kết hôn",
     "phường Gia Viên, thành phố Hải Phòng", "xã Vĩnh Bảo, thành phố Hải Phòng"},
    {"040048000808", "Ngô Văn Bảy", "M", "1948", "040", "Xóm 4, xã Nghi Lộc, tỉnh Nghệ An", "",
     "Xóm 4, xã Nghi Lộc, tỉnh Nghệ An", "", "", "Góa", "xã Nghi Lộc, tỉnh Nghệ An",
     "xã Nghi Lộc, tỉnh Nghệ An"},
    {"001300000909", "Đặng Thu Hà", "F", "2000-12-24", "001",
     "Số 9 phố Huế, phường Hai Bà Trưng, thành phố Hà Nội", "",
     "Số 9 phố Huế, phường Hai Bà Trưng, thành phố Hà Nội", "", "", "Chưa kết hôn",
     "phường Hai Bà Trưng, thành phố Hà Nội", "xã Đông Anh, thành phố Hà Nội"},
    {"079087000111", "Huỳnh Tấn Phát", "M", "1987-03-15", "079",
     "Số 15 đường Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh", "",
     "Số 15 đường Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh", "", "", "Đã kết hôn",
     "phường Sài Gòn, Thành phố Hồ Chí Minh", "xã Bình Chánh, Thành phố Hồ Chí Minh"},
}};

uint64_t parse_u64(std::string_view digits) {
  uint64_t v = 0;
  for (char c : digits) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

// --- SQLite plumbing -----------------------------------------------------------------------

class SeedDatabase {
 public:
  SeedDatabase(const std::string& file, const std::string& shown_path) : shown_(shown_path) {
    int rc = sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) fail("cannot create the register file", rc);
  }
  ~SeedDatabase() {
    for (sqlite3_stmt* s : statements_) sqlite3_finalize(s);
    if (db_ != nullptr) sqlite3_close_v2(db_);
  }
  SeedDatabase(const SeedDatabase&) = delete;
  SeedDatabase& operator=(const SeedDatabase&) = delete;

  void exec(std::string_view sql) {
    std::string text(sql);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail("cannot write the register", rc);
  }
  sqlite3_stmt* prepare(std::string_view sql) {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) fail("cannot prepare a statement", rc);
    statements_.push_back(s);
    return s;
  }
  void step_done(sqlite3_stmt* s) {
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) fail("cannot write the register", rc);
    sqlite3_reset(s);
  }
  void close() {
    for (sqlite3_stmt* s : statements_) sqlite3_finalize(s);
    statements_.clear();
    int rc = sqlite3_close(db_);
    if (rc != SQLITE_OK) fail("cannot close the register", rc);
    db_ = nullptr;
  }
  [[noreturn]] void fail(std::string_view what, int rc) const {
    std::string message = "register '" + shown_ + "': " + std::string(what) + ": ";
    message += db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    throw std::runtime_error(message);
  }

 private:
  sqlite3* db_ = nullptr;
  std::string shown_;
  std::vector<sqlite3_stmt*> statements_;
};

void bind_text(sqlite3_stmt* s, int column, std::string_view text) {
  if (text.empty()) sqlite3_bind_null(s, column);
  else sqlite3_bind_text(s, column, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

// One row's text, reused across rows to avoid allocations.
struct RowText {
  std::string full_name, other_names, birth_date, birth_place, registration, hometown, legacy_id,
      permanent, temporary, current, death_date, name_key, household_address;
  std::string_view sex, ethnicity, religion, nationality, blood_type, marital, relation;
  int64_t household_id = 0;
};

constexpr std::string_view kInsertSql =
    "INSERT INTO person (pid, full_name, other_names, birth_date, sex, birth_place, "
    "birth_registration_place, hometown, ethnicity, religion, nationality, blood_type, legacy_id, "
    "permanent_residence, temporary_residence, current_residence, marital_status, household_id, "
    "household_relation, death_date, name_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
    "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)";

void bind_row(sqlite3_stmt* s, uint64_t pid, const RowText& r) {
  sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(pid));
  bind_text(s, 2, r.full_name);
  bind_text(s, 3, r.other_names);
  bind_text(s, 4, r.birth_date);
  bind_text(s, 5, r.sex);
  bind_text(s, 6, r.birth_place);
  bind_text(s, 7, r.registration);
  bind_text(s, 8, r.hometown);
  bind_text(s, 9, r.ethnicity);
  bind_text(s, 10, r.religion);
  bind_text(s, 11, r.nationality);
  bind_text(s, 12, r.blood_type);
  bind_text(s, 13, r.legacy_id);
  bind_text(s, 14, r.permanent);
  bind_text(s, 15, r.temporary);
  bind_text(s, 16, r.current);
  bind_text(s, 17, r.marital);
  if (r.household_id != 0) sqlite3_bind_int64(s, 18, r.household_id);
  else sqlite3_bind_null(s, 18);
  bind_text(s, 19, r.relation);
  bind_text(s, 20, r.death_date);
  bind_text(s, 21, r.name_key);
}

void format_date(std::string& out, int y, int m, int d, DatePrecision precision) {
  char buf[16];
  if (precision == DatePrecision::Year) std::snprintf(buf, sizeof buf, "%04d", y);
  else if (precision == DatePrecision::Month) std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
  else std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  out = buf;
}

// --- the generator -------------------------------------------------------------------------

// Pass-1 output: 24 bytes per person.
struct Slot {
  uint64_t pid;
  uint32_t household;     // household index, or fixture index for fixtures
  uint32_t legacy;        // legacy number, kNoLegacy if none
  uint8_t member;
  bool fixture;
};
constexpr uint32_t kNoLegacy = UINT32_MAX;

class Generator {
 public:
  explicit Generator(uint64_t seed) : seed_(seed) {}

  // Pass 2: the full record of a random person.
  void fill(const Slot& slot, RowText& row, SeedSummary& summary) {
    uint64_t h = slot.household;
    if (h != cached_household_ || !has_cached_) {
      shape_ = draw_household(seed_, h);
      cached_household_ = h;
      has_cached_ = true;
    }
    const HouseholdShape& shape = shape_;
    const Member& member = shape.members[slot.member];
    PersonCore core = draw_core(seed_, h, slot.member, shape);

    // Household-wide text: the same for every member.
    Rng home(seed_, kHouseholdText, h);
    Region region = region_of(shape.province->id_code);
    std::string_view head_family = draw_family_name(home, shape.style, region);
    std::string_view spouse_family = draw_family_name(home, shape.style, region);
    make_address(home, *shape.province, shape.urban, row.household_address);
    std::string_view household_religion = draw_religion(home, shape.style, region);
    const Province* family_origin = home.chance(0.8) ? shape.province : tables().random_province(home);

    Rng rng(seed_, kPersonText, h, slot.member);
    bool head_is_father = shape.members[0].sex == 'M';
    std::string_view family;
    switch (member.relation) {
      case Relation::Head: case Relation::Father: family = head_family; break;
      case Relation::Wife: case Relation::Husband: family = spouse_family; break;
      case Relation::Child: case Relation::Grandchild: {
        bool spouse_is_husband = shape.size >= 2 && shape.members[1].relation == Relation::Husband;
        bool spouse_is_wife = shape.size >= 2 && shape.members[1].relation == Relation::Wife;
        // Ê Đê and Jrai are matrilineal: children carry the mother's clan name.
        bool matrilineal = shape.style == NameStyle::EDe || shape.style == NameStyle::Jrai;
        bool from_spouse = matrilineal ? (head_is_father && spouse_is_wife)
                                       : (!head_is_father && spouse_is_husband);
        family = from_spouse ? spouse_family : head_family;
        break;
      }
      case Relation::Mother: family = draw_family_name(rng, shape.style, region); break;
    }
    make_name(rng, shape.style, family, core.sex, core.year, row.full_name);
    row.name_key.clear();
    register_schema::append_name_key(row.full_name, row.name_key);
    row.other_names.clear();
    if (shape.style == NameStyle::Kinh && rng.chance(0.01)) row.other_names = rng.pick(kNicknames);

    format_date(row.birth_date, core.year, core.month, core.day, core.precision);
    row.sex = core.sex == 'M' ? "M" : "F";
    make_old_place(rng, *core.registration, row.birth_place);
    char code[8];
    std::snprintf(code, sizeof code, "%03d", core.registration->id_code);
    row.registration = code;
    {
      // The head's children share the family's hometown; everyone else has their own.
      bool same_family = member.relation == Relation::Head || member.relation == Relation::Child ||
                         member.relation == Relation::Grandchild || member.relation == Relation::Father;
      Rng hometown_rng(seed_, kHouseholdText, h, same_family ? 1 : 2 + slot.member);
      const Province* origin =
          same_family || hometown_rng.chance(0.5) ? family_origin : tables().random_province(hometown_rng);
      make_old_place(hometown_rng, *origin, row.hometown);
    }
    row.ethnicity = ethnicity_of(shape.style);
    row.religion = rng.chance(0.9) ? household_religion : draw_religion(rng, shape.style, region);
    row.nationality = "Việt Nam";
    row.blood_type = rng.chance(0.25) ? draw_blood_type(rng) : std::string_view{};
    row.legacy_id.clear();
    if (slot.legacy != kNoLegacy) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%09u", slot.legacy);
      row.legacy_id = buf;
    }
    fill_residence(rng, shape, core, row);
    row.marital = marital_status(rng, shape, member, core);
    row.household_id = kFirstRandomHousehold + static_cast<int64_t>(h);
    row.relation = relation_text(member.relation);
    row.death_date.clear();
    if (core.deceased) format_date(row.death_date, core.death_year, core.death_month, core.death_day, DatePrecision::Day);

    count(core, shape, row, summary);
  }

 private:
  static std::string_view draw_religion(Rng& rng, NameStyle style, Region region) {
    uint64_t x = rng.below(1000);
    if (style == NameStyle::EDe || style == NameStyle::Jrai)
      return x < 400 ? "Tin lành" : x < 600 ? "Công giáo" : "Không";
    if (style == NameStyle::Khmer) return x < 900 ? "Phật giáo" : "Không";
    if (x < 780) return "Không";
    if (x < 900) return "Phật giáo";
    if (x < 970) return "Công giáo";
    if (x < 980) return "Tin lành";
    if (region == Region::South) return x < 990 ? "Cao Đài" : "Phật giáo Hòa Hảo";
    return "Phật giáo";
  }

  static std::string_view draw_blood_type(Rng& rng) {
    uint64_t x = rng.below(100);
    return x < 42 ? "O" : x < 63 ? "A" : x < 93 ? "B" : "AB";
  }

  // An address other than the household's: people who move mostly move to the big cities.
  static void other_address(Rng& rng, const HouseholdShape& shape, std::string_view household_address,
                            std::string& out) {
    const Province* where = shape.province;
    if (rng.chance(0.55)) {
      static constexpr int kDestinations[] = {1, 79, 74, 48, 75, 27, 31};
      where = province_by_id_code(kDestinations[rng.below(std::size(kDestinations))]);
    } else if (rng.chance(0.3)) {
      where = tables().random_province(rng);
    }
    make_address(rng, *where, big_city(where->merged_code) ? rng.chance(0.85) : rng.chance(0.4), out);
    while (out == household_address) make_address(rng, *where, true, out);
  }

  static void fill_residence(Rng& rng, const HouseholdShape& shape, const PersonCore& core,
                             RowText& row) {
    row.permanent.clear();
    row.temporary.clear();
    row.current.clear();
    switch (core.residence) {
      case Residence::Usual:
        row.permanent = row.household_address;
        row.current = row.household_address;
        break;
      case Residence::StalePermanent:
        row.permanent = row.household_address;
        other_address(rng, shape, row.household_address, row.current);
        if (rng.chance(0.5)) row.temporary = row.current;
        break;
      case Residence::OnlyPermanent:
        row.permanent = row.household_address;
        break;
      case Residence::OnlyTemporary:
        other_address(rng, shape, row.household_address, row.temporary);
        break;
      case Residence::TemporaryNoCurrent:
        row.permanent = row.household_address;
        other_address(rng, shape, row.household_address, row.temporary);
        break;
      case Residence::OnlyCurrent:
        row.current = row.household_address;
        break;
    }
  }

  static std::string_view marital_status(Rng& rng, const HouseholdShape& shape, const Member& m,
                                         const PersonCore& core) {
    bool has_spouse = shape.size >= 2 && (shape.members[1].relation == Relation::Wife ||
                                          shape.members[1].relation == Relation::Husband);
    int age = kReferenceYear - core.year;
    if (age < 20) return "Chưa kết hôn";
    switch (m.relation) {
      case Relation::Wife: case Relation::Husband: return "Đã kết hôn";
      case Relation::Head:
        if (has_spouse) return "Đã kết hôn";
        break;
      case Relation::Father: case Relation::Mother:
        return rng.chance(0.5) ? "Góa" : "Đã kết hôn";
      default:
        break;
    }
    uint64_t x = rng.below(100);
    if (age < 30) return x < 80 ? "Chưa kết hôn" : "Đã kết hôn";
    if (age > 65) return x < 55 ? "Góa" : x < 85 ? "Đã kết hôn" : "Ly hôn";
    return x < 35 ? "Chưa kết hôn" : x < 70 ? "Đã kết hôn" : "Ly hôn";
  }

  static void count(const PersonCore& core, const HouseholdShape& shape, const RowText& row,
                    SeedSummary& s) {
    if (core.deceased) ++s.deceased;
    if (core.precision == DatePrecision::Year) ++s.year_only_birth_dates;
    if (core.precision == DatePrecision::Month) ++s.month_only_birth_dates;
    if (!row.legacy_id.empty()) ++s.legacy_ids;
    if (!row.permanent.empty() && !row.current.empty() && row.permanent != row.current)
      ++s.stale_permanent_residence;
    bool p = !row.permanent.empty(), t = !row.temporary.empty(), c = !row.current.empty();
    if (p && !t && !c) ++s.only_permanent_residence;
    if (!p && t && !c) ++s.only_temporary_residence;
    if (p && t && !c) ++s.temporary_without_current;
    if (!p && !t && c) ++s.only_current_residence;
    if (core.inconsistent) ++s.inconsistent_ids;
    if (shape.style != NameStyle::Kinh) ++s.minority_style_names;
  }

  uint64_t seed_;
  uint64_t cached_household_ = 0;
  bool has_cached_ = false;
  HouseholdShape shape_;
};

void fill_fixture(const FixtureCitizen& f, size_t index, RowText& row) {
  row.full_name = f.full_name;
  row.other_names.clear();
  row.birth_date = f.birth_date;
  row.sex = f.sex;
  row.birth_place = f.birth_place;
  row.registration = f.registration;
  row.hometown = f.hometown;
  row.ethnicity = "Kinh";
  row.religion = "Không";
  row.nationality = "Việt Nam";
  row.blood_type = {};
  row.legacy_id = f.legacy_id;
  row.permanent = f.permanent;
  row.temporary = f.temporary;
  row.current = f.current;
  row.marital = f.marital_status;
  row.household_id = static_cast<int64_t>(index) + 1;
  row.relation = "Chủ hộ";
  row.death_date = f.death_date;
  row.name_key.clear();
  register_schema::append_name_key(f.full_name, row.name_key);
}

constexpr size_t kBatchRows = 2048;
constexpr uint64_t kProgressEvery = 16384;

struct RowBatch {
  std::vector<uint64_t> pids = std::vector<uint64_t>(kBatchRows);
  std::vector<RowText> rows = std::vector<RowText>(kBatchRows);
  size_t size = 0;
};

// Generates rows in key order on a worker thread, handing over batches through a small ring.
// The consumer calls next() / recycle() in turn, then finish(). Destroying the pipeline early
// (an exception in the consumer) stops and joins the worker.
class RowPipeline {
 public:
  RowPipeline(const std::vector<Slot>& slots, uint64_t seed) : slots_(slots), seed_(seed) {
    for (auto& b : ring_) free_.push_back(&b);
    worker_ = std::thread([this] { produce(); });
  }
  ~RowPipeline() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    if (worker_.joinable()) worker_.join();
  }
  RowPipeline(const RowPipeline&) = delete;
  RowPipeline& operator=(const RowPipeline&) = delete;

  // The next full batch, or nullptr when all rows were handed over. Rethrows a worker error.
  const RowBatch* next() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !full_.empty() || finished_; });
    if (error_) std::rethrow_exception(error_);
    if (full_.empty()) return nullptr;
    current_ = full_.front();
    full_.pop_front();
    return current_;
  }
  // Gives the batch last returned by next() back to the worker.
  void recycle() {
    {
      std::lock_guard lock(mutex_);
      free_.push_back(current_);
      current_ = nullptr;
    }
    changed_.notify_all();
  }
  SeedSummary finish() {
    worker_.join();
    if (error_) std::rethrow_exception(error_);
    return summary_;
  }

 private:
  void produce() {
    try {
      Generator generator(seed_);
      for (size_t start = 0; start < slots_.size(); start += kBatchRows) {
        RowBatch* batch;
        {
          std::unique_lock lock(mutex_);
          changed_.wait(lock, [&] { return !free_.empty() || stop_; });
          if (stop_) return;
          batch = free_.front();
          free_.pop_front();
        }
        batch->size = std::min(kBatchRows, slots_.size() - start);
        for (size_t i = 0; i < batch->size; ++i) {
          const Slot& slot = slots_[start + i];
          batch->pids[i] = slot.pid;
          if (slot.fixture) fill_fixture(kFixtures[slot.household], slot.household, batch->rows[i]);
          else generator.fill(slot, batch->rows[i], summary_);
        }
        {
          std::lock_guard lock(mutex_);
          full_.push_back(batch);
        }
        changed_.notify_all();
      }
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
    }
    changed_.notify_all();
  }

  const std::vector<Slot>& slots_;
  uint64_t seed_;
  std::array<RowBatch, 4> ring_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<RowBatch*> free_, full_;
  RowBatch* current_ = nullptr;
  bool stop_ = false, finished_ = false;
  std::exception_ptr error_;
  SeedSummary summary_;  // written by the worker only; read after join
  std::thread worker_;
};

// --- the vehicle and organisation registers ---------------------------------------------------
// Generated after the people from streams of their own, so the person rows are exactly what
// they would be without them. Every owner and legal representative is a row of `person`; the
// random ones are never fixtures (samples rely on the fixtures' exact plates and organisations).

// Days since 1970-01-01 (H. Hinnant's civil calendar algorithms).
int days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string day_text(int days) {
  const int z = days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp + (mp < 10 ? 3 : -9);
  const int y = yoe + era * 400 + (m <= 2);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

int day_of(std::string_view ymd) {
  return days_from_civil(static_cast<int>(parse_u64(ymd.substr(0, 4))), static_cast<int>(parse_u64(ymd.substr(5, 2))),
                         static_cast<int>(parse_u64(ymd.substr(8, 2))));
}

const int kReferenceDayNumber = days_from_civil(kReferenceYear, kReferenceMonth, kReferenceDay);
// Plates of periods before this are not generated: older registrations were not digitised.
const int kVehicleDataFrom = days_from_civil(2005, 1, 1);
// Circular 24/2023/TT-BCA: from 15 Aug 2023 plates follow their owner; a plate taken off a sold
// vehicle is held for the owner for 5 years, and motorbikes get two-letter series.
const int kIdentificationPlatesFrom = days_from_civil(2023, 8, 15);
constexpr int kNever = INT32_MAX;
constexpr int kOpenPeriod = 0;

// One vehicle per 8 people; one organisation (associations, schools, cooperatives, health
// stations: the bodies Decree 99/2016 covers) per 400.
constexpr uint64_t kPeoplePerVehicle = 8;
constexpr uint64_t kPeoplePerOrganisation = 400;

// What the vehicle and organisation registers need to know about a person.
struct PersonFacts {
  std::string pid;        // 12 digits
  std::string full_name;
  int adult_from = 0;     // first day the person is surely 18 (year-only dates: the year's end)
  int died = kNever;
  const Province* home = nullptr;  // where the household is registered
};

// Random access to the people just written: each one is regenerated from its random streams.
class PeopleView {
 public:
  PeopleView(const std::vector<Slot>& slots, uint64_t seed) : slots_(slots), seed_(seed), generator_(seed) {}

  // The person at `index` (slots order). The name costs a whole record; the rest comes from
  // the cheap household and core draws the record is made from.
  PersonFacts facts(size_t index, bool with_name) {
    const Slot& slot = slots_[index];
    PersonFacts f;
    char pid[16];
    std::snprintf(pid, sizeof pid, "%012llu", static_cast<unsigned long long>(slot.pid));
    f.pid = pid;
    int year, month, day;
    if (slot.fixture) {
      const FixtureCitizen& c = kFixtures[slot.household];
      const std::string_view b = c.birth_date;
      year = static_cast<int>(parse_u64(b.substr(0, 4)));
      month = b.size() >= 7 ? static_cast<int>(parse_u64(b.substr(5, 2))) : 12;
      day = b.size() >= 10 ? static_cast<int>(parse_u64(b.substr(8, 2))) : 31;
      if (!c.death_date.empty()) f.died = day_of(c.death_date);
      f.home = province_by_id_code(static_cast<int>(parse_u64(c.registration)));
      if (with_name) f.full_name = c.full_name;
    } else {
      const HouseholdShape shape = draw_household(seed_, slot.household);
      const PersonCore core = draw_core(seed_, slot.household, slot.member, shape);
      year = core.year;
      month = core.precision == DatePrecision::Year ? 12 : core.month;
      day = core.precision == DatePrecision::Day ? core.day : 31;
      if (core.deceased) f.died = days_from_civil(core.death_year, core.death_month, core.death_day);
      f.home = shape.province;
      if (with_name) {
        SeedSummary scratch;
        generator_.fill(slot, row_, scratch);
        f.full_name = row_.full_name;
      }
    }
    f.adult_from = days_from_civil(year + 18, month, std::min(day, days_in_month(year + 18, month)));
    return f;
  }

  // A random non-fixture person who is an adult on `adult_by` and, when `alive_at` is set, alive
  // on that day; nullopt after a few misses (children and the dead are common enough).
  std::optional<PersonFacts> draw(Rng& rng, int adult_by, std::optional<int> alive_at, bool with_name = false) {
    for (int attempt = 0; attempt < 24; ++attempt) {
      const size_t i = static_cast<size_t>(rng.below(slots_.size()));
      if (slots_[i].fixture) continue;
      PersonFacts f = facts(i, false);
      if (f.adult_from > adult_by) continue;
      if (alive_at && f.died <= *alive_at) continue;
      if (with_name) f = facts(i, true);
      return f;
    }
    return std::nullopt;
  }

 private:
  const std::vector<Slot>& slots_;
  uint64_t seed_;
  Generator generator_;
  RowText row_;
};

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001B3ull;
  return h;
}

constexpr std::string_view kPlateSeriesLetters = "ABCDEFGHKLMNPSTUVXYZ";  // plate.hpp

// Unique plates: each (locality, series, serial length) bucket hands out its serials through a
// keyed permutation, so plates look random yet never repeat; fixture plates are skipped.
class PlateAllocator {
 public:
  PlateAllocator(uint64_t seed, std::vector<std::string> reserved)
      : key_(mix(seed, kPlateSerialKey)), reserved_(std::move(reserved)) {}

  std::string next(Rng& rng, const Province& home, bool car, bool legacy, bool two_letter) {
    std::vector<int> codes;
    for (std::string_view rest = home.plate_codes; !rest.empty();) {
      const size_t comma = rest.find(',');
      codes.push_back(static_cast<int>(parse_u64(rest.substr(0, comma))));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    for (;;) {
      const int locality = codes[rng.below(codes.size())];
      std::string series;
      if (car) {
        series = kPlateSeriesLetters[rng.below(kPlateSeriesLetters.size())];
      } else if (two_letter) {
        // Pairs the special series and the electric MĐ use are never motorbike series.
        static constexpr std::string_view kReserved[] = {"LD", "DA", "KT", "NG", "NN", "CV", "LB", "CT", "MD"};
        do {
          series = {kPlateSeriesLetters[rng.below(20)], kPlateSeriesLetters[rng.below(20)]};
        } while (std::find(std::begin(kReserved), std::end(kReserved), series) != std::end(kReserved));
      } else {
        series = {kPlateSeriesLetters[rng.below(20)], static_cast<char>('1' + rng.below(9))};
      }
      char prefix[8];
      std::snprintf(prefix, sizeof prefix, "%02d", locality);
      const std::string bucket = std::string(prefix) + series + (legacy ? "4" : "5");
      // 5-digit serials 00001-99899 (99900-99999 are never issued: samples use them for absent
      // plates); legacy 4-digit serials 0001-9998.
      const uint64_t domain = legacy ? 9998 : 99899;
      uint32_t& used = used_[bucket];
      while (used < domain) {
        const uint64_t serial = 1 + permute(used++, domain, legacy ? 7 : 9, mix(key_, fnv1a(bucket)));
        char digits[8];
        std::snprintf(digits, sizeof digits, legacy ? "%04llu" : "%05llu", static_cast<unsigned long long>(serial));
        std::string key = std::string(prefix) + series + digits;
        if (std::find(reserved_.begin(), reserved_.end(), key) == reserved_.end()) return key;
      }
      // A full bucket (only in absurdly large registers): draw another series.
    }
  }

 private:
  uint64_t key_;
  std::vector<std::string> reserved_;
  std::map<std::string, uint32_t> used_;
};

struct PlatePeriod {
  int from = 0;
  int to = kOpenPeriod;
  std::string_view status;
  std::string_view owner_kind;
  std::string owner_id;
};

struct FixtureOrganisation {
  std::string_view code, name, representative_id, representative_name, status, head_office;
};

// Organisations samples and docs rely on (docs/register.md lists them). Codes whose digits 3-10
// are below 1000 are never drawn for random organisations; 999xxxxx are never issued.
constexpr std::array<FixtureOrganisation, 6> kFixtureOrganisations = {{
    {"0100000101", "Hội Luật gia phường Ngọc Hà", "001085000101", "Nguyễn Văn An", "active",
     "Số 18 phố Liễu Giai, phường Ngọc Hà, thành phố Hà Nội"},
    {"0300000202", "Trường Trung học cơ sở Bến Thành", "079087000111", "Huỳnh Tấn Phát", "active",
     "Số 40 đường Lê Thánh Tôn, phường Bến Thành, Thành phố Hồ Chí Minh"},
    {"0400000303", "Hợp tác xã Vận tải Hải Châu", "048072000303", "Lê Văn Hùng", "dissolved",
     "Số 25 đường Bạch Đằng, phường Hải Châu, thành phố Đà Nẵng"},
    {"0800000404", "Hội Chữ thập đỏ phường Thành Đông", "038088000606", "Đỗ Minh Tuấn", "active",
     "Số 6 đường Thanh Niên, phường Thành Đông, thành phố Hải Phòng"},
    {"0300000505", "Hội Cựu chiến binh phường Thủ Dầu Một", "079190000202", "Trần Thị Bích Ngọc", "active",
     "Số 9 đường Yersin, phường Thủ Dầu Một, Thành phố Hồ Chí Minh"},
    {"0100000606", "Quỹ Khuyến học phường Hai Bà Trưng", "001300000909", "Đặng Thu Hà", "suspended",
     "Số 30 phố Huế, phường Hai Bà Trưng, thành phố Hà Nội"},
}};

struct FixturePeriod {
  std::string_view from, to, status, owner_kind, owner_id;
};
struct FixtureVehicle {
  std::string_view plate, kind;
  std::array<FixturePeriod, 2> periods;  // the second is unused when its `from` is empty
};

// Plates samples and docs rely on (docs/register.md lists them with their stories).
constexpr std::array<FixtureVehicle, 9> kFixtureVehicles = {{
    {"30A12345", "car", {{{"2019-03-02", "", "active", "person", "001085000101"}, {}}}},
    {"29B112345", "motorbike", {{{"2021-07-19", "", "active", "person", "001198000505"}, {}}}},
    {"51K67890", "car", {{{"2020-01-10", "", "active", "organisation", "0300000202"}, {}}}},
    {"30F24680", "car",
     {{{"2018-05-20", "2024-08-15", "active", "person", "001085000101"},
       {"2024-08-15", "", "held", "person", "001085000101"}}}},
    {"18B123456", "motorbike",
     {{{"2008-10-01", "2024-09-01", "active", "person", "036155000404"},
       {"2024-09-01", "", "revoked", "person", "036155000404"}}}},
    {"18A13579", "car", {{{"2016-04-12", "", "active", "person", "036155000404"}, {}}}},
    {"43A55566", "car",
     {{{"2015-01-10", "2023-06-01", "active", "person", "048072000303"},
       {"2023-06-01", "", "active", "organisation", "0400000303"}}}},
    {"29AB01234", "motorbike", {{{"2024-02-03", "", "active", "person", "001300000909"}, {}}}},
    {"29AC04567", "motorbike",
     {{{"2023-09-10", "2025-01-20", "active", "person", "001300000909"},
       {"2025-01-20", "", "held", "person", "001300000909"}}}},
}};

class SpecialisedWriter {
 public:
  explicit SpecialisedWriter(SeedDatabase& db)
      : vehicle_(db.prepare("INSERT INTO vehicle (plate, vehicle_kind) VALUES (?1, ?2)")),
        period_(db.prepare("INSERT INTO plate_history (plate, valid_from, valid_to, status, owner_kind, owner_id) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")),
        organisation_(db.prepare("INSERT INTO organisation (code, name, representative_id, representative_name, "
                                 "status, head_office) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")),
        db_(db) {}

  void vehicle(std::string_view plate, std::string_view kind, const std::vector<PlatePeriod>& periods) {
    bind_text(vehicle_, 1, plate);
    bind_text(vehicle_, 2, kind);
    db_.step_done(vehicle_);
    for (const PlatePeriod& p : periods) {
      const std::string from = day_text(p.from), to = p.to == kOpenPeriod ? std::string() : day_text(p.to);
      bind_text(period_, 1, plate);
      bind_text(period_, 2, from);
      bind_text(period_, 3, to);
      bind_text(period_, 4, p.status);
      bind_text(period_, 5, p.owner_kind);
      bind_text(period_, 6, p.owner_id);
      db_.step_done(period_);
    }
  }
  void organisation(std::string_view code, std::string_view name, std::string_view representative_id,
                    std::string_view representative_name, std::string_view status, std::string_view head_office) {
    bind_text(organisation_, 1, code);
    bind_text(organisation_, 2, name);
    bind_text(organisation_, 3, representative_id);
    bind_text(organisation_, 4, representative_name);
    bind_text(organisation_, 5, status);
    bind_text(organisation_, 6, head_office);
    db_.step_done(organisation_);
  }

 private:
  sqlite3_stmt* vehicle_;
  sqlite3_stmt* period_;
  sqlite3_stmt* organisation_;
  SeedDatabase& db_;
};

struct SeededOrganisation {
  std::string code;
  const Province* home;
};

// "xã Tân Thạnh" from "Ấp 3, xã Tân Thạnh, tỉnh Tây Ninh".
std::string_view commune_of(std::string_view address) {
  const size_t last = address.rfind(", ");
  if (last == std::string_view::npos) return address;
  const size_t before = address.rfind(", ", last - 1);
  return address.substr(before == std::string_view::npos ? 0 : before + 2,
                        last - (before == std::string_view::npos ? 0 : before + 2));
}

std::string organisation_name(Rng& rng, std::string_view commune) {
  const bool ward = commune.rfind("phường ", 0) == 0;
  const std::string_view bare = commune.substr(commune.find(' ') + 1);
  static constexpr std::string_view kWithUnit[] = {
      "Hội Cựu chiến binh ", "Hội Liên hiệp Phụ nữ ", "Hội Người cao tuổi ", "Quỹ Khuyến học ",
      "Hội Chữ thập đỏ ", "Trạm Y tế ", "Hội Nông dân "};
  static constexpr std::string_view kWithName[] = {
      "Trường Tiểu học ", "Trường Trung học cơ sở ", "Trường Mầm non ", "Hợp tác xã Nông nghiệp ",
      "Ban Quản lý chợ "};
  const uint64_t x = rng.below(std::size(kWithUnit) + std::size(kWithName));
  if (x < std::size(kWithUnit)) {
    // Farmers' associations are a rural body.
    std::string_view prefix = kWithUnit[x];
    if (ward && prefix == "Hội Nông dân ") prefix = "Hội Cựu chiến binh ";
    return std::string(prefix) + std::string(commune);
  }
  std::string_view prefix = kWithName[x - std::size(kWithUnit)];
  if (ward && prefix == "Hợp tác xã Nông nghiệp ") prefix = "Hợp tác xã Dịch vụ ";
  return std::string(prefix) + std::string(bare);
}

void seed_specialised_registers(SeedDatabase& db, const std::vector<Slot>& slots, uint64_t seed) {
  SpecialisedWriter out(db);
  PeopleView people(slots, seed);
  const uint64_t population = slots.size();

  for (const FixtureOrganisation& o : kFixtureOrganisations)
    out.organisation(o.code, o.name, o.representative_id, o.representative_name, o.status, o.head_office);
  std::vector<std::string> fixture_plates;
  for (const FixtureVehicle& v : kFixtureVehicles) {
    std::vector<PlatePeriod> periods;
    for (const FixturePeriod& p : v.periods) {
      if (p.from.empty()) continue;
      periods.push_back({day_of(p.from), p.to.empty() ? kOpenPeriod : day_of(p.to), p.status, p.owner_kind,
                         std::string(p.owner_id)});
    }
    out.vehicle(v.plate, v.kind, periods);
    fixture_plates.emplace_back(v.plate);
  }

  // Organisations: a local body, represented by a living adult of its province.
  std::vector<SeededOrganisation> organisations;
  const uint64_t organisation_count = population / kPeoplePerOrganisation;
  const uint64_t code_key = mix(seed, kOrganisationKey);
  std::string head_office;
  for (uint64_t o = 0; o < organisation_count; ++o) {
    Rng rng(seed, kOrganisation, o);
    std::optional<PersonFacts> representative =
        people.draw(rng, kReferenceDayNumber - 7 * 365, kReferenceDayNumber, true);  // 25 or older, alive
    if (!representative) continue;
    const Province& home = *representative->home;
    make_address(rng, home, rng.chance(big_city(home.merged_code) ? 0.8 : 0.45), head_office);
    const std::string name = organisation_name(rng, commune_of(head_office));
    const uint64_t x = rng.below(100);
    const std::string_view status = x < 90 ? "active" : x < 94 ? "suspended" : "dissolved";
    // Digits 3-10 from 00001000 to 99899999: unique by construction (a permutation of o).
    char code[16];
    std::snprintf(code, sizeof code, "%02d%08llu", home.merged_code,
                  static_cast<unsigned long long>(1000 + permute(o, 99899000, 14, code_key)));
    out.organisation(code, name, representative->pid, representative->full_name, status, head_office);
    organisations.push_back({code, &home});
  }

  // Vehicles: 80% motorbikes. A plate's story is one of: in use since registration (70%); taken
  // off a sold vehicle and held for its owner (10%; some re-attached); transferred with the
  // vehicle under the pre-2023 rules (8%); deregistered (6%).
  PlateAllocator plates(seed, fixture_plates);
  const uint64_t vehicle_count = population / kPeoplePerVehicle;
  // Collected, then written in key order: appending to the two B-trees is far cheaper than
  // inserting at random places (~150 bytes a vehicle while it lasts).
  struct SeededVehicle {
    std::string key;
    bool car;
    std::vector<PlatePeriod> periods;
  };
  std::vector<SeededVehicle> vehicles;
  vehicles.reserve(vehicle_count);
  for (uint64_t v = 0; v < vehicle_count; ++v) {
    Rng rng(seed, kVehicle, v);
    const bool car = rng.chance(0.2);
    std::string owner_id;
    std::string_view owner_kind;
    const Province* home = nullptr;
    int window_from = kVehicleDataFrom, window_to = kReferenceDayNumber;
    if (!organisations.empty() && rng.chance(0.06)) {
      const SeededOrganisation& o = organisations[rng.below(organisations.size())];
      owner_id = o.code;
      owner_kind = "organisation";
      home = o.home;
    } else {
      std::optional<PersonFacts> owner = people.draw(rng, kReferenceDayNumber - 30, std::nullopt);
      if (!owner) continue;
      owner_id = owner->pid;
      owner_kind = "person";
      home = owner->home;
      window_from = std::max(window_from, owner->adult_from);
      window_to = std::min(window_to, owner->died);  // nothing the owner does after death
    }
    if (window_to - window_from < 60) continue;
    const int start = window_from + static_cast<int>(rng.below(static_cast<uint64_t>(window_to - window_from - 30)));
    const bool legacy = car && start < days_from_civil(2010, 1, 1) && rng.chance(0.6);
    const bool two_letter = !car && start >= kIdentificationPlatesFrom && rng.chance(0.85);
    const std::string key = plates.next(rng, *home, car, legacy, two_letter);
    auto day_between = [&](int lo, int hi) { return lo + static_cast<int>(rng.below(static_cast<uint64_t>(hi - lo))); };

    std::vector<PlatePeriod> periods{{start, kOpenPeriod, "active", owner_kind, owner_id}};
    const uint64_t story = rng.below(100);
    if (story < 70) {
      // in use since registration
    } else if (story < 80) {
      // Sold: an identification plate is held for its owner; a 4-digit plate is withdrawn.
      const int sold_from = std::max(start + 30, kIdentificationPlatesFrom);
      if (sold_from < window_to) {
        const int sold = day_between(sold_from, window_to);
        periods[0].to = sold;
        periods.push_back({sold, kOpenPeriod, legacy ? "revoked" : "held", owner_kind, owner_id});
        if (!legacy && sold + 30 < window_to && rng.chance(0.3)) {
          const int again = day_between(sold + 30, window_to);  // re-attached to the next vehicle
          periods[1].to = again;
          periods.push_back({again, kOpenPeriod, "active", owner_kind, owner_id});
        }
      }
    } else if (story < 88) {
      // Transferred with the vehicle: before 2023 the plate stayed on the vehicle.
      const int until = std::min(window_to, kIdentificationPlatesFrom);
      if (start + 30 < until) {
        const int sold = day_between(start + 30, until);
        if (std::optional<PersonFacts> buyer = people.draw(rng, sold, sold)) {
          periods[0].to = sold;
          periods.push_back({sold, kOpenPeriod, "active", "person", buyer->pid});
        }
      }
    } else if (story < 94) {
      const int ended = day_between(start + 30, window_to);  // scrapped or exported
      periods[0].to = ended;
      periods.push_back({ended, kOpenPeriod, "revoked", owner_kind, owner_id});
    }
    vehicles.push_back({key, car, std::move(periods)});
  }
  std::sort(vehicles.begin(), vehicles.end(), [](const SeededVehicle& a, const SeededVehicle& b) { return a.key < b.key; });
  for (const SeededVehicle& v : vehicles) out.vehicle(v.key, v.car ? "car" : "motorbike", v.periods);
}

std::string utc_now_iso() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void fsync_path(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Removes the temporary file unless the seed completed.
class TempFileGuard {
 public:
  explicit TempFileGuard(std::string path) : path_(std::move(path)) {}
  ~TempFileGuard() {
    if (!released_) {
      std::error_code ignored;
      std::filesystem::remove(path_, ignored);
      std::filesystem::remove(path_ + "-journal", ignored);
    }
  }
  void release() { released_ = true; }

 private:
  std::string path_;
  bool released_ = false;
};

}  // namespace

SeedSummary seed_register(const SeedOptions& options) {
  namespace fs = std::filesystem;
  auto started = std::chrono::steady_clock::now();
  if (options.path.empty()) throw std::runtime_error("register seed: no output path given");
  const std::string& path = options.path;
  fs::path target(path);
  std::error_code ec;
  fs::path directory = target.parent_path();
  if (!directory.empty() && !fs::is_directory(directory, ec))
    throw std::runtime_error("register '" + path + "': directory '" + directory.string() +
                             "' does not exist");
  if (fs::is_directory(target, ec))
    throw std::runtime_error("register '" + path + "': is a directory");
  if (fs::exists(target, ec) && !options.overwrite)
    throw std::runtime_error("register '" + path + "': file exists (overwrite it explicitly)");

  const uint64_t total = std::max<uint64_t>(options.people, kFixtures.size());
  if (total > (uint64_t{1} << 32))
    throw std::runtime_error("register '" + path + "': too many people requested");

  // Pass 1: households in order; every member gets the next unused ID of its bucket.
  std::vector<Slot> slots;
  slots.reserve(total);
  for (size_t i = 0; i < kFixtures.size(); ++i)
    slots.push_back({parse_u64(kFixtures[i].pid), static_cast<uint32_t>(i), kNoLegacy, 0, true});
  // Bucket = digits 1-6 of the ID (province, century/sex, year): 000000-096999.
  std::vector<uint32_t> bucket_next(97000, 0);
  const uint64_t suffix_key = mix(options.seed, kSuffixKey);
  const uint64_t legacy_key = mix(options.seed, kLegacyKey);
  uint64_t legacy_next = 0;
  uint64_t households = 0;
  for (uint64_t h = 0; slots.size() < total; ++h) {
    HouseholdShape shape = draw_household(options.seed, h);
    ++households;
    for (int m = 0; m < shape.size && slots.size() < total; ++m) {
      PersonCore core = draw_core(options.seed, h, m, shape);
      uint32_t bucket = static_cast<uint32_t>(core.registration->id_code * 1000 +
                                              core.id_century_sex * 100 + core.id_year);
      uint32_t n = bucket_next[bucket]++;
      if (n >= kSuffixCount)
        throw std::runtime_error("register '" + path + "': too many people in one ID range");
      uint64_t suffix = kSuffixFirst + permute(n, kSuffixCount, 10, mix(suffix_key, bucket));
      uint64_t pid = uint64_t{bucket} * 1000000 + suffix;
      uint32_t legacy = kNoLegacy;
      if (core.has_legacy) {
        uint64_t value;
        do {
          value = permute(legacy_next++, kLegacyCount, 15, legacy_key);
        } while (value == 172345678);  // the fixture's legacy number
        legacy = static_cast<uint32_t>(value);
      }
      slots.push_back({pid, static_cast<uint32_t>(h), legacy, static_cast<uint8_t>(m), false});
    }
  }
  std::sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) { return a.pid < b.pid; });

  // Pass 2: full records in key order into a fresh file.
  const std::string temp_path = path + ".tmp";
  fs::remove(temp_path, ec);  // left over by a crashed seed
  fs::remove(temp_path + "-journal", ec);
  TempFileGuard guard(temp_path);
  SeedSummary summary;
  {
    SeedDatabase db(temp_path, path);
    // Nothing to protect until the rename: no journal, no syncs. threads=2 lets the index
    // builds sort on a second core.
    db.exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
            "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY; PRAGMA threads=2;");
    db.exec(register_schema::kCreateSql);
    db.exec("BEGIN");
    sqlite3_stmt* insert = db.prepare(kInsertSql);
    // Rows are generated on a worker thread while this thread inserts them: on two cores the
    // generator's work disappears behind SQLite's.
    RowPipeline pipeline(slots, options.seed);
    uint64_t done = 0, next_progress = kProgressEvery;
    while (const RowBatch* batch = pipeline.next()) {
      for (size_t i = 0; i < batch->size; ++i) {
        bind_row(insert, batch->pids[i], batch->rows[i]);
        db.step_done(insert);
      }
      done += batch->size;
      pipeline.recycle();
      if (options.progress && done >= next_progress) {
        options.progress(done, total);
        next_progress = done + kProgressEvery;
      }
    }
    summary = pipeline.finish();
    seed_specialised_registers(db, slots, options.seed);
    db.exec(register_schema::kIndexSql);
    sqlite3_stmt* meta = db.prepare(
        "INSERT INTO meta (schema_version, seed, people, reference_date, name_key_fold, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    std::string seed_text = std::to_string(options.seed), created_at = utc_now_iso();
    sqlite3_bind_int(meta, 1, register_schema::kSchemaVersion);
    bind_text(meta, 2, seed_text);
    sqlite3_bind_int64(meta, 3, static_cast<sqlite3_int64>(total));
    bind_text(meta, 4, register_schema::kReferenceDate);
    bind_text(meta, 5, register_schema::kNameKeyFold);
    bind_text(meta, 6, created_at);
    db.step_done(meta);
    db.exec(("PRAGMA user_version = " + std::to_string(register_schema::kSeedGeneratorVersion)).c_str());
    db.exec("COMMIT");
    db.close();
  }
  fsync_path(temp_path, false);
  fs::rename(temp_path, target, ec);
  if (ec) throw std::runtime_error("register '" + path + "': cannot move the new file into place: " + ec.message());
  guard.release();
  fsync_path(directory.empty() ? std::string(".") : directory.string(), true);
  if (options.progress) options.progress(total, total);

  summary.people = total;
  summary.fixtures = kFixtures.size();
  summary.households = households + kFixtures.size();
  for (const FixtureCitizen& f : kFixtures) {
    // Fixtures belong to the classes they illustrate.
    if (!f.death_date.empty()) ++summary.deceased;
    if (f.birth_date.size() == 4) ++summary.year_only_birth_dates;
    if (!f.legacy_id.empty()) ++summary.legacy_ids;
    bool p = !f.permanent.empty(), t = !f.temporary.empty(), c = !f.current.empty();
    if (p && c && f.permanent != f.current) ++summary.stale_permanent_residence;
    if (p && !t && !c) ++summary.only_permanent_residence;
    if (!p && t && !c) ++summary.only_temporary_residence;
    if (p && t && !c) ++summary.temporary_without_current;
    if (!p && !t && c) ++summary.only_current_residence;
    PersonalIdInfo info = decode_personal_id(f.pid, kReferenceYear);
    if (id_structure_problem(info, f.sex[0], static_cast<int>(parse_u64(f.birth_date.substr(0, 4)))))
      ++summary.inconsistent_ids;
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

bool RegisterInfo::current() const {
  return schema_version == register_schema::kSchemaVersion && generator_version == register_schema::kSeedGeneratorVersion;
}

RegisterInfo read_register_info(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw std::runtime_error("register '" + path + "' does not exist");
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> guard(db, sqlite3_close_v2);
  if (rc != SQLITE_OK) throw std::runtime_error("cannot open register '" + path + "': " + sqlite3_errstr(rc));
  auto fail = [&] { return std::runtime_error("'" + path + "' is not an ecid register: " + sqlite3_errmsg(db)); };
  RegisterInfo info;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr) != SQLITE_OK) throw fail();
  if (sqlite3_step(s) == SQLITE_ROW) info.generator_version = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  if (sqlite3_prepare_v2(db, "SELECT schema_version, seed, people, reference_date, created_at FROM meta", -1, &s,
                         nullptr) != SQLITE_OK)
    throw fail();
  auto text = [&](int col) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
    return p ? std::string(p) : std::string();
  };
  const bool row = sqlite3_step(s) == SQLITE_ROW;
  if (row) {
    info.schema_version = sqlite3_column_int(s, 0);
    info.seed = text(1);
    info.people = static_cast<uint64_t>(sqlite3_column_int64(s, 2));
    info.reference_date = text(3);
    info.created_at = text(4);
  }
  sqlite3_finalize(s);
  if (!row) throw std::runtime_error("'" + path + "' is not an ecid register: its meta table is empty");
  return info;
}

}  // namespace ecid
