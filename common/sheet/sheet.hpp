#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Reads an uploaded spreadsheet (untrusted bytes: .xlsx, .xls or .csv) into rows of cell text, streaming and in
// bounded memory. It only reads: matching headers, validating and importing rows is the import worker's job.
//
// Contract:
// - Read never throws for bad input and never crashes, hangs or allocates without bound on a hostile file: every
//   problem with the file is an Error value (a stable code, a Chinese message for the branch secretary that says how
//   to fix it, an English detail for the logs that never contains cell contents). It throws only std::bad_alloc and
//   whatever the row callback throws (the read is then abandoned).
// - Memory is bounded by Limits: the file itself, the shared string table (<= max_uncompressed_bytes), one row
//   (<= max_columns * max_cell_bytes) and small per-workbook tables. Rows are never accumulated.
// - The xlsx XML is parsed streaming by a reader of exactly the XML that workbooks use: a DTD is refused, so no
//   entity can be declared and nothing external is loaded.
// - Functions here are reentrant and share no state; call them from any number of threads at once.
// - Parse untrusted files in the sandboxed child process (docs/rules.md): this library bounds what it can, the sandbox
//   bounds the rest.
namespace archive::sheet {

enum class Format { kXlsx, kXls, kCsv };

struct Limits {
  std::int64_t max_file_bytes = 20 << 20;
  std::int64_t max_rows = 100000;                   // non-blank rows, the header row included
  std::int64_t max_cells = 5'000'000;               // non-blank cells over all rows; also caps the shared string count
  std::int64_t max_uncompressed_bytes = 200 << 20;  // xlsx: the parts read, all together, as inflated
  double max_compression_ratio = 100.0;             // xlsx: inflated / compressed size of one zip entry ...
  std::int64_t ratio_grace_bytes = 1 << 20;         // ... checked once that entry has inflated past this many bytes
  int max_columns = 200;                            // a non-blank cell at column index >= max_columns is refused
  std::int64_t max_cell_bytes = 98304;  // UTF-8 bytes of one cell; Excel's 32767 characters fit, at 3 bytes each
};

// What a cell holds, as the reader saw it. The Row passed to the callback and its cells are reused for the next row:
// copy what you keep.
//
// A formula cell reads as the result the spreadsheet program saved with it (its kind is the result's: kNumber,
// kText, kBool, kError, or kEmpty for an empty string), with the formula itself in `formula`. A formula cell without
// a saved result is kFormulaNoValue: files from programs that write formulas but never calculate them (xlsx: no <v>,
// or an empty <v> where the result is not a string; xls: a string result whose STRING record is missing). CSV has no
// formulas: a cell such as "=A1+1" is the text it says.
struct Cell {
  enum class Kind { kEmpty, kText, kNumber, kBool, kError, kFormulaNoValue };

  Kind kind = Kind::kEmpty;
  // UTF-8, never trimmed or otherwise changed:
  //   kText     the string (xlsx rich-text runs joined, phonetic guides dropped, _xHHHH_ escapes decoded);
  //   kNumber   the number as stored: the xlsx <v> text ("4.20106200801011E+17", "43952"), or for xls the
  //             shortest text that round-trips the binary double ("4.2010620080101E+17", "43952");
  //   kBool     "TRUE" or "FALSE";
  //   kError    the error literal, e.g. "#N/A";
  //   kFormulaNoValue  empty.
  // CSV cells are always kText (or kEmpty): CSV has no types.
  std::string text;
  // xlsx: the formula as written (no leading '='), for a formula cell with or without a saved result; empty for the
  // cells of a shared formula after its first, for xls (whose formulas are compiled) and for every other cell.
  std::string formula;
  std::string number_format;    // the cell's number format code, e.g. "General", "@", "0", "yyyy-mm-dd"; "" in CSV
  bool is_date_format = false;  // number_format shows a date or a time, so a kNumber is a date serial

  // Shows nothing in Excel. A formula whose saved result is the empty string (=IF(A2="","",...) dragged down) is
  // blank; so is a formula without a saved result, for deciding whether its row is blank (see Row::cells).
  bool blank() const { return text.empty(); }
};

struct Row {
  std::int64_t number = 0;  // 1-based row number as Excel shows it (CSV: the record number)
  // index = column (0 = A); never empty. Trailing blank cells are trimmed, except a formula without a saved result,
  // which stays so that its row can fail with the reason. A row whose cells are all blank (formulas without a saved
  // result included: a template's formulas dragged down below the data) is not delivered.
  std::vector<Cell> cells;
  bool hidden = false;  // the row is hidden in Excel (xlsx, xls)
};

// The worksheet being read, known before the first row.
struct SheetInfo {
  Format format = Format::kCsv;
  std::string name;       // the worksheet read; empty for CSV
  bool date1904 = false;  // date serials count from 1904-01-01 (old Mac Excel); pass to SerialToDate
};

// A rectangle of merged cells: rows 1-based as in Row::number, columns 0-based as in Row::cells.
struct Range {
  std::int64_t first_row = 0;
  std::int64_t last_row = 0;
  int first_column = 0;
  int last_column = 0;
};

// Batch-level problems: the whole file is refused. Stable names in CodeName.
enum class ErrorCode {
  kEmptyFile,          // EMPTY_FILE: zero bytes, or no non-blank row in the sheet read
  kNotSpreadsheet,     // NOT_SPREADSHEET: not a zip/OLE2 spreadsheet and not text
  kUnsupportedFormat,  // UNSUPPORTED_FORMAT: a spreadsheet we do not read (.xlsb, .ods, Excel 95, HTML "xls")
  kEncrypted,          // ENCRYPTED: password protected (encrypted OOXML, xls FILEPASS, encrypted zip entry)
  kZipBomb,            // ZIP_BOMB: inflates past max_uncompressed_bytes or max_compression_ratio
  kXmlDtd,             // XML_DTD: a DTD or entity declaration (XXE, billion laughs)
  kCorrupt,            // CORRUPT: bad zip, bad XML, bad compound file or BIFF, unterminated CSV quote
  kTooLarge,           // TOO_LARGE: more than max_file_bytes
  kTooManyRows,        // TOO_MANY_ROWS: more than max_rows non-blank rows
  kTooManyColumns,     // TOO_MANY_COLUMNS: a non-blank cell at or beyond max_columns
  kTooManyCells,       // TOO_MANY_CELLS: more than max_cells non-blank cells (or shared strings)
  kCellTooLong,        // CELL_TOO_LONG: a cell longer than max_cell_bytes
  kNoWorksheet,        // NO_WORKSHEET: no visible worksheet
  kWrongEncoding,      // WRONG_ENCODING: a CSV neither UTF-8 nor GB18030 (UTF-16 included)
};

// "TOO_MANY_ROWS" and so on: the stable machine code.
std::string_view CodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kCorrupt;
  std::string message;  // Chinese, for the branch secretary: what is wrong and how to fix it
  std::string detail;   // English, for the logs; never contains cell contents

  std::string_view name() const { return CodeName(code); }
};

struct Result {
  std::optional<Error> error;  // nullopt: the sheet was read to its end, or the callback stopped it
  SheetInfo sheet;
  std::int64_t rows = 0;  // rows handed to the callback
  bool stopped = false;   // the callback returned false
  // Merged cell ranges of the sheet. They follow the cells in the file, so the list is complete only when the read
  // reached the end of the sheet (no error, not stopped).
  std::vector<Range> merged;
};

// Called for each non-blank row, in order (blank rows are skipped; Row::number keeps Excel's numbering). Return false
// to stop reading. The row is valid only during the call. Rows arrive before the end of the file is checked (a
// limit, a CRC, the closing tags): when Read then returns an error, the file is refused as a whole and the rows
// already delivered must be dropped.
using RowCallback = std::function<bool(const SheetInfo& sheet, const Row& row)>;

// The format by content, never by file name: zip magic -> xlsx, OLE2 magic D0CF11E0 -> xls, text -> csv; nullopt for
// anything else (other binary formats, HTML/XML, PDF, images). first_bytes: the first few KiB are enough.
std::optional<Format> Sniff(std::string_view first_bytes);

// Reads the data sheet of a workbook: a visible worksheet named 团员信息 if there is one, otherwise the first visible
// worksheet in tab order. Hidden and very hidden sheets are never read (a hidden 团员信息 included); an instructions
// sheet such as 填写说明 is skipped when 团员信息 exists. CSV: UTF-8 (with or without BOM), else GB18030/GBK;
// comma-separated (tab if the first line has tabs and no commas), RFC 4180 quoting.
Result Read(std::string_view bytes, const Limits& limits, const RowCallback& on_row);

// Excel's date serial -> civil date (the fraction, a time of day, is dropped). 1900 system: 1 = 1900-01-01,
// 59 = 1900-02-28, 60 = the fictitious 1900-02-29 Excel inherited from Lotus 1-2-3 (returned as is, so .ok() is false
// for that one value), 61 = 1900-03-01. 1904 system: 0 = 1904-01-01. nullopt below the first day, after 9999-12-31,
// or for NaN.
std::optional<std::chrono::year_month_day> SerialToDate(double serial, bool date1904);

// The date a kNumber cell with a date format shows; nullopt for any other cell.
std::optional<std::chrono::year_month_day> DateOf(const Cell& cell, const SheetInfo& sheet);

// Excel's column letters: 0 -> "A", 25 -> "Z", 26 -> "AA".
std::string ColumnName(int column);

// "A1:L1".
std::string RangeName(const Range& range);

}  // namespace archive::sheet
