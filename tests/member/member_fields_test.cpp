#include "common/member/fields.hpp"

#include <gtest/gtest.h>

#include "member_testing.hpp"

namespace archive::member {
namespace {

using test_support::Codes;
using test_support::Col;
using test_support::D;

template <typename T>
std::string OnlyCode(const FieldOutcome<T>& out) {
  EXPECT_EQ(out.failures.size(), 1u);
  EXPECT_FALSE(out.value.has_value());
  return out.failures.empty() ? "" : out.failures[0].code;
}

// ------------------------------------------------------------------------------------------------ development number

FieldOutcome<std::string> Dev(const CellValue& cell, const ValidationConfig& config = {}) {
  return ValidateDevNumber(cell, Col("dev_number"), config);
}

TEST(DevNumberTest, AcceptsTwelveDigitsTypedAsTextOrNumber) {
  for (const CellValue& cell : {CellValue::Text("202405040001"), CellValue::Text(" 2024 0504 0001 "),
                                CellValue::Text("２０２４０５０４０００１"), CellValue::Text("'202405040001"),
                                CellValue::Number("202405040001"), CellValue::Number("2.02405040001E+11")}) {
    const auto out = Dev(cell);
    ASSERT_TRUE(out.value.has_value()) << cell.text << ": " << out.failures.at(0).message;
    EXPECT_EQ(*out.value, "202405040001");
  }
}

TEST(DevNumberTest, RejectsTheWrongNumberOfDigitsOrLetters) {
  for (const char* text : {"20240504001", "2024050400011", "2024O5040001", "团202405040001"}) {
    const auto out = Dev(CellValue::Text(text));
    EXPECT_EQ(OnlyCode(out), "DEV_NUMBER_FORMAT") << text;
    EXPECT_NE(out.failures[0].message.find("12 位数字"), std::string::npos);
  }
  EXPECT_EQ(OnlyCode(Dev(CellValue::Number("2024050400.5"))), "DEV_NUMBER_FORMAT");
}

TEST(DevNumberTest, RejectsANumberInScientificNotation) {
  // Given what a General column showed for the number, copied as text, or stored with its digits cut
  for (const CellValue& cell : {CellValue::Text("2.02405E+11"), CellValue::Number("2.02405E+11")}) {
    const auto out = Dev(cell);
    EXPECT_EQ(OnlyCode(out), "DEV_NUMBER_SCIENTIFIC") << cell.text;
    EXPECT_NE(out.failures[0].message.find("“文本”格式"), std::string::npos);
  }
}

TEST(DevNumberTest, EnforcesTheRegionalLayoutFromConfig) {
  ValidationConfig config;
  config.dev_number_layout = DevNumberLayout::Make("0[1-9][0-9]{6}", "第5-6位为01-09的区县代码");
  EXPECT_TRUE(Dev(CellValue::Text("202402040001"), config).value.has_value());
  const auto out = Dev(CellValue::Text("202412040001"), config);
  EXPECT_EQ(OnlyCode(out), "DEV_NUMBER_FORMAT");
  EXPECT_NE(out.failures[0].message.find("第5-6位为01-09的区县代码"), std::string::npos) << out.failures[0].message;
  // Without a layout any 8 digits pass.
  EXPECT_TRUE(Dev(CellValue::Text("202412040001")).value.has_value());
}

TEST(DevNumberTest, TheFirstFourDigitsMustBeTheAdmissionYear) {
  const DateValue joined{D(2024, 5, 4), DatePrecision::kDay};
  EXPECT_TRUE(CheckDevNumberYear("202405040001", joined, Col("dev_number"), Col("joined_on")).empty());
  const auto found = CheckDevNumberYear("202305040001", joined, Col("dev_number"), Col("joined_on"));
  ASSERT_EQ(Codes(found), (std::vector<std::string>{"DEV_NUMBER_YEAR"}));
  EXPECT_NE(found[0].message.find("前 4 位是 2023"), std::string::npos) << found[0].message;
  EXPECT_NE(found[0].message.find("2024 年"), std::string::npos) << found[0].message;
}

TEST(DevNumberTest, AnEmptyCellIsForTheRowRulesToJudge) {
  const auto out = Dev(CellValue{});
  EXPECT_FALSE(out.value.has_value());
  EXPECT_TRUE(out.failures.empty());
}

// ------------------------------------------------------------------------------------------------ phone

FieldOutcome<std::string> Phone(const CellValue& cell) {
  return ValidatePhone(cell, Col("phone"));
}

TEST(PhoneTest, NormalizesSpacesDashesAndTheCountryCode) {
  for (const CellValue& cell :
       {CellValue::Text("13800138000"), CellValue::Text("138 0013 8000"), CellValue::Text("138-0013-8000"),
        CellValue::Text("+86 138 0013 8000"), CellValue::Text("+8613800138000"), CellValue::Text("008613800138000"),
        CellValue::Text("86-13800138000"), CellValue::Text("１３８００１３８０００"),
        CellValue::Number("13800138000")}) {
    const auto out = Phone(cell);
    ASSERT_TRUE(out.value.has_value()) << cell.text;
    EXPECT_EQ(*out.value, "13800138000");
  }
  EXPECT_TRUE(Phone(CellValue::Text("19912345678")).value.has_value());
}

TEST(PhoneTest, RejectsLandlinesShortNumbersAndWrongPrefixes) {
  for (const char* text :
       {"010-62345678", "1380013800", "138001380001", "12800138000", "23800138000", "13800138000/13900139000", "无"}) {
    const auto out = Phone(CellValue::Text(text));
    EXPECT_EQ(OnlyCode(out), "PHONE_FORMAT") << text;
    EXPECT_NE(out.failures[0].message.find("11 位手机号码"), std::string::npos);
  }
  EXPECT_FALSE(Phone(CellValue{}).value.has_value());
  EXPECT_TRUE(Phone(CellValue{}).failures.empty());  // optional
}

// ------------------------------------------------------------------------------------------------ enums

TEST(EnumTest, AcceptsExactValuesAfterSilentCleanUp) {
  const auto out = ValidateEnum(CellValue::Text(" 汉\u3000族 "), Col("ethnicity"));
  ASSERT_TRUE(out.value.has_value());
  EXPECT_EQ(*out.value, "汉族");
  EXPECT_TRUE(out.notes.empty());
  EXPECT_EQ(*ValidateEnum(CellValue::Text("男"), Col("gender")).value, "男");
  EXPECT_EQ(*ValidateEnum(CellValue::Text("大学本科"), Col("education")).value, "大学本科");
}

TEST(EnumTest, AcceptsTheShortFormOfAnEthnicGroupWithANote) {
  for (const auto& [typed, value] : std::map<std::string, std::string>{{"汉", "汉族"},
                                                                       {"维吾尔", "维吾尔族"},
                                                                       {"蒙族", "蒙古族"},
                                                                       {"维族", "维吾尔族"},
                                                                       {"外国血统", "外国血统中国籍人士"}}) {
    const auto out = ValidateEnum(CellValue::Text(typed), Col("ethnicity"));
    ASSERT_TRUE(out.value.has_value()) << typed;
    EXPECT_EQ(*out.value, value);
    ASSERT_EQ(Codes(out.notes), (std::vector<std::string>{"ENUM_NORMALIZED"})) << typed;
    EXPECT_NE(out.notes[0].message.find("已按“" + value + "”导入"), std::string::npos) << out.notes[0].message;
  }
}

TEST(EnumTest, AcceptsCommonEducationSpellingsWithANote) {
  for (const auto& [typed, value] : std::map<std::string, std::string>{{"本科", "大学本科"},
                                                                       {"大专", "大学专科"},
                                                                       {"高中", "普通高中"},
                                                                       {"中专", "中等专科"},
                                                                       {"硕士研究生", "研究生"}}) {
    const auto out = ValidateEnum(CellValue::Text(typed), Col("education"));
    ASSERT_TRUE(out.value.has_value()) << typed;
    EXPECT_EQ(*out.value, value);
    EXPECT_EQ(Codes(out.notes), (std::vector<std::string>{"ENUM_NORMALIZED"}));
  }
}

TEST(EnumTest, RejectsOtherValuesListingSomeAllowedOnes) {
  const auto out = ValidateEnum(CellValue::Text("汉人"), Col("ethnicity"));
  EXPECT_EQ(OnlyCode(out), "ENUM_VALUE");
  EXPECT_NE(out.failures[0].message.find("“汉人”"), std::string::npos);
  EXPECT_NE(out.failures[0].message.find("汉族、蒙古族、回族"), std::string::npos) << out.failures[0].message;
  EXPECT_NE(out.failures[0].message.find("共 58 项"), std::string::npos);
  const auto gender = ValidateEnum(CellValue::Text("M"), Col("gender"));
  EXPECT_EQ(OnlyCode(gender), "ENUM_VALUE");
  EXPECT_NE(gender.failures[0].message.find("男、女"), std::string::npos) << gender.failures[0].message;
  EXPECT_EQ(OnlyCode(ValidateEnum(CellValue::Number("1"), Col("gender"))), "ENUM_VALUE");
}

TEST(EnumTest, ReadsABooleanCellInAYesNoColumn) {
  EXPECT_EQ(*ValidateEnum(CellValue::Bool(true), Col("is_cadre")).value, "是");
  EXPECT_EQ(*ValidateEnum(CellValue::Bool(false), Col("is_cadre")).value, "否");
  EXPECT_EQ(OnlyCode(ValidateEnum(CellValue::Bool(true), Col("gender"))), "ENUM_VALUE");
}

TEST(EnumTest, ARequiredEnumMustNotBeEmpty) {
  const auto out = ValidateEnum(CellValue::Text(""), Col("ethnicity"));
  EXPECT_EQ(OnlyCode(out), "REQUIRED_MISSING");
  EXPECT_NE(out.failures[0].message.find("“民族”是必填项"), std::string::npos);
}

// ------------------------------------------------------------------------------------------------ names and text

FieldOutcome<std::string> Name(const std::string& text) {
  return ValidateText(CellValue::Text(text), Col("name"));
}

TEST(NameTest, AcceptsChineseMinorityAndLatinNames) {
  EXPECT_EQ(*Name("张小明").value, "张小明");
  EXPECT_EQ(*Name("阿依古丽·买买提").value, "阿依古丽·买买提");
  EXPECT_EQ(*Name("阿依古丽・买买提").value, "阿依古丽·买买提");  // katakana middle dot
  EXPECT_EQ(*Name("阿依古丽•买买提").value, "阿依古丽·买买提");   // bullet
  EXPECT_EQ(*Name("张 三").value, "张三");
  EXPECT_EQ(*Name("\u200b张\u3000三 ").value, "张三");
  EXPECT_EQ(*Name("Anna  Maria").value, "Anna Maria");
  EXPECT_EQ(*Name("䶮").value, "䶮");                  // CJK extension A
  EXPECT_EQ(*Name("\U00020BB7").value, "\U00020BB7");  // CJK extension B
}

TEST(NameTest, RejectsDigitsSymbolsAndLineBreaks) {
  for (const char* text : {"张三1", "张三２", "张三(班长)", "张三\n李四", "张三/李四", "张.三", "张三\x01"}) {
    const auto out = Name(text);
    EXPECT_EQ(OnlyCode(out), "NAME_CHARS") << text;
    EXPECT_NE(out.failures[0].message.find("间隔号请用“·”"), std::string::npos);
  }
  EXPECT_NE(Name("张三\n李四").failures[0].message.find("换行"), std::string::npos);
  EXPECT_NE(Name("张三1").failures[0].message.find("“1”"), std::string::npos);
  EXPECT_EQ(OnlyCode(ValidateText(CellValue::Number("123"), Col("name"))), "NAME_CHARS");
}

TEST(NameTest, RejectsANameLongerThanFiftyCharacters) {
  std::string name;
  for (int i = 0; i < 51; ++i) name += "张";
  const auto out = Name(name);
  EXPECT_EQ(OnlyCode(out), "TEXT_TOO_LONG");
  EXPECT_NE(out.failures[0].message.find("最多 50 个字，当前有 51 个字"), std::string::npos) << out.failures[0].message;
  EXPECT_TRUE(Name(name.substr(0, 50 * 3)).value.has_value());
}

TEST(TextTest, KeepsAnOrganizationReferenceAsTypedButTrimmed) {
  const auto out = ValidateText(CellValue::Text(" 2024级（1）班团支部\u200b "), Col("branch"));
  ASSERT_TRUE(out.value.has_value());
  EXPECT_EQ(*out.value, "2024级（1）班团支部");
  EXPECT_EQ(*ValidateText(CellValue::Number("110105001"), Col("branch")).value, "110105001");
  std::string long_name(101, 'a');
  EXPECT_EQ(OnlyCode(ValidateText(CellValue::Text(long_name), Col("branch"))), "TEXT_TOO_LONG");
}

TEST(TextTest, RejectsFormulasSavedWithoutAResultAndErrorValuesInAnyColumn) {
  for (const char* key : {"name", "branch", "cadre_post"}) {
    const auto formula = ValidateText(CellValue::FormulaNoValue("=VLOOKUP(A2,Sheet2!A:B,2,0)"), Col(key));
    EXPECT_EQ(OnlyCode(formula), "FORMULA_NO_VALUE") << key;
    EXPECT_EQ(formula.failures[0].column_key, key);
    EXPECT_NE(formula.failures[0].message.find("“" + Col(key).header + "”列是公式"), std::string::npos);
    EXPECT_NE(formula.failures[0].message.find("没有保存计算结果"), std::string::npos);
    EXPECT_NE(formula.failures[0].message.find("选择性粘贴"), std::string::npos);
    EXPECT_EQ(OnlyCode(ValidateText(CellValue::Error("#REF!"), Col(key))), "CELL_ERROR") << key;
  }
  EXPECT_EQ(OnlyCode(ValidatePhone(CellValue::FormulaNoValue("=B2"), Col("phone"))), "FORMULA_NO_VALUE");
  EXPECT_EQ(OnlyCode(ValidateEnum(CellValue::FormulaNoValue("=B2"), Col("gender"))), "FORMULA_NO_VALUE");
  EXPECT_EQ(OnlyCode(ValidateDevNumber(CellValue::FormulaNoValue("=B2"), Col("dev_number"), {})), "FORMULA_NO_VALUE");
}

TEST(TextTest, ARequiredTextMustNotBeEmptyOrBlank) {
  for (const CellValue& cell : {CellValue{}, CellValue::Text(""), CellValue::Text(" \u3000\u200b ")}) {
    const auto out = ValidateText(cell, Col("name"));
    EXPECT_EQ(OnlyCode(out), "REQUIRED_MISSING");
    EXPECT_EQ(out.failures[0].column_key, "name");
    EXPECT_NE(out.failures[0].message.find("“姓名”是必填项"), std::string::npos);
  }
}

}  // namespace
}  // namespace archive::member
