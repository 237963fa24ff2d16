#include "workers/import/wire.hpp"

#include <bit>
#include <cstring>

namespace archive::import {
namespace {

class Writer {
 public:
  void U64(std::uint64_t v) {
    char b[8];
    std::memcpy(b, &v, 8);
    out_.append(b, 8);
  }
  void Str(std::string_view s) {
    U64(s.size());
    out_.append(s);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool U64(std::uint64_t& v) {
    if (in_.size() < 8) return false;
    std::memcpy(&v, in_.data(), 8);
    in_.remove_prefix(8);
    return true;
  }
  bool Str(std::string& s) {
    std::uint64_t n = 0;
    if (!U64(n) || n > in_.size()) return false;
    s.assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  bool Count(std::uint64_t& n) { return U64(n) && n <= in_.size(); }  // each item takes at least one byte
  bool done() const { return in_.empty(); }
  std::string_view rest() const { return in_; }

 private:
  std::string_view in_;
};

member::CellValue Adapt(const sheet::Cell& cell) {
  using K = sheet::Cell::Kind;
  switch (cell.kind) {
    case K::kEmpty:
      return {};
    case K::kText:
      return member::CellValue{member::CellValue::Kind::kText, cell.text, cell.number_format, false};
    case K::kNumber:
      return member::CellValue::Number(cell.text, cell.number_format, cell.is_date_format);
    case K::kBool:
      return member::CellValue{member::CellValue::Kind::kBool, cell.text, "", false};
    case K::kError:
      return member::CellValue::Error(cell.text);
    case K::kFormulaNoValue:  // the failure report shows the formula the user has to replace by its value
      return member::CellValue::FormulaNoValue(cell.formula.empty() ? "" : "=" + cell.formula);
  }
  return {};
}

}  // namespace

std::string EncodeRequest(const sheet::Limits& limits, std::string_view file) {
  Writer w;
  for (const std::int64_t v : {limits.max_file_bytes, limits.max_rows, limits.max_cells, limits.max_uncompressed_bytes,
                               limits.ratio_grace_bytes, std::int64_t{limits.max_columns}, limits.max_cell_bytes}) {
    w.U64(static_cast<std::uint64_t>(v));
  }
  w.U64(std::bit_cast<std::uint64_t>(limits.max_compression_ratio));
  std::string out = w.Take();
  out.append(file);
  return out;
}

std::optional<std::pair<sheet::Limits, std::string_view>> DecodeRequest(std::string_view request) {
  Reader r(request);
  sheet::Limits limits;
  std::uint64_t columns = 0, ratio = 0;
  for (std::int64_t* v : {&limits.max_file_bytes, &limits.max_rows, &limits.max_cells, &limits.max_uncompressed_bytes,
                          &limits.ratio_grace_bytes}) {
    std::uint64_t u = 0;
    if (!r.U64(u)) return std::nullopt;
    *v = static_cast<std::int64_t>(u);
  }
  std::uint64_t cell_bytes = 0;
  if (!r.U64(columns) || !r.U64(cell_bytes) || !r.U64(ratio)) return std::nullopt;
  limits.max_columns = static_cast<int>(columns);
  limits.max_cell_bytes = static_cast<std::int64_t>(cell_bytes);
  limits.max_compression_ratio = std::bit_cast<double>(ratio);
  return std::pair{limits, r.rest()};
}

ParsedSheet ReadSheet(std::string_view bytes, const sheet::Limits& limits, const PartSink& part) {
  ParsedSheet out;
  const sheet::Result result = sheet::Read(bytes, limits, [&](const sheet::SheetInfo& info, const sheet::Row& row) {
    SheetRow r{row.number, row.hidden, {}};
    r.cells.reserve(row.cells.size());
    for (const auto& cell : row.cells) r.cells.push_back(Adapt(cell));
    out.rows.push_back(std::move(r));
    if (part && out.rows.size() == kPartRows) {
      out.info = info;
      part(out);
      out.rows.clear();
    }
    return true;
  });
  out.error = result.error;
  out.info = result.sheet;
  out.merged = result.merged;
  if (out.error) out.rows.clear();
  return out;
}

std::string Encode(const ParsedSheet& sheet) {
  Writer w;
  w.U64(sheet.error ? 1 : 0);
  if (sheet.error) {
    w.U64(static_cast<std::uint64_t>(sheet.error->code));
    w.Str(sheet.error->message);
    w.Str(sheet.error->detail);
  }
  w.U64(static_cast<std::uint64_t>(sheet.info.format));
  w.Str(sheet.info.name);
  w.U64(sheet.info.date1904 ? 1 : 0);
  w.U64(sheet.merged.size());
  for (const auto& m : sheet.merged) {
    w.U64(static_cast<std::uint64_t>(m.first_row));
    w.U64(static_cast<std::uint64_t>(m.last_row));
    w.U64(static_cast<std::uint64_t>(m.first_column));
    w.U64(static_cast<std::uint64_t>(m.last_column));
  }
  w.U64(sheet.rows.size());
  for (const auto& row : sheet.rows) {
    w.U64(static_cast<std::uint64_t>(row.number));
    w.U64(row.hidden ? 1 : 0);
    w.U64(row.cells.size());
    for (const auto& c : row.cells) {
      w.U64(static_cast<std::uint64_t>(c.kind) | (c.is_date_format ? 0x100 : 0));
      w.Str(c.text);
      w.Str(c.number_format);
    }
  }
  return w.Take();
}

std::optional<ParsedSheet> Decode(std::string_view bytes) {
  Reader r(bytes);
  ParsedSheet out;
  std::uint64_t v = 0;
  if (!r.U64(v) || v > 1) return std::nullopt;
  if (v == 1) {
    sheet::Error e;
    if (!r.U64(v) || v > static_cast<std::uint64_t>(sheet::ErrorCode::kWrongEncoding)) return std::nullopt;
    e.code = static_cast<sheet::ErrorCode>(v);
    if (!r.Str(e.message) || !r.Str(e.detail)) return std::nullopt;
    out.error = std::move(e);
  }
  if (!r.U64(v) || v > static_cast<std::uint64_t>(sheet::Format::kCsv)) return std::nullopt;
  out.info.format = static_cast<sheet::Format>(v);
  if (!r.Str(out.info.name) || !r.U64(v)) return std::nullopt;
  out.info.date1904 = v != 0;
  std::uint64_t n = 0;
  if (!r.Count(n)) return std::nullopt;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint64_t a = 0, b = 0, c = 0, d = 0;
    if (!r.U64(a) || !r.U64(b) || !r.U64(c) || !r.U64(d)) return std::nullopt;
    out.merged.push_back(
        {static_cast<std::int64_t>(a), static_cast<std::int64_t>(b), static_cast<int>(c), static_cast<int>(d)});
  }
  if (!r.Count(n)) return std::nullopt;
  out.rows.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    SheetRow row;
    std::uint64_t number = 0, hidden = 0, cells = 0;
    if (!r.U64(number) || !r.U64(hidden) || !r.Count(cells)) return std::nullopt;
    row.number = static_cast<std::int64_t>(number);
    row.hidden = hidden != 0;
    row.cells.resize(cells);
    for (auto& c : row.cells) {
      if (!r.U64(v) || (v & 0xff) > static_cast<std::uint64_t>(member::CellValue::Kind::kFormulaNoValue)) {
        return std::nullopt;
      }
      c.kind = static_cast<member::CellValue::Kind>(v & 0xff);
      c.is_date_format = (v & 0x100) != 0;
      if (!r.Str(c.text) || !r.Str(c.number_format)) return std::nullopt;
    }
    out.rows.push_back(std::move(row));
  }
  if (!r.done()) return std::nullopt;
  return out;
}

}  // namespace archive::import
