// Vehicle plate rules, in one place (Circular 79/2024/TT-BCA, which replaced 24/2023 and
// 58/2020; docs/domain.md §5.1 and §11.4). docs/register.md ("Plate rules") explains every rule and decision.
//
//   car        30A-123.45  (legacy 4-digit serial: 29A-1234)
//   motorbike  29-B1 123.45, 29-AB 123.45 (two letters since 15 Aug 2023), 29-MĐ1 013.53 (electric)
//   special    51LD-123.45 (reserved two-letter series: joint venture, projects, diplomatic, …)
//   trailer    15R-123.45  (R is the trailer / semi-trailer series)
//
// Every spelling (case, spaces, '-', '.', Đ or D) normalises to one compact ASCII key,
// "30A12345", "29B112345", "29MD101353", which is what registers store and look up.
#pragma once

#include <ecid/personal_id.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ecid {

enum class PlateKind { Car, Motorbike, Special, Trailer };

// "car", "motorbike", "special", "trailer": the register's VEHICLE_KIND values.
std::string_view plate_kind_name(PlateKind kind);
std::optional<PlateKind> plate_kind_by_name(std::string_view name);

struct Plate {
  std::string key;      // compact ASCII key: "30A12345", "29AB12345", "29MD101353"
  std::string display;  // printed form: "30A-123.45", "29-AB 123.45", "29-MĐ1 013.53"
  PlateKind kind = PlateKind::Car;
  int locality = 0;     // 2-digit locality code, 11..99
  std::string series;   // "A", "B1", "AB", "MĐ1", "LD", "R" (UTF-8)
  std::string serial;   // "12345", or "1234" for a legacy 4-digit plate
  // The pre-2025 province whose plate codes include `locality` (Province::merged_name gives the
  // province after the 2025 merger); nullptr for 80, the central agencies' code.
  const Province* province = nullptr;

  bool central_agencies() const { return locality == 80; }
  bool legacy_serial() const { return serial.size() == 4; }
};

struct PlateParse {
  std::optional<Plate> plate;  // set when the plate can exist
  std::string problem;         // set otherwise: one line, names the rule broken
};

// Parses any common spelling of a plate and rejects plates that cannot exist: unknown locality
// codes (13, 42, 44-46, 87, 91, 96 and anything below 11), obsolete series letters (I, J, O, Q;
// W is not Vietnamese), a serial of all zeros, Đ outside the MĐ series, and shapes of no plate
// kind. Input longer than 32 bytes is refused unread.
PlateParse parse_plate(std::string_view text);

// The compact key of a valid plate, or nullopt: parse_plate(text).plate->key.
std::optional<std::string> plate_key(std::string_view text);

}  // namespace ecid
