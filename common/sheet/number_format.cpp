#include "common/sheet/number_format.hpp"

#include <array>

namespace archive::sheet::internal {
namespace {

constexpr std::array<std::string_view, 59> kBuiltin = {
    "General",                           // 0
    "0",                                 // 1
    "0.00",                              // 2
    "#,##0",                             // 3
    "#,##0.00",                          // 4
    "",                                  // 5-8: currency, locale dependent
    "",                                  //
    "",                                  //
    "",                                  //
    "0%",                                // 9
    "0.00%",                             // 10
    "0.00E+00",                          // 11
    "# ?/?",                             // 12
    "# ?\?/?\?",                         // 13
    "mm-dd-yy",                          // 14
    "d-mmm-yy",                          // 15
    "d-mmm",                             // 16
    "mmm-yy",                            // 17
    "h:mm AM/PM",                        // 18
    "h:mm:ss AM/PM",                     // 19
    "h:mm",                              // 20
    "h:mm:ss",                           // 21
    "m/d/yy h:mm",                       // 22
    "",                                  // 23-26: unused
    "",                                  //
    "",                                  //
    "",                                  //
    "yyyy\"年\"m\"月\"",                 // 27
    "m\"月\"d\"日\"",                    // 28
    "m\"月\"d\"日\"",                    // 29
    "m-d-yy",                            // 30
    "yyyy\"年\"m\"月\"d\"日\"",          // 31
    "h\"时\"mm\"分\"",                   // 32
    "h\"时\"mm\"分\"ss\"秒\"",           // 33
    "上午/下午h\"时\"mm\"分\"",          // 34
    "上午/下午h\"时\"mm\"分\"ss\"秒\"",  // 35
    "yyyy\"年\"m\"月\"",                 // 36
    "#,##0 ;(#,##0)",                    // 37
    "#,##0 ;[Red](#,##0)",               // 38
    "#,##0.00;(#,##0.00)",               // 39
    "#,##0.00;[Red](#,##0.00)",          // 40
    "",                                  // 41-44: accounting, locale dependent
    "",                                  //
    "",                                  //
    "",                                  //
    "mm:ss",                             // 45
    "[h]:mm:ss",                         // 46
    "mmss.0",                            // 47
    "##0.0E+0",                          // 48
    "@",                                 // 49
    "yyyy\"年\"m\"月\"",                 // 50
    "m\"月\"d\"日\"",                    // 51
    "yyyy\"年\"m\"月\"",                 // 52
    "m\"月\"d\"日\"",                    // 53
    "m\"月\"d\"日\"",                    // 54
    "上午/下午h\"时\"mm\"分\"",          // 55
    "上午/下午h\"时\"mm\"分\"ss\"秒\"",  // 56
    "yyyy\"年\"m\"月\"",                 // 57
    "m\"月\"d\"日\"",                    // 58
};

bool IsBuiltinDate(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

}  // namespace

std::string_view BuiltinFormat(int id) {
  if (id < 0 || id >= static_cast<int>(kBuiltin.size()) || kBuiltin[id].empty()) return "General";
  return kBuiltin[id];
}

bool IsDateFormat(int id, std::string_view code) {
  if (IsBuiltinDate(id)) return true;
  // A format has up to four sections (positive;negative;zero;text); Excel treats the value as a date when the
  // first one has date tokens.
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    switch (c) {
      case ';':
        return false;
      case '"': {
        const std::size_t close = code.find('"', i + 1);
        if (close == std::string_view::npos) return false;
        i = close;
        break;
      }
      case '[': {
        // [h], [hh], [m], [mm], [s], [ss]: elapsed time. Anything else ([Red], [$-804], [DBNum1], [>100]) is skipped.
        const std::size_t close = code.find(']', i + 1);
        if (close == std::string_view::npos) return false;
        const std::string_view inner = code.substr(i + 1, close - i - 1);
        if (!inner.empty() && inner.find_first_not_of("hHmMsS") == std::string_view::npos) return true;
        i = close;
        break;
      }
      case '\\':
      case '_':
      case '*':
        ++i;  // escaped character, space of a character's width, fill character
        break;
      case 'y':
      case 'Y':
      case 'm':
      case 'M':
      case 'd':
      case 'D':
      case 'h':
      case 'H':
      case 's':
      case 'S':
        return true;
      default:
        break;
    }
  }
  return false;
}

CellStyle MakeCellStyle(int id, std::string code) {
  CellStyle style;
  style.is_date = IsDateFormat(id, code);
  style.format = std::move(code);
  return style;
}

}  // namespace archive::sheet::internal
