#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "common/sheet/internal.hpp"
#include "common/sheet/number_format.hpp"
#include "common/sheet/text.hpp"
#include "common/sheet/xml.hpp"
#include "common/sheet/zip.hpp"

// Office Open XML spreadsheets (.xlsx, .xlsm): ECMA-376 Part 1, chapter 18, read streaming.
namespace archive::sheet::internal {
namespace {

constexpr std::string_view kDataSheetName = "团员信息";
constexpr std::int64_t kMaxSheetRows = 1048576;  // Excel's limits; anything beyond is a damaged or hostile file
constexpr int kMaxSheetColumns = 16384;
constexpr std::size_t kMaxRelationships = 10000;
constexpr std::size_t kMaxSheets = 10000;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool IsTrue(const char* v) {
  return v != nullptr && (Is(v, "1") || Is(v, "true"));
}

template <typename T>
bool ParseInt(std::string_view s, T& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string DirOf(std::string_view part) {
  const auto slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
}

// A relationship target, relative to the folder of the part that owns the relationships, as a zip entry name.
std::string ResolveTarget(std::string_view base_dir, std::string_view target) {
  std::string joined = !target.empty() && target.front() == '/' ? std::string(target.substr(1))
                                                                : std::string(base_dir) + std::string(target);
  std::vector<std::string_view> parts;
  std::string_view rest = joined;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (const auto part : parts) {
    if (!out.empty()) out.push_back('/');
    out.append(part);
  }
  return out;
}

// "AB12" -> column 27 (0-based); -1 if there are no letters or too many.
int ParseColumn(const char* ref) {
  int column = 0;
  int letters = 0;
  for (; *ref != '\0'; ++ref) {
    char c = *ref;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    if (++letters > 3) return -1;
    column = column * 26 + (c - 'A' + 1);
  }
  return letters == 0 ? -1 : column - 1;
}

// "AB12" -> 12; 0 if there is no row part.
std::int64_t ParseRowOfRef(const char* ref) {
  while (*ref != '\0' && !(*ref >= '0' && *ref <= '9')) ++ref;
  std::int64_t row = 0;
  return ParseInt(std::string_view(ref), row) ? row : 0;
}

std::optional<Range> ParseRange(const char* ref) {
  const std::string_view s(ref);
  const auto colon = s.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string first(s.substr(0, colon));
  const std::string last(s.substr(colon + 1));
  Range range;
  range.first_column = ParseColumn(first.c_str());
  range.last_column = ParseColumn(last.c_str());
  range.first_row = ParseRowOfRef(first.c_str());
  range.last_row = ParseRowOfRef(last.c_str());
  if (range.first_column < 0 || range.last_column < 0 || range.first_row <= 0 || range.last_row <= 0) {
    return std::nullopt;
  }
  return range;
}

struct Relationship {
  std::string id;
  std::string type;
  std::string target;
};

class RelsHandler : public XmlHandler {
 public:
  std::vector<Relationship> rels;

  void Start(const char* name, const char** atts) override {
    if (!Is(name, "Relationship")) return;
    if (rels.size() >= kMaxRelationships) return Stop();
    const char* mode = Attribute(atts, "TargetMode");
    if (mode != nullptr && Is(mode, "External")) return;
    const char* id = Attribute(atts, "Id");
    const char* type = Attribute(atts, "Type");
    const char* target = Attribute(atts, "Target");
    if (id == nullptr || type == nullptr || target == nullptr) return;
    rels.push_back({id, type, target});
  }
  void End(const char*) override {}
  void Text(const char*, std::size_t) override {}
};

struct SheetEntry {
  std::string name;
  std::string rel_id;
  bool visible = true;
};

class WorkbookHandler : public XmlHandler {
 public:
  std::string root;
  bool date1904 = false;
  std::vector<SheetEntry> sheets;

  void Start(const char* name, const char** atts) override {
    if (root.empty()) root = name;
    if (Is(name, "workbookPr")) {
      date1904 = IsTrue(Attribute(atts, "date1904"));
    } else if (Is(name, "sheet")) {
      if (sheets.size() >= kMaxSheets) return Stop();
      SheetEntry sheet;
      const char* sheet_name = Attribute(atts, "name");
      const char* rel_id = Attribute(atts, "id");  // r:id
      const char* state = Attribute(atts, "state");
      if (sheet_name == nullptr || rel_id == nullptr) return;
      sheet.name = sheet_name;
      sheet.rel_id = rel_id;
      sheet.visible = state == nullptr || Is(state, "visible");
      sheets.push_back(std::move(sheet));
    }
  }
  void End(const char*) override {}
  void Text(const char*, std::size_t) override {}
};

class StylesHandler : public XmlHandler {
 public:
  std::unordered_map<int, std::string> custom;
  std::vector<int> xf_formats;

  void Start(const char* name, const char** atts) override {
    if (Is(name, "numFmts")) {
      in_num_fmts_ = true;
    } else if (Is(name, "cellXfs")) {
      in_cell_xfs_ = true;
    } else if (in_num_fmts_ && Is(name, "numFmt")) {
      const char* id = Attribute(atts, "numFmtId");
      const char* code = Attribute(atts, "formatCode");
      int value = 0;
      if (id != nullptr && code != nullptr && ParseInt(std::string_view(id), value)) custom[value] = code;
    } else if (in_cell_xfs_ && Is(name, "xf")) {
      const char* id = Attribute(atts, "numFmtId");
      int value = 0;
      if (id == nullptr || !ParseInt(std::string_view(id), value)) value = 0;
      xf_formats.push_back(value);
    }
  }
  void End(const char* name) override {
    if (Is(name, "numFmts")) in_num_fmts_ = false;
    if (Is(name, "cellXfs")) in_cell_xfs_ = false;
  }
  void Text(const char*, std::size_t) override {}

  std::vector<CellStyle> Build() const {
    std::vector<CellStyle> styles;
    styles.reserve(xf_formats.size());
    for (const int id : xf_formats) {
      const auto it = custom.find(id);
      styles.push_back(MakeCellStyle(id, it != custom.end() ? it->second : std::string(BuiltinFormat(id))));
    }
    return styles;
  }

 private:
  bool in_num_fmts_ = false;
  bool in_cell_xfs_ = false;
};

class SharedStringsHandler : public XmlHandler {
 public:
  explicit SharedStringsHandler(const Limits& limits) : limits_(limits) {}

  std::optional<Error> error;
  StringTable table;

  void Start(const char* name, const char**) override {
    if (Is(name, "si")) {
      in_si_ = true;
      phonetic_depth_ = 0;
      table.Begin();
    } else if (in_si_ && Is(name, "rPh")) {
      ++phonetic_depth_;
    } else if (in_si_ && phonetic_depth_ == 0 && Is(name, "t")) {
      in_t_ = true;
    }
  }

  void End(const char* name) override {
    if (Is(name, "t")) {
      in_t_ = false;
    } else if (Is(name, "rPh")) {
      if (phonetic_depth_ > 0) --phonetic_depth_;
    } else if (Is(name, "si") && in_si_) {
      in_si_ = false;
      std::string& pool = table.pool();
      const std::size_t start = table.building_start();
      if (std::string_view(pool).substr(start).find("_x") != std::string_view::npos) {
        std::string text = pool.substr(start);
        DecodeXmlEscapes(text);
        pool.resize(start);
        pool.append(text);
      }
      if (static_cast<std::int64_t>(table.size()) >= limits_.max_cells) {
        return Fail(MakeError(ErrorCode::kTooManyCells, limits_,
                              fmt::format("shared string table has more than {} entries", limits_.max_cells)));
      }
      if (!table.End()) return Fail(MakeError(ErrorCode::kZipBomb, limits_, "shared string table exceeds 4 GiB"));
    }
  }

  void Text(const char* s, std::size_t len) override {
    if (!in_t_) return;
    if (static_cast<std::int64_t>(table.building_size() + len) > limits_.max_cell_bytes) {
      return Fail(
          MakeError(ErrorCode::kCellTooLong, limits_,
                    fmt::format("shared string {} is longer than {} bytes", table.size(), limits_.max_cell_bytes)));
    }
    table.pool().append(s, len);
  }

 private:
  void Fail(Error e) {
    error = std::move(e);
    Stop();
  }

  const Limits& limits_;
  bool in_si_ = false;
  bool in_t_ = false;
  int phonetic_depth_ = 0;
};

// The worksheet: rows and cells into the RowAssembler, merged ranges into the result.
class SheetHandler : public XmlHandler {
 public:
  SheetHandler(RowAssembler& rows, const StringTable* strings, const std::vector<CellStyle>& styles,
               std::vector<Range>& merged)
      : rows_(rows), strings_(strings), styles_(styles), merged_(merged) {}

  void Start(const char* name, const char** atts) override {
    if (cell_ != nullptr) return StartInCell(name);
    if (in_row_) {
      if (Is(name, "c")) StartCell(atts);
      return;
    }
    if (in_sheet_data_) {
      if (Is(name, "row")) StartRow(atts);
      return;
    }
    if (Is(name, "sheetData")) {
      in_sheet_data_ = true;
    } else if (Is(name, "mergeCell")) {
      const char* ref = Attribute(atts, "ref");
      if (ref == nullptr) return;
      if (auto range = ParseRange(ref)) merged_.push_back(*range);
    }
  }

  void End(const char* name) override {
    if (cell_ != nullptr) {
      switch (name[0]) {
        case 'v':
        case 'f':
        case 't':
          if (name[1] == '\0') capture_ = Capture::kNone;
          return;
        case 'r':
          if (Is(name, "rPh") && phonetic_depth_ > 0) --phonetic_depth_;
          return;
        case 'i':
          if (Is(name, "is")) in_inline_ = false;
          return;
        case 'c':
          if (name[1] == '\0') FinishCell();
          return;
        default:
          return;
      }
    }
    if (in_row_) {
      if (Is(name, "row")) {
        in_row_ = false;
        if (!rows_.EndRow()) Stop();
      }
      return;
    }
    if (in_sheet_data_ && Is(name, "sheetData")) in_sheet_data_ = false;
  }

  void Text(const char* s, std::size_t len) override {
    switch (capture_) {
      case Capture::kNone:
        return;
      case Capture::kText:
        if (static_cast<std::int64_t>(cell_->text.size() + len) > rows_.limits().max_cell_bytes) return TooLong();
        cell_->text.append(s, len);
        return;
      case Capture::kFormula:
        if (static_cast<std::int64_t>(cell_->formula.size() + len) > rows_.limits().max_cell_bytes) return TooLong();
        cell_->formula.append(s, len);
        return;
    }
  }

 private:
  enum class Type { kNumber, kShared, kInline, kString, kBool, kError, kDate };
  enum class Capture { kNone, kText, kFormula };

  void Corrupt(std::string detail) {
    rows_.Fail(MakeError(ErrorCode::kCorrupt, rows_.limits(), std::move(detail)));
    Stop();
  }

  void TooLong() {
    rows_.Fail(MakeError(ErrorCode::kCellTooLong, rows_.limits(),
                         fmt::format("cell {}{} is longer than {} bytes", ColumnName(column_), rows_.row_number(),
                                     rows_.limits().max_cell_bytes),
                         rows_.row_number(), column_));
    Stop();
  }

  void StartRow(const char** atts) {
    std::int64_t number = last_row_ + 1;
    bool hidden = false;
    for (; *atts != nullptr; atts += 2) {
      const char* attr = LocalName(atts[0]);
      if (Is(attr, "r")) {
        if (!ParseInt(std::string_view(atts[1]), number))
          return Corrupt(fmt::format("bad row number at line {}", line()));
      } else if (Is(attr, "hidden")) {
        hidden = IsTrue(atts[1]);
      }
    }
    if (number < 1 || number > kMaxSheetRows) return Corrupt(fmt::format("row number {} out of range", number));
    last_row_ = number;
    next_column_ = 0;
    in_row_ = true;
    if (!rows_.StartRow(number, hidden)) Stop();
  }

  void StartCell(const char** atts) {
    int column = next_column_;
    Type type = Type::kNumber;
    std::size_t style = 0;
    for (; *atts != nullptr; atts += 2) {
      const char* attr = atts[0];
      const char* value = atts[1];
      if (attr[0] == 'r' && attr[1] == '\0') {
        column = ParseColumn(value);
        if (column < 0 || column >= kMaxSheetColumns) {
          return Corrupt(fmt::format("bad cell reference in row {}", rows_.row_number()));
        }
      } else if (attr[0] == 't' && attr[1] == '\0') {
        type = TypeOf(value);
      } else if (attr[0] == 's' && attr[1] == '\0') {
        if (!ParseInt(std::string_view(value), style)) style = 0;
      }
    }
    if (column < next_column_) {
      return Corrupt(fmt::format("cells out of order in row {} at line {}", rows_.row_number(), line()));
    }
    cell_ = rows_.At(column);
    if (cell_ == nullptr) return Stop();
    column_ = column;
    next_column_ = column + 1;
    type_ = type;
    style_ = style;
    has_formula_ = false;
    has_value_ = false;
    in_inline_ = false;
    phonetic_depth_ = 0;
    capture_ = Capture::kNone;
  }

  static Type TypeOf(const char* t) {
    switch (t[0]) {
      case 's':
        return t[1] == '\0' ? Type::kShared : Type::kString;  // "s" or "str"
      case 'i':
        return Type::kInline;
      case 'b':
        return Type::kBool;
      case 'e':
        return Type::kError;
      case 'd':
        return Type::kDate;
      default:
        return Type::kNumber;
    }
  }

  void StartInCell(const char* name) {
    if (Is(name, "v")) {
      cell_->text.clear();  // an inline string's <t> runs and a <v> never both fill one cell
      has_value_ = true;
      capture_ = Capture::kText;
    } else if (Is(name, "f")) {
      has_formula_ = true;
      capture_ = Capture::kFormula;
    } else if (Is(name, "is")) {
      in_inline_ = true;
    } else if (Is(name, "rPh")) {
      ++phonetic_depth_;
    } else if (in_inline_ && phonetic_depth_ == 0 && Is(name, "t")) {
      capture_ = Capture::kText;
    }
  }

  void FinishCell() {
    Cell& cell = *cell_;
    cell_ = nullptr;
    capture_ = Capture::kNone;
    if (style_ < styles_.size()) {
      const CellStyle& style = styles_[style_];
      cell.number_format.assign(style.format);
      cell.is_date_format = style.is_date;
    } else {
      cell.number_format.assign("General");
      cell.is_date_format = false;
    }
    switch (type_) {
      case Type::kNumber:
        cell.kind = Cell::Kind::kNumber;
        break;
      case Type::kShared: {
        if (cell.text.empty()) break;
        std::size_t index = 0;
        if (strings_ == nullptr || !ParseInt(std::string_view(cell.text), index) || index >= strings_->size()) {
          return Corrupt(fmt::format("shared string reference out of range in row {}", rows_.row_number()));
        }
        cell.text.assign(strings_->Get(index));
        cell.kind = Cell::Kind::kText;
        break;
      }
      case Type::kInline:
      case Type::kString:
      case Type::kDate:  // an ISO 8601 date as text (t="d"; Excel itself never writes it)
        DecodeXmlEscapes(cell.text);
        cell.kind = Cell::Kind::kText;
        break;
      case Type::kBool:
        if (!cell.text.empty()) cell.text.assign(cell.text == "1" || cell.text == "true" ? "TRUE" : "FALSE");
        cell.kind = Cell::Kind::kBool;
        break;
      case Type::kError:
        cell.kind = Cell::Kind::kError;
        break;
    }
    // A formula's saved result is its <v>. Excel saves an empty string result as t="str" with an empty <v>; an
    // empty or missing <v> otherwise means the program that wrote the file never calculated the formula.
    const bool saved_empty_string = has_value_ && type_ == Type::kString;
    if (has_formula_ && cell.text.empty() && !saved_empty_string) {
      cell.kind = Cell::Kind::kFormulaNoValue;
    } else if (cell.text.empty()) {
      cell.kind = Cell::Kind::kEmpty;
    }
  }

  RowAssembler& rows_;
  const StringTable* strings_;
  const std::vector<CellStyle>& styles_;
  std::vector<Range>& merged_;

  bool in_sheet_data_ = false;
  bool in_row_ = false;
  std::int64_t last_row_ = 0;
  int next_column_ = 0;

  Cell* cell_ = nullptr;  // the cell being read, owned by the RowAssembler
  int column_ = 0;
  Type type_ = Type::kNumber;
  std::size_t style_ = 0;
  bool has_formula_ = false;
  bool has_value_ = false;  // the cell has a <v>
  bool in_inline_ = false;
  int phonetic_depth_ = 0;
  Capture capture_ = Capture::kNone;
};

Error Unsupported(const Limits& limits, std::string_view what, std::string detail) {
  Error e = MakeError(ErrorCode::kUnsupportedFormat, limits, std::move(detail));
  e.message =
      fmt::format("暂不支持读取{}。请用 Excel 或 WPS 打开该文件，另存为「Excel 工作簿（*.xlsx）」后重新上传。", what);
  return e;
}

// A zip without a workbook: an OpenDocument spreadsheet, an .xlsb, or no spreadsheet at all.
Error NoWorkbook(Zip& zip, const Limits& limits, const std::string& workbook_path) {
  if (const ZipEntry* mimetype = zip.Find("mimetype")) {
    std::string type;
    if (!zip.ReadAll(*mimetype, type, 256) && type.find("opendocument.spreadsheet") != std::string::npos) {
      return Unsupported(limits, " OpenDocument 表格（.ods）", "OpenDocument spreadsheet");
    }
  }
  if (zip.Find("xl/workbook.bin") != nullptr) {
    return Unsupported(limits, " Excel 二进制工作簿（.xlsb）", "xlsb workbook");
  }
  return MakeError(ErrorCode::kNotSpreadsheet, limits,
                   fmt::format("zip archive without a workbook part ({} missing)", workbook_path));
}

bool ParseInto(Zip& zip, const ZipEntry& entry, XmlHandler& handler, RowAssembler& rows) {
  if (auto error = ParseXml(zip, entry, handler, rows.limits())) {
    rows.Fail(std::move(*error));
    return false;
  }
  return true;
}

}  // namespace

void ReadXlsx(std::string_view bytes, RowAssembler& rows) {
  const Limits& limits = rows.limits();
  Zip zip(bytes, limits);
  if (auto error = zip.Open()) return rows.Fail(std::move(*error));

  // The package relationships name the workbook part; xl/workbook.xml is where everyone puts it.
  std::string workbook_path = "xl/workbook.xml";
  if (const ZipEntry* package_rels = zip.Find("_rels/.rels")) {
    RelsHandler rels;
    if (!ParseInto(zip, *package_rels, rels, rows)) return;
    for (const Relationship& rel : rels.rels) {
      if (EndsWith(rel.type, "/officeDocument")) {
        workbook_path = ResolveTarget("", rel.target);
        break;
      }
    }
  }
  if (EndsWith(workbook_path, ".bin")) {
    return rows.Fail(Unsupported(limits, " Excel 二进制工作簿（.xlsb）", "xlsb workbook " + workbook_path));
  }
  const ZipEntry* workbook_entry = zip.Find(workbook_path);
  if (workbook_entry == nullptr) return rows.Fail(NoWorkbook(zip, limits, workbook_path));

  WorkbookHandler workbook;
  if (!ParseInto(zip, *workbook_entry, workbook, rows)) return;
  if (workbook.root != "workbook") {
    return rows.Fail(MakeError(ErrorCode::kNotSpreadsheet, limits,
                               fmt::format("{} is a <{}>, not a workbook", workbook_path, workbook.root)));
  }

  const std::string base_dir = DirOf(workbook_path);
  std::vector<Relationship> rels;
  if (const ZipEntry* entry = zip.Find(base_dir + "_rels/" + workbook_path.substr(base_dir.size()) + ".rels")) {
    RelsHandler handler;
    if (!ParseInto(zip, *entry, handler, rows)) return;
    rels = std::move(handler.rels);
  }
  const auto find_rel = [&](std::string_view id) -> const Relationship* {
    for (const Relationship& rel : rels) {
      if (rel.id == id) return &rel;
    }
    return nullptr;
  };
  const auto find_type = [&](std::string_view suffix) -> const ZipEntry* {
    for (const Relationship& rel : rels) {
      if (EndsWith(rel.type, suffix)) return zip.Find(ResolveTarget(base_dir, rel.target));
    }
    return nullptr;
  };

  // The data sheet: a visible worksheet named 团员信息, else the first visible worksheet.
  const SheetEntry* chosen = nullptr;
  const Relationship* chosen_rel = nullptr;
  for (const SheetEntry& sheet : workbook.sheets) {
    const Relationship* rel = find_rel(sheet.rel_id);
    if (!sheet.visible || rel == nullptr || !EndsWith(rel->type, "/worksheet")) continue;
    if (chosen == nullptr || (Trim(sheet.name) == kDataSheetName && Trim(chosen->name) != kDataSheetName)) {
      chosen = &sheet;
      chosen_rel = rel;
    }
  }
  if (chosen == nullptr) {
    return rows.Fail(MakeError(ErrorCode::kNoWorksheet, limits,
                               fmt::format("no visible worksheet among {} sheets", workbook.sheets.size())));
  }
  const std::string sheet_path = ResolveTarget(base_dir, chosen_rel->target);
  const ZipEntry* sheet_entry = zip.Find(sheet_path);
  if (sheet_entry == nullptr) {
    return rows.Fail(MakeError(ErrorCode::kCorrupt, limits, fmt::format("worksheet part {} is missing", sheet_path)));
  }

  std::vector<CellStyle> styles;
  if (const ZipEntry* entry = find_type("/styles")) {
    StylesHandler handler;
    if (!ParseInto(zip, *entry, handler, rows)) return;
    styles = handler.Build();
  }
  std::optional<SharedStringsHandler> strings;
  if (const ZipEntry* entry = find_type("/sharedStrings")) {
    strings.emplace(limits);
    if (!ParseInto(zip, *entry, *strings, rows)) return;
    if (strings->error) return rows.Fail(std::move(*strings->error));
  }

  SheetInfo& info = rows.sheet();
  info.name = chosen->name;
  info.date1904 = workbook.date1904;
  SheetHandler sheet(rows, strings ? &strings->table : nullptr, styles, rows.merged());
  if (!ParseInto(zip, *sheet_entry, sheet, rows)) return;
  if (rows.failed() || rows.stopped()) return;
  rows.Finish();
}

}  // namespace archive::sheet::internal
