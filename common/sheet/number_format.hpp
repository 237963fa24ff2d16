#pragma once

#include <string>
#include <string_view>

// Excel number formats, shared by the xlsx and xls readers. Internal.
namespace archive::sheet::internal {

// The code of a built-in number format id (ECMA-376 Part 1, 18.8.30; ids 27-36 and 50-58 as in zh-CN Excel,
// where they are dates and times). "General" for an id without a built-in code.
std::string_view BuiltinFormat(int id);

// Whether a format shows a date or a time: the built-in date ids 14-22, 27-36, 45-47, 50-58, or a code with a date or
// time token (y, m, d, h, s) in its first section, outside quotes, brackets and escapes; [h], [mm], [ss] (elapsed
// time) count as tokens.
bool IsDateFormat(int id, std::string_view code);

// One entry of a workbook's style table: what a cell style index (xlsx s=, xls ixfe) means for its value.
struct CellStyle {
  std::string format;
  bool is_date = false;
};

CellStyle MakeCellStyle(int id, std::string code);

}  // namespace archive::sheet::internal
