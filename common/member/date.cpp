#include "common/member/date.hpp"

#include <fmt/format.h>

#include <cmath>

namespace archive::member {

using namespace std::chrono;

std::string FormatDate(const Date& date) {
  const int year = static_cast<int>(date.year());
  const auto month = static_cast<unsigned>(date.month());
  const auto day = static_cast<unsigned>(date.day());
  if (year < 0 || year > 9999 || !date.ok()) {
    return fmt::format("{:04d}-{:02d}-{:02d}", year, month, day);
  }
  // By hand: an import formats three dates a row, and fmt's parse of the pattern was most of the cost.
  std::string out = "0000-00-00";
  const auto put = [&](std::size_t end, unsigned value) {
    for (std::size_t i = end; value > 0; value /= 10) out[--i] = static_cast<char>('0' + value % 10);
  };
  put(4, static_cast<unsigned>(year));
  put(7, month);
  put(10, day);
  return out;
}

std::string FormatMonth(const Date& date) {
  return fmt::format("{:04d}-{:02d}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()));
}

std::optional<Date> ParseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (std::size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (text[i] - '0');
    }
  }
  const Date date{year{parts[0]}, month{static_cast<unsigned>(parts[1])}, day{static_cast<unsigned>(parts[2])}};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::optional<Date> FromExcelSerial(double serial, bool date1904) {
  if (!std::isfinite(serial)) return std::nullopt;
  const double whole = std::floor(serial);
  if (date1904) {
    if (whole < 0 || whole > kMaxExcelSerial1904) return std::nullopt;
    return Date{sys_days{year{1904} / January / 1} + days{static_cast<long>(whole)}};
  }
  if (whole < 1 || whole > kMaxExcelSerial1900 || whole == 60) return std::nullopt;
  // Serials 1..59 count from 1899-12-31; Excel's phantom 1900-02-29 shifts every later serial by one day.
  const sys_days epoch = whole < 60 ? sys_days{year{1899} / December / 31} : sys_days{year{1899} / December / 30};
  return Date{epoch + days{static_cast<long>(whole)}};
}

int AgeOn(const Date& birth, const Date& on) {
  int age = static_cast<int>(on.year()) - static_cast<int>(birth.year());
  const unsigned bm = static_cast<unsigned>(birth.month());
  const unsigned bd = static_cast<unsigned>(birth.day());
  const unsigned om = static_cast<unsigned>(on.month());
  const unsigned od = static_cast<unsigned>(on.day());
  if (om < bm || (om == bm && od < bd)) --age;
  return age;
}

Date EndOfMonth(const Date& date) {
  const year_month_day_last last{date.year(), month_day_last{date.month()}};
  return Date{last};
}

}  // namespace archive::member
