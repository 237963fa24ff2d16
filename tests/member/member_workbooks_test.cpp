#include "common/member/workbooks.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/sheet/sheet.hpp"

// Debian's libxlsxwriter (1.1.5) leaks a few strings it strdup()s for each workbook; the leak is the library's.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:lxw_strdup\n";
}

namespace archive::member {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// The rows of the sheet an import would read, as text.
std::vector<std::vector<sheet::Cell>> ReadBack(const std::string& bytes, std::string* sheet_name = nullptr) {
  std::vector<std::vector<sheet::Cell>> rows;
  const auto result = sheet::Read(bytes, sheet::Limits{}, [&](const sheet::SheetInfo&, const sheet::Row& row) {
    rows.push_back(row.cells);
    return true;
  });
  EXPECT_FALSE(result.error) << result.error->detail;
  if (sheet_name != nullptr) *sheet_name = result.sheet.name;
  return rows;
}

std::vector<std::string> Texts(const std::vector<sheet::Cell>& cells) {
  std::vector<std::string> texts;
  for (const auto& c : cells) texts.push_back(c.text);
  return texts;
}

TEST(MemberWorkbooksTest, TheTemplateIsTheLayoutsHeaderRowOnTheSheetAnImportReads) {
  // Given the built-in layout, when the template is written and read back as an import would read it
  const auto layout = BuiltinMemberTemplate();
  std::string sheet_name;
  const auto rows = ReadBack(WriteTemplate(layout), &sheet_name);

  // Then it is the data sheet (not 填写说明 or the hidden 选项) with the layout's headers and nothing else
  EXPECT_EQ(sheet_name, layout.sheet_name());
  ASSERT_EQ(rows.size(), 1u);
  std::vector<std::string> headers;
  for (const auto& column : layout.columns()) headers.push_back(column.header);
  EXPECT_THAT(Texts(rows[0]), ElementsAreArray(headers));
}

TEST(MemberWorkbooksTest, TheFailureReportRepeatsEachFailedRowAsTextWithItsReasons) {
  // Given two failed rows, one with an ID number that Excel would turn into a number
  const auto layout = BuiltinMemberTemplate();
  const std::vector<FailedRow> failed = {
      {3, {{"name", "张三"}, {"id_card", "420106200801011230"}}, {"id_card"}, {"身份证号码校验位不对", "民族为空"}},
      {7, {{"name", "李四"}}, {}, {"入团年月为空"}},
  };

  // When the report is written and read back
  const auto rows = ReadBack(WriteFailureReport(layout, failed));

  // Then each row is in the template layout, its cells text, and the last column says why, by row number
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].back().text, "失败原因");
  EXPECT_EQ(rows[0].size(), layout.columns().size() + 1);
  EXPECT_EQ(rows[1][0].text, "张三");
  const auto id_column = static_cast<std::size_t>(
      std::distance(layout.columns().begin(), std::find_if(layout.columns().begin(), layout.columns().end(),
                                                           [](const ColumnDef& c) { return c.key == "id_card"; })));
  EXPECT_EQ(rows[1][id_column].text, "420106200801011230");
  EXPECT_EQ(rows[1][id_column].kind, sheet::Cell::Kind::kText);
  EXPECT_EQ(rows[1][id_column].number_format, "@");
  EXPECT_EQ(rows[1].back().text, "第 3 行：身份证号码校验位不对；民族为空");
  EXPECT_THAT(rows[2].back().text, HasSubstr("第 7 行"));
}

TEST(MemberWorkbooksTest, TheFailureReportGuardsFormulaLikeTextAndTheImporterStripsTheGuard) {
  EXPECT_EQ(StripFormulaGuard("'=HYPERLINK(\"x\")"), "=HYPERLINK(\"x\")");
  EXPECT_EQ(StripFormulaGuard("'plain"), "'plain");
  const auto layout = BuiltinMemberTemplate();
  const std::string report =
      WriteFailureReport(layout, {FailedRow{5, {{"name", "=cmd|' /C calc'!A0"}}, {"name"}, {"姓名有误"}}});
  const auto rows = ReadBack(report);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].front().text, "'=cmd|' /C calc'!A0");
  EXPECT_EQ(rows[1].front().kind, sheet::Cell::Kind::kText);
}

}  // namespace
}  // namespace archive::member
