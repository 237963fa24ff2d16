#include <gtest/gtest.h>

#include "common/base/text.hpp"
#include "common/member/fields.hpp"
#include "member_testing.hpp"

namespace archive::member {
namespace {

using test_support::Col;
using test_support::D;
using test_support::ExpectNoFullId;
using test_support::MakeId;
using test_support::WithWrongCheck;

const Date kToday = D(2025, 6, 1);

FieldOutcome<IdCardInfo> Check(const CellValue& cell) {
  return ValidateIdCard(cell, Col("id_card"), kToday);
}

std::string OnlyCode(const FieldOutcome<IdCardInfo>& out) {
  EXPECT_EQ(out.failures.size(), 1u);
  EXPECT_FALSE(out.value.has_value());
  return out.failures.empty() ? "" : out.failures[0].code;
}

TEST(IdCheckDigitTest, AgreesWithTheStandardWeights) {
  // Hand-computed with the GB 11643 weights (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) and table 10X98765432.
  EXPECT_EQ(IdCheckDigit("11010520080101123"), '6');
  EXPECT_EQ(IdCheckDigit("11010520080101124"), '4');
  EXPECT_EQ(IdCheckDigit("11010519900307001"), '7');
  for (int seq = 100; seq < 200; ++seq) {
    const std::string first17 = "110105200803" + std::string("15") + std::to_string(seq);
    EXPECT_EQ(IdCheckDigit(first17), test_support::ReferenceCheckDigit(first17)) << first17;
  }
  EXPECT_FALSE(IdCheckDigit("1101052008010112").has_value());
  EXPECT_FALSE(IdCheckDigit("1101052008010112A").has_value());
}

TEST(IdCardTest, AcceptsAValidNumberAndReadsBirthAndSex) {
  const std::string id = MakeId("20080101", "123");
  const auto out = Check(CellValue::Text(id));
  ASSERT_TRUE(out.failures.empty()) << out.failures[0].message;
  ASSERT_TRUE(out.value.has_value());
  EXPECT_EQ(out.value->number, id);
  EXPECT_EQ(out.value->birth, D(2008, 1, 1));
  EXPECT_TRUE(out.value->male);  // 17th digit 3 is odd
  EXPECT_FALSE(Check(CellValue::Text(MakeId("20080101", "124"))).value->male);
}

TEST(IdCardTest, NormalizesLowerCaseXSpacesFullWidthAndInvisibleCharacters) {
  // Given a number whose check character is X
  std::string id;
  for (int seq = 100; seq < 1000 && (id.empty() || id.back() != 'X'); ++seq)
    id = MakeId("20071230", std::to_string(seq));
  ASSERT_EQ(id.back(), 'X');
  std::string lower = id;
  lower.back() = 'x';
  // When it is typed with a lower-case x, with spaces, in full-width digits or with a zero-width space
  std::string full_width;
  for (char c : id.substr(0, 17)) full_width += std::string("\xEF\xBC") + static_cast<char>(0x90 + (c - '0'));
  full_width += "\xEF\xBD\x98";  // full-width x
  for (const std::string& typed : {lower, " " + id + " ", id.substr(0, 6) + " " + id.substr(6, 8) + " " + id.substr(14),
                                   full_width, "\u200b" + id + "\u3000", "'" + id}) {
    const auto out = Check(CellValue::Text(typed));
    // Then it is accepted as the canonical number
    ASSERT_TRUE(out.value.has_value()) << typed << ": " << out.failures[0].message;
    EXPECT_EQ(out.value->number, id);
  }
}

TEST(IdCardTest, RejectsAWrongCheckDigit) {
  const std::string bad = WithWrongCheck(MakeId());
  const auto out = Check(CellValue::Text(bad));
  EXPECT_EQ(OnlyCode(out), "ID_CHECKSUM");
  EXPECT_NE(out.failures[0].message.find(MaskIdCard(bad)), std::string::npos);
  ExpectNoFullId(out.failures, bad);
}

TEST(IdCardTest, RejectsTheWrongLength) {
  const std::string id = MakeId();
  EXPECT_EQ(OnlyCode(Check(CellValue::Text(id.substr(0, 17)))), "ID_LENGTH");
  EXPECT_EQ(OnlyCode(Check(CellValue::Text(id + "1"))), "ID_LENGTH");
  const auto out = Check(CellValue::Text(id.substr(0, 16)));
  EXPECT_NE(out.failures[0].message.find("当前是 16 位"), std::string::npos) << out.failures[0].message;
  ExpectNoFullId(out.failures, id);
}

TEST(IdCardTest, RejectsLettersPunctuationAndMisplacedX) {
  const std::string id = MakeId();
  EXPECT_EQ(OnlyCode(Check(CellValue::Text(id.substr(0, 10) + "O" + id.substr(11)))), "ID_CHARS");
  EXPECT_EQ(OnlyCode(Check(CellValue::Text("X" + id.substr(1)))), "ID_CHARS");
  EXPECT_EQ(OnlyCode(Check(CellValue::Text("无"))), "ID_CHARS");
  EXPECT_EQ(OnlyCode(Check(CellValue::Text(id.substr(0, 9) + "-" + id.substr(9)))), "ID_CHARS");
}

TEST(IdCardTest, RejectsAnUnknownProvinceCode) {
  std::string first17 = "99" + MakeId().substr(2, 15);
  const std::string id = first17 + test_support::ReferenceCheckDigit(first17);
  EXPECT_EQ(OnlyCode(Check(CellValue::Text(id))), "ID_REGION");
  for (const char* region : {"10", "16", "20", "38", "47", "55", "60", "66", "70", "72", "80", "83", "90"}) {
    std::string f = region + MakeId().substr(2, 15);
    EXPECT_EQ(OnlyCode(Check(CellValue::Text(f + test_support::ReferenceCheckDigit(f)))), "ID_REGION") << region;
  }
  for (int code : {11, 15, 21, 23, 31, 37, 41, 46, 50, 54, 61, 65, 71, 81, 82}) EXPECT_TRUE(IsProvinceCode(code));
}

TEST(IdCardTest, RejectsAnImpossibleOrFutureBirthDate) {
  for (const char* birth : {"20080230", "20081301", "20080001", "18991231", "20250602"}) {
    const auto out = Check(CellValue::Text(MakeId(birth)));
    EXPECT_EQ(OnlyCode(out), "ID_BIRTH_INVALID") << birth;
    EXPECT_NE(out.failures[0].message.find(birth), std::string::npos);
  }
  EXPECT_TRUE(Check(CellValue::Text(MakeId("20080229"))).value.has_value());  // a leap day
  EXPECT_TRUE(Check(CellValue::Text(MakeId("20250601"))).value.has_value());  // born today
}

TEST(IdCardTest, RejectsAnOld15DigitNumberAskingForThe18DigitOne) {
  const std::string old = "110105800101123";
  const auto text = Check(CellValue::Text(old));
  EXPECT_EQ(OnlyCode(text), "ID_OLD_15");
  EXPECT_NE(text.failures[0].message.find("18 位"), std::string::npos);
  // Fifteen digits fit in an Excel number exactly, so a numeric cell reads the same.
  EXPECT_EQ(OnlyCode(Check(CellValue::Number(old))), "ID_OLD_15");
}

TEST(IdCardTest, RejectsAnIdNumberInScientificNotation) {
  // Given a text cell holding what Excel displayed for an 18-digit number in a General column
  for (const char* shown : {"4.20106E+17", "4.20106200801011E+17", "1.10105E+17", "1.10105e17"}) {
    const auto out = Check(CellValue::Text(shown));
    // Then it is reported as Excel damage with instructions to use a text column
    EXPECT_EQ(OnlyCode(out), "ID_SCIENTIFIC") << shown;
    EXPECT_NE(out.failures[0].message.find("科学计数法"), std::string::npos);
    EXPECT_NE(out.failures[0].message.find("“文本”格式"), std::string::npos);
    ExpectNoFullId(out.failures, MakeId());
  }
  const auto out = Check(CellValue::Text("4.20106E+17"));
  EXPECT_NE(out.failures[0].message.find("（4.20106E+17）"), std::string::npos) << out.failures[0].message;
  // A long mantissa is shown with at most 6 digits readable.
  EXPECT_EQ(Check(CellValue::Text("4.20106200801011E+17")).failures[0].value, "4.20106*********E+17");
}

TEST(IdCardTest, RejectsANumericCellBecauseExcelKeptOnly15Digits) {
  const std::string id = MakeId();
  // Given the reader's numeric cell for an ID typed into a General column: only 15 significant digits survive
  for (const std::string& raw :
       {id.substr(0, 15) + "000", std::string("1.10105200801011E+17"), std::string("1.1010520080101101E+17")}) {
    const auto out = Check(CellValue::Number(raw));
    EXPECT_EQ(OnlyCode(out), "ID_PRECISION_LOST") << raw;
    EXPECT_NE(out.failures[0].message.find("15 位"), std::string::npos);
    EXPECT_EQ(out.failures[0].value, MaskIdCard(id.substr(0, 15) + "000"));
    ExpectNoFullId(out.failures, id);
  }
  // Even a number format that shows every digit cannot bring them back.
  EXPECT_EQ(OnlyCode(Check(CellValue::Number(id.substr(0, 15) + "000", "0"))), "ID_PRECISION_LOST");
}

TEST(IdCardTest, RejectsTextEndingIn000WhoseCheckFailsAsLostPrecision) {
  // Given a CSV export of a damaged sheet: text, 18 digits, last three 000, check digit wrong
  const std::string damaged = MakeId().substr(0, 15) + "000";
  ASSERT_NE(test_support::ReferenceCheckDigit(damaged.substr(0, 17)), '0');
  EXPECT_EQ(OnlyCode(Check(CellValue::Text(damaged))), "ID_PRECISION_LOST");
  // But a genuine number ending in 000 (sequence d00, check digit 0) is accepted.
  std::string genuine;
  for (int day = 10; day <= 28 && genuine.empty(); ++day) {
    for (char d = '0'; d <= '9' && genuine.empty(); ++d) {
      const std::string first17 = "110105200801" + std::to_string(day) + d + "00";
      if (test_support::ReferenceCheckDigit(first17) == '0') genuine = first17 + "0";
    }
  }
  ASSERT_FALSE(genuine.empty());
  EXPECT_TRUE(Check(CellValue::Text(genuine)).value.has_value());
}

TEST(IdCardTest, AppliesTheSharedCellRules) {
  EXPECT_EQ(OnlyCode(Check(CellValue{})), "REQUIRED_MISSING");
  EXPECT_EQ(OnlyCode(Check(CellValue::Text(" \u3000 "))), "REQUIRED_MISSING");
  EXPECT_EQ(OnlyCode(Check(CellValue::FormulaNoValue("=A2&B2"))), "FORMULA_NO_VALUE");
  EXPECT_EQ(OnlyCode(Check(CellValue::Error("#N/A"))), "CELL_ERROR");
  EXPECT_EQ(OnlyCode(Check(CellValue::Bool(true))), "ID_CHARS");
}

}  // namespace
}  // namespace archive::member
