#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/sheet/sheet.hpp"

// Builders for the spreadsheets the sheet tests, the benchmark and the fuzz seeds read: zip archives written with
// minizip's zip API, minimal xlsx packages around handwritten XML parts, BIFF8 record streams and the compound files
// that hold them. Nothing here validates anything: hostile files are built with the same tools.
namespace archive::sheet::testing {

// A zip archive in memory. Entries are added whole (Add) or streamed (Begin, Write..., End).
class ZipWriter {
 public:
  ZipWriter();
  ~ZipWriter();
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  // level: 0 stores, 1-9 deflate. A password encrypts the entry with traditional PKWARE encryption.
  void Add(const std::string& name, std::string_view content, int level = 6, const char* password = nullptr);
  void Begin(const std::string& name, int level = 6);
  void Write(std::string_view bytes);
  void End();
  // Closes the archive and returns its bytes.
  std::string Finish();

  struct Buffer {
    std::string bytes;
    std::uint64_t pos = 0;
  };

 private:
  Buffer buffer_;
  void* zip_ = nullptr;
};

// A worksheet part: <worksheet> around <sheetData>rows</sheetData>, then after (e.g. <mergeCells>).
std::string SheetXml(std::string_view rows, std::string_view after = "");

// A sharedStrings part; each item is the inner XML of one <si> (e.g. "<t>张三</t>").
std::string SharedStringsXml(const std::vector<std::string>& items);

// A styles part with custom number formats {id, code} and cell styles (one numFmtId per <xf>).
std::string StylesXml(const std::vector<std::pair<int, std::string>>& formats, const std::vector<int>& xf_formats);

// Escapes text for XML content or attribute values.
std::string XmlEscape(std::string_view text);

struct XlsxSheet {
  std::string name;
  std::string xml;    // the worksheet part
  std::string state;  // "", "hidden" or "veryHidden"
};

struct XlsxSpec {
  std::vector<XlsxSheet> sheets;
  std::string shared_strings;  // the part, or empty for none
  std::string styles;          // the part, or empty for none
  bool date1904 = false;
  // Replaces a generated part or adds one, e.g. {"xl/workbook.xml", "..."}.
  std::vector<std::pair<std::string, std::string>> overrides;
  // Parts written with traditional PKWARE encryption (password "secret").
  std::vector<std::string> encrypted;
  int level = 6;  // deflate level of every part; 0 stores them (fuzz seeds: mutations then reach the XML)
};

// A minimal but complete .xlsx package: [Content_Types].xml, _rels/.rels, xl/workbook.xml and its relationships,
// the sheets as xl/worksheets/sheetN.xml, and the shared strings and styles parts when given.
std::string Xlsx(const XlsxSpec& spec);

// An xlsx with one sheet named 团员信息 of these rows (inline strings, or numbers where a cell is a number).
std::string SimpleXlsx(const std::vector<std::vector<std::string>>& rows);

// BIFF8: little-endian fields and strings as the records carry them.
std::string U16(std::uint16_t v);
std::string U32(std::uint32_t v);
std::string F64(double v);
// XLUnicodeString: 16-bit character count, an option byte, the characters (UTF-16LE if wide, else Latin-1; the
// text is UTF-8 and must be Latin-1 when !wide).
std::string XlString(std::string_view utf8, bool wide = true);
// ShortXLUnicodeString: the same with an 8-bit count (sheet names).
std::string XlShortString(std::string_view utf8, bool wide = true);
// UTF-8 -> UTF-16LE bytes.
std::string Utf16Le(std::string_view utf8);
std::string BiffRecord(std::uint16_t type, std::string_view body);

struct XlsSheet {
  std::string name;
  std::uint8_t state = 0;  // 0 visible, 1 hidden, 2 very hidden
  std::string records;     // the substream between its BOF and EOF: ROW, cell records, MERGECELLS
};

struct XlsSpec {
  bool date1904 = false;
  std::vector<std::pair<int, std::string>> formats;  // custom FORMAT records {id, code}
  std::vector<int> xf_formats;                       // one XF record per entry (its format id); default: 16 x General
  std::vector<std::string> strings;                  // the SST
  std::vector<XlsSheet> sheets;
  std::string extra_globals;  // records appended to the globals before EOF (e.g. FILEPASS)
};

// The Workbook stream of a BIFF8 workbook: globals (BOF, DATEMODE, FORMAT, XF, BOUNDSHEET, SST with CONTINUE
// records when it outgrows one record, EOF) and one substream per sheet.
std::string XlsWorkbookStream(const XlsSpec& spec);

// Cell records.
std::string XlsNumber(std::uint16_t row, std::uint16_t col, double v, std::uint16_t xf = 0);
std::string XlsRk(std::uint16_t row, std::uint16_t col, std::int32_t v, std::uint16_t xf = 0);
std::string XlsLabelSst(std::uint16_t row, std::uint16_t col, std::uint32_t index, std::uint16_t xf = 0);
std::string XlsLabel(std::uint16_t row, std::uint16_t col, std::string_view utf8, std::uint16_t xf = 0);
std::string XlsBool(std::uint16_t row, std::uint16_t col, bool v);
std::string XlsError(std::uint16_t row, std::uint16_t col, std::uint8_t code);
// A formula cell with a cached number, or (string_result) a cached string in a STRING record.
std::string XlsFormulaNumber(std::uint16_t row, std::uint16_t col, double v);
std::string XlsFormulaString(std::uint16_t row, std::uint16_t col, std::string_view utf8);
// A formula cell whose result is not a number, by type: 0 a string (without the STRING record that should follow it,
// as from a writer that never calculated), 1 a boolean (value 0 or 1), 2 an error (value: its code, e.g. 0x2A #N/A),
// 3 the empty string.
std::string XlsFormulaOther(std::uint16_t row, std::uint16_t col, std::uint8_t type, std::uint8_t value = 0);
std::string XlsRow(std::uint16_t row, bool hidden);
std::string XlsMerge(std::uint16_t first_row, std::uint16_t last_row, std::uint16_t first_col, std::uint16_t last_col);

// A version 3 compound file (512-byte sectors) with these streams under the root; streams under 4096 bytes go to
// the mini stream, as real writers put them.
std::string CompoundFile(const std::vector<std::pair<std::string, std::string>>& streams);

// The compound file of an .xls workbook.
std::string Xls(const XlsSpec& spec);

// What Excel writes for a password-protected .xlsx: a compound file with EncryptionInfo and EncryptedPackage.
std::string EncryptedXlsx();

// GB18030 bytes of UTF-8 text (through iconv).
std::string ToGb18030(std::string_view utf8);

// Sets the declared uncompressed size of a zip entry (central directory and local header) to a lie.
void PatchZipUncompressedSize(std::string& zip, std::string_view entry_name, std::uint32_t size);

// Reads every row into memory (fine for test-sized files).
struct Collected {
  Result result;
  std::vector<Row> rows;
};
Collected ReadRows(std::string_view bytes, const Limits& limits = {});

// The texts of a row's cells.
std::vector<std::string> Texts(const Row& row);

}  // namespace archive::sheet::testing
