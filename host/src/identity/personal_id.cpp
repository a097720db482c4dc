// Personal ID number structure (Decree 137/2015 Art. 13; Circular 59/2021 Art. 4).
#include <ecid/personal_id.hpp>

#include <algorithm>
#include <chrono>

namespace ecid {
namespace {

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

int utc_year_now() {
  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<int>(std::chrono::year_month_day{today}.year());
}

}  // namespace

PersonalIdInfo decode_personal_id(std::string_view id, int current_year) {
  PersonalIdInfo info;
  if (id.size() != 12) {
    info.problem = "a personal ID number has exactly 12 digits";
    return info;
  }
  if (!all_digits(id)) {
    info.problem = "a personal ID number has digits only";
    return info;
  }
  int province = (id[0] - '0') * 100 + (id[1] - '0') * 10 + (id[2] - '0');
  if (province_by_id_code(province) == nullptr) {
    info.problem = "digits 1-3 are not a province code of the ID number table";
    return info;
  }
  // Digit 4: even = male, odd = female; each pair of values is one century from 1900.
  int century_sex = id[3] - '0';
  int year = 1900 + 100 * (century_sex / 2) + (id[4] - '0') * 10 + (id[5] - '0');
  if (current_year == 0) current_year = utc_year_now();
  if (year > current_year) {
    info.problem = "digits 4-6 give a birth year in the future";
    return info;
  }
  info.valid = true;
  info.province_code = province;
  info.sex = century_sex % 2 == 0 ? 'M' : 'F';
  info.birth_year = year;
  return info;
}

bool is_legacy_id(std::string_view id) { return id.size() == 9 && all_digits(id); }

bool has_personal_id_form(std::string_view id) { return id.size() == 12 && all_digits(id); }

std::optional<std::string> id_structure_problem(const PersonalIdInfo& info, char recorded_sex,
                                                int recorded_birth_year) {
  if (!info.valid)
    return std::string(info.problem.empty() ? std::string_view("invalid ID structure")
                                            : info.problem);
  std::string problem;
  // An unknown recorded value (0, or a sex other than M/F) cannot disagree.
  if ((recorded_sex == 'M' || recorded_sex == 'F') && recorded_sex != info.sex) {
    problem = "sex digit says ";
    problem += info.sex;
    problem += ", record says ";
    problem += recorded_sex;
  }
  if (recorded_birth_year > 0 && recorded_birth_year != info.birth_year) {
    if (!problem.empty()) problem += "; ";
    problem += "birth year digits say " + std::to_string(info.birth_year) + ", record says " +
               std::to_string(recorded_birth_year);
  }
  if (problem.empty()) return std::nullopt;
  return problem;
}

std::string mask_personal_id(std::string_view id) {
  // Anything that is not a 12-digit number is masked entirely, except the last 2 characters of
  // a 9-digit legacy number: a log line must never reveal more than 5 digits.
  if (has_personal_id_form(id)) {
    std::string out(id.substr(0, 3));
    out.append(7, '*');
    out.append(id.substr(10, 2));
    return out;
  }
  if (is_legacy_id(id)) return std::string(7, '*') + std::string(id.substr(7, 2));
  return std::string(std::min<size_t>(id.size(), 12), '*');
}

}  // namespace ecid
