// Date parsing for the formats the sectors use; partial dates are first-class.
#include "ecid/date.hpp"

#include <chrono>
#include <cstdio>

namespace ecid {
namespace {

constexpr int kMinYear = 1000;  // four-digit years only: iso() always prints YYYY
constexpr int kMaxYear = 9999;
constexpr std::size_t kMaxField = 32;   // after trimming
constexpr std::size_t kMaxInput = 256;  // before trimming (fixed-width files pad fields)
// A YYYYMMDD reading of eight digits is taken only for a plausible year.
constexpr int kPlausibleFirst = 1850;
constexpr int kPlausibleLast = 2100;

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Zero day = unknown day, zero month = unknown month (then the day must be unknown too).
std::optional<PartialDate> make_date(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear) return std::nullopt;
  if (month < 0 || month > 12 || day < 0) return std::nullopt;
  if (month == 0 && day != 0) return std::nullopt;
  if (day != 0 && day > days_in_month(year, month)) return std::nullopt;
  return PartialDate{year, month, day};
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int to_int(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

int current_year() {
  const auto today = std::chrono::year_month_day{
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
  return static_cast<int>(today.year());
}

std::optional<PartialDate> parse_digits(std::string_view s, int pivot_year) {
  switch (s.size()) {
    case 4:  // YYYY
      return make_date(to_int(s), 0, 0);
    case 6: {  // YYMMDD (MRZ): the latest century that does not put the year after the pivot
      const int yy = to_int(s.substr(0, 2));
      const int pivot = pivot_year > 0 ? pivot_year : current_year();
      int year = (pivot / 100) * 100 + yy;
      if (year > pivot) year -= 100;
      return make_date(year, to_int(s.substr(2, 2)), to_int(s.substr(4, 2)));
    }
    case 8: {  // YYYYMMDD when the year is plausible and the rest valid; else ddmmyyyy
      const int year = to_int(s.substr(0, 4));
      if (year >= kPlausibleFirst && year <= kPlausibleLast) {
        if (auto date = make_date(year, to_int(s.substr(4, 2)), to_int(s.substr(6, 2)))) {
          return date;
        }
      }
      return make_date(to_int(s.substr(4, 4)), to_int(s.substr(2, 2)), to_int(s.substr(0, 2)));
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string PartialDate::iso() const {
  if (year < kMinYear || year > kMaxYear) return {};
  char buffer[16];
  if (month == 0) {
    std::snprintf(buffer, sizeof buffer, "%04d", year);
  } else if (day == 0) {
    std::snprintf(buffer, sizeof buffer, "%04d-%02d", year, month % 100);
  } else {
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month % 100, day % 100);
  }
  return buffer;
}

std::optional<PartialDate> parse_date(std::string_view text, int yymmdd_pivot_year) {
  if (text.size() > kMaxInput) return std::nullopt;
  const std::string_view s = trim(text);
  if (s.empty() || s.size() > kMaxField) return std::nullopt;
  if (all_digits(s)) return parse_digits(s, yymmdd_pivot_year);

  // Separated forms: one separator kind, '/', '-' or '.', used throughout.
  const std::size_t first = s.find_first_of("/-.");
  if (first == std::string_view::npos) return std::nullopt;
  const char separator = s[first];
  std::string_view fields[3];
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t next = s.find(separator, start);
    const std::string_view field =
        s.substr(start, next == std::string_view::npos ? s.npos : next - start);
    if (count == 3 || !all_digits(field)) return std::nullopt;
    fields[count++] = field;
    if (next == std::string_view::npos) break;
    start = next + 1;
  }
  auto short_field = [](std::string_view f) { return f.size() == 1 || f.size() == 2; };
  if (count == 3) {
    if (fields[0].size() == 4 && short_field(fields[1]) && short_field(fields[2])) {  // YYYY-MM-DD
      return make_date(to_int(fields[0]), to_int(fields[1]), to_int(fields[2]));
    }
    if (short_field(fields[0]) && short_field(fields[1]) && fields[2].size() == 4) {  // dd/mm/yyyy
      return make_date(to_int(fields[2]), to_int(fields[1]), to_int(fields[0]));
    }
    return std::nullopt;
  }
  if (count == 2) {
    if (fields[0].size() == 4 && short_field(fields[1])) {  // YYYY-MM
      return make_date(to_int(fields[0]), to_int(fields[1]), 0);
    }
    if (short_field(fields[0]) && fields[1].size() == 4) {  // mm/yyyy
      return make_date(to_int(fields[1]), to_int(fields[0]), 0);
    }
  }
  return std::nullopt;
}

DateAgreement compare_dates(const PartialDate& claimed, const PartialDate& registered) {
  // Nothing agrees with a date that has no year.
  if (claimed.year == 0 || registered.year == 0) return DateAgreement::Differs;
  if (claimed.year != registered.year) return DateAgreement::Differs;
  const bool both_months = claimed.month != 0 && registered.month != 0;
  if (both_months && claimed.month != registered.month) return DateAgreement::Differs;
  const bool both_days = both_months && claimed.day != 0 && registered.day != 0;
  if (both_days && claimed.day != registered.day) return DateAgreement::Differs;
  const bool same_precision = (claimed.month != 0) == (registered.month != 0) &&
                              (claimed.month == 0 || (claimed.day != 0) == (registered.day != 0));
  return same_precision ? DateAgreement::Equal : DateAgreement::PartialAgrees;
}

}  // namespace ecid
