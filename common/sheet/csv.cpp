#include <string>
#include <string_view>

#include <fmt/format.h>

#include "common/base/utf8.hpp"
#include "common/sheet/internal.hpp"
#include "common/sheet/text.hpp"

// Comma-separated values as Excel writes them: RFC 4180 quoting, CRLF, LF or CR line ends, UTF-8 (with or without
// BOM) or GB18030/GBK (what "CSV (逗号分隔)" saves on a Chinese Windows).
namespace archive::sheet::internal {
namespace {

using namespace std::literals;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The delimiter: Excel's "sep=X" first line if there is one (the line is then skipped), else a tab when the first
// record has tabs but no commas outside quotes, else a comma.
char Delimiter(std::string_view& text) {
  if (StartsWith(text, "sep=") && text.size() >= 5) {
    const std::string_view rest = text.substr(5);
    if (rest.empty() || rest.front() == '\n' || rest.front() == '\r') {
      const char delimiter = text[4];
      text.remove_prefix(5);
      if (StartsWith(text, "\r\n")) {
        text.remove_prefix(2);
      } else if (!text.empty()) {
        text.remove_prefix(1);
      }
      return delimiter;
    }
  }
  bool quoted = false;
  bool tabs = false;
  for (const char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == ',') return ',';
    if (c == '\t') tabs = true;
    if (c == '\n' || c == '\r') break;
  }
  return tabs ? '\t' : ',';
}

}  // namespace

void ReadCsv(std::string_view bytes, RowAssembler& rows) {
  const Limits& limits = rows.limits();
  if (StartsWith(bytes, "\xFF\xFE"sv) || StartsWith(bytes, "\xFE\xFF"sv)) {
    return rows.Fail(MakeError(ErrorCode::kWrongEncoding, limits, "UTF-16 text (Excel's \"Unicode text\")"));
  }
  std::string converted;
  std::string_view text = bytes;
  if (StartsWith(text, "\xEF\xBB\xBF"sv)) {
    text.remove_prefix(3);
    if (!utf8::IsValid(text)) {
      return rows.Fail(MakeError(ErrorCode::kWrongEncoding, limits, "UTF-8 byte order mark, then invalid UTF-8"));
    }
  } else if (!utf8::IsValid(text)) {
    std::optional<std::string> gb = Gb18030ToUtf8(text);
    if (!gb) return rows.Fail(MakeError(ErrorCode::kWrongEncoding, limits, "neither UTF-8 nor GB18030"));
    converted = std::move(*gb);
    text = converted;
  }
  if (text.find('\0') != std::string_view::npos) {
    return rows.Fail(MakeError(ErrorCode::kNotSpreadsheet, limits, "NUL bytes in what began as text"));
  }

  const char delimiter = Delimiter(text);
  const std::size_t n = text.size();
  const auto max_cell = static_cast<std::size_t>(std::max<std::int64_t>(limits.max_cell_bytes, 0));
  std::size_t i = 0;
  std::int64_t record = 0;
  while (i < n) {
    if (!rows.StartRow(++record, false)) return;
    for (int column = 0;; ++column) {
      Cell* cell = rows.At(column);
      if (cell == nullptr) return;
      std::string& out = cell->text;
      const auto append = [&](std::size_t from, std::size_t to) {
        if (out.size() + (to - from) > max_cell) {
          rows.Fail(MakeError(
              ErrorCode::kCellTooLong, limits,
              fmt::format("field {} of record {} is longer than {} bytes", column + 1, record, limits.max_cell_bytes),
              record, column));
          return false;
        }
        out.append(text, from, to - from);
        return true;
      };
      if (i < n && text[i] == '"') {
        ++i;
        for (;;) {
          const std::size_t quote = text.find('"', i);
          if (quote == std::string_view::npos) {
            Error e = MakeError(ErrorCode::kCorrupt, limits, fmt::format("record {}: unterminated quote", record));
            e.message = fmt::format(
                "CSV 文件第 {} 行有一个引号没有闭合，之后的内容无法读取。请用 Excel 打开该文件检查这一行，"
                "或另存为 .xlsx 文件后重新上传。",
                record);
            return rows.Fail(std::move(e));
          }
          if (!append(i, quote)) return;
          if (quote + 1 < n && text[quote + 1] == '"') {
            if (!append(quote, quote + 1)) return;
            i = quote + 2;
            continue;
          }
          i = quote + 1;
          break;
        }
      }
      // An unquoted field, or whatever follows a closing quote up to the delimiter (kept, as Excel does).
      std::size_t end = i;
      while (end < n && text[end] != delimiter && text[end] != '\n' && text[end] != '\r') ++end;
      if (!append(i, end)) return;
      i = end;
      cell->kind = out.empty() ? Cell::Kind::kEmpty : Cell::Kind::kText;
      if (i < n && text[i] == delimiter) {
        ++i;
        continue;
      }
      if (i < n && text[i] == '\r') {
        ++i;
        if (i < n && text[i] == '\n') ++i;
      } else if (i < n && text[i] == '\n') {
        ++i;
      }
      break;
    }
    if (!rows.EndRow()) return;
  }
  rows.Finish();
}

}  // namespace archive::sheet::internal
