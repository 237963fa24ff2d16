#include "common/xlsx/workbook.hpp"

#include <xlsxwriter.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "common/base/crypto.hpp"

namespace archive::xlsx {
namespace {

lxw_row_t Row(int row) {
  return static_cast<lxw_row_t>(row);
}

lxw_col_t Column(int column) {
  return static_cast<lxw_col_t>(column);
}

}  // namespace

bool Sheet::Write(int row, int column, const std::string& text, Format format) {
  if (row < 0 || column < 0) return false;
  return worksheet_write_string(sheet_, Row(row), Column(column), text.c_str(), format.format_) == LXW_NO_ERROR;
}

bool Sheet::WriteRow(int row, const std::vector<std::string>& cells, Format format, int first_column) {
  bool all = true;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    all = Write(row, first_column + static_cast<int>(i), cells[i], format) && all;
  }
  return all;
}

void Sheet::SetColumns(int first, int last, double width, Format format) {
  worksheet_set_column(sheet_, Column(first), Column(last), width, format.format_);
}

void Sheet::FreezeRows(int rows) {
  worksheet_freeze_panes(sheet_, Row(rows), 0);
}

void Sheet::AddList(const ListValidation& list) {
  // libxlsxwriter copies the strings; it only wants them writable.
  std::string source = list.source;
  std::string title = list.error_title;
  std::string message = list.error_message;
  lxw_data_validation validation{};
  validation.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
  validation.value_formula = source.data();
  validation.show_error = LXW_VALIDATION_ON;
  validation.error_title = title.data();
  validation.error_message = message.data();
  worksheet_data_validation_range(sheet_, Row(list.first_row), Column(list.column), Row(list.last_row),
                                  Column(list.column), &validation);
}

void Sheet::Hide() {
  worksheet_hide(sheet_);
}

void Sheet::Activate() {
  worksheet_activate(sheet_);
}

void Workbook::CloseBook::operator()(lxw_workbook* book) const noexcept {
  workbook_close(book);
}

Workbook::Workbook(Options options)
    : path_(std::filesystem::temp_directory_path() / ("league-archive-" + RandomHex(8) + ".xlsx")) {
  lxw_workbook_options lxw_options{};
  lxw_options.constant_memory = options.constant_memory ? LXW_TRUE : LXW_FALSE;
  book_.reset(workbook_new_opt(path_.c_str(), &lxw_options));
  if (book_ == nullptr) {
    throw std::runtime_error(fmt::format("libxlsxwriter cannot start the workbook {}", path_.string()));
  }
}

Workbook::~Workbook() {
  book_.reset();
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

lxw_workbook* Workbook::book() const {
  if (book_ == nullptr) throw std::logic_error(fmt::format("workbook {} is already closed", path_.string()));
  return book_.get();
}

Sheet Workbook::AddSheet(const std::string& name) {
  if (const lxw_error rc = workbook_validate_sheet_name(book(), name.c_str()); rc != LXW_NO_ERROR) {
    throw std::invalid_argument(fmt::format("sheet name \"{}\": {}", name, lxw_strerror(rc)));
  }
  return Sheet(workbook_add_worksheet(book(), name.c_str()));
}

Format Workbook::AddFormat(const Style& style) {
  lxw_format* format = workbook_add_format(book());
  if (style.bold) format_set_bold(format);
  if (style.text) format_set_num_format(format, "@");
  if (style.wrap) format_set_text_wrap(format);
  if (style.fill) format_set_bg_color(format, *style.fill);
  if (style.font_color) format_set_font_color(format, *style.font_color);
  return Format(format);
}

void Workbook::Finish() {
  const lxw_error rc = workbook_close(book());
  book_.release();  // workbook_close freed it, whatever it returned
  if (rc != LXW_NO_ERROR) {
    throw std::runtime_error(fmt::format("libxlsxwriter could not write {}: {}", path_.string(), lxw_strerror(rc)));
  }
}

std::string Workbook::Close() {
  Finish();
  std::ifstream in(path_, std::ios::binary);
  if (!in.is_open()) throw std::runtime_error(fmt::format("cannot read back the workbook {}", path_.string()));
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::filesystem::remove(path_);
  return bytes.str();
}

void Workbook::CloseTo(const std::filesystem::path& path) {
  Finish();
  std::error_code ec;
  std::filesystem::copy_file(path_, path, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot write the workbook to {}: {}", path.string(), ec.message()));
  std::filesystem::remove(path_);
}

}  // namespace archive::xlsx
