#include <gtest/gtest.h>

#include "common/prereview/checker.hpp"
#include "common/prereview/number.hpp"
#include "common/prereview/report.hpp"
#include "common/prereview/sandboxed.hpp"

namespace archive::prereview {
namespace {

TEST(ExtractNumber, TakesTheTwelveDigitsAfterTheLabelReadAsDigits) {
  EXPECT_EQ(ExtractNumber("71202433300607"), "202433300607");
  EXPECT_EQ(ExtractNumber("202433300607"), "202433300607");
  EXPECT_EQ(ExtractNumber("4 202433300607"), "202433300607");
  EXPECT_EQ(ExtractNumber("20243330060"), std::nullopt);
  EXPECT_EQ(ExtractNumber("902316674892"), std::nullopt);  // not a year: a misread, never a mismatch
  EXPECT_EQ(ExtractNumber(""), std::nullopt);
}

TEST(DiagnoseNumber, TellsSwappedDigitsFromOneDigitOff) {
  EXPECT_EQ(DiagnoseNumber("202433300607", "202433300067", std::nullopt).cause, "swapped_digits");
  EXPECT_EQ(DiagnoseNumber("202433300607", "202433300617", std::nullopt).cause, "one_digit_off");
  EXPECT_EQ(DiagnoseNumber("202433300607", "202411111111", std::nullopt).cause, "different");
}

TEST(DiagnoseNumber, SaysWhichSideHasTheWrongYear) {
  // Given a member admitted in 2024
  // When the record says 2023 and the PDF 2024, then the record is the one to correct
  const NumberDiagnosis record_wrong = DiagnoseNumber("202433300607", "202333300607", 2024);
  EXPECT_EQ(record_wrong.cause, "wrong_year");
  EXPECT_NE(record_wrong.text.find("请更正系统中的编号"), std::string::npos) << record_wrong.text;
  // When the PDF says 2023 and the record 2024, then the PDF is the one to check
  const NumberDiagnosis pdf_wrong = DiagnoseNumber("202333300607", "202433300607", 2024);
  EXPECT_EQ(pdf_wrong.cause, "wrong_year");
  EXPECT_NE(pdf_wrong.text.find("请核对档案"), std::string::npos) << pdf_wrong.text;
}

TEST(Report, FailsOnAFailFindingAndWarnsOnAWarning) {
  Report r;
  EXPECT_EQ(r.verdict, Verdict::kPass);
  r.Add(Code::kBlurryPage, 3, "x");
  EXPECT_EQ(r.verdict, Verdict::kWarn);
  r.Add(Code::kSealMissing, 8, "y");
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_FALSE(r.IntegrityFailed());
  r.Add(Code::kCorrupt, std::nullopt, "z");
  EXPECT_TRUE(r.IntegrityFailed());
}

TEST(Report, CrossesTheSandboxWireWithItsEvidence) {
  Report r;
  r.page_count = 8;
  r.number_read = "202433300607";
  r.page1_hash = 0xfedcba9876543210ULL;
  r.Add(Code::kNumberMismatch, 1, "编号不一致", {{"read", "202433300607"}}).evidence = Evidence{"n.png", "PNGBYTES"};
  r.Add(Code::kPageCount, std::nullopt, "页数", {{"actual", 7}});
  const auto back = DecodeReply(EncodeReply(r));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->verdict, Verdict::kFail);
  EXPECT_EQ(back->page1_hash, r.page1_hash);
  ASSERT_EQ(back->findings.size(), 2u);
  EXPECT_EQ(back->findings[0].message, "编号不一致");
  ASSERT_TRUE(back->findings[0].evidence.has_value());
  EXPECT_EQ(back->findings[0].evidence->png, "PNGBYTES");
  EXPECT_EQ(back->findings[1].values["actual"], 7);
  EXPECT_FALSE(DecodeReply("garbage").has_value());
}

TEST(Config, RefusesAnUnknownKeyAndRoundTripsThroughJson) {
  config::Section typo(nlohmann::json{{"min_dip", 100}}, "prereview");
  EXPECT_THROW(Config::From(typo), config::Error);
  Config c;
  c.min_dpi = 120;
  c.number_box.x = 300;
  c.name_confirmed_min_confidence = 50;
  c.glyph_fonts = {c.glyph_fonts.front()};
  c.glyph_max_absent = 0.2;
  config::Section again(ConfigJson(c), "prereview");
  const Config back = Config::From(again);
  EXPECT_EQ(back.min_dpi, 120);
  EXPECT_EQ(back.number_box.x, 300);
  EXPECT_EQ(back.name_confirmed_min_confidence, 50);
  EXPECT_EQ(back.glyph_fonts, c.glyph_fonts);
  EXPECT_EQ(back.glyph_max_absent, 0.2);
}

TEST(Config, TheFilesSizeLimitIsThePolicysAndHasNoSecondKey) {
  config::Section file(nlohmann::json{{"min_dpi", 120}}, "prereview");
  const Config c = Config::FromFile(file, 8L << 20);
  EXPECT_EQ(c.max_bytes, 8L << 20);
  EXPECT_EQ(c.min_dpi, 120);
  config::Section second_key(nlohmann::json{{"max_bytes", 1000}}, "prereview");
  EXPECT_THROW(Config::FromFile(second_key, 8L << 20), config::Error);
}

TEST(TooLarge, ReportsTheSizeWithoutOpeningTheFile) {
  const Report r = TooLarge(33 << 20, 20 << 20);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, Code::kTooLarge);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.findings[0].message.find("33.0MB"), std::string::npos) << r.findings[0].message;
}

}  // namespace
}  // namespace archive::prereview
