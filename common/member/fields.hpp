#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/member/cell.hpp"
#include "common/member/date.hpp"
#include "common/member/finding.hpp"
#include "common/member/template.hpp"
#include "common/member/validation_config.hpp"

// The field validators: one cell in, a normalized value and findings out. Pure functions without I/O; bad input
// is reported as findings, never thrown. Each validator first applies the rules every cell shares:
//   FORMULA_NO_VALUE a formula saved without its result (a formula with a saved result is read as that result);
//   CELL_ERROR       an Excel error value such as #N/A;
//   REQUIRED_MISSING an empty cell in a required column (an empty optional cell gives no value and no finding).
// Text is cleaned silently first (normalize.hpp: spaces, zero-width characters, full-width digits and letters).
namespace archive::member {

namespace codes {
inline constexpr std::string_view kRequiredMissing = "REQUIRED_MISSING";
inline constexpr std::string_view kFormulaNoValue = "FORMULA_NO_VALUE";
inline constexpr std::string_view kCellError = "CELL_ERROR";
inline constexpr std::string_view kTextTooLong = "TEXT_TOO_LONG";
inline constexpr std::string_view kNameChars = "NAME_CHARS";
inline constexpr std::string_view kEnumValue = "ENUM_VALUE";
inline constexpr std::string_view kPhoneFormat = "PHONE_FORMAT";
inline constexpr std::string_view kIdLength = "ID_LENGTH";
inline constexpr std::string_view kIdChars = "ID_CHARS";
inline constexpr std::string_view kIdRegion = "ID_REGION";
inline constexpr std::string_view kIdChecksum = "ID_CHECKSUM";
inline constexpr std::string_view kIdBirthInvalid = "ID_BIRTH_INVALID";
inline constexpr std::string_view kIdScientific = "ID_SCIENTIFIC";
inline constexpr std::string_view kIdPrecisionLost = "ID_PRECISION_LOST";
inline constexpr std::string_view kIdOld15 = "ID_OLD_15";
inline constexpr std::string_view kIdBirthMismatch = "ID_BIRTH_MISMATCH";
inline constexpr std::string_view kIdSexMismatch = "ID_SEX_MISMATCH";
inline constexpr std::string_view kDateFormat = "DATE_FORMAT";
inline constexpr std::string_view kDateInvalid = "DATE_INVALID";
inline constexpr std::string_view kDateFuture = "DATE_FUTURE";
inline constexpr std::string_view kAgeOutOfRange = "AGE_OUT_OF_RANGE";
inline constexpr std::string_view kJoinedBeforeBirth = "JOINED_BEFORE_BIRTH";
inline constexpr std::string_view kDevNumberFormat = "DEV_NUMBER_FORMAT";
inline constexpr std::string_view kDevNumberYear = "DEV_NUMBER_YEAR";
inline constexpr std::string_view kDevNumberScientific = "DEV_NUMBER_SCIENTIFIC";
inline constexpr std::string_view kDuplicateIdInFile = "DUPLICATE_ID_IN_FILE";
inline constexpr std::string_view kDuplicateDevNumberInFile = "DUPLICATE_DEV_NUMBER_IN_FILE";
// Notes (informational; the row is still imported).
inline constexpr std::string_view kDateSerialConverted = "DATE_SERIAL_CONVERTED";
inline constexpr std::string_view kDateMonthOnly = "DATE_MONTH_ONLY";
inline constexpr std::string_view kEnumNormalized = "ENUM_NORMALIZED";
}  // namespace codes

template <typename T>
struct FieldOutcome {
  std::optional<T> value;         // set when the cell held a usable value (notes may still explain a change)
  std::vector<Finding> failures;  // the row cannot be imported while any of these stands
  std::vector<Finding> notes;     // informational
};

enum class DatePrecision { kDay, kMonth };

struct DateValue {
  Date date;  // a month-only input is the 1st of that month
  DatePrecision precision = DatePrecision::kDay;
};

struct IdCardInfo {
  std::string number;  // 18 characters, upper-case X
  Date birth;
  bool male = false;  // the 17th digit is odd
};

// The GB 11643 / ISO 7064 MOD 11-2 check character ('0'..'9' or 'X') of the first 17 digits; nullopt when
// first17 is not 17 ASCII digits.
std::optional<char> IdCheckDigit(std::string_view first17);

// Whether the first two digits name a province-level region (11..15, 21..23, 31..37, 41..46, 50..54, 61..65, 71,
// 81, 82).
bool IsProvinceCode(int code);

// 身份证号码: an 18-character resident ID number. Codes: ID_LENGTH, ID_CHARS, ID_REGION, ID_BIRTH_INVALID (the
// embedded birth date does not exist, is before 1900 or after today), ID_CHECKSUM, ID_OLD_15, and the Excel damage
// codes ID_SCIENTIFIC (text like "4.20106E+17") and ID_PRECISION_LOST (a numeric cell, or 18 digits ending in 000
// whose check digit fails: Excel kept only 15 significant digits). A lower-case x becomes X; spaces and a leading
// apostrophe are removed. Messages and values show the number masked (first 6 and last 4).
FieldOutcome<IdCardInfo> ValidateIdCard(const CellValue& cell, const ColumnDef& column, const Date& today);

// A date column: 2024-03-10, 2024/3/10, 2024.03.10, 2024年3月10日, 20240310 (day precision); 2024-03, 2024/3, 2024.03,
// 2024年3月, 202403 (month precision, normalized to the 1st with a DATE_MONTH_ONLY note); a trailing time of day is
// ignored. Excel serial numbers: a numeric cell with a date format always; a plain number, or digits in a text
// cell, when the value is not 4, 6 or 8 digits read as a year or date (converted with a DATE_SERIAL_CONVERTED note).
// Codes: DATE_FORMAT (also a bare year, and "2024.1", which may be an Excel-shortened 2024.10), DATE_INVALID (no
// such date, a year before 1900, Excel's phantom 1900-02-29), DATE_FUTURE (after today).
FieldOutcome<DateValue> ValidateDate(const CellValue& cell, const ColumnDef& column, bool date1904, const Date& today);

// 发展团员编号: 12 digits, and the configured regional layout for the last 8. Codes: DEV_NUMBER_FORMAT,
// DEV_NUMBER_SCIENTIFIC (text in scientific notation, or a numeric cell whose stored digits were cut). The year
// rule needs the admission date: see CheckDevNumberYear. Whether an empty cell is allowed depends on the admission
// date too, so ValidateRow decides that (the column itself is optional).
FieldOutcome<std::string> ValidateDevNumber(const CellValue& cell, const ColumnDef& column,
                                            const ValidationConfig& config);

// DEV_NUMBER_YEAR when the first 4 digits are not the admission year (R9); empty otherwise.
std::vector<Finding> CheckDevNumberYear(std::string_view dev_number, const DateValue& joined_on,
                                        const ColumnDef& dev_column, const ColumnDef& joined_column);

// A mainland mobile number: 11 digits starting with 1[3-9]; spaces, dashes and a +86/0086 prefix are removed.
// Code: PHONE_FORMAT.
FieldOutcome<std::string> ValidatePhone(const CellValue& cell, const ColumnDef& column);

// One of the column's values. Accepted silently after clean-up (spaces, full width, letter case); accepted with an
// ENUM_NORMALIZED note through value_aliases ("本科" -> "大学本科") or the implied suffix ("汉" -> "汉族"); a
// boolean cell counts as 是/否 in a 是/否 column. Code: ENUM_VALUE, naming a few allowed values.
FieldOutcome<std::string> ValidateEnum(const CellValue& cell, const ColumnDef& column);

// Free text and organization references: TEXT_TOO_LONG beyond max_length. For a person_name column also
// NAME_CHARS (digits, symbols, line breaks or control characters); middle-dot variants (•, ・, ‧) become "·" and
// spaces between Chinese characters are removed. An org_ref keeps full-width characters as typed (compare it with
// FoldForMatch).
FieldOutcome<std::string> ValidateText(const CellValue& cell, const ColumnDef& column);

}  // namespace archive::member
