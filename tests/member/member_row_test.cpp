#include "common/member/row.hpp"

#include <gtest/gtest.h>

#include "common/base/text.hpp"
#include "common/member/header.hpp"
#include "member_testing.hpp"

namespace archive::member {
namespace {

using test_support::Codes;
using test_support::D;
using test_support::ExpectNoFullId;
using test_support::MakeId;
using test_support::Tmpl;
using test_support::WithWrongCheck;

const Date kToday = D(2025, 6, 1);

using Cells = std::map<std::string, CellValue>;

// A complete, valid row for a member born 2008-01-01 (male) and admitted 2024-05-04.
Cells ValidRow() {
  return {{"name", CellValue::Text("张小明")},
          {"id_card", CellValue::Text(MakeId("20080101", "123"))},
          {"gender", CellValue::Text("男")},
          {"ethnicity", CellValue::Text("汉族")},
          {"birth_date", CellValue::Text("2008-01-01")},
          {"political_status", CellValue::Text("共青团员")},
          {"joined_on", CellValue::Text("2024-05-04")},
          {"dev_number", CellValue::Text("202405040001")},
          {"branch", CellValue::Text("2024级1班团支部")},
          {"phone", CellValue::Text("13800138000")},
          {"education", CellValue::Text("普通高中")},
          {"is_cadre", CellValue::Text("是")},
          {"cadre_post", CellValue::Text("团支部书记")}};
}

RowResult Validate(const Cells& cells, const ValidationConfig& config = {}, bool date1904 = false) {
  return ValidateRow(Tmpl(), cells, config, kToday, date1904);
}

Cells With(Cells cells, const std::string& key, CellValue cell) {
  cells[key] = std::move(cell);
  return cells;
}

Cells Without(Cells cells, const std::string& key) {
  cells.erase(key);
  return cells;
}

TEST(ValidateRowTest, NormalizesACompleteValidRow) {
  const RowResult r = Validate(ValidRow());
  ASSERT_TRUE(r.ok()) << r.failures[0].code << " " << r.failures[0].message;
  EXPECT_TRUE(r.notes.empty());
  const Member& m = r.member;
  EXPECT_EQ(m.name, "张小明");
  EXPECT_EQ(m.id_card, MakeId("20080101", "123"));
  EXPECT_EQ(m.gender, "男");
  EXPECT_EQ(m.ethnicity, "汉族");
  EXPECT_EQ(m.birth_date, D(2008, 1, 1));
  EXPECT_EQ(m.joined_on, D(2024, 5, 4));
  EXPECT_FALSE(m.joined_on_month_only);
  EXPECT_EQ(m.dev_number, "202405040001");
  EXPECT_EQ(m.branch, "2024级1班团支部");
  EXPECT_EQ(m.phone, "13800138000");
  EXPECT_EQ(m.education, "普通高中");
  EXPECT_EQ(m.political_status, "共青团员");
  EXPECT_EQ(m.is_cadre, true);
  EXPECT_EQ(m.cadre_post, "团支部书记");
  EXPECT_TRUE(m.needs_e_archive);
  EXPECT_TRUE(m.other.empty());
}

TEST(ValidateRowTest, ReportsEachRequiredFieldThatIsEmpty) {
  for (const char* key : {"name", "id_card", "ethnicity", "joined_on"}) {
    const RowResult r = Validate(Without(ValidRow(), key));
    ASSERT_EQ(Codes(r.failures), (std::vector<std::string>{"REQUIRED_MISSING"})) << key;
    EXPECT_EQ(r.failures[0].column_key, key);
  }
}

TEST(ValidateRowTest, FillsSexAndBirthDateFromTheIdWhenTheyAreEmpty) {
  const RowResult r = Validate(Without(
      Without(With(ValidRow(), "id_card", CellValue::Text(MakeId("20080315", "124"))), "gender"), "birth_date"));
  ASSERT_TRUE(r.ok()) << r.failures[0].message;
  EXPECT_EQ(r.member.gender, "女");
  EXPECT_EQ(r.member.birth_date, D(2008, 3, 15));
}

TEST(ValidateRowTest, ReportsABirthDateThatDisagreesWithTheId) {
  // Given 出生年月 one month off the ID's birth date
  const std::string id = MakeId("20080101", "123");
  const RowResult r = Validate(With(ValidRow(), "birth_date", CellValue::Text("2008-02-01")));
  // Then the row fails, the message says which to fix and shows the ID only masked
  ASSERT_EQ(Codes(r.failures), (std::vector<std::string>{"ID_BIRTH_MISMATCH"}));
  const Finding& f = r.failures[0];
  EXPECT_EQ(f.column_key, "birth_date");
  EXPECT_NE(f.message.find("2008-02-01"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("出生日期 2008-01-01"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("请改正“出生年月”"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find(MaskIdCard(id)), std::string::npos) << f.message;
  ExpectNoFullId(r.failures, id);
}

TEST(ValidateRowTest, ComparesAMonthOnlyBirthDateByYearAndMonth) {
  EXPECT_TRUE(Validate(With(ValidRow(), "birth_date", CellValue::Text("2008-01"))).ok());
  EXPECT_TRUE(Validate(With(ValidRow(), "birth_date", CellValue::Text("2008年1月"))).notes.empty());
  EXPECT_EQ(Codes(Validate(With(ValidRow(), "birth_date", CellValue::Text("2008-03"))).failures),
            (std::vector<std::string>{"ID_BIRTH_MISMATCH"}));
}

TEST(ValidateRowTest, ReportsASexThatDisagreesWithTheId) {
  const std::string id = MakeId("20080101", "123");  // odd: male
  const RowResult r = Validate(With(ValidRow(), "gender", CellValue::Text("女")));
  ASSERT_EQ(Codes(r.failures), (std::vector<std::string>{"ID_SEX_MISMATCH"}));
  const Finding& f = r.failures[0];
  EXPECT_EQ(f.column_key, "gender");
  EXPECT_NE(f.message.find("“性别”填写为“女”"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("对应的性别是“男”"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find(MaskIdCard(id)), std::string::npos) << f.message;
  ExpectNoFullId(r.failures, id);
}

TEST(ValidateRowTest, RefusesMembersTooYoungOrTooOldAtAdmission) {
  // Born 2008-01-01: 14 on 2022-01-01, 29 on 2037-01-01.
  const auto joined = [](const char* date, const char* dev) {
    return Validate(With(With(ValidRow(), "joined_on", CellValue::Text(date)), "dev_number", CellValue::Text(dev)));
  };
  const RowResult young = joined("2021-12-31", "202112310001");
  ASSERT_EQ(Codes(young.failures), (std::vector<std::string>{"AGE_OUT_OF_RANGE"}));
  EXPECT_EQ(young.failures[0].column_key, "joined_on");
  EXPECT_NE(young.failures[0].message.find("13 周岁"), std::string::npos) << young.failures[0].message;
  EXPECT_NE(young.failures[0].message.find("14–28"), std::string::npos);
  EXPECT_TRUE(joined("2022-01-01", "202201010001").ok());  // the 14th birthday itself

  ValidationConfig config;
  config.min_join_age = 14;
  config.max_join_age = 16;
  const auto old = Validate(
      With(With(ValidRow(), "joined_on", CellValue::Text("2025-01-01")), "dev_number", CellValue::Text("202501010001")),
      config);
  ASSERT_EQ(Codes(old.failures), (std::vector<std::string>{"AGE_OUT_OF_RANGE"}));
  EXPECT_NE(old.failures[0].message.find("17 周岁"), std::string::npos) << old.failures[0].message;
  EXPECT_TRUE(Validate(With(With(ValidRow(), "joined_on", CellValue::Text("2024-12-31")), "dev_number",
                            CellValue::Text("202412310001")),
                       config)
                  .ok());
}

TEST(ValidateRowTest, GivesAMonthOnlyAdmissionTheBenefitOfTheDoubt) {
  // Born 2008-01-15: 14 on 2022-01-15, so "2022-01" may be old enough (any day from the 15th).
  const Cells base = With(With(ValidRow(), "id_card", CellValue::Text(MakeId("20080115", "123"))), "birth_date",
                          CellValue::Text("2008-01-15"));
  const RowResult r = Validate(
      With(With(base, "joined_on", CellValue::Text("2022-01")), "dev_number", CellValue::Text("202201010001")));
  ASSERT_TRUE(r.ok()) << r.failures[0].message;
  EXPECT_TRUE(r.member.joined_on_month_only);
  EXPECT_EQ(r.member.joined_on, D(2022, 1, 1));
  EXPECT_EQ(Codes(r.notes), (std::vector<std::string>{"DATE_MONTH_ONLY"}));
  EXPECT_EQ(Codes(Validate(With(With(base, "joined_on", CellValue::Text("2021-12")), "dev_number",
                                CellValue::Text("202112010001")))
                      .failures),
            (std::vector<std::string>{"AGE_OUT_OF_RANGE"}));
}

TEST(ValidateRowTest, RefusesAnAdmissionBeforeBirth) {
  const RowResult r = Validate(Without(With(ValidRow(), "joined_on", CellValue::Text("2007-05-04")), "dev_number"));
  ASSERT_EQ(Codes(r.failures), (std::vector<std::string>{"JOINED_BEFORE_BIRTH"}));
  EXPECT_NE(r.failures[0].message.find("早于出生日期（2008-01-01）"), std::string::npos) << r.failures[0].message;
}

TEST(ValidateRowTest, RequiresTheDevelopmentNumberForNewMembersOnly) {
  // Given a member admitted on or after 2020-01-01 without a development number: refused (R1, R9)
  const RowResult new_member = Validate(Without(ValidRow(), "dev_number"));
  ASSERT_EQ(Codes(new_member.failures), (std::vector<std::string>{"REQUIRED_MISSING"}));
  EXPECT_EQ(new_member.failures[0].column_key, "dev_number");
  EXPECT_NE(new_member.failures[0].message.find("2020-01-01 及以后入团"), std::string::npos);

  // Given an earlier member: imported without one, and not needing an e-archive
  const Cells old = With(With(With(ValidRow(), "id_card", CellValue::Text(MakeId("20000101", "123"))), "birth_date",
                              CellValue::Text("2000-01-01")),
                         "joined_on", CellValue::Text("2019-12-31"));
  const RowResult old_member = Validate(Without(old, "dev_number"));
  ASSERT_TRUE(old_member.ok()) << old_member.failures[0].message;
  EXPECT_FALSE(old_member.member.needs_e_archive);
  EXPECT_FALSE(old_member.member.dev_number.has_value());
  const RowResult first_day = Validate(Without(With(old, "joined_on", CellValue::Text("2020-01")), "dev_number"));
  EXPECT_EQ(Codes(first_day.failures), (std::vector<std::string>{"REQUIRED_MISSING"}));

  // The cut-over date is configuration.
  ValidationConfig config;
  config.dev_number_required_from = D(2017, 1, 1);
  EXPECT_EQ(Codes(Validate(Without(old, "dev_number"), config).failures),
            (std::vector<std::string>{"REQUIRED_MISSING"}));
}

TEST(ValidateRowTest, AnEarlierMembersNumberIsStillChecked) {
  const Cells old = With(With(With(ValidRow(), "id_card",
                                   CellValue::Text(MakeId("2000"
                                                          "0101",
                                                          "123"))),
                              "birth_date", CellValue::Text("2000-01-01")),
                         "joined_on", CellValue::Text("2015-05-04"));
  EXPECT_EQ(Codes(Validate(With(old, "dev_number", CellValue::Text("201605040001"))).failures),
            (std::vector<std::string>{"DEV_NUMBER_YEAR"}));
  EXPECT_TRUE(Validate(With(old, "dev_number", CellValue::Text("201505040001"))).ok());
}

TEST(ValidateRowTest, TheDevelopmentNumberYearMustMatchTheAdmission) {
  const RowResult r = Validate(With(ValidRow(), "dev_number", CellValue::Text("202305040001")));
  ASSERT_EQ(Codes(r.failures), (std::vector<std::string>{"DEV_NUMBER_YEAR"}));
  EXPECT_EQ(r.failures[0].column_key, "dev_number");
}

TEST(ValidateRowTest, ABrokenDevelopmentNumberIsNotAlsoReportedMissing) {
  const RowResult r = Validate(With(ValidRow(), "dev_number", CellValue::Text("2.02405E+11")));
  EXPECT_EQ(Codes(r.failures), (std::vector<std::string>{"DEV_NUMBER_SCIENTIFIC"}));
}

TEST(ValidateRowTest, RequiresTheBranchWhenTheImporterIsNotABranch) {
  ValidationConfig config;
  config.require_branch = true;
  EXPECT_TRUE(Validate(ValidRow(), config).ok());
  const RowResult r = Validate(Without(ValidRow(), "branch"), config);
  ASSERT_EQ(Codes(r.failures), (std::vector<std::string>{"REQUIRED_MISSING"}));
  EXPECT_EQ(r.failures[0].column_key, "branch");
  EXPECT_TRUE(Validate(Without(ValidRow(), "branch")).ok());
}

TEST(ValidateRowTest, ConvertsExcelSerialDatesInEitherDateSystem) {
  const Cells serials = With(With(ValidRow(), "joined_on", CellValue::Number("45416", "yyyy/m/d", true)), "birth_date",
                             CellValue::Number("39448", "yyyy/m/d", true));
  const RowResult r1900 = Validate(serials);
  ASSERT_TRUE(r1900.ok()) << r1900.failures[0].message;
  EXPECT_EQ(r1900.member.joined_on, D(2024, 5, 4));
  const Cells serials1904 = With(With(ValidRow(), "joined_on", CellValue::Number("43954", "yyyy/m/d", true)),
                                 "birth_date", CellValue::Number("37986", "yyyy/m/d", true));
  const RowResult r1904 = Validate(serials1904, {}, true);
  ASSERT_TRUE(r1904.ok()) << r1904.failures[0].message;
  EXPECT_EQ(r1904.member.joined_on, D(2024, 5, 4));
  // Read with the wrong system, the same cells are four years off and disagree with the ID.
  EXPECT_FALSE(Validate(serials1904, {}, false).ok());
}

TEST(ValidateRowTest, IgnoresCellsOfUnknownKeysAndReportsEveryBrokenField) {
  Cells cells = ValidRow();
  cells["remarks"] = CellValue::Text("备注");
  cells["phone"] = CellValue::Text("12345");
  cells["ethnicity"] = CellValue::Text("火星族");
  cells["name"] = CellValue::FormulaNoValue("=A1");
  const RowResult r = Validate(cells);
  std::vector<std::string> codes = Codes(r.failures);
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(codes, (std::vector<std::string>{"ENUM_VALUE", "FORMULA_NO_VALUE", "PHONE_FORMAT"}));
}

TEST(ValidateRowTest, NeverPutsAFullIdNumberInAMessageOrValue) {
  // Given rows broken in every way that involves the ID number
  const std::string id = MakeId("20080101", "123");
  std::vector<Cells> rows = {
      With(ValidRow(), "gender", CellValue::Text("女")),
      With(ValidRow(), "birth_date", CellValue::Text("2009-01-01")),
      With(ValidRow(), "id_card", CellValue::Text(WithWrongCheck(id))),
      With(ValidRow(), "id_card", CellValue::Text(id.substr(0, 17))),
      With(ValidRow(), "id_card", CellValue::Text(id + "9")),
      With(ValidRow(), "id_card", CellValue::Text(id.substr(0, 17) + "Z")),
      With(ValidRow(), "id_card", CellValue::Text(id.substr(0, 15) + "000")),
      With(ValidRow(), "id_card", CellValue::Number(id.substr(0, 15) + "000")),
      With(ValidRow(), "id_card", CellValue::Text("1.10105200801011E+17")),
      With(ValidRow(), "id_card", CellValue::Text("99" + id.substr(2))),
      With(ValidRow(), "id_card", CellValue::Text(id.substr(0, 6) + "20081301" + id.substr(14))),
      With(ValidRow(), "joined_on", CellValue::Text("2021-01-01")),
  };
  for (const Cells& row : rows) {
    const RowResult r = Validate(row);
    // Then each fails, and no finding carries the number in full
    EXPECT_FALSE(r.ok());
    ExpectNoFullId(r.failures, id);
    ExpectNoFullId(r.notes, id);
    ExpectNoFullId(r.failures, id.substr(0, 17));
  }
  DuplicateTracker tracker;
  tracker.Add(2, Validate(ValidRow()).member);
  ExpectNoFullId(tracker.Add(3, Validate(ValidRow()).member), id);
}

TEST(DuplicateTrackerTest, NamesTheFirstRowWhereAnIdOrNumberWasSeen) {
  DuplicateTracker tracker;
  Member a;
  a.id_card = MakeId("20080101", "123");
  a.dev_number = "202405040001";
  Member b;
  b.id_card = MakeId("20080101", "125");
  b.dev_number = "202405040002";
  Member c = a;
  c.dev_number = "202405040003";
  Member d = b;
  d.id_card = MakeId("20080101", "127");

  EXPECT_TRUE(tracker.Add(3, a).empty());
  EXPECT_TRUE(tracker.Add(4, b).empty());
  const auto same_id = tracker.Add(7, c);
  ASSERT_EQ(Codes(same_id), (std::vector<std::string>{"DUPLICATE_ID_IN_FILE"}));
  EXPECT_EQ(same_id[0].column_key, "id_card");
  EXPECT_NE(same_id[0].message.find("与第 3 行重复"), std::string::npos) << same_id[0].message;
  EXPECT_NE(same_id[0].message.find(MaskIdCard(a.id_card)), std::string::npos);
  const auto same_number = tracker.Add(9, d);
  ASSERT_EQ(Codes(same_number), (std::vector<std::string>{"DUPLICATE_DEV_NUMBER_IN_FILE"}));
  EXPECT_NE(same_number[0].message.find("202405040002 与第 4 行重复"), std::string::npos) << same_number[0].message;
  // A third copy still names the first row.
  EXPECT_NE(tracker.Add(12, c)[0].message.find("与第 3 行重复"), std::string::npos);
}

TEST(DuplicateTrackerTest, IgnoresEmptyValues) {
  DuplicateTracker tracker;
  const Member empty;
  EXPECT_TRUE(tracker.Add(2, empty).empty());
  EXPECT_TRUE(tracker.Add(3, empty).empty());
}

TEST(ValidateRowTest, WorksFromAMatchedHeaderRowEndToEnd) {
  // Given a sheet with reordered, decorated headers and an extra column
  const HeaderMatch match =
      MatchHeaderRow(Tmpl(), {"入团时间*", "备注", "身份证号（必填）", "姓名", "民族", "发展团员编号", "性别"});
  ASSERT_TRUE(match.ok());
  const std::vector<CellValue> row = {CellValue::Text("2024年5月4日"),
                                      CellValue::Text("班长"),
                                      CellValue::Text(MakeId("20080101", "123")),
                                      CellValue::Text("张小明"),
                                      CellValue::Text("汉"),
                                      CellValue::Number("202405040001"),
                                      CellValue{}};
  // When the row is validated through the match
  const RowResult r = Validate(CellsByKey(match, row));
  // Then it is imported, with the one normalization noted
  ASSERT_TRUE(r.ok()) << r.failures[0].message;
  EXPECT_EQ(Codes(r.notes), (std::vector<std::string>{"ENUM_NORMALIZED"}));
  EXPECT_EQ(r.member.joined_on, D(2024, 5, 4));
  EXPECT_EQ(r.member.gender, "男");
  EXPECT_EQ(r.member.dev_number, "202405040001");
}

}  // namespace
}  // namespace archive::member
