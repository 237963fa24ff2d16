#include "common/member/normalize.hpp"

#include <gtest/gtest.h>

#include "common/member/cell.hpp"

namespace archive::member {
namespace {

TEST(CleanTextTest, TrimsUnicodeSpacesAndDropsInvisibleCharacters) {
  EXPECT_EQ(CleanText("  张三 "), "张三");
  EXPECT_EQ(CleanText("\u3000张三\u3000"), "张三");
  EXPECT_EQ(CleanText("\u00a0张\u200b三\ufeff\u2060"), "张三");
  EXPECT_EQ(CleanText("\n张三\t"), "张三");
  EXPECT_EQ(CleanText("张\u3000三"), "张 三");  // inner space kept (as one ASCII space), edges trimmed
  EXPECT_EQ(CleanText("张\n三"), "张\n三");     // an inner line break stays for the name rule to report
  EXPECT_EQ(CleanText("plain-ascii"), "plain-ascii");
  EXPECT_EQ(CleanText(""), "");
  EXPECT_EQ(CleanText(" \u3000\u200b "), "");
}

TEST(CleanTextTest, FoldsFullWidthAsciiUnlessAskedNotTo) {
  EXPECT_EQ(CleanText("１２３ＡＢｃ（１）"), "123ABc(1)");
  EXPECT_EQ(CleanText("１２３（１）", false), "１２３（１）");
  EXPECT_EQ(CleanCompact(" 1101 05\u3000２００８ "), "1101052008");
  EXPECT_EQ(FoldForMatch(" ＩＤ Card "), "idcard");
}

TEST(CleanTextTest, ReplacesInvalidUtf8InsteadOfPassingItOn) {
  EXPECT_EQ(CleanText("a\xff"
                      "b\xe5"),
            "a\uFFFDb\uFFFD");
  EXPECT_EQ(CleanText("\xc0\xaf"), "\uFFFD\uFFFD");            // an overlong '/'
  EXPECT_EQ(CleanText("\xed\xa0\x80"), "\uFFFD\uFFFD\uFFFD");  // a UTF-16 surrogate
}

TEST(CleanTextTest, CountsCodePoints) {
  EXPECT_EQ(CodePointCount("张三"), 2u);
  EXPECT_EQ(CodePointCount("ab"), 2u);
  EXPECT_EQ(CodePointCount("\U00020BB7"), 1u);
}

TEST(NumberOfTest, ParsesNumericCellsWithoutTheLocale) {
  EXPECT_EQ(NumberOf(CellValue::Number("45361")), 45361.0);
  EXPECT_EQ(NumberOf(CellValue::Number("4.2010620080101101E+17")), 4.2010620080101101E+17);
  EXPECT_EQ(NumberOf(CellValue::Number("2024.03")), 2024.03);
  EXPECT_FALSE(NumberOf(CellValue::Number("12abc")).has_value());
  EXPECT_FALSE(NumberOf(CellValue::Number("")).has_value());
  EXPECT_FALSE(NumberOf(CellValue::Number("nan")).has_value());
  EXPECT_FALSE(NumberOf(CellValue::Text("45361")).has_value());
}

}  // namespace
}  // namespace archive::member
