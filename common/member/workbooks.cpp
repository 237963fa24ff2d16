#include "common/member/workbooks.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "common/xlsx/workbook.hpp"

namespace archive::member {
namespace {

constexpr const char* kReasonHeader = "失败原因";

bool LooksLikeFormula(std::string_view text) {
  return !text.empty() &&
         (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' || text[0] == '\r');
}

std::string Guard(const std::string& text) {
  return LooksLikeFormula(text) ? "'" + text : text;
}

struct Formats {
  xlsx::Format header;
  xlsx::Format text;
  xlsx::Format bad;
  xlsx::Format wrap;
};

Formats MakeFormats(xlsx::Workbook& book) {
  return {book.AddFormat({.bold = true, .fill = 0xD9E1F2}), book.AddFormat({.text = true}),
          book.AddFormat({.text = true, .fill = 0xFFC7CE, .font_color = 0x9C0006}), book.AddFormat({.wrap = true})};
}

// The header row and column formats of the data sheet, shared by the template and the report.
void WriteLayout(xlsx::Workbook& book, xlsx::Sheet& sheet, const MemberTemplate& layout, const Formats& f,
                 bool with_lists) {
  std::optional<xlsx::Sheet> options;
  if (with_lists) {
    options = book.AddSheet("选项");
    options->Hide();
  }
  int list_column = 0;
  for (std::size_t c = 0; c < layout.columns().size(); ++c) {
    const auto& column = layout.columns()[c];
    const int col = static_cast<int>(c);
    sheet.Write(0, col, column.header, f.header);
    sheet.SetColumns(col, col, column.kind == ColumnKind::kIdCard ? 22 : 16,
                     column.text_format ? f.text : xlsx::Format{});
    if (!options || column.values.empty()) continue;
    for (std::size_t v = 0; v < column.values.size(); ++v) {
      options->Write(static_cast<int>(v), list_column, column.values[v]);
    }
    const std::string letters = list_column < 26 ? std::string(1, static_cast<char>('A' + list_column))
                                                 : fmt::format("A{}", static_cast<char>('A' + list_column - 26));
    sheet.AddList({.column = col,
                   .first_row = 1,
                   .last_row = xlsx::kMaxRow,
                   .source = fmt::format("='选项'!${}$1:${}${}", letters, letters, column.values.size()),
                   .error_title = column.header,
                   .error_message = fmt::format("请从下拉列表中选择{}", column.header)});
    ++list_column;
  }
  sheet.FreezeRows(1);
}

}  // namespace

std::string StripFormulaGuard(std::string text) {
  if (text.size() > 1 && text[0] == '\'' && LooksLikeFormula(std::string_view(text).substr(1))) text.erase(0, 1);
  return text;
}

std::string WriteTemplate(const MemberTemplate& layout) {
  xlsx::Workbook book;
  const Formats f = MakeFormats(book);
  xlsx::Sheet data = book.AddSheet(layout.sheet_name());
  xlsx::Sheet help = book.AddSheet("填写说明");
  WriteLayout(book, data, layout, f, true);
  help.WriteRow(0, {"列名", "是否必填", "填写要求", "示例"}, f.header);
  help.SetColumns(0, 0, 16);
  help.SetColumns(1, 1, 10);
  help.SetColumns(2, 2, 70, f.wrap);
  help.SetColumns(3, 3, 24, f.text);
  for (std::size_t c = 0; c < layout.columns().size(); ++c) {
    const auto& column = layout.columns()[c];
    const int row = static_cast<int>(c + 1);
    help.WriteRow(row, {column.header, column.required ? "必填" : "选填"});
    help.Write(row, 2, column.description, f.wrap);
    help.Write(row, 3, column.example, f.text);
  }
  data.Activate();
  return book.Close();
}

std::string WriteFailureReport(const MemberTemplate& layout, const std::vector<FailedRow>& rows) {
  xlsx::Workbook book;
  const Formats f = MakeFormats(book);
  xlsx::Sheet sheet = book.AddSheet(layout.sheet_name());
  WriteLayout(book, sheet, layout, f, false);
  const int reason_col = static_cast<int>(layout.columns().size());
  sheet.Write(0, reason_col, kReasonHeader, f.header);
  sheet.SetColumns(reason_col, reason_col, 60, f.wrap);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const int out_row = static_cast<int>(r + 1);
    for (std::size_t c = 0; c < layout.columns().size(); ++c) {
      const auto& key = layout.columns()[c].key;
      const auto it = row.cells.find(key);
      const bool bad = std::find(row.bad_columns.begin(), row.bad_columns.end(), key) != row.bad_columns.end();
      sheet.Write(out_row, static_cast<int>(c), it == row.cells.end() ? "" : Guard(it->second), bad ? f.bad : f.text);
    }
    std::string reasons = fmt::format("第 {} 行：", row.row_number);
    for (std::size_t i = 0; i < row.reasons.size(); ++i)
      reasons += fmt::format("{}{}", i > 0 ? "；" : "", row.reasons[i]);
    sheet.Write(out_row, reason_col, Guard(reasons), f.wrap);
  }
  return book.Close();
}

}  // namespace archive::member
