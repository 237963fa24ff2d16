#include "common/member/header.hpp"

#include <gtest/gtest.h>

#include "common/member/normalize.hpp"
#include "member_testing.hpp"

namespace archive::member {
namespace {

using test_support::Codes;
using test_support::Tmpl;

const std::vector<std::string> kOfficialOrder = {"姓名",       "身份证号码", "性别",     "民族",
                                                 "出生年月",   "政治面貌",   "入团年月", "发展团员编号",
                                                 "所在团支部", "手机号码",   "学历"};

TEST(HeaderKeyTest, ToleratesSpacesFullWidthAndRequiredMarkers) {
  EXPECT_EQ(HeaderKey("身份证号码"), "身份证号码");
  EXPECT_EQ(HeaderKey("  身份证号码  "), "身份证号码");
  EXPECT_EQ(HeaderKey("身份证号码*"), "身份证号码");
  EXPECT_EQ(HeaderKey("*身份证号码"), "身份证号码");
  EXPECT_EQ(HeaderKey("身份证号码＊"), "身份证号码");
  EXPECT_EQ(HeaderKey("身份证号码(必填)"), "身份证号码");
  EXPECT_EQ(HeaderKey("身份证号码（必填）"), "身份证号码");
  EXPECT_EQ(HeaderKey("身份证号码【必填】*"), "身份证号码");
  EXPECT_EQ(HeaderKey("手机号码（选填）"), "手机号码");
  EXPECT_EQ(HeaderKey("姓\u3000名"), "姓名");
  EXPECT_EQ(HeaderKey("姓名\n"), "姓名");
  EXPECT_EQ(HeaderKey("\u200b姓名\ufeff"), "姓名");
  EXPECT_EQ(HeaderKey("姓名："), "姓名");
  EXPECT_EQ(HeaderKey("ＩＤ"), "id");
}

TEST(MatchHeaderRowTest, MapsTheOfficialHeaderInOrder) {
  const HeaderMatch match = MatchHeaderRow(Tmpl(), kOfficialOrder);
  EXPECT_TRUE(match.ok());
  EXPECT_TRUE(match.notes.empty());
  EXPECT_EQ(match.key_at[0], "name");
  EXPECT_EQ(match.key_at[1], "id_card");
  EXPECT_EQ(match.key_at[6], "joined_on");
  EXPECT_EQ(match.position_of.at("dev_number"), 7u);
}

TEST(MatchHeaderRowTest, MatchesReorderedDecoratedAndAliasedHeadersByName) {
  // Given an admin's own sheet: columns reordered, markers and full-width text, aliases, extra columns.
  const std::vector<std::string> header = {"序号", "  入团时间* ", "身份证号（必填）", "备注", "姓\u3000名＊", "",
                                           "民族", "手机号"};
  // When the header row is matched
  const HeaderMatch match = MatchHeaderRow(Tmpl(), header);
  // Then every known column is found by name and the unknown ones are reported and ignored.
  EXPECT_TRUE(match.ok()) << match.errors.front().message;
  EXPECT_EQ(match.position_of.at("joined_on"), 1u);
  EXPECT_EQ(match.position_of.at("id_card"), 2u);
  EXPECT_EQ(match.position_of.at("name"), 4u);
  EXPECT_EQ(match.position_of.at("ethnicity"), 6u);
  EXPECT_EQ(match.position_of.at("phone"), 7u);
  EXPECT_EQ(match.key_at[0], "");
  EXPECT_EQ(match.key_at[3], "");
  EXPECT_EQ(match.key_at[5], "");
  ASSERT_EQ(Codes(match.notes), (std::vector<std::string>{"UNKNOWN_COLUMN", "UNKNOWN_COLUMN"}));
  EXPECT_NE(match.notes[0].message.find("第 A 列“序号”"), std::string::npos) << match.notes[0].message;
  EXPECT_NE(match.notes[1].message.find("第 D 列“备注”"), std::string::npos) << match.notes[1].message;
  EXPECT_NE(match.notes[1].message.find("已忽略"), std::string::npos);
}

TEST(MatchHeaderRowTest, ReportsEachMissingRequiredColumnByName) {
  const HeaderMatch match = MatchHeaderRow(Tmpl(), {"姓名", "性别", "手机号码"});
  EXPECT_FALSE(match.ok());
  std::vector<std::string> missing;
  for (const Finding& f : match.errors) {
    EXPECT_EQ(f.code, "MISSING_COLUMN");
    EXPECT_NE(f.message.find("缺少“" + f.value + "”列"), std::string::npos) << f.message;
    missing.push_back(f.column_key);
  }
  EXPECT_EQ(missing, (std::vector<std::string>{"id_card", "ethnicity", "joined_on"}));
}

TEST(MatchHeaderRowTest, NoMissingColumnWhenOnlyOptionalOnesAreAbsent) {
  const HeaderMatch match = MatchHeaderRow(Tmpl(), {"姓名", "身份证号码", "民族", "入团年月"});
  EXPECT_TRUE(match.ok());
}

TEST(MatchHeaderRowTest, ReportsTwoColumnsForTheSameFieldNamingBoth) {
  // Given "入团年月" twice under different names
  const HeaderMatch match = MatchHeaderRow(Tmpl(), {"姓名", "身份证号码", "民族", "入团年月", "备注", "入团时间"});
  // Then the batch is refused with a message naming both columns
  ASSERT_EQ(Codes(match.errors), (std::vector<std::string>{"DUPLICATE_COLUMN"}));
  const Finding& f = match.errors[0];
  EXPECT_EQ(f.column_key, "joined_on");
  EXPECT_NE(f.message.find("第 D 列“入团年月”"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("第 F 列“入团时间”"), std::string::npos) << f.message;
  EXPECT_EQ(match.position_of.at("joined_on"), 3u);
}

TEST(FindHeaderRowTest, SkipsATitleRowAboveTheHeader) {
  const std::vector<std::vector<std::string>> rows = {
      {"智慧团建导入团员团干部数据模板"},
      {"填写说明：带*的为必填项，身份证号码列请设置为文本格式"},
      kOfficialOrder,
      {"张小明", "110105200801011236", "男", "汉族"},
  };
  EXPECT_EQ(FindHeaderRow(Tmpl(), rows), 2u);
}

TEST(FindHeaderRowTest, PrefersTheRowMatchingMostColumns) {
  const std::vector<std::vector<std::string>> rows = {
      {"姓名", "性别", "说明"},  // a two-column legend
      kOfficialOrder,
  };
  EXPECT_EQ(FindHeaderRow(Tmpl(), rows), 1u);
}

TEST(FindHeaderRowTest, OnATiePrefersTheEarlierRow) {
  // Given the header repeated as the first data row (admins copy it down)
  const std::vector<std::vector<std::string>> rows = {{"说明"}, kOfficialOrder, kOfficialOrder};
  EXPECT_EQ(FindHeaderRow(Tmpl(), rows), 1u);
}

TEST(FindHeaderRowTest, LooksOnlyAtTheFirstRows) {
  std::vector<std::vector<std::string>> rows(5, std::vector<std::string>{"说明"});
  rows.push_back(kOfficialOrder);
  EXPECT_FALSE(FindHeaderRow(Tmpl(), rows).has_value());
  EXPECT_EQ(FindHeaderRow(Tmpl(), rows, 6), 5u);
}

TEST(FindHeaderRowTest, FindsNothingInASheetWithoutHeaders) {
  const std::vector<std::vector<std::string>> rows = {{"张小明", "男", "汉族"}, {"学历", "手机号码"}};
  EXPECT_FALSE(FindHeaderRow(Tmpl(), rows).has_value());  // the second row matches only optional columns
  const Finding f = HeaderNotFound(Tmpl());
  EXPECT_EQ(f.code, "HEADER_NOT_FOUND");
  EXPECT_NE(f.message.find("“姓名”“身份证号码”"), std::string::npos) << f.message;
}

TEST(CellsByKeyTest, KeysTheRowByItsHeader) {
  const HeaderMatch match = MatchHeaderRow(Tmpl(), {"备注", "姓名", "身份证号码"});
  const auto cells = CellsByKey(match, {CellValue::Text("x"), CellValue::Text("张小明")});
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells.at("name").text, "张小明");
}

TEST(ColumnLettersTest, CountsLikeExcel) {
  EXPECT_EQ(ColumnLetters(0), "A");
  EXPECT_EQ(ColumnLetters(25), "Z");
  EXPECT_EQ(ColumnLetters(26), "AA");
  EXPECT_EQ(ColumnLetters(701), "ZZ");
  EXPECT_EQ(ColumnLetters(702), "AAA");
}

}  // namespace
}  // namespace archive::member
