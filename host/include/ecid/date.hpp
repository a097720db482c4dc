// Dates as the sectors write them; partial dates (year only, month/year) are first-class.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ecid {

struct PartialDate {
  int year = 0;
  int month = 0;  // 0 = unknown
  int day = 0;    // 0 = unknown
  bool year_only() const { return month == 0; }
  bool complete() const { return day != 0; }
  // "1952", "1952-03" or "1952-03-04": the register's own storage form.
  std::string iso() const;
  bool operator==(const PartialDate&) const = default;
};

// Accepts dd/mm/yyyy (also '-' and '.'), d/m/yyyy, ddmmyyyy, YYYYMMDD, YYYY-MM-DD, YYYY-MM,
// YYYY, mm/yyyy, YYMMDD (MRZ; century chosen so the date is not in the future),
// and 00/00/yyyy or 01/01/yyyy-style placeholders written as zeros. Rejects impossible dates.
// `yymmdd_pivot_year`: the current year, for choosing the century of YYMMDD (0 = this year).
// Eight digits read as YYYYMMDD when the first four are a year in 1850–2100 and the rest a
// valid month and day, else as ddmmyyyy. Years are 1000–9999; a zero day (or zero day and
// month) means unknown; 01/01/yyyy stays a full date. Separators must not be mixed; surrounding
// white space is ignored; more than 32 characters (256 with padding) is rejected.
std::optional<PartialDate> parse_date(std::string_view text, int yymmdd_pivot_year = 0);

enum class DateAgreement {
  Equal,          // same precision, same value
  PartialAgrees,  // one side is partial and agrees on what both know (e.g. year only)
  Differs
};
DateAgreement compare_dates(const PartialDate& claimed, const PartialDate& registered);

}  // namespace ecid
