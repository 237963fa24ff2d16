#include "common/sheet/sheet.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "tests/sheet/fixtures.hpp"

namespace archive::sheet {
namespace {

using namespace std::chrono;
using namespace std::literals;

TEST(SniffTest, JudgesByContentNotByName) {
  EXPECT_EQ(Sniff("PK\x03\x04rest of a zip"sv), Format::kXlsx);
  EXPECT_EQ(Sniff("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1...."sv), Format::kXls);
  EXPECT_EQ(Sniff("姓名,身份证号\n张三,420106200801011234\n"), Format::kCsv);
  EXPECT_EQ(Sniff("\xEF\xBB\xBF姓名,身份证号\n"), Format::kCsv);
  EXPECT_EQ(Sniff(testing::ToGb18030("姓名,身份证号\n张三,1\n")), Format::kCsv);
}

TEST(SniffTest, RefusesWhatOnlyLooksLikeText) {
  EXPECT_EQ(Sniff("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"), std::nullopt);
  EXPECT_EQ(Sniff("<html><table><tr><td>姓名</td></tr></table></html>"), std::nullopt);
  EXPECT_EQ(Sniff("<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">"),
            std::nullopt);
  EXPECT_EQ(Sniff("\x89PNG\r\n\x1A\n"sv), std::nullopt);
  EXPECT_EQ(Sniff("abc\0def"sv), std::nullopt);
  EXPECT_EQ(Sniff("\x01\x02\x03\x04\x05\x06\x07\x08 binary"sv), std::nullopt);
  EXPECT_EQ(Sniff(""), std::nullopt);
}

TEST(SerialToDateTest, CountsThe1900SystemWithLotusLeapDay) {
  EXPECT_EQ(SerialToDate(1, false), 1900y / January / 1d);
  EXPECT_EQ(SerialToDate(59, false), 1900y / February / 28d);
  const auto fake = SerialToDate(60, false);
  ASSERT_TRUE(fake.has_value());
  EXPECT_EQ(*fake, 1900y / February / 29d);
  EXPECT_FALSE(fake->ok());  // the day that never was
  EXPECT_EQ(SerialToDate(61, false), 1900y / March / 1d);
  EXPECT_EQ(SerialToDate(43952, false), 2020y / May / 1d);
  EXPECT_EQ(SerialToDate(43952.75, false), 2020y / May / 1d);  // the time of day is dropped
  EXPECT_EQ(SerialToDate(2958465, false), 9999y / December / 31d);
}

TEST(SerialToDateTest, CountsThe1904SystemFromNewYear) {
  EXPECT_EQ(SerialToDate(0, true), 1904y / January / 1d);
  EXPECT_EQ(SerialToDate(1, true), 1904y / January / 2d);
  EXPECT_EQ(SerialToDate(43952 - 1462, true), 2020y / May / 1d);
  EXPECT_EQ(SerialToDate(2957003, true), 9999y / December / 31d);
}

TEST(SerialToDateTest, RefusesSerialsOutsideExcelsCalendar) {
  EXPECT_EQ(SerialToDate(0, false), std::nullopt);
  EXPECT_EQ(SerialToDate(-1, false), std::nullopt);
  EXPECT_EQ(SerialToDate(-1, true), std::nullopt);
  EXPECT_EQ(SerialToDate(2958466, false), std::nullopt);
  EXPECT_EQ(SerialToDate(2957004, true), std::nullopt);
  EXPECT_EQ(SerialToDate(std::nan(""), false), std::nullopt);
  EXPECT_EQ(SerialToDate(1e300, false), std::nullopt);
}

TEST(DateOfTest, ReadsOnlyNumbersWithADateFormat) {
  Cell cell{Cell::Kind::kNumber, "43952", "", "yyyy-mm-dd", true};
  EXPECT_EQ(DateOf(cell, SheetInfo{}), 2020y / May / 1d);
  EXPECT_EQ(DateOf(cell, SheetInfo{Format::kXlsx, "x", true}), 2024y / May / 2d);
  cell.is_date_format = false;
  EXPECT_EQ(DateOf(cell, SheetInfo{}), std::nullopt);
  EXPECT_EQ(DateOf(Cell{Cell::Kind::kText, "2020-05-01", "", "@", true}, SheetInfo{}), std::nullopt);
  EXPECT_EQ(DateOf(Cell{Cell::Kind::kNumber, "4.2E+17x", "", "yyyy", true}, SheetInfo{}), std::nullopt);
}

TEST(NamesTest, WritesColumnsAndRangesAsExcelShowsThem) {
  EXPECT_EQ(ColumnName(0), "A");
  EXPECT_EQ(ColumnName(25), "Z");
  EXPECT_EQ(ColumnName(26), "AA");
  EXPECT_EQ(ColumnName(701), "ZZ");
  EXPECT_EQ(ColumnName(16383), "XFD");
  EXPECT_EQ(RangeName(Range{1, 1, 0, 11}), "A1:L1");
}

TEST(ErrorTest, EveryCodeHasAStableNameAndAChineseMessage) {
  const std::vector<ErrorCode> codes = {
      ErrorCode::kEmptyFile,   ErrorCode::kNotSpreadsheet, ErrorCode::kUnsupportedFormat, ErrorCode::kEncrypted,
      ErrorCode::kZipBomb,     ErrorCode::kXmlDtd,         ErrorCode::kCorrupt,           ErrorCode::kTooLarge,
      ErrorCode::kTooManyRows, ErrorCode::kTooManyColumns, ErrorCode::kTooManyCells,      ErrorCode::kCellTooLong,
      ErrorCode::kNoWorksheet, ErrorCode::kWrongEncoding};
  std::set<std::string_view> names;
  for (const ErrorCode code : codes) names.insert(CodeName(code));
  EXPECT_EQ(names.size(), codes.size());
  EXPECT_THAT(names, ::testing::Contains("TOO_MANY_ROWS"));
  EXPECT_THAT(names, ::testing::Contains("WRONG_ENCODING"));
}

TEST(ErrorTest, TheRowLimitMessageSaysTheLimit) {
  Limits limits;
  limits.max_rows = 3;
  const auto got = testing::ReadRows(testing::SimpleXlsx({{"a"}, {"b"}, {"c"}, {"d"}, {"e"}}), limits);
  ASSERT_TRUE(got.result.error.has_value());
  EXPECT_EQ(got.result.error->name(), "TOO_MANY_ROWS");
  EXPECT_THAT(got.result.error->message, ::testing::HasSubstr("3 行"));
  EXPECT_EQ(got.rows.size(), 3u);
}

TEST(ErrorTest, TheFileSizeLimitIsCheckedFirst) {
  Limits limits;
  limits.max_file_bytes = 10;
  const Result result = Read("a,b,c\n1,2,3\n", limits, [](const SheetInfo&, const Row&) { return true; });
  ASSERT_TRUE(result.error.has_value());
  EXPECT_EQ(result.error->code, ErrorCode::kTooLarge);
  EXPECT_EQ(result.rows, 0);
}

TEST(ReadTest, AnExceptionFromTheCallbackLeavesRead) {
  // The callback runs inside the XML reader for xlsx; its exception must still reach the caller intact.
  testing::XlsSpec xls;
  xls.sheets.push_back({"团员信息", 0, testing::XlsLabel(0, 0, "a") + testing::XlsLabel(1, 0, "b")});
  for (const std::string& bytes : {testing::SimpleXlsx({{"a"}, {"b"}}), testing::Xls(xls), std::string("a\nb\n")}) {
    int calls = 0;
    EXPECT_THROW(Read(bytes, Limits{},
                      [&](const SheetInfo&, const Row&) -> bool {
                        if (++calls == 2) throw std::runtime_error("database gone");
                        return true;
                      }),
                 std::runtime_error);
    EXPECT_EQ(calls, 2);
  }
}

}  // namespace
}  // namespace archive::sheet
