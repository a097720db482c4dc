// Dates as the sectors write them: every accepted format, rejections, partial dates and the
// comparison truth table.
#include "ecid/date.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

using ecid::compare_dates;
using ecid::DateAgreement;
using ecid::parse_date;
using ecid::PartialDate;

std::string iso_of(std::string_view text, int pivot = 2025) {
  const auto d = parse_date(text, pivot);
  return d ? d->iso() : "rejected";
}

std::string format(const char* pattern, int a, int b, int c) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, pattern, a, b, c);
  return buffer;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int month_length(int y, int m) {
  const int days[] = {31, is_leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return days[m - 1];
}

TEST(ParseDateTest, EveryFormat) {
  EXPECT_EQ(iso_of("12/03/1948"), "1948-03-12");  // VSS dd/mm/yyyy
  EXPECT_EQ(iso_of("12-03-1948"), "1948-03-12");
  EXPECT_EQ(iso_of("12.03.1948"), "1948-03-12");
  EXPECT_EQ(iso_of("2/3/1948"), "1948-03-02");    // d/m/yyyy
  EXPECT_EQ(iso_of("12031948"), "1948-03-12");    // CCCD QR ddmmyyyy
  EXPECT_EQ(iso_of("19480312"), "1948-03-12");    // VNConnect YYYYMMDD
  EXPECT_EQ(iso_of("1948-03-12"), "1948-03-12");  // ISO
  EXPECT_EQ(iso_of("1948-3-2"), "1948-03-02");
  EXPECT_EQ(iso_of("1948-03"), "1948-03");
  EXPECT_EQ(iso_of("1948"), "1948");
  EXPECT_EQ(iso_of("03/1948"), "1948-03");  // mm/yyyy
  EXPECT_EQ(iso_of("3/1948"), "1948-03");
  EXPECT_EQ(iso_of("480312"), "1948-03-12");  // MRZ YYMMDD
  EXPECT_EQ(iso_of("  12/03/1948 \n"), "1948-03-12");
}

TEST(ParseDateTest, PartialDatesWrittenWithZeros) {
  EXPECT_EQ(iso_of("00/00/1952"), "1952");
  EXPECT_EQ(iso_of("00/03/1952"), "1952-03");
  EXPECT_EQ(iso_of("00001952"), "1952");
  EXPECT_EQ(iso_of("00031952"), "1952-03");
  EXPECT_EQ(iso_of("19520000"), "1952");
  EXPECT_EQ(iso_of("19520300"), "1952-03");
  EXPECT_EQ(iso_of("1952-00-00"), "1952");
  // 01/01/yyyy is a real date; only the comparison treats a year-only side as partial.
  EXPECT_EQ(iso_of("01/01/1952"), "1952-01-01");
  const auto d = parse_date("00/00/1952");
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->year_only());
  EXPECT_FALSE(d->complete());
}

TEST(ParseDateTest, EightDigitDisambiguation) {
  // YYYYMMDD when the year is 1850–2100 and the rest is a valid month and day; else ddmmyyyy.
  EXPECT_EQ(iso_of("20111990"), "1990-11-20");  // 2011-19-90 is impossible
  EXPECT_EQ(iso_of("19121950"), "1950-12-19");
  EXPECT_EQ(iso_of("20121012"), "2012-10-12");  // both readings valid: YYYYMMDD wins
  EXPECT_EQ(iso_of("12121850"), "1850-12-12");  // 1212 is not a plausible year
  EXPECT_EQ(iso_of("18500101"), "1850-01-01");
  EXPECT_EQ(iso_of("21000101"), "2100-01-01");
  EXPECT_EQ(iso_of("21011012"), "1012-01-21") << "2101 is outside 1850–2100: ddmmyyyy";
  EXPECT_EQ(iso_of("20111012"), "2011-10-12") << "2011 is plausible: YYYYMMDD";
}

TEST(ParseDateTest, SixDigitCenturyFollowsThePivot) {
  EXPECT_EQ(iso_of("250101", 2025), "2025-01-01");
  EXPECT_EQ(iso_of("260101", 2025), "1926-01-01");
  EXPECT_EQ(iso_of("991231", 2025), "1999-12-31");
  EXPECT_EQ(iso_of("000229", 2025), "2000-02-29");
  EXPECT_EQ(iso_of("010229", 2025), "rejected");  // 2001 is not a leap year
  EXPECT_EQ(iso_of("991231", 2099), "2099-12-31");
  // Pivot 0 = this year: a two-digit year never lands in the future.
  const auto d = parse_date("991231");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->year, 1999);
}

TEST(ParseDateTest, Rejections) {
  for (const char* bad : {"",
                          "   ",
                          "31/02/1950",
                          "29/02/1900",
                          "30/02/2000",
                          "31/04/2000",
                          "00/13/2000",
                          "12/13/1948",
                          "32/01/1948",
                          "0000",
                          "00/00/0000",
                          "12/00/1948",
                          "1948-00-12",
                          "12/03/48",
                          "12/03-1948",
                          "12//1948",
                          "/03/1948",
                          "12/03/1948/",
                          "1948-03-12T10:00",
                          "abc",
                          "12 03 1948",
                          "1948-003-12",
                          "123/03/1948",
                          "19480",
                          "1234567",
                          "123456789",
                          "+1948",
                          "-1948",
                          "1948.",
                          "12/03/19480",
                          "0999",
                          "٣/٣/١٩٤٨",
                          "1948-13",
                          "13/1948",
                          "12\0/03/1948"}) {
    EXPECT_FALSE(parse_date(bad, 2025)) << bad;
  }
  EXPECT_FALSE(parse_date(std::string("12/03/1948\0", 11)));
  EXPECT_FALSE(parse_date(std::string(1 << 20, '1')));
  EXPECT_FALSE(parse_date(std::string(300, ' ') + "1948"));
  EXPECT_FALSE(parse_date(std::string(33, '1')));
  // Fixed-width files pad fields: padding is not length.
  EXPECT_EQ(iso_of(std::string(40, ' ') + "1948"), "1948");
}

TEST(ParseDateTest, EveryDayOfManyYearsInEveryFormat) {
  for (int y : {1850, 1899, 1900, 1948, 1999, 2000, 2024, 2100}) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= 31; ++d) {
        const bool valid = d <= month_length(y, m);
        const std::string expected = valid ? format("%04d-%02d-%02d", y, m, d) : "rejected";
        EXPECT_EQ(iso_of(format("%02d/%02d/%04d", d, m, y)), expected);
        EXPECT_EQ(iso_of(format("%d.%d.%04d", d, m, y)), expected);
        EXPECT_EQ(iso_of(format("%04d-%02d-%02d", y, m, d)), expected);
        EXPECT_EQ(iso_of(format("%04d%02d%02d", y, m, d)), expected);
        if (valid) {
          EXPECT_EQ(iso_of(format("%02d%02d%04d", d, m, y)), expected) << d << m << y;
          EXPECT_EQ(iso_of(format("%02d%02d%02d", y % 100, m, d), y), expected);  // pivot = y
        }
      }
    }
  }
}

TEST(PartialDateTest, Iso) {
  EXPECT_EQ((PartialDate{1952, 0, 0}).iso(), "1952");
  EXPECT_EQ((PartialDate{1952, 3, 0}).iso(), "1952-03");
  EXPECT_EQ((PartialDate{1952, 3, 4}).iso(), "1952-03-04");
  EXPECT_EQ((PartialDate{}).iso(), "");
  for (const char* text : {"1952", "1952-03", "1952-03-04"}) EXPECT_EQ(iso_of(iso_of(text)), text);
}

TEST(CompareDatesTest, TruthTable) {
  const PartialDate full{1948, 3, 12}, other_day{1948, 3, 13}, month{1948, 3, 0},
      other_month{1948, 4, 0}, year{1948, 0, 0}, other_year{1949, 0, 0},
      other_year_full{1949, 3, 12}, none{};
  struct Row {
    PartialDate claimed, registered;
    DateAgreement expected;
  };
  const Row rows[] = {
      {full, full, DateAgreement::Equal},
      {month, month, DateAgreement::Equal},
      {year, year, DateAgreement::Equal},
      {full, year, DateAgreement::PartialAgrees},  // claimed 12/03/1948, register "1948"
      {year, full, DateAgreement::PartialAgrees},
      {full, month, DateAgreement::PartialAgrees},
      {month, full, DateAgreement::PartialAgrees},
      {month, year, DateAgreement::PartialAgrees},
      {year, month, DateAgreement::PartialAgrees},
      {full, other_day, DateAgreement::Differs},
      {month, other_month, DateAgreement::Differs},
      {full, other_month, DateAgreement::Differs},
      {other_month, full, DateAgreement::Differs},
      {year, other_year, DateAgreement::Differs},
      {full, other_year, DateAgreement::Differs},
      {full, other_year_full, DateAgreement::Differs},
      {other_year, month, DateAgreement::Differs},
      {none, none, DateAgreement::Differs},
      {none, year, DateAgreement::Differs},
      {full, none, DateAgreement::Differs},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(compare_dates(r.claimed, r.registered), r.expected)
        << r.claimed.iso() << " vs " << r.registered.iso();
  }
}

TEST(CompareDatesTest, ParsedFromSectorFormats) {
  EXPECT_EQ(compare_dates(*parse_date("12/03/1948"), *parse_date("1948")),
            DateAgreement::PartialAgrees);
  EXPECT_EQ(compare_dates(*parse_date("12031948"), *parse_date("19480312")), DateAgreement::Equal);
  EXPECT_EQ(compare_dates(*parse_date("00/00/1952"), *parse_date("1952")), DateAgreement::Equal);
  EXPECT_EQ(compare_dates(*parse_date("01/01/1952"), *parse_date("1952")),
            DateAgreement::PartialAgrees);
  EXPECT_EQ(compare_dates(*parse_date("01/01/1952"), *parse_date("1953")), DateAgreement::Differs);
}

}  // namespace
