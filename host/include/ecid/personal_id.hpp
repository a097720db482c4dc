// Personal ID number rules, in one place (Decree 137/2015 Art. 13; Circular 59/2021 Art. 4).
// 12 digits: PPP (province of birth registration) G (century + sex) YY (birth year) RRRRRR
// (random). There is no check digit: every random suffix is valid.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ecid {

struct Province {
  int id_code;                   // 1..96, the ID number's 3-digit code ("001" → 1)
  std::string_view name;         // pre-2025 province, UTF-8 NFC
  std::string_view plate_codes;  // comma-separated vehicle plate locality codes
  std::string_view merged_name;  // province after the 2025 merger (Resolution 202/2025/QH15)
  int merged_code;               // its 2-digit code (Decision 19/2025/QĐ-TTg)
};

// The 63 pre-2025 provinces in code order.
std::span<const Province> provinces();
const Province* province_by_id_code(int code);
// Province whose plate locality codes include `plate_code` (e.g. 30 → Hà Nội); nullptr if none.
const Province* province_by_plate_code(int plate_code);

struct PersonalIdInfo {
  bool valid = false;
  int province_code = 0;
  char sex = 0;  // 'M' or 'F'
  int birth_year = 0;
  std::string_view problem;  // static text, set when !valid
};

// Decodes the structure. `current_year` bounds the birth year (0 = this year, UTC).
PersonalIdInfo decode_personal_id(std::string_view id, int current_year = 0);

// 9 digits: the legacy CMND number; it has no published structure.
bool is_legacy_id(std::string_view id);
// 12 digits: the form of a personal ID number (whether its structure is valid is decode's job).
bool has_personal_id_form(std::string_view id);

// Does the ID's structure agree with what a record says? Empty optional = consistent;
// otherwise a short reason naming the field ("sex digit says F, record says M").
std::optional<std::string> id_structure_problem(const PersonalIdInfo& info, char recorded_sex,
                                                int recorded_birth_year);

// For logs: keeps the province code and the last 2 digits ("001*******45"); never log the ID.
std::string mask_personal_id(std::string_view id);

}  // namespace ecid
