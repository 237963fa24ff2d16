#include "common/member/date.hpp"

#include <gtest/gtest.h>

#include "common/member/fields.hpp"
#include "member_testing.hpp"

namespace archive::member {
namespace {

using test_support::Codes;
using test_support::Col;
using test_support::D;

const Date kToday = D(2025, 6, 1);

FieldOutcome<DateValue> Joined(const CellValue& cell, bool date1904 = false) {
  return ValidateDate(cell, Col("joined_on"), date1904, kToday);
}

void ExpectDay(const CellValue& cell, const Date& expected, bool date1904 = false) {
  const auto out = Joined(cell, date1904);
  ASSERT_TRUE(out.value.has_value()) << cell.text << ": " << out.failures.at(0).message;
  EXPECT_EQ(out.value->date, expected) << cell.text;
  EXPECT_EQ(out.value->precision, DatePrecision::kDay) << cell.text;
  EXPECT_TRUE(out.failures.empty());
}

void ExpectMonth(const CellValue& cell, const Date& first_of_month) {
  const auto out = Joined(cell);
  ASSERT_TRUE(out.value.has_value()) << cell.text << ": " << out.failures.at(0).message;
  EXPECT_EQ(out.value->date, first_of_month) << cell.text;
  EXPECT_EQ(out.value->precision, DatePrecision::kMonth) << cell.text;
  ASSERT_EQ(Codes(out.notes), (std::vector<std::string>{"DATE_MONTH_ONLY"})) << cell.text;
  EXPECT_NE(out.notes[0].message.find("已按 " + FormatDate(first_of_month) + " 导入"), std::string::npos);
}

std::string FailureCode(const CellValue& cell, bool date1904 = false) {
  const auto out = Joined(cell, date1904);
  EXPECT_FALSE(out.value.has_value()) << cell.text;
  return out.failures.size() == 1 ? out.failures[0].code : "(" + std::to_string(out.failures.size()) + " failures)";
}

TEST(DateFormatsTest, AcceptsEveryDayFormat) {
  for (const char* text : {"2024-03-10", "2024/3/10", "2024/03/10", "2024.03.10", "2024.3.10", "2024年3月10日",
                           "2024年03月10日", "2024年3月10", "20240310", " 2024-03-10 ", "２０２４－０３－１０",
                           "2024 年 3 月 10 日", "2024-03-10 00:00:00", "2024-03-10T08:30", "2024-3-10"}) {
    ExpectDay(CellValue::Text(text), D(2024, 3, 10));
  }
}

TEST(DateFormatsTest, AcceptsMonthOnlyFormatsAsTheFirstWithANote) {
  for (const char* text : {"2024.03", "202403", "2024-3", "2024-03", "2024/3", "2024年3月", "2024年03月"}) {
    ExpectMonth(CellValue::Text(text), D(2024, 3, 1));
  }
  ExpectMonth(CellValue::Text("2024.10"), D(2024, 10, 1));
  ExpectMonth(CellValue::Text("2024.3"), D(2024, 3, 1));
}

TEST(DateFormatsTest, ReadsNumbersTypedWithoutADateFormat) {
  ExpectMonth(CellValue::Number("202403"), D(2024, 3, 1));
  ExpectDay(CellValue::Number("20240310"), D(2024, 3, 10));
  ExpectMonth(CellValue::Number("2024.03"), D(2024, 3, 1));
  ExpectMonth(CellValue::Number("2024.12"), D(2024, 12, 1));
}

TEST(DateFormatsTest, RefusesAMonthThatExcelMayHaveShortened) {
  // Given 2024.10 typed into a numeric cell, which Excel stores and shows as 2024.1
  for (const CellValue& cell : {CellValue::Number("2024.1"), CellValue::Text("2024.1")}) {
    const auto out = Joined(cell);
    ASSERT_EQ(Codes(out.failures), (std::vector<std::string>{"DATE_FORMAT"}));
    EXPECT_NE(out.failures[0].message.find("1 月还是 10 月"), std::string::npos) << out.failures[0].message;
    EXPECT_NE(out.failures[0].message.find("2024-10"), std::string::npos);
  }
}

TEST(DateFormatsTest, RefusesUnreadableTextAndABareYear) {
  for (const char* text :
       {"去年三月", "24-3-10", "2024-03/10", "3/10/2024", "2024-03-10-01", "2024--03", "二〇二四年"}) {
    EXPECT_EQ(FailureCode(CellValue::Text(text)), "DATE_FORMAT") << text;
  }
  const auto year_only = Joined(CellValue::Text("2024"));
  ASSERT_EQ(Codes(year_only.failures), (std::vector<std::string>{"DATE_FORMAT"}));
  EXPECT_NE(year_only.failures[0].message.find("只填写了年份"), std::string::npos);
  EXPECT_EQ(FailureCode(CellValue::Number("2024")), "DATE_FORMAT");
  EXPECT_EQ(FailureCode(CellValue::Bool(true)), "DATE_FORMAT");
}

TEST(DateFormatsTest, RefusesDatesThatDoNotExist) {
  for (const char* text :
       {"2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "202413", "1899-12-31"}) {
    EXPECT_EQ(FailureCode(CellValue::Text(text)), "DATE_INVALID") << text;
  }
  ExpectDay(CellValue::Text("2024-02-29"), D(2024, 2, 29));
  const auto out = Joined(CellValue::Text("2024-02-30"));
  EXPECT_NE(out.failures[0].message.find("“2024-02-30”不是一个存在的日期"), std::string::npos)
      << out.failures[0].message;
}

TEST(DateFormatsTest, RefusesADateAfterToday) {
  ExpectDay(CellValue::Text("2025-06-01"), kToday);
  const auto out = Joined(CellValue::Text("2025-06-02"));
  ASSERT_EQ(Codes(out.failures), (std::vector<std::string>{"DATE_FUTURE"}));
  EXPECT_NE(out.failures[0].message.find("晚于今天（2025-06-01）"), std::string::npos) << out.failures[0].message;
  EXPECT_EQ(FailureCode(CellValue::Text("2025-07")), "DATE_FUTURE");
}

TEST(ExcelSerialTest, ConvertsADateFormattedCellSilently) {
  // Given a real Excel date cell (numeric, date format): the normal case, no note
  const auto out = Joined(CellValue::Number("45361", "yyyy-mm-dd", true));
  ASSERT_TRUE(out.value.has_value());
  EXPECT_EQ(out.value->date, D(2024, 3, 10));
  EXPECT_TRUE(out.notes.empty());
  // A time of day in the serial is dropped.
  ExpectDay(CellValue::Number("45361.75", "yyyy-mm-dd hh:mm", true), D(2024, 3, 10));
}

TEST(ExcelSerialTest, ConvertsAPlainNumberWithANote) {
  // Given the serial in a numeric cell without a date format
  const auto out = Joined(CellValue::Number("45361"));
  ASSERT_TRUE(out.value.has_value());
  EXPECT_EQ(out.value->date, D(2024, 3, 10));
  ASSERT_EQ(Codes(out.notes), (std::vector<std::string>{"DATE_SERIAL_CONVERTED"}));
  EXPECT_NE(out.notes[0].message.find("已按 2024-03-10 导入"), std::string::npos) << out.notes[0].message;
  EXPECT_NE(out.notes[0].message.find("没有设置为日期格式"), std::string::npos);
  EXPECT_EQ(out.notes[0].value, "2024-03-10");
}

TEST(ExcelSerialTest, ConvertsASerialInATextCellWithANoteSayingSo) {
  // Given a date column that was switched to text after the dates were typed: Excel now shows serials
  const auto out = Joined(CellValue::Text("45361"));
  ASSERT_TRUE(out.value.has_value());
  EXPECT_EQ(out.value->date, D(2024, 3, 10));
  ASSERT_EQ(Codes(out.notes), (std::vector<std::string>{"DATE_SERIAL_CONVERTED"}));
  EXPECT_NE(out.notes[0].message.find("文本格式的数字"), std::string::npos) << out.notes[0].message;
  // whereas a 6- or 8-digit text is a year and month (or date), never a serial
  ExpectMonth(CellValue::Text("202403"), D(2024, 3, 1));
}

TEST(ExcelSerialTest, HandlesExcelsPhantomLeapDayIn1900) {
  const auto birth = [](const CellValue& cell) { return ValidateDate(cell, Col("birth_date"), false, kToday); };
  EXPECT_EQ(birth(CellValue::Number("59", "yyyy-mm-dd", true)).value->date, D(1900, 2, 28));
  EXPECT_EQ(birth(CellValue::Number("61", "yyyy-mm-dd", true)).value->date, D(1900, 3, 1));
  EXPECT_EQ(birth(CellValue::Number("1", "yyyy-mm-dd", true)).value->date, D(1900, 1, 1));
  const auto phantom = birth(CellValue::Number("60", "yyyy-mm-dd", true));
  ASSERT_EQ(Codes(phantom.failures), (std::vector<std::string>{"DATE_INVALID"}));
  EXPECT_NE(phantom.failures[0].message.find("1900-02-29"), std::string::npos);
  EXPECT_EQ(Codes(birth(CellValue::Number("0", "yyyy-mm-dd", true)).failures),
            (std::vector<std::string>{"DATE_FORMAT"}));
}

TEST(ExcelSerialTest, UsesThe1904SystemWhenTheWorkbookDoes) {
  // The same day is 1462 lower in the 1904 system, which has no phantom leap day.
  ExpectDay(CellValue::Number("43899", "yyyy-mm-dd", true), D(2024, 3, 10), true);
  const auto at = [](const char* serial) {
    return ValidateDate(CellValue::Number(serial, "yyyy-mm-dd", true), Col("birth_date"), true, kToday).value->date;
  };
  EXPECT_EQ(at("0"), D(1904, 1, 1));
  EXPECT_EQ(at("59"), D(1904, 2, 29));
  EXPECT_EQ(at("60"), D(1904, 3, 1));
  EXPECT_EQ(at("61"), D(1904, 3, 2));
}

TEST(ExcelSerialTest, FromExcelSerialCoversTheWholeRange) {
  EXPECT_EQ(FromExcelSerial(1, false), D(1900, 1, 1));
  EXPECT_EQ(FromExcelSerial(59, false), D(1900, 2, 28));
  EXPECT_FALSE(FromExcelSerial(60, false).has_value());
  EXPECT_EQ(FromExcelSerial(61, false), D(1900, 3, 1));
  EXPECT_EQ(FromExcelSerial(45361, false), D(2024, 3, 10));
  EXPECT_EQ(FromExcelSerial(2958465, false), D(9999, 12, 31));
  EXPECT_FALSE(FromExcelSerial(2958466, false).has_value());
  EXPECT_FALSE(FromExcelSerial(0, false).has_value());
  EXPECT_EQ(FromExcelSerial(0, true), D(1904, 1, 1));
  EXPECT_EQ(FromExcelSerial(2957003, true), D(9999, 12, 31));
  EXPECT_FALSE(FromExcelSerial(-1, true).has_value());
}

TEST(ExcelSerialTest, ASerialAfterTodayIsAFutureDate) {
  EXPECT_EQ(FailureCode(CellValue::Number("2958465")), "DATE_FUTURE");
  EXPECT_EQ(FailureCode(CellValue::Number("2958466")), "DATE_FORMAT");
}

TEST(DateHelpersTest, CountsFullYearsLikeTheLeague) {
  EXPECT_EQ(AgeOn(D(2008, 5, 4), D(2022, 5, 3)), 13);
  EXPECT_EQ(AgeOn(D(2008, 5, 4), D(2022, 5, 4)), 14);
  EXPECT_EQ(AgeOn(D(2008, 2, 29), D(2022, 2, 28)), 13);
  EXPECT_EQ(AgeOn(D(2008, 2, 29), D(2022, 3, 1)), 14);
  EXPECT_EQ(EndOfMonth(D(2024, 2, 1)), D(2024, 2, 29));
  EXPECT_EQ(FormatDate(D(2024, 3, 1)), "2024-03-01");
  EXPECT_EQ(FormatDate(D(1999, 12, 31)), "1999-12-31");
  EXPECT_EQ(FormatDate(D(7, 10, 20)), "0007-10-20");
  EXPECT_EQ(FormatDate(D(10000, 1, 1)), "10000-01-01");
  EXPECT_EQ(FormatMonth(D(2024, 3, 1)), "2024-03");
  EXPECT_EQ(ParseIsoDate("2020-01-01"), D(2020, 1, 1));
  EXPECT_FALSE(ParseIsoDate("2020-1-1").has_value());
  EXPECT_FALSE(ParseIsoDate("2021-02-29").has_value());
}

TEST(DateCellRulesTest, AppliesTheSharedCellRules) {
  EXPECT_EQ(FailureCode(CellValue{}), "REQUIRED_MISSING");
  EXPECT_EQ(FailureCode(CellValue::FormulaNoValue("=TODAY()")), "FORMULA_NO_VALUE");
  EXPECT_EQ(FailureCode(CellValue::Error("#VALUE!")), "CELL_ERROR");
  // An optional date column may be empty.
  const auto birth = ValidateDate(CellValue{}, Col("birth_date"), false, kToday);
  EXPECT_FALSE(birth.value.has_value());
  EXPECT_TRUE(birth.failures.empty());
}

}  // namespace
}  // namespace archive::member
