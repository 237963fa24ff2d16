#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

// Calendar helpers for the member rules. Pure functions.
namespace archive::member {

using Date = std::chrono::year_month_day;

// "2024-03-10".
std::string FormatDate(const Date& date);
// "2024-03".
std::string FormatMonth(const Date& date);

// Strict "YYYY-MM-DD", for configuration values; nullopt when malformed or not a real date.
std::optional<Date> ParseIsoDate(std::string_view text);

// Largest serial Excel accepts: 9999-12-31 in the 1900 date system.
inline constexpr double kMaxExcelSerial1900 = 2958465;
// Largest serial in the 1904 date system (also 9999-12-31).
inline constexpr double kMaxExcelSerial1904 = 2957003;

// The date of an Excel serial number; the fraction (time of day) is dropped. In the 1900 system (the default)
// serial 1 is 1900-01-01 and 60 is Excel's nonexistent 1900-02-29 (kept for Lotus 1-2-3 compatibility), so 61 is
// 1900-03-01 and later serials count from 1899-12-30. In the 1904 system serial 0 is 1904-01-01. nullopt for 60 in
// the 1900 system and for serials out of range (below 1, or 0 in 1904, or above the maxima).
std::optional<Date> FromExcelSerial(double serial, bool date1904);

// Full years (周岁) from birth to on; a 29 February birthday counts from 1 March in common years.
int AgeOn(const Date& birth, const Date& on);

// The last day of the date's month.
Date EndOfMonth(const Date& date);

}  // namespace archive::member
