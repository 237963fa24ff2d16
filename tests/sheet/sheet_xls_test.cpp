#include <freexl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/sheet/sheet.hpp"
#include "tests/sheet/fixtures.hpp"

namespace archive::sheet {
namespace {

using namespace std::chrono;
using ::testing::ElementsAre;
using testing::ReadRows;
using testing::Texts;
using testing::Xls;
using testing::XlsSpec;
using Kind = Cell::Kind;

// The data sheet of a member import: a header and two members, with every cell record type Excel writes.
XlsSpec MemberWorkbook() {
  XlsSpec spec;
  spec.formats = {{176, "yyyy-mm-dd"}};
  // Cell styles: 0 General, 1 custom date, 2 built-in 14, 3 text, 4 built-in 31 (zh-CN date)
  spec.xf_formats = {0, 176, 14, 49, 31};
  spec.strings = {"姓名", "身份证号码", "入团时间", "年龄", "张三", "420106200801011234"};
  spec.sheets.push_back({"填写说明", 0, testing::XlsLabel(0, 0, "请在「团员信息」中填写")});
  std::string& r = spec.sheets.emplace_back(testing::XlsSheet{"团员信息", 0, ""}).records;
  r += testing::XlsRow(0, false) + testing::XlsRow(1, false) + testing::XlsRow(2, true);
  for (std::uint16_t c = 0; c < 4; ++c) r += testing::XlsLabelSst(0, c, c);
  r += testing::XlsLabelSst(1, 0, 4) + testing::XlsLabelSst(1, 1, 5, 3) + testing::XlsNumber(1, 2, 43952, 1) +
       testing::XlsFormulaNumber(1, 3, 12);
  r += testing::XlsLabel(2, 0, "李四") + testing::XlsNumber(2, 1, 420106200801011000.0) +
       testing::XlsRk(2, 2, 43952, 2) + testing::XlsFormulaString(2, 3, "十二");
  r += testing::XlsMerge(4, 4, 0, 3) + testing::XlsLabel(4, 0, "合计");
  return spec;
}

TEST(XlsTest, ReadsTheDataSheetOfABiff8Workbook) {
  const auto got = ReadRows(Xls(MemberWorkbook()));

  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  EXPECT_EQ(got.result.sheet.format, Format::kXls);
  EXPECT_EQ(got.result.sheet.name, "团员信息");
  EXPECT_FALSE(got.result.sheet.date1904);
  ASSERT_EQ(got.rows.size(), 4u);
  EXPECT_THAT(Texts(got.rows[0]), ElementsAre("姓名", "身份证号码", "入团时间", "年龄"));

  const auto& r2 = got.rows[1].cells;
  EXPECT_EQ(r2[0].kind, Kind::kText);
  EXPECT_EQ(r2[1].text, "420106200801011234");
  EXPECT_EQ(r2[1].number_format, "@");
  EXPECT_EQ(r2[2].kind, Kind::kNumber);
  EXPECT_EQ(r2[2].text, "43952");
  EXPECT_EQ(r2[2].number_format, "yyyy-mm-dd");
  EXPECT_TRUE(r2[2].is_date_format);
  EXPECT_EQ(DateOf(r2[2], got.result.sheet), 2020y / May / 1d);
  EXPECT_EQ(r2[3].kind, Kind::kNumber);  // a formula, read as its saved result
  EXPECT_EQ(r2[3].text, "12");

  // Row 3 is hidden; its ID number was typed as a number and lost its last digits.
  EXPECT_TRUE(got.rows[2].hidden);
  const auto& r3 = got.rows[2].cells;
  EXPECT_EQ(r3[0].text, "李四");
  EXPECT_EQ(r3[1].kind, Kind::kNumber);
  EXPECT_EQ(r3[1].text, "4.20106200801011E+17");
  EXPECT_EQ(r3[2].text, "43952");
  EXPECT_EQ(r3[2].number_format, "mm-dd-yy");
  EXPECT_EQ(DateOf(r3[2], got.result.sheet), 2020y / May / 1d);
  EXPECT_EQ(r3[3].kind, Kind::kText);
  EXPECT_EQ(r3[3].text, "十二");

  EXPECT_EQ(got.rows[3].number, 5);
  ASSERT_EQ(got.result.merged.size(), 1u);
  EXPECT_EQ(RangeName(got.result.merged[0]), "A5:D5");
}

TEST(XlsTest, ReadsFormulaResultsAndMarksAStringResultThatWasNeverSaved) {
  // Given formulas whose results are a string without its STRING record, a boolean, an error and the empty string;
  // then a row with nothing but a formula without a result
  XlsSpec spec;
  std::string& r = spec.sheets.emplace_back(testing::XlsSheet{"团员信息", 0, ""}).records;
  r += testing::XlsLabel(0, 0, "张三") + testing::XlsFormulaOther(0, 1, 0) + testing::XlsFormulaOther(0, 2, 1, 1) +
       testing::XlsFormulaOther(0, 3, 2, 0x2A) + testing::XlsFormulaOther(0, 4, 3);
  r += testing::XlsFormulaOther(1, 0, 0);
  r += testing::XlsLabel(2, 0, "李四");

  // When it is read
  const auto got = ReadRows(Xls(spec));

  // Then the missing string is a formula without a value, kept in its row; the others are their results
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 2u);
  const auto& r1 = got.rows[0].cells;
  ASSERT_EQ(r1.size(), 4u);  // the empty string at E1 is blank and trimmed
  EXPECT_EQ(r1[1].kind, Kind::kFormulaNoValue);
  EXPECT_EQ(r1[1].text, "");
  EXPECT_EQ(r1[2].kind, Kind::kBool);
  EXPECT_EQ(r1[2].text, "TRUE");
  EXPECT_EQ(r1[3].kind, Kind::kError);
  EXPECT_EQ(r1[3].text, "#N/A");
  EXPECT_EQ(got.rows[1].number, 3);
}

TEST(XlsTest, ReadsMulRkBoolsErrorsAndThe1904System) {
  XlsSpec spec;
  spec.date1904 = true;
  spec.xf_formats = {0, 14};
  // MULRK: row 0, columns 0..2, {xf, rk}...; the last column index closes it.
  const std::string mulrk = testing::BiffRecord(
      0x00BD, testing::U16(0) + testing::U16(0) + testing::U16(1) + testing::U32((42490u << 2) | 2) + testing::U16(0) +
                  testing::U32((7u << 2) | 2) + testing::U16(0) + testing::U32((1234u << 2) | 3) + testing::U16(2));
  spec.sheets.push_back(
      {"Sheet1", 0,
       mulrk + testing::XlsBool(1, 0, true) + testing::XlsBool(1, 1, false) + testing::XlsError(1, 2, 0x2A)});
  const auto got = ReadRows(Xls(spec));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  EXPECT_TRUE(got.result.sheet.date1904);
  ASSERT_EQ(got.rows.size(), 2u);
  EXPECT_THAT(Texts(got.rows[0]), ElementsAre("42490", "7", "12.34"));
  EXPECT_EQ(DateOf(got.rows[0].cells[0], got.result.sheet), 2020y / May / 1d);
  EXPECT_THAT(Texts(got.rows[1]), ElementsAre("TRUE", "FALSE", "#N/A"));
  EXPECT_EQ(got.rows[1].cells[0].kind, Kind::kBool);
  EXPECT_EQ(got.rows[1].cells[2].kind, Kind::kError);
}

TEST(XlsTest, ReadsSharedStringsContinuedAcrossRecords) {
  // Given more shared strings than fit one record, one of them longer than a record by itself, so that strings
  // continue in CONTINUE records with fresh option bytes
  XlsSpec spec;
  std::string records;
  for (int i = 0; i < 3000; ++i)
    spec.strings.push_back(i % 2 == 0 ? "团员" + std::to_string(i) : "m" + std::to_string(i));
  std::string long_one;
  for (int i = 0; i < 3000; ++i) long_one += "青";
  long_one += "end";
  spec.strings.push_back(long_one);
  for (std::uint16_t i = 0; i < 3001; ++i) records += testing::XlsLabelSst(i, 0, i);
  spec.sheets.push_back({"团员信息", 0, records});

  const auto got = ReadRows(Xls(spec));

  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 3001u);
  EXPECT_EQ(got.rows[0].cells[0].text, "团员0");
  EXPECT_EQ(got.rows[2999].cells[0].text, "m2999");
  EXPECT_EQ(got.rows[3000].cells[0].text, long_one);
}

TEST(XlsTest, SkipsHiddenSheets) {
  XlsSpec spec;
  spec.sheets.push_back({"团员信息", 1, testing::XlsLabel(0, 0, "hidden")});
  spec.sheets.push_back({"Sheet2", 0, testing::XlsLabel(0, 0, "visible")});
  auto got = ReadRows(Xls(spec));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  EXPECT_EQ(got.result.sheet.name, "Sheet2");
  EXPECT_THAT(Texts(got.rows.at(0)), ElementsAre("visible"));

  spec.sheets[1].state = 2;
  got = ReadRows(Xls(spec));
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kNoWorksheet);
}

TEST(XlsTest, RefusesAPasswordProtectedWorkbook) {
  XlsSpec spec = MemberWorkbook();
  spec.extra_globals = testing::BiffRecord(0x002F, testing::U16(1) + std::string(52, '\x11'));  // FILEPASS, RC4
  const auto got = ReadRows(Xls(spec));
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kEncrypted);
  EXPECT_TRUE(got.rows.empty());
}

TEST(XlsTest, RefusesExcel95AndOtherCompoundFiles) {
  const std::string biff5 = testing::BiffRecord(0x0809, testing::U16(0x0500) + testing::U16(5) + std::string(4, '\0'));
  auto got = ReadRows(testing::CompoundFile({{"Book", biff5}}));
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kUnsupportedFormat);
  got = ReadRows(testing::CompoundFile({{"Workbook", biff5}}));
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kUnsupportedFormat);
  got = ReadRows(testing::CompoundFile({{"WordDocument", std::string(6000, 'w')}}));
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kNotSpreadsheet);
}

TEST(XlsTest, ReadsWorkbookStreamsInTheMiniStreamAndInSectors) {
  // Given a tiny workbook (its stream lives in the 64-byte mini stream) and one padded past 4096 bytes, as Excel
  // writes them (regular 512-byte sectors)
  XlsSpec spec;
  spec.sheets.push_back({"团员信息", 0, testing::XlsLabel(0, 0, "小")});
  const std::string small = testing::XlsWorkbookStream(spec);
  ASSERT_LT(small.size(), 4096u);
  std::string large = small + std::string(5000, '\0');
  for (const std::string& stream : {small, large}) {
    const auto got = ReadRows(testing::CompoundFile({{"Workbook", stream}}));
    ASSERT_FALSE(got.result.error) << got.result.error->detail;
    EXPECT_THAT(Texts(got.rows.at(0)), ElementsAre("小"));
  }
}

// The fixtures are hand-assembled; FreeXL, an independent BIFF8 reader, must read them the same way.
TEST(XlsTest, FixturesReadTheSameInFreeXl) {
  XlsSpec spec = MemberWorkbook();
  std::string stream = testing::XlsWorkbookStream(spec);
  stream.resize(std::max<std::size_t>(stream.size(), 4096), '\0');
  const std::string bytes = testing::CompoundFile({{"Workbook", stream}});
  const auto path = std::filesystem::path(::testing::TempDir()) / "fixture_freexl.xls";
  std::ofstream(path, std::ios::binary) << bytes;

  const void* handle = nullptr;
  ASSERT_EQ(freexl_open(path.c_str(), &handle), FREEXL_OK);
  unsigned int sheets = 0;
  ASSERT_EQ(freexl_get_info(handle, FREEXL_BIFF_SHEET_COUNT, &sheets), FREEXL_OK);
  EXPECT_EQ(sheets, 2u);
  const char* name = nullptr;
  ASSERT_EQ(freexl_get_worksheet_name(handle, 1, &name), FREEXL_OK);
  EXPECT_STREQ(name, "团员信息");
  ASSERT_EQ(freexl_select_active_worksheet(handle, 1), FREEXL_OK);
  FreeXL_CellValue value;
  ASSERT_EQ(freexl_get_cell_value(handle, 0, 1, &value), FREEXL_OK);
  EXPECT_EQ(value.type, FREEXL_CELL_SST_TEXT);
  EXPECT_STREQ(value.value.text_value, "身份证号码");
  ASSERT_EQ(freexl_get_cell_value(handle, 1, 2, &value), FREEXL_OK);
  EXPECT_EQ(value.type, FREEXL_CELL_DATE);
  EXPECT_STREQ(value.value.text_value, "2020-05-01");
  ASSERT_EQ(freexl_get_cell_value(handle, 2, 0, &value), FREEXL_OK);
  EXPECT_EQ(value.type, FREEXL_CELL_TEXT);
  EXPECT_STREQ(value.value.text_value, "李四");
  ASSERT_EQ(freexl_get_cell_value(handle, 2, 1, &value), FREEXL_OK);
  EXPECT_EQ(value.type, FREEXL_CELL_DOUBLE);
  EXPECT_DOUBLE_EQ(value.value.double_value, 420106200801011000.0);
  ASSERT_EQ(freexl_get_cell_value(handle, 2, 2, &value), FREEXL_OK);
  EXPECT_EQ(value.type, FREEXL_CELL_DATE);
  EXPECT_STREQ(value.value.text_value, "2020-05-01");
  freexl_close(handle);
  std::filesystem::remove(path);

  const auto got = ReadRows(bytes);
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  EXPECT_EQ(got.rows.at(1).cells.at(1).text, "420106200801011234");
}

}  // namespace
}  // namespace archive::sheet
