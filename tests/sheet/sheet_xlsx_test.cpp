#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/sheet/sheet.hpp"
#include "tests/sheet/fixtures.hpp"

namespace archive::sheet {
namespace {

using namespace std::chrono;
using ::testing::ElementsAre;
using testing::ReadRows;
using testing::SheetXml;
using testing::Texts;
using testing::Xlsx;
using testing::XlsxSpec;
using Kind = Cell::Kind;

std::string OneSheet(const std::string& rows, const std::string& shared = "", const std::string& styles = "",
                     const std::string& after = "") {
  XlsxSpec spec;
  spec.sheets = {{"团员信息", SheetXml(rows, after), ""}};
  spec.shared_strings = shared;
  spec.styles = styles;
  return Xlsx(spec);
}

TEST(XlsxTest, ReadsSharedStringsWithRichTextPhoneticsAndEscapes) {
  // Given shared strings in every form Excel writes: plain, rich-text runs, a phonetic guide (not part of the
  // text), a carriage return as _x000D_, and leading spaces kept by xml:space.
  const std::string shared = testing::SharedStringsXml({
      "<t>姓名</t>",
      "<r><rPr><b/></rPr><t>张</t></r><r><t xml:space=\"preserve\">三 </t></r>",
      "<t>李四</t><rPh sb=\"0\" eb=\"2\"><t>リシ</t></rPh><phoneticPr fontId=\"1\"/>",
      "<t>第一行_x000D_\n第二行</t>",
      "<t xml:space=\"preserve\">  前导空格</t>",
      "<t>_x005F_x0041_</t>",
  });
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c><c r=\"B2\" t=\"s\"><v>2</v></c><c r=\"C2\" t=\"s\"><v>3</v></c>"
      "<c r=\"D2\" t=\"s\"><v>4</v></c><c r=\"E2\" t=\"s\"><v>5</v></c></row>";

  // When it is read
  const auto got = ReadRows(OneSheet(rows, shared));

  // Then each cell holds the text Excel shows
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 2u);
  EXPECT_THAT(Texts(got.rows[0]), ElementsAre("姓名"));
  EXPECT_THAT(Texts(got.rows[1]), ElementsAre("张三 ", "李四", "第一行\r\n第二行", "  前导空格", "_x0041_"));
  EXPECT_EQ(got.rows[1].cells[0].kind, Kind::kText);
  EXPECT_EQ(got.result.sheet.format, Format::kXlsx);
  EXPECT_EQ(got.result.sheet.name, "团员信息");
}

TEST(XlsxTest, ReadsInlineStringsAndStringResults) {
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>王五</t></is></c>"
      "<c r=\"B1\" t=\"inlineStr\"><is><r><t>共青</t></r><r><rPr><i/></rPr><t>团员</t></r></is></c>"
      "<c r=\"C1\" t=\"str\"><v>文本_x0009_值</v></c></row>";
  const auto got = ReadRows(OneSheet(rows));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 1u);
  EXPECT_THAT(Texts(got.rows[0]), ElementsAre("王五", "共青团员", "文本\t值"));
  EXPECT_EQ(got.rows[0].cells[2].kind, Kind::kText);
}

TEST(XlsxTest, KeepsNumbersAsStoredWithTheirFormatCodes) {
  // Given cell styles: 0 General, 1 "0", 2 text "@", 3 a custom yyyy-mm-dd, 4 built-in 14, 5 built-in 31
  // (zh-CN yyyy"年"m"月"d"日"), 6 "0.00", 7 custom [h]:mm, 8 custom with a quoted "d" (not a date), 9 [Red]0.00
  const std::string styles =
      testing::StylesXml({{176, "yyyy-mm-dd"}, {177, "[h]:mm"}, {178, "0.00\" days\""}, {179, "[Red]0.00"}},
                         {0, 1, 49, 176, 14, 31, 2, 177, 178, 179});
  std::string rows = "<row r=\"1\">";
  for (int s = 0; s < 10; ++s) {
    rows += "<c r=\"" + ColumnName(s) + "1\" s=\"" + std::to_string(s) + "\"><v>43952</v></c>";
  }
  rows += "</row>";

  const auto got = ReadRows(OneSheet(rows, "", styles));

  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 1u);
  const auto& cells = got.rows[0].cells;
  ASSERT_EQ(cells.size(), 10u);
  for (const Cell& cell : cells) {
    EXPECT_EQ(cell.kind, Kind::kNumber);
    EXPECT_EQ(cell.text, "43952");
  }
  std::vector<std::string> formats;
  std::vector<bool> dates;
  for (const Cell& cell : cells) {
    formats.push_back(cell.number_format);
    dates.push_back(cell.is_date_format);
  }
  EXPECT_THAT(formats, ElementsAre("General", "0", "@", "yyyy-mm-dd", "mm-dd-yy", "yyyy\"年\"m\"月\"d\"日\"", "0.00",
                                   "[h]:mm", "0.00\" days\"", "[Red]0.00"));
  EXPECT_THAT(dates, ElementsAre(false, false, false, true, true, true, false, true, false, false));
  EXPECT_EQ(DateOf(cells[3], got.result.sheet), 2020y / May / 1d);
  EXPECT_EQ(DateOf(cells[0], got.result.sheet), std::nullopt);
}

TEST(XlsxTest, KeepsAnIdNumberStoredAsANumberAsTheFileHasIt) {
  // Given an 18-digit ID card number typed into a General cell: Excel keeps 15 digits and writes the double
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\"><v>4.20106200801011E+17</v></c><c r=\"B1\"><v>420106200801010000</v></c>"
      "<c r=\"C1\" t=\"inlineStr\"><is><t>420106200801011234</t></is></c></row>";
  const auto got = ReadRows(OneSheet(rows));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  const auto& cells = got.rows.at(0).cells;
  EXPECT_EQ(cells[0].kind, Kind::kNumber);
  EXPECT_EQ(cells[0].text, "4.20106200801011E+17");
  EXPECT_EQ(cells[0].number_format, "General");
  EXPECT_EQ(cells[1].kind, Kind::kNumber);
  EXPECT_EQ(cells[1].text, "420106200801010000");
  EXPECT_EQ(cells[2].kind, Kind::kText);
  EXPECT_EQ(cells[2].text, "420106200801011234");
}

TEST(XlsxTest, ReportsThe1904DateSystem) {
  XlsxSpec spec;
  spec.date1904 = true;
  spec.styles = testing::StylesXml({}, {0, 14});
  spec.sheets = {{"团员信息", SheetXml("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>42490</v></c></row>"), ""}};
  const auto got = ReadRows(Xlsx(spec));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  EXPECT_TRUE(got.result.sheet.date1904);
  EXPECT_EQ(DateOf(got.rows.at(0).cells.at(0), got.result.sheet), 2020y / May / 1d);
}

TEST(XlsxTest, FillsGapsWithEmptyCellsAndTrimsTrailingBlanks) {
  // Given cells at A, C and a styled but empty E, and a row without cell references
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c><c r=\"C1\"><v>3</v></c><c r=\"E1\" "
      "s=\"0\"/></row>"
      "<row><c t=\"inlineStr\"><is><t>x</t></is></c><c/><c><v>7</v></c></row>";
  const auto got = ReadRows(OneSheet(rows));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 2u);
  EXPECT_THAT(Texts(got.rows[0]), ElementsAre("a", "", "3"));
  EXPECT_EQ(got.rows[0].cells[1].kind, Kind::kEmpty);
  EXPECT_EQ(got.rows[1].number, 2);
  EXPECT_THAT(Texts(got.rows[1]), ElementsAre("x", "", "7"));
}

TEST(XlsxTest, ReportsColumnsInTheOrderOfTheFile) {
  // Given a sheet whose columns are reordered and which has an extra column: the reader reports them as they are
  const auto got =
      ReadRows(testing::SimpleXlsx({{"身份证号码", "备注", "姓名"}, {"420106200801011234", "无", "张三"}}));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 2u);
  EXPECT_THAT(Texts(got.rows[0]), ElementsAre("身份证号码", "备注", "姓名"));
  EXPECT_THAT(Texts(got.rows[1]), ElementsAre("420106200801011234", "无", "张三"));
}

TEST(XlsxTest, SkipsBlankRowsButKeepsExcelsRowNumbers) {
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>h</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" s=\"0\"/><c r=\"B2\" t=\"inlineStr\"><is><t></t></is></c></row>"
      "<row r=\"3\"/>"
      "<row r=\"5\"><c r=\"B5\"><v>1</v></c></row>";
  const auto got = ReadRows(OneSheet(rows));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 2u);
  EXPECT_EQ(got.rows[0].number, 1);
  EXPECT_EQ(got.rows[1].number, 5);
  EXPECT_EQ(got.result.rows, 2);
}

TEST(XlsxTest, ReportsHiddenRows) {
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
      "<row r=\"2\" hidden=\"1\"><c r=\"A2\"><v>2</v></c></row>"
      "<row r=\"3\" hidden=\"true\"><c r=\"A3\"><v>3</v></c></row>";
  const auto got = ReadRows(OneSheet(rows));
  ASSERT_EQ(got.rows.size(), 3u);
  EXPECT_FALSE(got.rows[0].hidden);
  EXPECT_TRUE(got.rows[1].hidden);
  EXPECT_TRUE(got.rows[2].hidden);
}

TEST(XlsxTest, PrefersAVisibleSheetNamed团员信息) {
  // Given the template: the instructions sheet first, the data sheet second
  XlsxSpec spec;
  spec.sheets = {{"填写说明", SheetXml("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>说明</t></is></c></row>"), ""},
                 {"团员信息", SheetXml("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>姓名</t></is></c></row>"), ""}};
  const auto got = ReadRows(Xlsx(spec));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  EXPECT_EQ(got.result.sheet.name, "团员信息");
  EXPECT_THAT(Texts(got.rows.at(0)), ElementsAre("姓名"));
}

TEST(XlsxTest, NeverReadsHiddenSheets) {
  // Given a very hidden lookup sheet first, a hidden 团员信息, and a visible sheet with a renamed tab
  XlsxSpec spec;
  spec.sheets = {{"代码表", SheetXml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"), "veryHidden"},
                 {"团员信息", SheetXml("<row r=\"1\"><c r=\"A1\"><v>2</v></c></row>"), "hidden"},
                 {"Sheet1", SheetXml("<row r=\"1\"><c r=\"A1\"><v>3</v></c></row>"), ""}};
  const auto got = ReadRows(Xlsx(spec));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  EXPECT_EQ(got.result.sheet.name, "Sheet1");
  EXPECT_THAT(Texts(got.rows.at(0)), ElementsAre("3"));
}

TEST(XlsxTest, RefusesAWorkbookWhoseSheetsAreAllHidden) {
  XlsxSpec spec;
  spec.sheets = {{"团员信息", SheetXml("<row r=\"1\"><c r=\"A1\"><v>2</v></c></row>"), "hidden"}};
  const auto got = ReadRows(Xlsx(spec));
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kNoWorksheet);
  EXPECT_TRUE(got.rows.empty());
}

TEST(XlsxTest, ReportsMergedRanges) {
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>团员信息表</t></is></c></row>"
      "<row r=\"3\"><c r=\"B3\"><v>1</v></c></row>";
  const auto got = ReadRows(OneSheet(
      rows, "", "", "<mergeCells count=\"2\"><mergeCell ref=\"A1:L1\"/><mergeCell ref=\"B3:C4\"/></mergeCells>"));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.result.merged.size(), 2u);
  EXPECT_EQ(RangeName(got.result.merged[0]), "A1:L1");
  EXPECT_EQ(RangeName(got.result.merged[1]), "B3:C4");
  EXPECT_EQ(got.result.merged[1].first_row, 3);
  EXPECT_EQ(got.result.merged[1].last_column, 2);
}

TEST(XlsxTest, ReadsAFormulaAsTheResultExcelSavedWithIt) {
  // Given formulas with the results Excel saved: a number, a string (t="str"), a shared formula, a boolean, an
  // error, a date (a serial in a date style), and an empty string result in a row of its own
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\"><f>1+1</f><v>2</v></c>"
      "<c r=\"B1\" t=\"str\"><f>A1&amp;\"岁\"</f><v>2岁</v></c>"
      "<c r=\"C1\"><f t=\"shared\" ref=\"C1:C2\" si=\"0\">A1*2</f><v>4</v></c>"
      "<c r=\"D1\" t=\"b\"><f>TRUE()</f><v>1</v></c>"
      "<c r=\"E1\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
      "<c r=\"F1\" s=\"1\"><f>DATE(2020,5,1)</f><v>43952</v></c></row>"
      "<row r=\"2\"><c r=\"A2\"><v>5</v></c><c r=\"C2\"><f t=\"shared\" si=\"0\"/><v>10</v></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"str\"><f>IF(B3=\"\",\"\",B3)</f><v></v></c></row>";

  // When the sheet is read
  const auto got = ReadRows(OneSheet(rows, "", testing::StylesXml({{176, "yyyy-mm-dd"}}, {0, 176})));

  // Then each formula reads as its saved result, with the formula beside it
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 2u);  // row 3's saved result is "": blank
  const auto& r1 = got.rows[0].cells;
  EXPECT_THAT(Texts(got.rows[0]), ElementsAre("2", "2岁", "4", "TRUE", "#DIV/0!", "43952"));
  EXPECT_EQ(r1[0].kind, Kind::kNumber);
  EXPECT_EQ(r1[1].kind, Kind::kText);
  EXPECT_EQ(r1[2].kind, Kind::kNumber);
  EXPECT_EQ(r1[3].kind, Kind::kBool);
  EXPECT_EQ(r1[4].kind, Kind::kError);
  EXPECT_EQ(DateOf(r1[5], got.result.sheet), 2020y / May / 1d);
  EXPECT_EQ(r1[0].formula, "1+1");
  EXPECT_EQ(r1[1].formula, "A1&\"岁\"");
  EXPECT_EQ(got.rows[1].cells[2].kind, Kind::kNumber);
  EXPECT_EQ(got.rows[1].cells[2].text, "10");
  EXPECT_EQ(got.rows[1].cells[2].formula, "");
}

TEST(XlsxTest, MarksAFormulaSavedWithoutItsResultAndKeepsItInItsRow) {
  // Given formulas written by programs that never calculate: no <v>, an empty <v> (not a string result), and a
  // shared formula's later cell without <v>; then a row of nothing but such formulas, dragged below the data
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>张三</t></is></c>"
      "<c r=\"B1\"><f>A1&amp;\"x\"</f></c>"
      "<c r=\"C1\"><f>1+1</f><v></v></c>"
      "<c r=\"D1\"><f t=\"shared\" si=\"0\"/></c></row>"
      "<row r=\"2\"><c r=\"B2\"><f>A2&amp;\"x\"</f></c><c r=\"C2\"><f>1+1</f><v/></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>李四</t></is></c></row>";

  // When the sheet is read
  const auto got = ReadRows(OneSheet(rows));

  // Then each such cell is a formula without a value, kept (trailing ones too) so that its row can fail, and the
  // row of nothing else is blank
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 2u);
  const auto& r1 = got.rows[0].cells;
  ASSERT_EQ(r1.size(), 4u);
  EXPECT_EQ(r1[0].kind, Kind::kText);
  for (std::size_t c = 1; c < 4; ++c) {
    EXPECT_EQ(r1[c].kind, Kind::kFormulaNoValue) << c;
    EXPECT_EQ(r1[c].text, "") << c;
  }
  EXPECT_EQ(r1[1].formula, "A1&\"x\"");
  EXPECT_EQ(r1[2].formula, "1+1");
  EXPECT_EQ(got.rows[1].number, 3);
}

TEST(XlsxTest, ReadsBooleansAndErrors) {
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\" t=\"b\"><v>1</v></c><c r=\"B1\" t=\"b\"><v>0</v></c>"
      "<c r=\"C1\" t=\"e\"><v>#N/A</v></c></row>";
  const auto got = ReadRows(OneSheet(rows));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  EXPECT_THAT(Texts(got.rows.at(0)), ElementsAre("TRUE", "FALSE", "#N/A"));
  EXPECT_EQ(got.rows[0].cells[0].kind, Kind::kBool);
  EXPECT_EQ(got.rows[0].cells[2].kind, Kind::kError);
}

TEST(XlsxTest, ReadsPrefixedElements) {
  // Some generators write every element with a prefix; it is the same workbook.
  const std::string sheet =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><x:worksheet "
      "xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData><x:row r=\"1\">"
      "<x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>赵六</x:t></x:is></x:c><x:c r=\"B1\"><x:v>18</x:v></x:c>"
      "</x:row></x:sheetData></x:worksheet>";
  XlsxSpec spec;
  spec.sheets = {{"团员信息", sheet, ""}};
  const auto got = ReadRows(Xlsx(spec));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  EXPECT_THAT(Texts(got.rows.at(0)), ElementsAre("赵六", "18"));
}

TEST(XlsxTest, FollowsRelationshipsToPartsWhereverTheyAre) {
  // Given a workbook part that is not xl/workbook.xml and an absolute worksheet target
  XlsxSpec spec;
  spec.sheets = {{"团员信息", SheetXml("<row r=\"1\"><c r=\"A1\"><v>9</v></c></row>"), ""}};
  spec.overrides = {
      {"_rels/.rels",
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
       "Id=\"r\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
       "Target=\"/book/main.xml\"/></Relationships>"},
      {"book/main.xml",
       "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet "
       "name=\"团员信息\" sheetId=\"1\" r:id=\"a\"/></sheets></workbook>"},
      {"book/_rels/main.xml.rels",
       "<Relationships><Relationship Id=\"a\" "
       "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
       "Target=\"/xl/worksheets/sheet1.xml\"/></Relationships>"}};
  const auto got = ReadRows(Xlsx(spec));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  EXPECT_THAT(Texts(got.rows.at(0)), ElementsAre("9"));
}

TEST(XlsxTest, StopsWhenTheCallbackSaysSo) {
  int calls = 0;
  const Result result = Read(testing::SimpleXlsx({{"a"}, {"b"}, {"c"}, {"d"}}), Limits{},
                             [&](const SheetInfo&, const Row&) { return ++calls < 2; });
  EXPECT_FALSE(result.error);
  EXPECT_TRUE(result.stopped);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(result.rows, 2);
}

TEST(XlsxTest, RefusesANonBlankCellPastTheColumnLimit) {
  Limits limits;
  limits.max_columns = 3;
  // A styled empty cell far to the right is fine
  auto got = ReadRows(OneSheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"Z1\" s=\"0\"/></row>"), limits);
  EXPECT_FALSE(got.result.error);
  // A value there is not
  got = ReadRows(OneSheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"D2\"><v>1</v></c></row>"),
                 limits);
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kTooManyColumns);
  EXPECT_THAT(got.result.error->message, ::testing::HasSubstr("第 2 行 D 列"));
  EXPECT_EQ(got.rows.size(), 1u);
}

TEST(XlsxTest, RefusesACellLongerThanExcelAllows) {
  Limits limits;
  limits.max_cell_bytes = 10;
  auto got =
      ReadRows(OneSheet("<row r=\"4\"><c r=\"B4\" t=\"inlineStr\"><is><t>12345678901</t></is></c></row>"), limits);
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kCellTooLong);
  EXPECT_THAT(got.result.error->message, ::testing::HasSubstr("第 4 行 B 列"));
  got = ReadRows(OneSheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>",
                          testing::SharedStringsXml({"<t>12345678901</t>"})),
                 limits);
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kCellTooLong);
}

TEST(XlsxTest, RefusesMoreCellsThanTheLimit) {
  Limits limits;
  limits.max_cells = 5;
  const auto got = ReadRows(testing::SimpleXlsx({{"a", "b", "c"}, {"d", "e", "f"}}), limits);
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kTooManyCells);
  EXPECT_EQ(got.rows.size(), 1u);
}

TEST(XlsxTest, RefusesRowsOutOfOrderAndDanglingStringReferences) {
  auto got =
      ReadRows(OneSheet("<row r=\"2\"><c r=\"A2\"><v>1</v></c></row><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"));
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kCorrupt);
  got = ReadRows(OneSheet("<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>1</v></c></row>"));
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kCorrupt);
  got = ReadRows(
      OneSheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row>", testing::SharedStringsXml({"<t>a</t>"})));
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kCorrupt);
}

TEST(XlsxTest, RefusesBadXmlAsCorrupt) {
  const auto got = ReadRows(OneSheet("<row r=\"1\"><c r=\"A1\"><v>1</v></row>"));
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kCorrupt);
  EXPECT_THAT(got.result.error->detail, ::testing::HasSubstr("xl/worksheets/sheet1.xml"));
}

TEST(XlsxTest, RefusesOtherZipFormatsWithAReason) {
  testing::ZipWriter ods;
  ods.Add("mimetype", "application/vnd.oasis.opendocument.spreadsheet", 0);
  ods.Add("content.xml", "<office:document-content/>");
  auto got = ReadRows(ods.Finish());
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kUnsupportedFormat);
  EXPECT_THAT(got.result.error->message, ::testing::HasSubstr(".ods"));

  testing::ZipWriter xlsb;
  xlsb.Add("_rels/.rels",
           "<Relationships><Relationship Id=\"r\" "
           "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
           "Target=\"xl/workbook.bin\"/></Relationships>");
  xlsb.Add("xl/workbook.bin", "binary");
  got = ReadRows(xlsb.Finish());
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kUnsupportedFormat);
  EXPECT_THAT(got.result.error->message, ::testing::HasSubstr(".xlsb"));

  testing::ZipWriter docx;
  docx.Add("_rels/.rels",
           "<Relationships><Relationship Id=\"r\" "
           "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
           "Target=\"word/document.xml\"/></Relationships>");
  docx.Add("word/document.xml", "<w:document xmlns:w=\"w\"><w:body/></w:document>");
  got = ReadRows(docx.Finish());
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kNotSpreadsheet);

  testing::ZipWriter plain;
  plain.Add("readme.txt", "hello");
  got = ReadRows(plain.Finish());
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kNotSpreadsheet);
}

// A workbook written by libxlsxwriter, a real-world generator, rather than by hand.
TEST(XlsxTest, ReadsAWorkbookWrittenByLibxlsxwriter) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "libxlsxwriter_interop.xlsx";
  lxw_workbook* workbook = workbook_new(path.c_str());
  ASSERT_NE(workbook, nullptr);
  lxw_worksheet* notes = workbook_add_worksheet(workbook, "填写说明");
  worksheet_write_string(notes, 0, 0, "请在团员信息工作表填写", nullptr);
  lxw_worksheet* hidden = workbook_add_worksheet(workbook, "代码");
  worksheet_hide(hidden);
  lxw_worksheet* data = workbook_add_worksheet(workbook, "团员信息");
  lxw_format* date = workbook_add_format(workbook);
  format_set_num_format(date, "yyyy-mm-dd");
  lxw_format* text = workbook_add_format(workbook);
  format_set_num_format(text, "@");
  worksheet_write_string(data, 0, 0, "姓名", nullptr);
  worksheet_write_string(data, 0, 1, "身份证号码", nullptr);
  worksheet_write_string(data, 0, 2, "入团时间", nullptr);
  worksheet_write_string(data, 0, 3, "年龄", nullptr);
  worksheet_write_string(data, 1, 0, "张三", nullptr);
  worksheet_write_string(data, 1, 1, "420106200801011234", text);
  lxw_datetime when = {2020, 5, 1, 0, 0, 0};
  worksheet_write_datetime(data, 1, 2, &when, date);
  worksheet_write_formula_num(data, 1, 3, "=2020-2008", nullptr, 12);
  worksheet_write_string(data, 2, 0, "李四", nullptr);
  worksheet_write_number(data, 2, 1, 420106200801010000.0, nullptr);
  lxw_row_col_options hide = {.hidden = 1, .level = 0, .collapsed = 0};
  worksheet_set_row_opt(data, 2, LXW_DEF_ROW_HEIGHT, nullptr, &hide);
  worksheet_merge_range(data, 4, 0, 4, 3, "合计", nullptr);
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::filesystem::remove(path);

  const auto got = ReadRows(bytes.str());

  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  EXPECT_EQ(got.result.sheet.name, "团员信息");
  ASSERT_EQ(got.rows.size(), 4u);
  EXPECT_THAT(Texts(got.rows[0]), ElementsAre("姓名", "身份证号码", "入团时间", "年龄"));
  const auto& r2 = got.rows[1].cells;
  EXPECT_EQ(r2[1].text, "420106200801011234");
  EXPECT_EQ(r2[1].number_format, "@");
  EXPECT_EQ(r2[2].kind, Kind::kNumber);
  EXPECT_TRUE(r2[2].is_date_format);
  EXPECT_EQ(DateOf(r2[2], got.result.sheet), 2020y / May / 1d);
  EXPECT_EQ(r2[3].kind, Kind::kNumber);
  EXPECT_EQ(r2[3].text, "12");
  EXPECT_EQ(r2[3].formula, "2020-2008");
  EXPECT_TRUE(got.rows[2].hidden);
  EXPECT_EQ(got.rows[2].cells[1].kind, Kind::kNumber);
  EXPECT_EQ(got.rows[2].cells[1].text, "4.2010620080101E+17");  // as libxlsxwriter stores it: %.16G
  EXPECT_EQ(got.rows[3].number, 5);
  ASSERT_EQ(got.result.merged.size(), 1u);
  EXPECT_EQ(RangeName(got.result.merged[0]), "A5:D5");
}

}  // namespace
}  // namespace archive::sheet
