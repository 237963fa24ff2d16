#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/sheet/sheet.hpp"
#include "tests/sheet/fixtures.hpp"

namespace archive::sheet {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ReadRows;
using testing::Texts;
using namespace std::literals;

constexpr std::string_view kMembers =
    "姓名,身份证号码,入团时间\r\n"
    "张三,420106200801011234,2020-05-01\r\n"
    "李四,4.20106E+17,2020/5/1\r\n";

void ExpectMembers(const testing::Collected& got) {
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  EXPECT_EQ(got.result.sheet.format, Format::kCsv);
  ASSERT_EQ(got.rows.size(), 3u);
  EXPECT_THAT(Texts(got.rows[0]), ElementsAre("姓名", "身份证号码", "入团时间"));
  EXPECT_THAT(Texts(got.rows[1]), ElementsAre("张三", "420106200801011234", "2020-05-01"));
  // CSV has no types: what Excel wrote is text, scientific notation included.
  EXPECT_THAT(Texts(got.rows[2]), ElementsAre("李四", "4.20106E+17", "2020/5/1"));
  EXPECT_EQ(got.rows[2].cells[1].kind, Cell::Kind::kText);
  EXPECT_EQ(got.rows[2].number, 3);
}

TEST(CsvTest, ReadsWhatLooksLikeAFormulaAsTheTextItIs) {
  const auto got = ReadRows("姓名,身份证号码\r\n张三,=A2&B2\r\n"sv);
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 2u);
  EXPECT_EQ(got.rows[1].cells[1].kind, Cell::Kind::kText);
  EXPECT_EQ(got.rows[1].cells[1].text, "=A2&B2");
  EXPECT_EQ(got.rows[1].cells[1].formula, "");
}

TEST(CsvTest, ReadsUtf8) {
  ExpectMembers(ReadRows(kMembers));
}

TEST(CsvTest, ReadsUtf8WithByteOrderMark) {
  ExpectMembers(ReadRows("\xEF\xBB\xBF" + std::string(kMembers)));
}

TEST(CsvTest, ReadsGb18030AsChineseExcelSavesIt) {
  const std::string gbk = testing::ToGb18030(kMembers);
  ASSERT_NE(gbk, kMembers);
  ExpectMembers(ReadRows(gbk));
}

TEST(CsvTest, ReadsGb18030FourByteCharacters) {
  // 𠀀 (U+20000) and 䶮 (U+4DAE, 龑's variant used in names) are four-byte sequences in GB18030, not GBK
  const auto got = ReadRows(testing::ToGb18030("姓名\n王𠀀\n刘䶮\n"));
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 3u);
  EXPECT_EQ(got.rows[1].cells[0].text, "王𠀀");
  EXPECT_EQ(got.rows[2].cells[0].text, "刘䶮");
}

TEST(CsvTest, FollowsRfc4180Quoting) {
  const auto got = ReadRows(
      "a,\"b,c\",\"say \"\"hi\"\"\"\n"
      "\"multi\r\nline\",,\"\"\n"
      "\"x\"y,z\"q\n");
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 3u);
  EXPECT_THAT(Texts(got.rows[0]), ElementsAre("a", "b,c", "say \"hi\""));
  EXPECT_THAT(Texts(got.rows[1]), ElementsAre("multi\r\nline"));  // trailing blank fields are trimmed
  EXPECT_THAT(Texts(got.rows[2]), ElementsAre("xy", "z\"q"));
  EXPECT_EQ(got.rows[2].number, 3);  // records, not lines
}

TEST(CsvTest, AcceptsEveryLineEnding) {
  for (const std::string text : {"a,b\nc,d\n", "a,b\r\nc,d\r\n", "a,b\rc,d\r", "a,b\nc,d"}) {
    const auto got = ReadRows(text);
    ASSERT_FALSE(got.result.error) << got.result.error->detail;
    ASSERT_EQ(got.rows.size(), 2u) << text;
    EXPECT_THAT(Texts(got.rows[1]), ElementsAre("c", "d"));
  }
}

TEST(CsvTest, SkipsBlankLinesButCountsThem) {
  const auto got = ReadRows("h1,h2\n\n,\na,b\n\n\n\n");
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 2u);
  EXPECT_EQ(got.rows[1].number, 4);
  EXPECT_EQ(got.result.rows, 2);
}

TEST(CsvTest, ReadsTabSeparatedAndExcelsSepLine) {
  auto got = ReadRows("姓名\t身份证号码\n张三\t1\n");
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  EXPECT_THAT(Texts(got.rows.at(1)), ElementsAre("张三", "1"));
  got = ReadRows("sep=;\r\n姓名;年龄\r\n张三;12,5\r\n");
  ASSERT_FALSE(got.result.error) << got.result.error->detail;
  ASSERT_EQ(got.rows.size(), 2u);
  EXPECT_EQ(got.rows[0].number, 1);
  EXPECT_THAT(Texts(got.rows[1]), ElementsAre("张三", "12,5"));
}

TEST(CsvTest, RefusesAnUnterminatedQuoteSayingWhere) {
  const auto got = ReadRows("a,b\nc,\"d\ne,f\n");
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kCorrupt);
  EXPECT_THAT(got.result.error->message, HasSubstr("第 2 行"));
  EXPECT_EQ(got.rows.size(), 1u);
}

TEST(CsvTest, RefusesTextInNeitherUtf8NorGb18030) {
  // UTF-16 ("Unicode text" in Excel's Save As)
  auto got = ReadRows("\xFF\xFE" + testing::Utf16Le("姓名,年龄\n"));
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kWrongEncoding);
  EXPECT_THAT(got.result.error->message, HasSubstr("UTF-8 或 GBK"));
  // Bytes no GB18030 sequence starts with (0x80, 0xFF)
  got = ReadRows("name,age\n\x80\xFF\x80,1\n"sv);
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kWrongEncoding);
  // A byte order mark followed by something else
  got = ReadRows("\xEF\xBB\xBF" + testing::ToGb18030("姓名\n"));
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kWrongEncoding);
}

TEST(CsvTest, RefusesTooManyColumnsAndTooLongFields) {
  Limits limits;
  limits.max_columns = 2;
  auto got = ReadRows("a,b,,,,\nc,d,e\n", limits);
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kTooManyColumns);
  EXPECT_THAT(got.result.error->message, HasSubstr("第 2 行 C 列"));
  limits = Limits{};
  limits.max_cell_bytes = 4;
  got = ReadRows("abc,\"abcde\"\n", limits);
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kCellTooLong);
}

TEST(CsvTest, RefusesAnEmptySheet) {
  const auto got = ReadRows("\n\r\n,,\n");
  ASSERT_TRUE(got.result.error);
  EXPECT_EQ(got.result.error->code, ErrorCode::kEmptyFile);
}

}  // namespace
}  // namespace archive::sheet
