#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/member/cell.hpp"
#include "common/member/finding.hpp"
#include "common/member/template.hpp"

// Matching a sheet's header row to the template's columns: by name, never by position. Pure functions.
namespace archive::member {

// The comparison form of a header cell: CleanText with full-width folding, every space removed, ASCII
// lower-cased, and required/optional markers stripped: leading or trailing "*", "(必填)", "（必填）", "【必填】",
// "(选填)", "(非必填)", "(可选)" and a trailing ":".
std::string HeaderKey(std::string_view header_cell);

// Codes of batch-level findings.
inline constexpr std::string_view kMissingColumn = "MISSING_COLUMN";
inline constexpr std::string_view kDuplicateColumn = "DUPLICATE_COLUMN";
inline constexpr std::string_view kHeaderNotFound = "HEADER_NOT_FOUND";
inline constexpr std::string_view kUnknownColumn = "UNKNOWN_COLUMN";  // a note: the column is ignored

struct HeaderMatch {
  std::vector<std::string> key_at;                 // per header position: the column key, or "" (ignored column)
  std::map<std::string, std::size_t> position_of;  // column key -> position of its (first) column
  // MISSING_COLUMN (a required column is absent) and DUPLICATE_COLUMN (two columns map to the same key). Any of
  // these makes the whole batch unimportable: the rows cannot be read reliably.
  std::vector<Finding> errors;
  std::vector<Finding> notes;  // UNKNOWN_COLUMN, one per non-empty header the template does not know

  bool ok() const { return errors.empty(); }
};

// Maps the cells of the header row to column keys. Empty header cells are ignored silently.
HeaderMatch MatchHeaderRow(const MemberTemplate& tmpl, const std::vector<std::string>& header_cells);

// The header row among the first max_rows rows (the template may have a title or instruction row above it): the
// row that matches the most distinct template columns, the earliest on a tie. A row must match at least two
// columns, one of them required; nullopt when no row does (report HeaderNotFound).
std::optional<std::size_t> FindHeaderRow(const MemberTemplate& tmpl, const std::vector<std::vector<std::string>>& rows,
                                         std::size_t max_rows = 5);

// The HEADER_NOT_FOUND batch error.
Finding HeaderNotFound(const MemberTemplate& tmpl);

// The cells of one data row keyed by column key, using a match of its header row. Cells under ignored columns
// are dropped; positions beyond the row's end are left out (the rules read them as empty).
std::map<std::string, CellValue> CellsByKey(const HeaderMatch& match, const std::vector<CellValue>& row);

}  // namespace archive::member
