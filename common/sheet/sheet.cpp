#include "common/sheet/sheet.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "common/sheet/internal.hpp"

namespace archive::sheet {

using namespace std::literals;

namespace internal {
namespace {

std::string Megabytes(std::int64_t bytes) {
  return fmt::format("{:g}", static_cast<double>(bytes) / (1 << 20));
}

}  // namespace

Error MakeError(ErrorCode code, const Limits& limits, std::string detail, std::int64_t row, int column) {
  Error e;
  e.code = code;
  e.detail = std::move(detail);
  std::string where;
  if (row > 0 && column >= 0) {
    where = fmt::format("第 {} 行 {} 列", row, ColumnName(column));
  } else if (row > 0) {
    where = fmt::format("第 {} 行", row);
  }
  switch (code) {
    case ErrorCode::kEmptyFile:
      e.message = "文件中没有任何数据。请确认上传的是已经填好数据的导入模板，数据填写在「团员信息」工作表中。";
      break;
    case ErrorCode::kNotSpreadsheet:
      e.message = "文件不是 Excel 表格或 CSV 文件，无法读取。请上传用导入模板填写的 .xlsx、.xls 或 .csv 文件。";
      break;
    case ErrorCode::kUnsupportedFormat:
      e.message = "暂不支持这种表格格式。请用 Excel 或 WPS 打开该文件，另存为「Excel 工作簿（*.xlsx）」后重新上传。";
      break;
    case ErrorCode::kEncrypted:
      e.message =
          "文件设置了密码保护，系统无法读取。请在 Excel 中打开文件，在「文件 → 信息 → 保护工作簿 → "
          "用密码进行加密」中清空密码并保存，然后重新上传。";
      break;
    case ErrorCode::kZipBomb:
      e.message =
          "文件解压后的内容大得不正常（可能已损坏或被恶意构造），系统拒绝读取。请用 Excel 打开文件，"
          "只保留需要导入的数据，另存为新文件后重新上传。";
      break;
    case ErrorCode::kXmlDtd:
      e.message =
          "文件中含有不允许的 XML 声明（DTD 或实体定义），可能被恶意构造，系统拒绝读取。请用 Excel "
          "打开文件，另存为新的 .xlsx 文件后重新上传。";
      break;
    case ErrorCode::kCorrupt:
      e.message =
          "文件已损坏或内容不完整，无法读取。请用 Excel 打开文件，确认内容显示正常后另存为新的 .xlsx "
          "文件，再重新上传。";
      break;
    case ErrorCode::kTooLarge:
      e.message = fmt::format("文件大小超过 {} MB 的上限。请删除多余的工作表和图片，或把数据拆分成多个文件分批导入。",
                              Megabytes(limits.max_file_bytes));
      break;
    case ErrorCode::kTooManyRows:
      e.message = fmt::format(
          "表格超过 {} 行的上限（含表头行，不含空行）。请把数据拆分成多个文件分批导入，每个文件不超过 {} 行。",
          limits.max_rows, limits.max_rows);
      break;
    case ErrorCode::kTooManyColumns:
      e.message = fmt::format("{}有内容，超出了 {} 列的上限。请只保留模板中的列，删除右侧多余的内容后重新上传。",
                              where.empty() ? "表格右侧" : where, limits.max_columns);
      break;
    case ErrorCode::kTooManyCells:
      e.message =
          fmt::format("表格中有内容的单元格超过 {} 个的上限。请把数据拆分成多个文件分批导入。", limits.max_cells);
      break;
    case ErrorCode::kCellTooLong:
      e.message =
          fmt::format("{}的内容过长（超过 {} 字节，Excel 一个单元格最多 32767 个字符）。请检查是否误粘贴了大段内容。",
                      where.empty() ? "表格中有单元格" : where, limits.max_cell_bytes);
      break;
    case ErrorCode::kNoWorksheet:
      e.message =
          "文件中没有可以读取的工作表（工作表可能全部被隐藏）。请把数据填写在「团员信息」工作表中，"
          "并确认该工作表没有被隐藏。";
      break;
    case ErrorCode::kWrongEncoding:
      e.message =
          "文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV（在 Excel 中选择「另存为」→「CSV UTF-8"
          "（逗号分隔）」），或直接上传 .xlsx 文件。";
      break;
  }
  return e;
}

void ClearCell(Cell& cell) {
  cell.kind = Cell::Kind::kEmpty;
  cell.text.clear();
  cell.formula.clear();
  cell.number_format.clear();
  cell.is_date_format = false;
}

void RowAssembler::Fail(Error error) {
  if (!result_.error) result_.error = std::move(error);
}

bool RowAssembler::StartRow(std::int64_t number, bool hidden) {
  if (number <= last_number_) {
    Fail(MakeError(ErrorCode::kCorrupt, limits_, fmt::format("row {} follows row {}", number, last_number_)));
    return false;
  }
  last_number_ = number;
  row_.number = number;
  row_.hidden = hidden;
  used_ = 0;
  last_column_ = -1;
  overflow_column_ = -1;
  in_row_ = true;
  return true;
}

bool RowAssembler::CheckOverflow() {
  if (overflow_column_ < 0 || overflow_.blank()) return true;
  Fail(MakeError(ErrorCode::kTooManyColumns, limits_,
                 fmt::format("non-blank cell at column {} of row {}, limit {} columns", overflow_column_ + 1,
                             row_.number, limits_.max_columns),
                 row_.number, overflow_column_));
  return false;
}

Cell* RowAssembler::At(int column) {
  if (column <= last_column_) {
    Fail(MakeError(ErrorCode::kCorrupt, limits_,
                   fmt::format("cell at column {} of row {} repeats or goes back", column + 1, row_.number)));
    return nullptr;
  }
  last_column_ = column;
  if (!CheckOverflow()) return nullptr;
  if (column >= limits_.max_columns) {
    ClearCell(overflow_);
    overflow_column_ = column;
    return &overflow_;
  }
  auto& cells = row_.cells;
  const auto index = static_cast<std::size_t>(column);
  if (index >= cells.size()) cells.resize(index + 1);
  for (std::size_t i = used_; i <= index; ++i) ClearCell(cells[i]);
  used_ = index + 1;
  return &cells[index];
}

bool RowAssembler::EndRow() {
  in_row_ = false;
  if (!CheckOverflow()) return false;
  auto& cells = row_.cells;
  std::size_t last = used_;
  while (last > 0 && cells[last - 1].blank() && cells[last - 1].kind != Cell::Kind::kFormulaNoValue) --last;
  if (std::all_of(cells.begin(), cells.begin() + static_cast<std::ptrdiff_t>(last),
                  [](const Cell& cell) { return cell.blank(); })) {
    return true;  // a blank row: skipped, not counted
  }
  cells.resize(last);
  std::int64_t non_blank = 0;
  for (std::size_t i = 0; i < last; ++i) {
    const Cell& cell = cells[i];
    if (cell.blank()) continue;
    ++non_blank;
    if (static_cast<std::int64_t>(std::max(cell.text.size(), cell.formula.size())) > limits_.max_cell_bytes) {
      Fail(MakeError(ErrorCode::kCellTooLong, limits_,
                     fmt::format("cell {}{} is longer than {} bytes", ColumnName(static_cast<int>(i)), row_.number,
                                 limits_.max_cell_bytes),
                     row_.number, static_cast<int>(i)));
      return false;
    }
  }
  if (result_.rows >= limits_.max_rows) {
    Fail(MakeError(ErrorCode::kTooManyRows, limits_,
                   fmt::format("more than {} non-blank rows (stopped at row {})", limits_.max_rows, row_.number)));
    return false;
  }
  cells_ += non_blank;
  if (cells_ > limits_.max_cells) {
    Fail(MakeError(ErrorCode::kTooManyCells, limits_,
                   fmt::format("more than {} non-blank cells (stopped at row {})", limits_.max_cells, row_.number)));
    return false;
  }
  ++result_.rows;
  if (!on_row_(result_.sheet, row_)) {
    result_.stopped = true;
    return false;
  }
  return true;
}

void RowAssembler::Finish() {
  if (failed() || stopped() || result_.rows > 0) return;
  Fail(MakeError(ErrorCode::kEmptyFile, limits_, "no non-blank row in the sheet read"));
}

}  // namespace internal

namespace {

constexpr std::size_t kSniffBytes = 4096;

bool StartsWith(std::string_view bytes, std::string_view magic) {
  return bytes.substr(0, magic.size()) == magic;
}

bool LooksLikeMarkup(std::string_view bytes) {
  if (StartsWith(bytes, "\xEF\xBB\xBF"sv)) bytes.remove_prefix(3);
  const auto first = bytes.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && bytes[first] == '<';
}

}  // namespace

std::string_view CodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kEmptyFile:
      return "EMPTY_FILE";
    case ErrorCode::kNotSpreadsheet:
      return "NOT_SPREADSHEET";
    case ErrorCode::kUnsupportedFormat:
      return "UNSUPPORTED_FORMAT";
    case ErrorCode::kEncrypted:
      return "ENCRYPTED";
    case ErrorCode::kZipBomb:
      return "ZIP_BOMB";
    case ErrorCode::kXmlDtd:
      return "XML_DTD";
    case ErrorCode::kCorrupt:
      return "CORRUPT";
    case ErrorCode::kTooLarge:
      return "TOO_LARGE";
    case ErrorCode::kTooManyRows:
      return "TOO_MANY_ROWS";
    case ErrorCode::kTooManyColumns:
      return "TOO_MANY_COLUMNS";
    case ErrorCode::kTooManyCells:
      return "TOO_MANY_CELLS";
    case ErrorCode::kCellTooLong:
      return "CELL_TOO_LONG";
    case ErrorCode::kNoWorksheet:
      return "NO_WORKSHEET";
    case ErrorCode::kWrongEncoding:
      return "WRONG_ENCODING";
  }
  return "UNKNOWN";
}

std::optional<Format> Sniff(std::string_view first_bytes) {
  const std::string_view b = first_bytes.substr(0, kSniffBytes);
  if (StartsWith(b, "PK\x03\x04"sv) || StartsWith(b, "PK\x05\x06"sv)) return Format::kXlsx;
  if (StartsWith(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"sv)) return Format::kXls;
  if (StartsWith(b, "\xEF\xBB\xBF"sv) || StartsWith(b, "\xFF\xFE"sv) || StartsWith(b, "\xFE\xFF"sv)) {
    return Format::kCsv;  // a UTF-16 CSV is refused later, with a message that says how to re-save it
  }
  // Formats that begin like text but are not: PDF, RTF; and common binaries, to be sure.
  for (const std::string_view magic :
       {"%PDF"sv, "{\\rtf"sv, "\x89PNG"sv, "\xFF\xD8\xFF"sv, "GIF8"sv, "Rar!"sv, "7z\xBC\xAF"sv, "\x1F\x8B"sv}) {
    if (StartsWith(b, magic)) return std::nullopt;
  }
  if (b.empty() || LooksLikeMarkup(b)) return std::nullopt;
  std::size_t controls = 0;
  for (const char c : b) {
    if (c == '\0') return std::nullopt;
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') {
      ++controls;
    }
  }
  if (controls * 64 > b.size()) return std::nullopt;
  return Format::kCsv;
}

Result Read(std::string_view bytes, const Limits& limits, const RowCallback& on_row) {
  Result result;
  internal::RowAssembler rows(limits, on_row, result);
  if (bytes.empty()) {
    rows.Fail(internal::MakeError(ErrorCode::kEmptyFile, limits, "0 bytes"));
    return result;
  }
  if (static_cast<std::int64_t>(bytes.size()) > limits.max_file_bytes) {
    rows.Fail(internal::MakeError(ErrorCode::kTooLarge, limits,
                                  fmt::format("{} bytes, limit {}", bytes.size(), limits.max_file_bytes)));
    return result;
  }
  const std::optional<Format> format = Sniff(bytes);
  if (!format) {
    if (LooksLikeMarkup(bytes.substr(0, kSniffBytes))) {
      Error e = internal::MakeError(ErrorCode::kUnsupportedFormat, limits, "HTML or XML, not a workbook");
      e.message =
          "文件是网页（HTML）或 XML 格式，不是真正的 Excel 文件（常见于从其他系统导出的 .xls）。请用 Excel "
          "打开该文件，另存为「Excel 工作簿（*.xlsx）」后重新上传。";
      rows.Fail(std::move(e));
    } else {
      rows.Fail(internal::MakeError(ErrorCode::kNotSpreadsheet, limits, "unrecognised content"));
    }
    return result;
  }
  result.sheet.format = *format;
  switch (*format) {
    case Format::kXlsx:
      internal::ReadXlsx(bytes, rows);
      break;
    case Format::kXls:
      internal::ReadXls(bytes, rows);
      break;
    case Format::kCsv:
      internal::ReadCsv(bytes, rows);
      break;
  }
  return result;
}

std::optional<std::chrono::year_month_day> SerialToDate(double serial, bool date1904) {
  using namespace std::chrono;
  if (!std::isfinite(serial)) return std::nullopt;
  const double day = std::floor(serial);
  if (date1904) {
    if (day < 0 || day > 2957003) return std::nullopt;
    return year_month_day(sys_days(1904y / January / 1d) + days(static_cast<int>(day)));
  }
  if (day < 1 || day > 2958465) return std::nullopt;
  if (day == 60) return 1900y / February / 29d;  // Lotus 1-2-3's leap day, kept by Excel
  const sys_days epoch = day < 60 ? sys_days(1899y / December / 31d) : sys_days(1899y / December / 30d);
  return year_month_day(epoch + days(static_cast<int>(day)));
}

std::optional<std::chrono::year_month_day> DateOf(const Cell& cell, const SheetInfo& sheet) {
  if (cell.kind != Cell::Kind::kNumber || !cell.is_date_format) return std::nullopt;
  double value = 0;
  const char* begin = cell.text.data();
  const char* end = begin + cell.text.size();
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return SerialToDate(value, sheet.date1904);
}

std::string ColumnName(int column) {
  std::string name;
  if (column < 0) return name;
  for (int n = column + 1; n > 0; n = (n - 1) / 26) name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
  return name;
}

std::string RangeName(const Range& range) {
  return fmt::format("{}{}:{}{}", ColumnName(range.first_column), range.first_row, ColumnName(range.last_column),
                     range.last_row);
}

}  // namespace archive::sheet
