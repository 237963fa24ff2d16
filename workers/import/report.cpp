#include "workers/import/report.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "common/base/crypto.hpp"

namespace archive::import {
namespace {

constexpr int kMaxRows = 1048575;
constexpr const char* kReasonHeader = "失败原因";

bool LooksLikeFormula(std::string_view text) {
  return !text.empty() &&
         (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' || text[0] == '\r');
}

std::string Guard(const std::string& text) {
  return LooksLikeFormula(text) ? "'" + text : text;
}

// A workbook written to a private temporary file, read back into memory and removed.
class Workbook {
 public:
  Workbook() : path_(std::filesystem::temp_directory_path() / ("league-archive-" + RandomHex(8) + ".xlsx")) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_FALSE;
    book_ = workbook_new_opt(path_.c_str(), &options);
    if (book_ == nullptr) throw std::runtime_error(fmt::format("libxlsxwriter cannot create {}", path_.string()));
  }
  ~Workbook() {
    if (book_ != nullptr) workbook_close(book_);
    std::filesystem::remove(path_);
  }
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;

  lxw_workbook* get() { return book_; }

  std::string Finish() {
    const lxw_error rc = workbook_close(book_);
    book_ = nullptr;
    if (rc != LXW_NO_ERROR) {
      throw std::runtime_error(fmt::format("libxlsxwriter could not write {}: {}", path_.string(), lxw_strerror(rc)));
    }
    std::ifstream in(path_, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }

 private:
  std::filesystem::path path_;
  lxw_workbook* book_ = nullptr;
};

struct Formats {
  lxw_format* header;
  lxw_format* text;
  lxw_format* bad;
  lxw_format* wrap;
};

Formats MakeFormats(lxw_workbook* book) {
  Formats f{workbook_add_format(book), workbook_add_format(book), workbook_add_format(book), workbook_add_format(book)};
  format_set_bold(f.header);
  format_set_bg_color(f.header, 0xD9E1F2);
  format_set_num_format(f.text, "@");
  format_set_num_format(f.bad, "@");
  format_set_bg_color(f.bad, 0xFFC7CE);
  format_set_font_color(f.bad, 0x9C0006);
  format_set_text_wrap(f.wrap);
  return f;
}

// The header row and column formats of the data sheet, shared by the template and the report.
void WriteLayout(lxw_workbook* book, lxw_worksheet* sheet, const member::MemberTemplate& layout, const Formats& f,
                 bool with_lists) {
  lxw_worksheet* options = nullptr;
  if (with_lists) {
    options = workbook_add_worksheet(book, "选项");
    worksheet_hide(options);
  }
  int list_column = 0;
  for (std::size_t c = 0; c < layout.columns().size(); ++c) {
    const auto& column = layout.columns()[c];
    const auto col = static_cast<lxw_col_t>(c);
    worksheet_write_string(sheet, 0, col, column.header.c_str(), f.header);
    worksheet_set_column(sheet, col, col, column.kind == member::ColumnKind::kIdCard ? 22 : 16,
                         column.text_format ? f.text : nullptr);
    if (options == nullptr || column.values.empty()) continue;
    for (std::size_t v = 0; v < column.values.size(); ++v) {
      worksheet_write_string(options, static_cast<lxw_row_t>(v), static_cast<lxw_col_t>(list_column),
                             column.values[v].c_str(), nullptr);
    }
    const std::string letters = list_column < 26 ? std::string(1, static_cast<char>('A' + list_column))
                                                 : fmt::format("A{}", static_cast<char>('A' + list_column - 26));
    std::string range = fmt::format("='选项'!${}$1:${}${}", letters, letters, column.values.size());
    lxw_data_validation validation{};
    validation.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
    validation.value_formula = range.data();
    validation.show_error = LXW_VALIDATION_ON;
    std::string title = column.header;
    std::string message = fmt::format("请从下拉列表中选择{}", column.header);
    validation.error_title = title.data();
    validation.error_message = message.data();
    worksheet_data_validation_range(sheet, 1, col, kMaxRows, col, &validation);
    ++list_column;
  }
  worksheet_freeze_panes(sheet, 1, 0);
}

}  // namespace

std::string StripFormulaGuard(std::string text) {
  if (text.size() > 1 && text[0] == '\'' && LooksLikeFormula(std::string_view(text).substr(1))) text.erase(0, 1);
  return text;
}

std::string WriteTemplate(const member::MemberTemplate& layout) {
  Workbook book;
  const Formats f = MakeFormats(book.get());
  lxw_worksheet* data = workbook_add_worksheet(book.get(), layout.sheet_name().c_str());
  lxw_worksheet* help = workbook_add_worksheet(book.get(), "填写说明");
  WriteLayout(book.get(), data, layout, f, true);
  worksheet_write_string(help, 0, 0, "列名", f.header);
  worksheet_write_string(help, 0, 1, "是否必填", f.header);
  worksheet_write_string(help, 0, 2, "填写要求", f.header);
  worksheet_write_string(help, 0, 3, "示例", f.header);
  worksheet_set_column(help, 0, 0, 16, nullptr);
  worksheet_set_column(help, 1, 1, 10, nullptr);
  worksheet_set_column(help, 2, 2, 70, f.wrap);
  worksheet_set_column(help, 3, 3, 24, f.text);
  for (std::size_t c = 0; c < layout.columns().size(); ++c) {
    const auto& column = layout.columns()[c];
    const auto row = static_cast<lxw_row_t>(c + 1);
    worksheet_write_string(help, row, 0, column.header.c_str(), nullptr);
    worksheet_write_string(help, row, 1, column.required ? "必填" : "选填", nullptr);
    worksheet_write_string(help, row, 2, column.description.c_str(), f.wrap);
    worksheet_write_string(help, row, 3, column.example.c_str(), f.text);
  }
  worksheet_activate(data);
  return book.Finish();
}

std::string WriteFailureReport(const member::MemberTemplate& layout, const std::vector<FailedRow>& rows) {
  Workbook book;
  const Formats f = MakeFormats(book.get());
  lxw_worksheet* sheet = workbook_add_worksheet(book.get(), layout.sheet_name().c_str());
  WriteLayout(book.get(), sheet, layout, f, false);
  const auto reason_col = static_cast<lxw_col_t>(layout.columns().size());
  worksheet_write_string(sheet, 0, reason_col, kReasonHeader, f.header);
  worksheet_set_column(sheet, reason_col, reason_col, 60, f.wrap);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const auto out_row = static_cast<lxw_row_t>(r + 1);
    for (std::size_t c = 0; c < layout.columns().size(); ++c) {
      const auto& key = layout.columns()[c].key;
      const auto it = row.cells.find(key);
      const bool bad = std::find(row.bad_columns.begin(), row.bad_columns.end(), key) != row.bad_columns.end();
      const std::string text = it == row.cells.end() ? "" : Guard(it->second);
      worksheet_write_string(sheet, out_row, static_cast<lxw_col_t>(c), text.c_str(), bad ? f.bad : f.text);
    }
    std::string reasons = fmt::format("第 {} 行：", row.row_number);
    for (std::size_t i = 0; i < row.reasons.size(); ++i)
      reasons += fmt::format("{}{}", i > 0 ? "；" : "", row.reasons[i]);
    worksheet_write_string(sheet, out_row, reason_col, Guard(reasons).c_str(), f.wrap);
  }
  return book.Finish();
}

}  // namespace archive::import
