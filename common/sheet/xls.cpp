#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "common/sheet/cfb.hpp"
#include "common/sheet/internal.hpp"
#include "common/sheet/number_format.hpp"
#include "common/sheet/text.hpp"

// Excel 97-2003 workbooks (.xls): BIFF8 records in the Workbook stream of a compound file, [MS-XLS]. Written here
// rather than through FreeXL 1.0.6 because FreeXL drops what the import must see (formula results, hidden rows and
// sheets, merged cells, number format codes, the date serials themselves), needs a file path, sizes its cell array
// from the file's DIMENSION record, and converts date serials by stepping one day at a time.
namespace archive::sheet::internal {
namespace {

constexpr std::string_view kDataSheetName = "团员信息";

enum Record : std::uint16_t {
  kFormula = 0x0006,
  kEof = 0x000A,
  kDateMode = 0x0022,
  kFilePass = 0x002F,
  kContinue = 0x003C,
  kBoundSheet = 0x0085,
  kMulRk = 0x00BD,
  kRString = 0x00D6,
  kXf = 0x00E0,
  kMergeCells = 0x00E5,
  kSst = 0x00FC,
  kLabelSst = 0x00FD,
  kNumber = 0x0203,
  kLabel = 0x0204,
  kBoolErr = 0x0205,
  kString = 0x0207,
  kRow = 0x0208,
  kArray = 0x0221,
  kTable = 0x0236,
  kRk = 0x027E,
  kSharedFormula = 0x04BC,
  kFormat = 0x041E,
  kBof = 0x0809,
};

constexpr std::uint16_t kBiff8 = 0x0600;
constexpr std::uint16_t kGlobals = 0x0005;
constexpr std::uint16_t kWorksheet = 0x0010;

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::uint16_t U16(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) | (static_cast<unsigned char>(b[at + 1]) << 8));
}

std::uint32_t U32(std::string_view b, std::size_t at) {
  return static_cast<std::uint32_t>(U16(b, at)) | (static_cast<std::uint32_t>(U16(b, at + 2)) << 16);
}

double F64(std::string_view b, std::size_t at) {
  std::uint64_t bits = U32(b, at) | (static_cast<std::uint64_t>(U32(b, at + 4)) << 32);
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// An RK number: a 30-bit integer or the top 30 bits of a double, optionally divided by 100.
double DecodeRk(std::uint32_t rk) {
  double value;
  if (rk & 0x02) {
    value = static_cast<double>(static_cast<std::int32_t>(rk) >> 2);
  } else {
    const std::uint64_t bits = static_cast<std::uint64_t>(rk & 0xFFFFFFFCu) << 32;
    std::memcpy(&value, &bits, sizeof value);
  }
  return (rk & 0x01) ? value / 100 : value;
}

std::string_view ErrorLiteral(unsigned char code) {
  switch (code) {
    case 0x00:
      return "#NULL!";
    case 0x07:
      return "#DIV/0!";
    case 0x0F:
      return "#VALUE!";
    case 0x17:
      return "#REF!";
    case 0x1D:
      return "#NAME?";
    case 0x24:
      return "#NUM!";
    case 0x2A:
      return "#N/A";
    default:
      return "#GETTING_DATA";
  }
}

Error Excel95(const Limits& limits, std::string detail) {
  Error e = MakeError(ErrorCode::kUnsupportedFormat, limits, std::move(detail));
  e.message =
      "这是 Excel 5.0/95 或更早版本的文件，暂不支持读取。请用 Excel 或 WPS 打开该文件，另存为「Excel "
      "工作簿（*.xlsx）」后重新上传。";
  return e;
}

struct BiffRecord {
  std::uint16_t type = 0;
  std::string_view data;
  std::size_t offset = 0;
};

// Walks the records of the Workbook stream.
class Records {
 public:
  explicit Records(std::string_view stream) : stream_(stream) {}

  void Seek(std::size_t offset) { pos_ = offset; }
  // False at the end of the stream or on a record cut short (truncated_ tells which).
  bool Next(BiffRecord& record) {
    if (pos_ + 4 > stream_.size()) {
      truncated_ = pos_ < stream_.size();
      return false;
    }
    const std::uint16_t size = U16(stream_, pos_ + 2);
    if (pos_ + 4 + size > stream_.size()) {
      truncated_ = true;
      return false;
    }
    record.type = U16(stream_, pos_);
    record.offset = pos_;
    record.data = stream_.substr(pos_ + 4, size);
    pos_ += 4 + size;
    return true;
  }
  // The bodies of the CONTINUE records that follow, consumed.
  void Continues(std::vector<std::string_view>& segments) {
    while (pos_ + 4 <= stream_.size() && U16(stream_, pos_) == kContinue) {
      BiffRecord record;
      if (!Next(record)) return;
      segments.push_back(record.data);
    }
  }
  bool Truncated() const { return truncated_; }

 private:
  std::string_view stream_;
  std::size_t pos_ = 0;
  bool truncated_ = false;
};

// Reads across a record and its CONTINUE records. Where a string's characters cross into a CONTINUE record, that
// record starts with a fresh option byte saying whether the rest is 8- or 16-bit.
class Segments {
 public:
  explicit Segments(std::vector<std::string_view> segments) : segments_(std::move(segments)) {}

  bool Skip(std::size_t n) {
    while (n > 0) {
      if (!Advance()) return false;
      const std::size_t take = std::min(n, segments_[index_].size() - offset_);
      offset_ += take;
      n -= take;
    }
    return true;
  }
  bool U8(unsigned char& out) {
    if (!Advance()) return false;
    out = static_cast<unsigned char>(segments_[index_][offset_++]);
    return true;
  }
  bool Read16(std::uint16_t& out) {
    unsigned char lo;
    unsigned char hi;
    if (!U8(lo) || !U8(hi)) return false;
    out = static_cast<std::uint16_t>(lo | (hi << 8));
    return true;
  }
  bool Read32(std::uint32_t& out) {
    std::uint16_t lo;
    std::uint16_t hi;
    if (!Read16(lo) || !Read16(hi)) return false;
    out = lo | (static_cast<std::uint32_t>(hi) << 16);
    return true;
  }
  // count characters, 16-bit if wide, appended to out as UTF-8.
  bool Chars(std::size_t count, bool wide, std::string& out) {
    while (count > 0) {
      if (offset_ >= segments_[index_].size()) {
        if (index_ + 1 >= segments_.size()) return false;
        ++index_;
        offset_ = 0;
        unsigned char options;
        if (!U8(options)) return false;
        wide = (options & 0x01) != 0;
      }
      const std::string_view seg = segments_[index_];
      const std::size_t width = wide ? 2 : 1;
      const std::size_t take = std::min(count, (seg.size() - offset_) / width);
      if (take == 0) return false;  // half a character before the record ends
      const auto* p = reinterpret_cast<const unsigned char*>(seg.data() + offset_);
      if (wide) {
        AppendUtf16Le(out, p, take);
      } else {
        AppendLatin1(out, p, take);
      }
      offset_ += take * width;
      count -= take;
    }
    return true;
  }
  bool Exhausted() {
    while (index_ < segments_.size() && offset_ >= segments_[index_].size()) {
      if (index_ + 1 >= segments_.size()) return true;
      ++index_;
      offset_ = 0;
    }
    return index_ >= segments_.size();
  }

 private:
  // Moves past finished segments; false at the end of the last one.
  bool Advance() {
    while (offset_ >= segments_[index_].size()) {
      if (index_ + 1 >= segments_.size()) return false;
      ++index_;
      offset_ = 0;
    }
    return true;
  }

  std::vector<std::string_view> segments_;
  std::size_t index_ = 0;
  std::size_t offset_ = 0;
};

// XLUnicodeString (a 16-bit length) or, with short_length, ShortXLUnicodeString (8-bit), without rich text or
// phonetic extras; XLUnicodeRichExtendedString when extended (the SST form: run and phonetic blocks are skipped).
bool ReadString(Segments& in, bool short_length, bool extended, std::string& out) {
  std::size_t count;
  if (short_length) {
    unsigned char n;
    if (!in.U8(n)) return false;
    count = n;
  } else {
    std::uint16_t n;
    if (!in.Read16(n)) return false;
    count = n;
  }
  unsigned char options;
  if (!in.U8(options)) return false;
  std::uint16_t runs = 0;
  std::uint32_t ext = 0;
  if (extended && (options & 0x08) && !in.Read16(runs)) return false;
  if (extended && (options & 0x04) && !in.Read32(ext)) return false;
  if (!in.Chars(count, (options & 0x01) != 0, out)) return false;
  return in.Skip(static_cast<std::size_t>(runs) * 4) && in.Skip(ext);
}

struct BoundSheet {
  std::uint32_t offset = 0;
  bool visible = true;
  bool worksheet = true;
  std::string name;
};

class XlsReader {
 public:
  XlsReader(std::string_view stream, RowAssembler& rows) : stream_(stream), rows_(rows), limits_(rows.limits()) {}

  void Run() {
    if (!ReadGlobals()) return;
    const BoundSheet* chosen = nullptr;
    for (const BoundSheet& sheet : sheets_) {
      if (!sheet.visible || !sheet.worksheet) continue;
      if (chosen == nullptr || (Trim(sheet.name) == kDataSheetName && Trim(chosen->name) != kDataSheetName)) {
        chosen = &sheet;
      }
    }
    if (chosen == nullptr) {
      return rows_.Fail(MakeError(ErrorCode::kNoWorksheet, limits_,
                                  fmt::format("no visible worksheet among {} sheets", sheets_.size())));
    }
    rows_.sheet().name = chosen->name;
    rows_.sheet().date1904 = date1904_;
    if (!ReadSheet(chosen->offset)) return;
    rows_.Finish();
  }

 private:
  void Corrupt(std::string detail) { rows_.Fail(MakeError(ErrorCode::kCorrupt, limits_, "xls: " + std::move(detail))); }

  bool Short(const BiffRecord& record, std::size_t need) {
    if (record.data.size() >= need) return false;
    Corrupt(fmt::format("record 0x{:04X} at {} has {} bytes, needs {}", record.type, record.offset, record.data.size(),
                        need));
    return true;
  }

  bool ReadGlobals() {
    Records records(stream_);
    BiffRecord record;
    if (!records.Next(record) || record.type != kBof || record.data.size() < 4) {
      Corrupt("Workbook stream does not start with BOF");
      return false;
    }
    const std::uint16_t version = U16(record.data, 0);
    if (version < kBiff8) {
      rows_.Fail(Excel95(limits_, fmt::format("BIFF version 0x{:04X}", version)));
      return false;
    }
    if (version != kBiff8) {
      Corrupt(fmt::format("unknown BIFF version 0x{:04X}", version));
      return false;
    }
    if (U16(record.data, 2) != kGlobals) {
      Corrupt("first substream is not the workbook globals");
      return false;
    }
    std::unordered_map<int, std::string> formats;
    std::vector<int> xf_formats;
    while (records.Next(record)) {
      switch (record.type) {
        case kEof:
          styles_.reserve(xf_formats.size());
          for (const int id : xf_formats) {
            const auto it = formats.find(id);
            styles_.push_back(MakeCellStyle(id, it != formats.end() ? it->second : std::string(BuiltinFormat(id))));
          }
          return true;
        case kFilePass:
          rows_.Fail(MakeError(ErrorCode::kEncrypted, limits_, "xls FILEPASS record: the workbook is encrypted"));
          return false;
        case kDateMode:
          if (Short(record, 2)) return false;
          date1904_ = U16(record.data, 0) != 0;
          break;
        case kFormat: {
          if (Short(record, 2)) return false;
          Segments in({record.data.substr(2)});
          std::string code;
          if (!ReadString(in, false, false, code)) {
            Corrupt(fmt::format("bad FORMAT record at {}", record.offset));
            return false;
          }
          formats[U16(record.data, 0)] = std::move(code);
          break;
        }
        case kXf:
          if (Short(record, 4)) return false;
          xf_formats.push_back(U16(record.data, 2));
          break;
        case kBoundSheet: {
          if (Short(record, 6)) return false;
          BoundSheet sheet;
          sheet.offset = U32(record.data, 0);
          sheet.visible = (record.data[4] & 0x03) == 0;
          sheet.worksheet = record.data[5] == 0;
          Segments in({record.data.substr(6)});
          if (!ReadString(in, true, false, sheet.name)) {
            Corrupt(fmt::format("bad BOUNDSHEET record at {}", record.offset));
            return false;
          }
          sheets_.push_back(std::move(sheet));
          break;
        }
        case kSst: {
          std::vector<std::string_view> segments{record.data};
          records.Continues(segments);
          if (!ReadSst(std::move(segments))) return false;
          break;
        }
        default:
          break;
      }
    }
    Corrupt(records.Truncated() ? "record cut short in the workbook globals" : "workbook globals without EOF");
    return false;
  }

  bool ReadSst(std::vector<std::string_view> segments) {
    Segments in(std::move(segments));
    std::uint32_t total;
    std::uint32_t unique;
    if (!in.Read32(total) || !in.Read32(unique)) {
      Corrupt("SST record too short");
      return false;
    }
    std::string text;
    for (std::uint32_t i = 0; i < unique && !in.Exhausted(); ++i) {
      if (static_cast<std::int64_t>(strings_.size()) >= limits_.max_cells) {
        rows_.Fail(MakeError(ErrorCode::kTooManyCells, limits_,
                             fmt::format("shared string table has more than {} entries", limits_.max_cells)));
        return false;
      }
      text.clear();
      if (!ReadString(in, false, true, text)) {
        Corrupt(fmt::format("shared string {} cut short", i));
        return false;
      }
      if (static_cast<std::int64_t>(text.size()) > limits_.max_cell_bytes) {
        rows_.Fail(MakeError(ErrorCode::kCellTooLong, limits_,
                             fmt::format("shared string {} is longer than {} bytes", i, limits_.max_cell_bytes)));
        return false;
      }
      strings_.Begin();
      strings_.pool().append(text);
      if (!strings_.End()) {
        Corrupt("shared string table exceeds 4 GiB");
        return false;
      }
    }
    return true;
  }

  // The cell at (row, column) of the record, with its style applied; starts and ends rows as the row changes.
  Cell* CellAt(std::uint16_t row, std::uint16_t column, std::uint16_t xf) {
    const std::int64_t number = static_cast<std::int64_t>(row) + 1;
    if (!rows_.in_row() || number != rows_.row_number()) {
      if (rows_.in_row() && !rows_.EndRow()) return nullptr;
      if (!rows_.StartRow(number, hidden_rows_[row])) return nullptr;
    }
    Cell* cell = rows_.At(column);
    if (cell == nullptr) return nullptr;
    if (xf < styles_.size()) {
      cell->number_format.assign(styles_[xf].format);
      cell->is_date_format = styles_[xf].is_date;
    } else {
      cell->number_format.assign("General");
    }
    return cell;
  }

  static void SetNumber(Cell& cell, double value) {
    cell.kind = Cell::Kind::kNumber;
    AppendNumber(cell.text, value);
  }

  bool ReadSheet(std::uint32_t offset) {
    if (offset >= stream_.size()) {
      Corrupt(fmt::format("sheet offset {} beyond the {}-byte stream", offset, stream_.size()));
      return false;
    }
    Records records(stream_);
    records.Seek(offset);
    BiffRecord record;
    if (!records.Next(record) || record.type != kBof || record.data.size() < 4 || U16(record.data, 2) != kWorksheet) {
      Corrupt("sheet substream does not start with a worksheet BOF");
      return false;
    }
    int nested = 0;                 // BOF..EOF of charts embedded in the sheet
    Cell* string_result = nullptr;  // a formula cell whose string result follows in a STRING record
    while (records.Next(record)) {
      if (nested > 0) {
        if (record.type == kBof) ++nested;
        if (record.type == kEof) --nested;
        continue;
      }
      const std::uint16_t type = record.type;
      if (type != kString && type != kContinue && type != kSharedFormula && type != kArray && type != kTable) {
        string_result = nullptr;
      }
      switch (type) {
        case kEof:
          if (rows_.in_row() && !rows_.EndRow()) return false;
          return true;
        case kBof:
          ++nested;
          break;
        case kRow:
          if (Short(record, 16)) return false;
          hidden_rows_[U16(record.data, 0)] = (record.data[12] & 0x20) != 0;
          break;
        case kNumber: {
          if (Short(record, 14)) return false;
          Cell* cell = CellAt(U16(record.data, 0), U16(record.data, 2), U16(record.data, 4));
          if (cell == nullptr) return false;
          SetNumber(*cell, F64(record.data, 6));
          break;
        }
        case kRk: {
          if (Short(record, 10)) return false;
          Cell* cell = CellAt(U16(record.data, 0), U16(record.data, 2), U16(record.data, 4));
          if (cell == nullptr) return false;
          SetNumber(*cell, DecodeRk(U32(record.data, 6)));
          break;
        }
        case kMulRk: {
          if (Short(record, 12)) return false;
          const std::uint16_t row = U16(record.data, 0);
          const std::uint16_t first = U16(record.data, 2);
          const std::size_t count = (record.data.size() - 6) / 6;
          for (std::size_t i = 0; i < count; ++i) {
            const std::size_t at = 4 + 6 * i;
            Cell* cell = CellAt(row, static_cast<std::uint16_t>(first + i), U16(record.data, at));
            if (cell == nullptr) return false;
            SetNumber(*cell, DecodeRk(U32(record.data, at + 2)));
          }
          break;
        }
        case kLabelSst: {
          if (Short(record, 10)) return false;
          const std::uint32_t index = U32(record.data, 6);
          if (index >= strings_.size()) {
            Corrupt(fmt::format("shared string {} of {} at {}", index, strings_.size(), record.offset));
            return false;
          }
          Cell* cell = CellAt(U16(record.data, 0), U16(record.data, 2), U16(record.data, 4));
          if (cell == nullptr) return false;
          cell->text.assign(strings_.Get(index));
          cell->kind = cell->text.empty() ? Cell::Kind::kEmpty : Cell::Kind::kText;
          break;
        }
        case kLabel:
        case kRString: {
          if (Short(record, 9)) return false;
          std::vector<std::string_view> segments{record.data.substr(6)};
          records.Continues(segments);
          Cell* cell = CellAt(U16(record.data, 0), U16(record.data, 2), U16(record.data, 4));
          if (cell == nullptr) return false;
          Segments in(std::move(segments));
          if (!ReadString(in, false, false, cell->text)) {
            Corrupt(fmt::format("bad LABEL record at {}", record.offset));
            return false;
          }
          cell->kind = cell->text.empty() ? Cell::Kind::kEmpty : Cell::Kind::kText;
          break;
        }
        case kBoolErr: {
          if (Short(record, 8)) return false;
          Cell* cell = CellAt(U16(record.data, 0), U16(record.data, 2), U16(record.data, 4));
          if (cell == nullptr) return false;
          const auto value = static_cast<unsigned char>(record.data[6]);
          if (record.data[7] != 0) {
            cell->kind = Cell::Kind::kError;
            cell->text.assign(ErrorLiteral(value));
          } else {
            cell->kind = Cell::Kind::kBool;
            cell->text.assign(value != 0 ? "TRUE" : "FALSE");
          }
          break;
        }
        case kFormula: {
          if (Short(record, 20)) return false;
          Cell* cell = CellAt(U16(record.data, 0), U16(record.data, 2), U16(record.data, 4));
          if (cell == nullptr) return false;
          // The saved result: a number, or (0xFFFF in the top bytes) a string, a boolean, an error or "".
          const std::string_view value = record.data.substr(6, 8);
          if (static_cast<unsigned char>(value[6]) == 0xFF && static_cast<unsigned char>(value[7]) == 0xFF) {
            switch (value[0]) {
              case 0:  // a string, in the STRING record that follows; without one the formula has no result
                cell->kind = Cell::Kind::kFormulaNoValue;
                string_result = cell;
                break;
              case 1:
                cell->kind = Cell::Kind::kBool;
                cell->text.assign(value[2] != 0 ? "TRUE" : "FALSE");
                break;
              case 2:
                cell->kind = Cell::Kind::kError;
                cell->text.assign(ErrorLiteral(static_cast<unsigned char>(value[2])));
                break;
              default:  // 3: the empty string
                break;
            }
          } else {
            SetNumber(*cell, F64(value, 0));
          }
          break;
        }
        case kString: {
          if (string_result == nullptr) break;
          std::vector<std::string_view> segments{record.data};
          records.Continues(segments);
          Segments in(std::move(segments));
          if (!ReadString(in, false, false, string_result->text)) {
            Corrupt(fmt::format("bad STRING record at {}", record.offset));
            return false;
          }
          string_result->kind = string_result->text.empty() ? Cell::Kind::kEmpty : Cell::Kind::kText;
          string_result = nullptr;
          break;
        }
        case kMergeCells: {
          if (Short(record, 2)) return false;
          const std::size_t count = std::min<std::size_t>(U16(record.data, 0), (record.data.size() - 2) / 8);
          for (std::size_t i = 0; i < count; ++i) {
            const std::size_t at = 2 + 8 * i;
            Range range;
            range.first_row = U16(record.data, at) + 1;
            range.last_row = U16(record.data, at + 2) + 1;
            range.first_column = U16(record.data, at + 4);
            range.last_column = U16(record.data, at + 6);
            rows_.merged().push_back(range);
          }
          break;
        }
        default:
          break;
      }
      if (rows_.failed() || rows_.stopped()) return false;
    }
    Corrupt(records.Truncated() ? "record cut short in the sheet" : "sheet without EOF");
    return false;
  }

  std::string_view stream_;
  RowAssembler& rows_;
  const Limits& limits_;
  bool date1904_ = false;
  std::vector<CellStyle> styles_;
  StringTable strings_;
  std::vector<BoundSheet> sheets_;
  std::vector<bool> hidden_rows_ = std::vector<bool>(65536);
};

}  // namespace

void ReadXls(std::string_view bytes, RowAssembler& rows) {
  const Limits& limits = rows.limits();
  CompoundFile file(bytes, limits);
  if (auto error = file.Open()) return rows.Fail(std::move(*error));
  if (file.FindRoot("EncryptedPackage") != nullptr) {
    return rows.Fail(MakeError(ErrorCode::kEncrypted, limits,
                               "compound file with an EncryptedPackage stream: a password-protected OOXML workbook"));
  }
  const CompoundFile::Entry* workbook = file.FindRoot("Workbook");
  if (workbook == nullptr) {
    if (file.FindRoot("Book") != nullptr) {
      return rows.Fail(Excel95(limits, "compound file with a BIFF5 Book stream"));
    }
    return rows.Fail(MakeError(ErrorCode::kNotSpreadsheet, limits,
                               "compound file without a Workbook stream (a Word or other Office document)"));
  }
  std::string stream;
  if (auto error = file.ReadStream(*workbook, stream)) return rows.Fail(std::move(*error));
  XlsReader(stream, rows).Run();
}

}  // namespace archive::sheet::internal
