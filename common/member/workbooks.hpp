#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/member/template.hpp"

// The two spreadsheets users download: the empty import template, and the failure report of a batch (the user's
// own failed rows in the template layout, with a 失败原因 column and the offending cells highlighted), which can be
// fixed and imported again as it is. Written with archive::xlsx, through a temporary file. Thread-safe: each call
// writes its own workbook.
namespace archive::member {

// The empty template: a 团员信息 sheet whose ID, phone, number and date columns are formatted as text,
// fixed-value columns with drop-down lists (from a hidden 选项 sheet), and a 填写说明 sheet describing
// each column. Throws std::runtime_error if the temporary file cannot be written.
std::string WriteTemplate(const MemberTemplate& layout);

struct FailedRow {
  int row_number = 0;                        // in the user's file
  std::map<std::string, std::string> cells;  // column key -> the user's text, as read
  std::vector<std::string> bad_columns;      // column keys to highlight
  std::vector<std::string> reasons;          // Chinese, one per failure
};

// The failure report. Cell text that a spreadsheet program could take for a formula (a leading = + - @,
// tab or carriage return) is written with a leading apostrophe, which the importer strips again. Throws
// std::runtime_error if the temporary file cannot be written.
std::string WriteFailureReport(const MemberTemplate& layout, const std::vector<FailedRow>& rows);

// Undoes the apostrophe that WriteFailureReport put before formula-like text.
std::string StripFormulaGuard(std::string text);

}  // namespace archive::member
