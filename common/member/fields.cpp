#include "common/member/fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <regex>

#include "common/base/text.hpp"
#include "common/base/utf8.hpp"
#include "common/member/normalize.hpp"

namespace archive::member {

namespace {

using Kind = CellValue::Kind;

std::string Q(std::string_view text) {
  return fmt::format("“{}”", text);
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

int DigitsValue(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

Finding Found(std::string_view code, const ColumnDef& column, std::string message, std::string value = "") {
  return {std::string(code), column.key, std::move(message), std::move(value)};
}

// Masks an ID-like value for messages. ASCII goes through archive::MaskIdCard; anything else is masked by code
// points the same way, so a message never carries a broken UTF-8 sequence.
std::string MaskLoose(std::string_view value) {
  if (std::all_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return MaskIdCard(value);
  }
  std::u32string chars = utf8::Decode(value);
  if (chars.size() < 10) return std::string(chars.size(), '*');
  for (std::size_t i = 6; i + 4 < chars.size(); ++i) chars[i] = U'*';
  return utf8::Encode(chars);
}

// [+-]digits[.digits](e|E)[+-]digits
bool IsScientific(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const std::size_t mantissa = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i == mantissa) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i >= s.size() || (s[i] != 'e' && s[i] != 'E')) return false;
  ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const std::size_t exponent = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i > exponent && i == s.size();
}

// The number of significant mantissa digits and the exponent of a scientific-notation string.
std::pair<int, int> ScientificShape(std::string_view s) {
  int digits = 0;
  bool leading = true;
  std::size_t i = 0;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
    if (!IsDigit(s[i])) continue;
    if (leading && s[i] == '0') continue;
    leading = false;
    ++digits;
  }
  int exponent = 0;
  bool negative = false;
  for (++i; i < s.size(); ++i) {
    if (s[i] == '-') negative = true;
    if (IsDigit(s[i])) exponent = exponent * 10 + (s[i] - '0');
    if (exponent > 10000) break;
  }
  return {digits, negative ? -exponent : exponent};
}

// "4.20106200801011E+17" -> "4.20106*********E+17": at most 6 significant digits stay readable.
std::string MaskMantissa(std::string_view s) {
  std::string out(s);
  int seen = 0;
  for (char& c : out) {
    if (c == 'e' || c == 'E') break;
    if (IsDigit(c) && ++seen > 6) c = '*';
  }
  return out;
}

// The digits Excel keeps of a large number: 15 significant digits, then zeros.
std::string ExcelDigits(double value) {
  if (value < 1e15) return fmt::format("{:.0f}", value);
  const std::string sci = fmt::format("{:.14e}", value);  // d.dddddddddddddde+XX
  const int exponent = ScientificShape(sci).second;
  std::string out;
  for (char c : sci.substr(0, sci.find('e'))) {
    if (IsDigit(c)) out.push_back(c);
  }
  while (static_cast<int>(out.size()) < exponent + 1) out.push_back('0');
  return out;
}

// A numeric cell as the digits an admin typed, when it is a whole number Excel stores exactly.
std::optional<std::string> WholeNumberDigits(const CellValue& cell) {
  const auto value = NumberOf(cell);
  if (!value || *value < 0 || *value >= 1e15 || std::floor(*value) != *value) return std::nullopt;
  return fmt::format("{:.0f}", *value);
}

bool IsEmptyCell(const CellValue& cell) {
  switch (cell.kind) {
    case Kind::kEmpty:
      return true;
    case Kind::kText:
      return CleanCompact(cell.text).empty();
    case Kind::kNumber:
    case Kind::kBool:
    case Kind::kError:
    case Kind::kFormulaNoValue:
      return false;
  }
  return false;
}

// The rules every cell shares. True when the validator should stop: a failure was recorded, or the cell is an
// empty optional one.
template <typename T>
bool SharedRules(const CellValue& cell, const ColumnDef& column, FieldOutcome<T>& out) {
  if (cell.kind == Kind::kFormulaNoValue) {
    out.failures.push_back(
        Found(codes::kFormulaNoValue, column,
              fmt::format("{}列是公式，且文件中没有保存计算结果。请用 Excel 或 WPS 打开文件，选中该列，"
                          "复制后用“选择性粘贴→数值”粘贴回原处，保存后再导入。",
                          Q(column.header))));
    return true;
  }
  if (cell.kind == Kind::kError) {
    out.failures.push_back(Found(codes::kCellError, column,
                                 fmt::format("{}显示的是错误值 {}，没有有效内容。请在 Excel 中改为正确的值后重新导入。",
                                             Q(column.header), CleanText(cell.text)),
                                 CleanText(cell.text)));
    return true;
  }
  if (IsEmptyCell(cell)) {
    if (column.required) {
      out.failures.push_back(Found(codes::kRequiredMissing, column,
                                   fmt::format("{}是必填项，当前为空。请填写后重新导入。", Q(column.header))));
    }
    return true;
  }
  return false;
}

bool CheckLength(const std::string& value, const ColumnDef& column, std::vector<Finding>& failures) {
  if (column.max_length <= 0) return true;
  const std::size_t length = CodePointCount(value);
  if (length <= static_cast<std::size_t>(column.max_length)) return true;
  failures.push_back(Found(
      codes::kTextTooLong, column,
      fmt::format("{}最多 {} 个字，当前有 {} 个字。请删减后重新导入。", Q(column.header), column.max_length, length)));
  return false;
}

// The text of a cell for text-like columns: whole numbers without ".0", booleans as TRUE/FALSE.
std::string CellText(const CellValue& cell, bool fold_width) {
  if (cell.kind == Kind::kNumber) {
    if (auto digits = WholeNumberDigits(cell)) return *digits;
  }
  return CleanText(cell.text, fold_width);
}

// Text for number-like columns: spaces removed, full width folded, a leading apostrophe or quotes removed.
std::string CompactNumberText(const std::string& text) {
  std::string s = CleanCompact(text);
  while (!s.empty() && (s.front() == '\'' || s.front() == '"' || s.front() == '`')) s.erase(s.begin());
  while (!s.empty() && s.back() == '"') s.pop_back();
  return s;
}

// ------------------------------------------------------------------------------------------------- dates

struct DateParse {
  enum class Status { kOk, kFormat, kInvalid, kYearOnly, kAmbiguousMonth, kPhantomLeapDay };
  Status status = Status::kFormat;
  Date date{};
  DatePrecision precision = DatePrecision::kDay;
  std::optional<long> serial;  // set when the value was an Excel serial number
};

DateParse MakeDate(int y, int m, int d, DatePrecision precision) {
  DateParse p;
  p.precision = precision;
  if (y < 1900 || y > 9999) {
    p.status = DateParse::Status::kInvalid;
    return p;
  }
  p.date = Date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                std::chrono::day{static_cast<unsigned>(d)}};
  p.status = (m >= 1 && m <= 12 && p.date.ok()) ? DateParse::Status::kOk : DateParse::Status::kInvalid;
  return p;
}

DateParse FromSerial(double serial, bool date1904) {
  DateParse p;
  const double whole = std::floor(serial);
  const double max = date1904 ? kMaxExcelSerial1904 : kMaxExcelSerial1900;
  if (whole < (date1904 ? 0 : 1) || whole > max) {
    p.status = DateParse::Status::kFormat;
    return p;
  }
  p.serial = static_cast<long>(whole);
  if (!date1904 && whole == 60) {
    p.status = DateParse::Status::kPhantomLeapDay;
    return p;
  }
  p.date = *FromExcelSerial(whole, date1904);
  p.status = DateParse::Status::kOk;
  return p;
}

// Digits alone: a year (4), YYYYMM (6), YYYYMMDD (8) when the year is plausible, otherwise an Excel serial.
DateParse FromDigits(std::string_view digits, bool date1904) {
  if (digits.size() > 9) return {};
  const int year = digits.size() >= 4 ? DigitsValue(digits.substr(0, 4)) : 0;
  const bool plausible_year = year >= 1900 && year <= 2100;
  if (digits.size() == 4 && plausible_year) {
    DateParse p;
    p.status = DateParse::Status::kYearOnly;
    return p;
  }
  if (digits.size() == 6 && plausible_year) {
    return MakeDate(year, DigitsValue(digits.substr(4, 2)), 1, DatePrecision::kMonth);
  }
  if (digits.size() == 8 && plausible_year) {
    return MakeDate(year, DigitsValue(digits.substr(4, 2)), DigitsValue(digits.substr(6, 2)), DatePrecision::kDay);
  }
  return FromSerial(static_cast<double>(std::stol(std::string(digits))), date1904);
}

// Removes a trailing time of day ("2024-03-10 00:00:00", "2024-03-10T08:30").
std::string StripTime(std::string s) {
  const std::size_t colon = s.find(':');
  if (colon == std::string::npos) return s;
  const std::size_t cut = s.find_last_of(" T", colon);
  if (cut == std::string::npos || cut == 0) return s;
  const std::string time = s.substr(cut + 1);
  static const std::regex kTime(R"(\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)");
  if (time.size() > 20 || !std::regex_match(time, kTime)) return s;
  return s.substr(0, cut);
}

// Splits "2024-03-10" / "2024年3月10日" into digit groups and the separators between them.
DateParse FromText(const std::string& raw, bool date1904) {
  const std::string s = CompactNumberText(StripTime(CleanText(raw)));
  if (s.empty()) return {};
  if (AllDigits(s)) return FromDigits(s, date1904);
  std::vector<std::string> groups;
  std::vector<std::string> separators;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = i;
    while (j < s.size() && IsDigit(s[j])) ++j;
    if (j == i) return {};
    groups.push_back(s.substr(i, j - i));
    if (j == s.size()) {
      separators.emplace_back();
      break;
    }
    std::size_t k = j;
    while (k < s.size() && !IsDigit(s[k])) ++k;
    separators.push_back(s.substr(j, k - j));
    i = k;
  }
  if (groups.size() < 2 || groups.size() > 3 || groups[0].size() != 4) return {};
  for (std::size_t g = 1; g < groups.size(); ++g) {
    if (groups[g].size() > 2) return {};
  }
  const bool chinese =
      separators[0] == "年" && separators[1] == "月" &&
      (groups.size() == 2 ? true : (separators[2] == "日" || separators[2] == "号" || separators[2].empty()));
  const bool chinese_month =
      groups.size() == 2 && separators[0] == "年" && (separators[1] == "月" || separators[1].empty());
  bool plain = false;
  if (separators[0] == "-" || separators[0] == "/" || separators[0] == ".") {
    plain = groups.size() == 2 ? separators[1].empty() : (separators[1] == separators[0] && separators[2].empty());
  }
  if (!chinese && !chinese_month && !plain) return {};
  const int y = DigitsValue(groups[0]);
  const int m = DigitsValue(groups[1]);
  if (groups.size() == 2) {
    // Excel shows the number 2024.10 as 2024.1, so "2024.1" may mean January or October.
    if (separators[0] == "." && groups[1] == "1") {
      DateParse p;
      p.status = DateParse::Status::kAmbiguousMonth;
      return p;
    }
    return MakeDate(y, m, 1, DatePrecision::kMonth);
  }
  return MakeDate(y, m, DigitsValue(groups[2]), DatePrecision::kDay);
}

DateParse ParseDateCell(const CellValue& cell, bool date1904) {
  if (cell.kind == Kind::kNumber) {
    const auto value = NumberOf(cell);
    if (!value) return {};
    if (cell.is_date_format) return FromSerial(*value, date1904);
    if (std::floor(*value) == *value && *value >= 0 && *value < 1e9) {
      return FromDigits(fmt::format("{:.0f}", *value), date1904);
    }
    // A number such as 2024.03 typed without a date format: the text as stored tells the month digits.
    const std::string raw = CompactNumberText(cell.text);
    if (*value >= 1900 && *value < 2101 && !IsScientific(raw)) return FromText(raw, date1904);
    if (*value >= 1) return FromSerial(*value, date1904);
    return {};
  }
  if (cell.kind == Kind::kText) return FromText(cell.text, date1904);
  return {};
}

}  // namespace

// ------------------------------------------------------------------------------------------------- ID card

std::optional<char> IdCheckDigit(std::string_view first17) {
  if (first17.size() != 17 || !AllDigits(first17)) return std::nullopt;
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

bool IsProvinceCode(int code) {
  return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) || (code >= 31 && code <= 37) ||
         (code >= 41 && code <= 46) || (code >= 50 && code <= 54) || (code >= 61 && code <= 65) || code == 71 ||
         code == 81 || code == 82;
}

FieldOutcome<IdCardInfo> ValidateIdCard(const CellValue& cell, const ColumnDef& column, const Date& today) {
  FieldOutcome<IdCardInfo> out;
  if (SharedRules(cell, column, out)) return out;
  const std::string retype = "请把该列设置为“文本”格式后重新输入完整的 18 位号码。";
  std::string s;
  if (cell.kind == Kind::kNumber) {
    const auto value = NumberOf(cell);
    if (value && *value >= 1e17 && *value < 1e18) {
      const std::string masked = MaskIdCard(ExcelDigits(*value));
      out.failures.push_back(Found(codes::kIdPrecisionLost, column,
                                   fmt::format("{}被 Excel 当成了数字，只保留了前 15 位，后 3 位已经变成 000（{}）。{}",
                                               Q(column.header), masked, retype),
                                   masked));
      return out;
    }
    auto digits = WholeNumberDigits(cell);
    s = digits ? *digits : CompactNumberText(cell.text);
  } else {
    s = CompactNumberText(cell.text);
  }
  if (IsScientific(s)) {
    const std::string masked = MaskMantissa(s);
    out.failures.push_back(
        Found(codes::kIdScientific, column,
              fmt::format("{}被 Excel 转成了科学计数法（{}），后几位已经丢失。{}", Q(column.header), masked, retype),
              masked));
    return out;
  }
  if (!s.empty() && s.back() == 'x') s.back() = 'X';
  const bool chars_ok =
      !s.empty() && std::all_of(s.begin(), s.end() - 1, IsDigit) && (IsDigit(s.back()) || s.back() == 'X');
  const std::string masked = MaskLoose(s);
  if (!chars_ok) {
    out.failures.push_back(Found(codes::kIdChars, column,
                                 fmt::format("{}只能由数字组成（最后一位可以是 X），当前含有其他字符（{}）。"
                                             "请删除空格、标点、汉字等多余字符，按身份证重新填写。",
                                             Q(column.header), masked),
                                 masked));
    return out;
  }
  if (s.size() == 15 && AllDigits(s)) {
    out.failures.push_back(
        Found(codes::kIdOld15, column,
              fmt::format("{}是 15 位的旧号码（{}）。请改填现在使用的 18 位居民身份证号码。", Q(column.header), masked),
              masked));
    return out;
  }
  if (s.size() != 18) {
    out.failures.push_back(Found(codes::kIdLength, column,
                                 fmt::format("{}应为 18 位，当前是 {} 位（{}）。请对照身份证核对后重新填写。",
                                             Q(column.header), s.size(), masked),
                                 masked));
    return out;
  }
  const int region = DigitsValue(s.substr(0, 2));
  if (!IsProvinceCode(region)) {
    out.failures.push_back(Found(codes::kIdRegion, column,
                                 fmt::format("{}的前两位（{}）不是有效的省级行政区代码，号码可能填错了（{}）。"
                                             "请对照身份证核对后重新填写。",
                                             Q(column.header), s.substr(0, 2), masked),
                                 masked));
    return out;
  }
  const DateParse birth = MakeDate(DigitsValue(s.substr(6, 4)), DigitsValue(s.substr(10, 2)),
                                   DigitsValue(s.substr(12, 2)), DatePrecision::kDay);
  if (birth.status != DateParse::Status::kOk || birth.date > today) {
    out.failures.push_back(Found(codes::kIdBirthInvalid, column,
                                 fmt::format("{}第 7–14 位的出生日期（{}）不是有效日期，号码可能填错了（{}）。"
                                             "请对照身份证核对后重新填写。",
                                             Q(column.header), s.substr(6, 8), masked),
                                 masked));
    return out;
  }
  if (*IdCheckDigit(s.substr(0, 17)) != s.back()) {
    if (s.ends_with("000")) {
      out.failures.push_back(Found(codes::kIdPrecisionLost, column,
                                   fmt::format("{}的后 3 位是 000 且校验不通过（{}），很可能是 Excel 曾把它当成数字，"
                                               "只保留了前 15 位。{}",
                                               Q(column.header), masked, retype),
                                   masked));
    } else {
      out.failures.push_back(
          Found(codes::kIdChecksum, column,
                fmt::format("{}校验不通过（{}），有数字填错或顺序颠倒。请对照身份证逐位核对后重新填写。",
                            Q(column.header), masked),
                masked));
    }
    return out;
  }
  out.value = IdCardInfo{s, birth.date, (s[16] - '0') % 2 == 1};
  return out;
}

// ------------------------------------------------------------------------------------------------- dates

FieldOutcome<DateValue> ValidateDate(const CellValue& cell, const ColumnDef& column, bool date1904, const Date& today) {
  FieldOutcome<DateValue> out;
  if (SharedRules(cell, column, out)) return out;
  const DateParse p = ParseDateCell(cell, date1904);
  const std::string shown = cell.kind == Kind::kNumber ? CellText(cell, true) : CleanText(cell.text);
  const std::string how = "请按“2024-05-04”或“2024-05”的格式填写（建议先把该列设置为“文本”格式）。";
  switch (p.status) {
    case DateParse::Status::kFormat:
      out.failures.push_back(Found(codes::kDateFormat, column,
                                   fmt::format("{}的内容{}无法识别为日期。{}", Q(column.header), Q(shown), how),
                                   shown));
      return out;
    case DateParse::Status::kYearOnly:
      out.failures.push_back(Found(codes::kDateFormat, column,
                                   fmt::format("{}只填写了年份（{}）。请补全月份，如“{}-05”或“{}-05-04”。",
                                               Q(column.header), shown, shown, shown),
                                   shown));
      return out;
    case DateParse::Status::kAmbiguousMonth:
      out.failures.push_back(
          Found(codes::kDateFormat, column,
                fmt::format("{}的{}无法确定是 1 月还是 10 月（Excel 会把数字 {}0 显示成 {}）。"
                            "请把该列设置为“文本”格式，再填写为“{}-01”或“{}-10”。",
                            Q(column.header), Q(shown), shown, shown, shown.substr(0, 4), shown.substr(0, 4)),
                shown));
      return out;
    case DateParse::Status::kInvalid:
      out.failures.push_back(
          Found(codes::kDateInvalid, column,
                fmt::format("{}的{}不是一个存在的日期（年份须在 1900 年以后，月份 1–12，日期不超过当月天数）。"
                            "请核对后改正。",
                            Q(column.header), Q(shown)),
                shown));
      return out;
    case DateParse::Status::kPhantomLeapDay:
      out.failures.push_back(
          Found(codes::kDateInvalid, column,
                fmt::format("{}是 Excel 日期序号 60，对应的 1900-02-29 实际并不存在（Excel 的已知错误）。"
                            "请核对后按“2024-05-04”的格式重新填写。",
                            Q(column.header)),
                shown));
      return out;
    case DateParse::Status::kOk:
      break;
  }
  if (p.date > today) {
    out.failures.push_back(Found(
        codes::kDateFuture, column,
        fmt::format("{}（{}）晚于今天（{}）。请核对后改正。", Q(column.header),
                    p.precision == DatePrecision::kDay ? FormatDate(p.date) : FormatMonth(p.date), FormatDate(today)),
        FormatDate(p.date)));
    return out;
  }
  const bool from_plain_number = p.serial && !(cell.kind == Kind::kNumber && cell.is_date_format);
  if (from_plain_number) {
    const std::string why = cell.kind == Kind::kText ? "该单元格是文本格式的数字" : "该单元格没有设置为日期格式";
    out.notes.push_back(Found(codes::kDateSerialConverted, column,
                              fmt::format("{}填写的是 Excel 日期序号 {}（{}），已按 {} 导入，请核对。",
                                          Q(column.header), *p.serial, why, FormatDate(p.date)),
                              FormatDate(p.date)));
  }
  if (p.precision == DatePrecision::kMonth) {
    out.notes.push_back(Found(codes::kDateMonthOnly, column,
                              fmt::format("{}只填写到月份（{}），已按 {} 导入。如知道具体日期，请填写完整日期。",
                                          Q(column.header), FormatMonth(p.date), FormatDate(p.date)),
                              FormatDate(p.date)));
  }
  out.value = DateValue{p.date, p.precision};
  return out;
}

// ------------------------------------------------------------------------------------------------- dev number

FieldOutcome<std::string> ValidateDevNumber(const CellValue& cell, const ColumnDef& column,
                                            const ValidationConfig& config) {
  FieldOutcome<std::string> out;
  if (SharedRules(cell, column, out)) return out;
  const std::string retype = "请把该列设置为“文本”格式后，对照《入团志愿书》首页重新输入 12 位编号。";
  std::string s;
  if (cell.kind == Kind::kNumber) {
    const std::string raw = CompactNumberText(cell.text);
    if (IsScientific(raw)) {
      const auto [digits, exponent] = ScientificShape(raw);
      if (digits < exponent + 1) {
        out.failures.push_back(Found(
            codes::kDevNumberScientific, column,
            fmt::format("{}被 Excel 转成了科学计数法（{}），后几位已经丢失。{}", Q(column.header), raw, retype), raw));
        return out;
      }
    }
    auto digits = WholeNumberDigits(cell);
    s = digits ? *digits : raw;
  } else {
    s = CompactNumberText(cell.text);
    if (IsScientific(s)) {
      out.failures.push_back(
          Found(codes::kDevNumberScientific, column,
                fmt::format("{}被 Excel 转成了科学计数法（{}），后几位已经丢失。{}", Q(column.header), s, retype), s));
      return out;
    }
  }
  if (s.size() != 12 || !AllDigits(s)) {
    out.failures.push_back(Found(codes::kDevNumberFormat, column,
                                 fmt::format("{}应为 12 位数字（前 4 位是入团年份），当前为{}（{} 个字符）。"
                                             "请对照《入团志愿书》首页的编号改正。",
                                             Q(column.header), Q(s), CodePointCount(s)),
                                 s));
    return out;
  }
  if (config.dev_number_layout && config.dev_number_layout->regex &&
      !std::regex_match(s.substr(4), *config.dev_number_layout->regex)) {
    const std::string hint =
        config.dev_number_layout->hint.empty() ? "" : fmt::format("（本地区规则：{}）", config.dev_number_layout->hint);
    out.failures.push_back(
        Found(codes::kDevNumberFormat, column,
              fmt::format("{}{}的第 5–12 位不符合本地区的编号规则{}。请对照《入团志愿书》首页的编号改正。",
                          Q(column.header), Q(s), hint),
              s));
    return out;
  }
  out.value = s;
  return out;
}

std::vector<Finding> CheckDevNumberYear(std::string_view dev_number, const DateValue& joined_on,
                                        const ColumnDef& dev_column, const ColumnDef& joined_column) {
  if (dev_number.size() < 4 || !AllDigits(dev_number.substr(0, 4))) return {};
  const int number_year = DigitsValue(dev_number.substr(0, 4));
  const int joined_year = static_cast<int>(joined_on.date.year());
  if (number_year == joined_year) return {};
  return {Found(codes::kDevNumberYear, dev_column,
                fmt::format("{}的前 4 位是 {}，但{}是 {} 年，两者必须一致。请对照《入团志愿书》首页的编号和入团时间，"
                            "改正填错的一项。",
                            Q(dev_column.header), number_year, Q(joined_column.header), joined_year),
                std::string(dev_number))};
}

// ------------------------------------------------------------------------------------------------- phone

FieldOutcome<std::string> ValidatePhone(const CellValue& cell, const ColumnDef& column) {
  FieldOutcome<std::string> out;
  if (SharedRules(cell, column, out)) return out;
  std::string s = cell.kind == Kind::kNumber ? CellText(cell, true) : CompactNumberText(cell.text);
  std::erase_if(s, [](char c) { return c == '-' || c == '(' || c == ')'; });
  for (std::string_view prefix : {"+86", "0086", "86"}) {
    if (s.size() == 11 + prefix.size() && s.starts_with(prefix)) {
      s = s.substr(prefix.size());
      break;
    }
  }
  const bool ok = s.size() == 11 && AllDigits(s) && s[0] == '1' && s[1] >= '3' && s[1] <= '9';
  if (!ok) {
    const std::string shown = CleanText(cell.kind == Kind::kNumber ? CellText(cell, true) : cell.text);
    out.failures.push_back(Found(codes::kPhoneFormat, column,
                                 fmt::format("{}应为 11 位手机号码（如 13800138000），当前为{}。"
                                             "请改正，不要填写座机号、区号或多个号码。",
                                             Q(column.header), Q(shown)),
                                 shown));
    return out;
  }
  out.value = s;
  return out;
}

// ------------------------------------------------------------------------------------------------- enums

FieldOutcome<std::string> ValidateEnum(const CellValue& cell, const ColumnDef& column) {
  FieldOutcome<std::string> out;
  if (SharedRules(cell, column, out)) return out;
  const bool yes_no = std::find(column.values.begin(), column.values.end(), "是") != column.values.end() &&
                      std::find(column.values.begin(), column.values.end(), "否") != column.values.end();
  std::string typed = CellText(cell, true);
  if (cell.kind == Kind::kBool && yes_no) {
    out.value = cell.text == "TRUE" ? "是" : "否";
    return out;
  }
  if (const auto exact = std::find(column.values.begin(), column.values.end(), typed); exact != column.values.end()) {
    out.value = *exact;
    return out;
  }
  const std::string folded = FoldForMatch(typed);
  for (const std::string& value : column.values) {
    if (FoldForMatch(value) == folded) {
      out.value = value;
      return out;
    }
  }
  std::optional<std::string> accepted;
  for (const auto& [alias, target] : column.value_aliases) {
    if (FoldForMatch(alias) == folded) accepted = target;
  }
  if (!accepted && !column.implied_suffix.empty()) {
    for (const std::string& value : column.values) {
      if (FoldForMatch(value) == folded + FoldForMatch(column.implied_suffix)) accepted = value;
    }
  }
  if (accepted) {
    out.notes.push_back(Found(codes::kEnumNormalized, column,
                              fmt::format("{}填写的{}已按{}导入。", Q(column.header), Q(typed), Q(*accepted)),
                              *accepted));
    out.value = *accepted;
    return out;
  }
  std::string examples;
  const std::size_t shown = std::min<std::size_t>(column.values.size(), 6);
  for (std::size_t i = 0; i < shown; ++i) examples += (i ? "、" : "") + column.values[i];
  if (shown < column.values.size()) examples += fmt::format(" 等（共 {} 项）", column.values.size());
  out.failures.push_back(Found(
      codes::kEnumValue, column,
      fmt::format("{}填写的{}不是可选的值。请从模板的下拉列表中选择，可选：{}。", Q(column.header), Q(typed), examples),
      typed));
  return out;
}

// ------------------------------------------------------------------------------------------------- text

namespace {

bool IsHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x323AF) || c == 0x3007;
}

bool IsLatinLetter(char32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0x00C0 && c <= 0x024F && c != 0x00D7 && c != 0x00F7);
}

bool IsMiddleDotVariant(char32_t c) {
  return c == 0x2022 || c == 0x2027 || c == 0x30FB || c == 0xFF65 || c == 0x2219 || c == 0x22C5 || c == 0x0387;
}

std::string Describe(char32_t c) {
  if (c == '\n' || c == '\r') return "换行";
  if (c == '\t') return "制表符";
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xFFFD)
    return fmt::format("不可见字符 U+{:04X}", static_cast<unsigned>(c));
  return Q(utf8::Encode(std::u32string(1, c)));
}

// Middle-dot variants become "·"; spaces are kept only between Latin letters (a single one), so "张 三" and
// "张　三" become "张三".
std::u32string NormalizeName(std::u32string chars) {
  for (char32_t& c : chars) {
    if (IsMiddleDotVariant(c)) c = 0x00B7;
  }
  std::u32string out;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (chars[i] != U' ') {
      out.push_back(chars[i]);
      continue;
    }
    std::size_t next = i;
    while (next < chars.size() && chars[next] == U' ') ++next;
    if (!out.empty() && next < chars.size() && IsLatinLetter(out.back()) && IsLatinLetter(chars[next])) {
      out.push_back(U' ');
    }
    i = next - 1;
  }
  return out;
}

}  // namespace

FieldOutcome<std::string> ValidateText(const CellValue& cell, const ColumnDef& column) {
  FieldOutcome<std::string> out;
  if (SharedRules(cell, column, out)) return out;
  std::string value = CellText(cell, column.kind != ColumnKind::kOrgRef);
  if (column.person_name) {
    std::u32string chars = NormalizeName(utf8::Decode(value));
    value = utf8::Encode(chars);
    std::string bad;
    for (char32_t c : chars) {
      if (IsHan(c) || IsLatinLetter(c) || c == 0x00B7 || c == U' ') continue;
      bad = Describe(c);
      break;
    }
    if (!bad.empty()) {
      out.failures.push_back(
          Found(codes::kNameChars, column,
                fmt::format("{}中含有数字、符号或换行等不允许的字符（{}）。请只填写与身份证一致的姓名；"
                            "少数民族姓名中的间隔号请用“·”。",
                            Q(column.header), bad),
                value));
      return out;
    }
  }
  if (!CheckLength(value, column, out.failures)) return out;
  out.value = std::move(value);
  return out;
}

}  // namespace archive::member
