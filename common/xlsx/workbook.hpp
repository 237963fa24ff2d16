#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// libxlsxwriter's handles, declared here so that no header outside common/xlsx includes <xlsxwriter.h>.
struct lxw_workbook;
struct lxw_worksheet;
struct lxw_format;

// Writes .xlsx workbooks for users to download: sheets of text cells, with formats, column widths, drop-down lists
// and a frozen header row. A thin RAII layer over libxlsxwriter (linked privately), e.g. a member list:
//
//   xlsx::Workbook book;
//   const xlsx::Format header = book.AddFormat({.bold = true, .fill = 0xD9E1F2});
//   const xlsx::Format text = book.AddFormat({.text = true});  // "@": Excel keeps ID numbers as typed
//   xlsx::Sheet sheet = book.AddSheet("团员名单");
//   sheet.SetColumns(0, 1, 20, text);
//   sheet.WriteRow(0, {"姓名", "身份证号码"}, header);
//   sheet.FreezeRows(1);
//   for (int r = 0; r < n; ++r) sheet.WriteRow(r + 1, {names[r], ids[r]}, text);
//   std::string bytes = book.Close();
//
// Contract:
// - Cells are text only: what is written is what the user sees, and a cell never becomes a formula or a number
//   (text that starts with '=' stays text; the reader sees it as such).
// - libxlsxwriter writes to a file, so a Workbook writes a temporary file of its own in
//   std::filesystem::temp_directory_path() ($TMPDIR), removed when the Workbook is closed or destroyed.
// - Faults throw std::runtime_error naming the file: the temporary file cannot be written or read back (Close, CloseTo;
//   e.g. $TMPDIR is full or not writable), or the destination of CloseTo cannot be written. A sheet name Excel refuses
//   throws std::invalid_argument. A cell libxlsxwriter refuses is a value: Write returns false.
// - Thread-safety: none. A Workbook and its Sheets and Formats belong to one thread; Workbooks share nothing, so
//   several threads may each write their own.
// - Lifetime: Sheet and Format are handles into their Workbook, valid until it is closed or destroyed.
namespace archive::xlsx {

// How a cell or a column looks. Colours are 0xRRGGBB.
struct Style {
  bool bold = false;
  bool text = false;  // the number format "@" (文本): what is typed into the cell later stays text too
  bool wrap = false;  // wrap long text within the column width
  std::optional<std::uint32_t> fill;
  std::optional<std::uint32_t> font_color;
};

// A Style added to a Workbook. The default Format is Excel's default look.
class Format {
 public:
  Format() = default;

 private:
  friend class Workbook;
  friend class Sheet;
  explicit Format(lxw_format* format) : format_(format) {}
  lxw_format* format_ = nullptr;
};

// A drop-down list on the cells of one column: Excel offers the values of the source range and refuses others.
struct ListValidation {
  int column = 0;     // 0-based, as every row and column here
  int first_row = 0;  // the cells first_row..last_row of the column
  int last_row = 0;
  std::string source;         // a range formula, e.g. "='选项'!$A$1:$A$5" (a sheet of its own, often hidden)
  std::string error_title;    // shown when something else is typed
  std::string error_message;  // Chinese, for the user
};

// Excel's largest row index (0-based).
inline constexpr int kMaxRow = 1048575;

class Sheet {
 public:
  // Writes one text cell. False when libxlsxwriter refuses it (text beyond Excel's 32,767 characters, a row or
  // column beyond Excel's limits, or, with Options::constant_memory, a row before the last one written): the cell is
  // then left empty.
  bool Write(int row, int column, const std::string& text, Format format = {});
  // Writes cells[i] at (row, first_column + i). False when any cell was refused; the others are written.
  bool WriteRow(int row, const std::vector<std::string>& cells, Format format = {}, int first_column = 0);
  // The width (in characters) and default format of the columns first..last, for cells not written yet too.
  void SetColumns(int first, int last, double width, Format format = {});
  // Keeps the first `rows` rows in view when scrolling (a header row: 1).
  void FreezeRows(int rows);
  void AddList(const ListValidation& list);
  void Hide();
  // The sheet shown when the workbook is opened (default: the first).
  void Activate();

 private:
  friend class Workbook;
  explicit Sheet(lxw_worksheet* sheet) : sheet_(sheet) {}
  lxw_worksheet* sheet_;
};

struct Options {
  // Flushes each row to the file once a later row is written, so memory stays flat however many rows there are;
  // rows must then be written in ascending order (a cell of an earlier row is refused).
  bool constant_memory = false;
};

class Workbook {
 public:
  // Names the temporary file, which Close or CloseTo writes. Throws std::runtime_error only when out of memory.
  explicit Workbook(Options options = {});
  ~Workbook();
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;

  // A new sheet, after the others. Throws std::invalid_argument for a name Excel refuses (empty, longer than 31
  // characters, one of []:*?/\, or already used).
  Sheet AddSheet(const std::string& name);
  Format AddFormat(const Style& style);

  // Finishes the workbook and returns the .xlsx file's bytes. The Workbook is then closed: nothing more may be added.
  std::string Close();
  // Finishes the workbook into the file at `path`, replacing it.
  void CloseTo(const std::filesystem::path& path);

 private:
  struct CloseBook {
    void operator()(lxw_workbook* book) const noexcept;
  };

  void Finish();  // closes book_, throwing when libxlsxwriter could not write the file
  lxw_workbook* book() const;

  std::filesystem::path path_;
  std::unique_ptr<lxw_workbook, CloseBook> book_;
};

}  // namespace archive::xlsx
