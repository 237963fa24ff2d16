#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <tuple>

#include "common/image/image.hpp"
#include "common/pdf/context.hpp"
#include "common/prereview/checker.hpp"
#include "tools/bench/prereview_score.hpp"
#include "tools/formgen/corpus.hpp"

// Every finding shown on formgen's labelled forms, and the accuracy goals of issue 3, in one pass over two
// forms of every case at 200 dpi (the checks run in this process; the sandbox has its own test).
namespace archive::prereview {
namespace {

// Tesseract's OpenMP threads would oversubscribe the cores (common/ocr/ocr.hpp): set before any engine starts.
const int kOneOcrThread = ::setenv("OMP_THREAD_LIMIT", "1", 1);

// One formgen form at 200 dpi (each call loads the generator's fonts: for tests that need a few forms).
formgen::GeneratedForm Form(formgen::Case c, int n, std::uint64_t seed) {
  pdf::Context context;
  auto generator = std::get<formgen::Generator>(formgen::Generator::Create(context, formgen::FontFiles{}));
  return std::get<formgen::GeneratedForm>(generator.Generate(c, n, seed, 200));
}

struct Checked {
  nlohmann::json label;
  Report report;
};

class PrereviewCorpusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pdf::Context context;
    auto generator = std::get<formgen::Generator>(formgen::Generator::Create(context, formgen::FontFiles{}));
    Checker checker{Config{}};
    results_ = new std::vector<Checked>();
    tally_ = new score::Tally();
    for (const formgen::Case c : formgen::AllCases()) {
      for (int n = 0; n < 3; ++n) {
        auto form = std::get<formgen::GeneratedForm>(generator.Generate(c, n, 20261127, 200));
        Report report = checker.Check(form.bytes, score::ExpectationsOf(form.label));
        score::Add(*tally_, form.label, report);
        results_->push_back({form.label, std::move(report)});
      }
    }
    score::Print(*tally_, std::cout);
    for (const auto& p : tally_->problems) std::cout << p << "\n";
  }
  static void TearDownTestSuite() {
    delete results_;
    delete tally_;
  }
  static std::vector<const Checked*> OfCase(std::string_view c) {
    std::vector<const Checked*> out;
    for (const auto& r : *results_) {
      if (r.label["case"] == c) out.push_back(&r);
    }
    return out;
  }
  static const Finding* Find(const Report& r, Code code) {
    for (const auto& f : r.findings) {
      if (f.code == code) return &f;
    }
    return nullptr;
  }

  static std::vector<Checked>* results_;
  static score::Tally* tally_;
};

std::vector<Checked>* PrereviewCorpusTest::results_ = nullptr;
score::Tally* PrereviewCorpusTest::tally_ = nullptr;

TEST_F(PrereviewCorpusTest, FindsEveryPlantedDefect) {
  for (const auto& [code, counts] : tally_->by_code) {
    EXPECT_EQ(counts.fn, 0) << code;
  }
  for (const char* c : {"encrypted", "javascript", "oversize", "not_pdf", "blank_page", "missing_page", "rotated_page",
                        "grayscale", "seal_missing", "low_resolution", "number_mismatch", "blurry"}) {
    for (const Checked* r : OfCase(c)) EXPECT_NE(r->report.verdict, Verdict::kPass) << r->label["file"];
  }
}

TEST_F(PrereviewCorpusTest, NeverFailsACleanOrNoisyScan) {
  EXPECT_EQ(tally_->clean_failures, 0);
  for (const char* c : {"clean", "noisy", "skewed", "vector", "phone_photo"}) {
    for (const Checked* r : OfCase(c)) {
      EXPECT_NE(r->report.verdict, Verdict::kFail) << r->label["file"] << " " << ToJson(r->report).dump();
      EXPECT_FALSE(r->report.Has(Code::kNumberMismatch)) << r->label["file"];
    }
  }
}

TEST_F(PrereviewCorpusTest, NeverTakesTheRecordsOwnNameForAnother) {
  for (const auto& r : *results_) {
    if (r.label["name"] != r.label["record_name"]) continue;
    EXPECT_FALSE(r.report.Has(Code::kNameMismatch)) << r.label["file"] << " " << ToJson(r.report).dump();
  }
}

TEST(PrereviewNames, FindsTheNameOfAnotherPersonReadWithLowConfidence) {
  // Given three different_person forms of seed 5 whose names are read right but below name_min_confidence
  // (52 to 57), as handwriting often is
  Checker checker{Config{}};
  for (const int n : {1, 3, 9}) {
    auto form = Form(formgen::Case::kNameMismatch, n, 5);
    ASSERT_EQ(form.label["variant"], "different_person");
    // When they are checked against the record's (other) name
    const Report report = checker.Check(form.bytes, score::ExpectationsOf(form.label));
    // Then the second read, allowed only the record's characters, finds none of them: a mismatch
    const Finding* f = nullptr;
    for (const auto& finding : report.findings) f = finding.code == Code::kNameMismatch ? &finding : f;
    ASSERT_NE(f, nullptr) << form.label.dump() << " " << ToJson(report).dump();
    EXPECT_LT(f->values["confidence"].get<int>(), Config{}.name_min_confidence) << form.label["file"];
    EXPECT_EQ(f->values["read"], form.label["name"]);
    EXPECT_EQ(f->values["expected"], form.label["record_name"]);
  }
}

TEST(PrereviewNames, FindsANameOneCharacterOffByTheInkOfThatCharacter) {
  // Given forms whose name differs from the record's in one character (formgen's one_character_off): one read
  // right (石婷宇 for the record's 石婷铭), two with that character misread too (何晨煜 read 何晨等, 谭宇 read 谭莉)
  Checker checker{Config{}};
  Config no_glyphs;
  no_glyphs.glyph_fonts.clear();
  Checker without_glyphs{no_glyphs};
  struct Expected {
    int n;
    std::uint64_t seed;
    int position;
    bool read_is_written;
  };
  for (const Expected& e :
       {Expected{0, 5, 3, true}, Expected{0, 20261127, 3, false}, Expected{2, 20261127, 2, false}}) {
    auto form = Form(formgen::Case::kNameMismatch, e.n, e.seed);
    ASSERT_EQ(form.label["variant"], "one_character_off") << form.label.dump();
    // When they are checked against the record
    const Report report = checker.Check(form.bytes, score::ExpectationsOf(form.label));
    // Then NAME_MISMATCH names the character that differs, with the glyph scores behind it
    const Finding* f = nullptr;
    for (const auto& finding : report.findings) f = finding.code == Code::kNameMismatch ? &finding : f;
    ASSERT_NE(f, nullptr) << form.label.dump() << " " << ToJson(report).dump();
    const nlohmann::json& character = f->values["character"];
    EXPECT_EQ(character["position"], e.position) << f->values.dump();
    EXPECT_EQ(character["read_is_written"], e.read_is_written) << f->values.dump();
    EXPECT_EQ(character["record_correlation"].size(), 2u);
    EXPECT_NE(f->message.find("第" + std::to_string(e.position) + "个字"), std::string::npos) << f->message;
    // and without the glyph fonts the one character is not evidence
    EXPECT_FALSE(without_glyphs.Check(form.bytes, score::ExpectationsOf(form.label)).Has(Code::kNameMismatch));
  }
}

TEST(PrereviewNames, FindsAnotherPersonsNameOfAnotherLengthWhenEachReadCharacterIsInTheInk) {
  // Given another person's form whose name has three characters where the record's has two (黄阳清 for 黄佳),
  // read right; the second read, allowed only 黄 and 佳, keeps both (佳 where 阳 is), so it decides nothing
  auto form = Form(formgen::Case::kNameMismatch, 13, 7);
  ASSERT_EQ(form.label["record_name"], "黄佳");
  // When it is checked
  const Report report = Checker{Config{}}.Check(form.bytes, score::ExpectationsOf(form.label));
  // Then every read character was found in its ink, and the finding says how many were written
  const Finding* f = nullptr;
  for (const auto& finding : report.findings) f = finding.code == Code::kNameMismatch ? &finding : f;
  ASSERT_NE(f, nullptr) << ToJson(report).dump();
  EXPECT_EQ(f->values["read"], form.label["name"]);
  ASSERT_EQ(f->values["read_correlation"].size(), 3u);
  for (const auto& c : f->values["read_correlation"]) EXPECT_GE(c.get<double>(), Config{}.glyph_min_correlation);
  EXPECT_NE(f->message.find("写的是3个字"), std::string::npos) << f->message;
}

TEST(PrereviewNames, TakesTheNameOfAVectorFormFromItsTextLayer) {
  // Given a digitally made form (seed 8888 vector-0) whose typed name 梁晗 OCR reads as 染输 at 70, which the
  // second read confirmed as a mismatch
  auto form = Form(formgen::Case::kVector, 0, 8888);
  ASSERT_EQ(form.label["record_name"], "梁晗");
  // When it is checked, then the record's name in the text layer is taken and the box is not OCR'd
  const Report report = Checker{Config{}}.Check(form.bytes, score::ExpectationsOf(form.label));
  EXPECT_FALSE(report.Has(Code::kNameMismatch)) << ToJson(report).dump();
  EXPECT_FALSE(report.name_read.has_value());
  // and a record naming someone else is still read from the ink
  auto expected = score::ExpectationsOf(form.label);
  expected.name = "郭磊欣";
  EXPECT_TRUE(Checker{Config{}}.Check(form.bytes, expected).name_read.has_value());
}

TEST(PrereviewNumbers, TakesNoSingleMisreadDigitForAMismatch) {
  // Given two forms whose number's first confident read has one digit wrong (seed 2026 seal_missing-6: a 5 read
  // as 9 at confidence 95; seed 7 rotated_page-7: a 2 read as 7 at 81)
  Checker checker{Config{}};
  for (const auto& [c, n, seed] :
       {std::tuple{formgen::Case::kSealMissing, 6, 2026}, std::tuple{formgen::Case::kRotatedPage, 7, 7}}) {
    auto form = Form(c, n, seed);
    // When they are checked against their own record
    const Report report = checker.Check(form.bytes, score::ExpectationsOf(form.label));
    // Then another region's read that equals the record wins: no NUMBER_MISMATCH, the number read exactly
    EXPECT_FALSE(report.Has(Code::kNumberMismatch)) << form.label["file"] << " " << ToJson(report).dump();
    EXPECT_EQ(report.number_read, form.label["number"].get<std::string>()) << form.label["file"];
  }
}

TEST_F(PrereviewCorpusTest, ReadsThePageOneNumberExactly) {
  ASSERT_GT(tally_->readable_numbers, 30);
  // Issue 3: exact reads on at least 99% of readable page-1 scans.
  EXPECT_GE(tally_->exact_numbers * 100, tally_->readable_numbers * 99);
}

TEST_F(PrereviewCorpusTest, DiagnosesEachKindOfNumberMismatch) {
  const std::map<std::string, std::string> cause{
      {"one_digit_off", "one_digit_off"}, {"two_digits_swapped", "swapped_digits"}, {"wrong_year", "wrong_year"}};
  for (const Checked* r : OfCase("number_mismatch")) {
    const Finding* f = Find(r->report, Code::kNumberMismatch);
    ASSERT_NE(f, nullptr) << r->label["file"];
    EXPECT_EQ(f->page, 1);
    EXPECT_EQ(f->values["read"], r->label["number"]);
    EXPECT_EQ(f->values["expected"], r->label["record_number"]);
    EXPECT_EQ(f->values["cause"], cause.at(r->label["variant"].get<std::string>())) << r->label["file"];
    ASSERT_TRUE(f->evidence.has_value());
    EXPECT_EQ(f->evidence->png.substr(1, 3), "PNG");
  }
}

TEST_F(PrereviewCorpusTest, TellsAGrayscaleScanFromAMissingSeal) {
  for (const Checked* r : OfCase("grayscale")) {
    const Finding* f = Find(r->report, Code::kSealMissing);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->values["hint"], "grayscale");
    EXPECT_NE(f->message.find("彩色"), std::string::npos);
  }
  for (const Checked* r : OfCase("seal_missing")) {
    const Finding* f = Find(r->report, Code::kSealMissing);
    ASSERT_NE(f, nullptr);
    EXPECT_FALSE(f->values.contains("hint"));
  }
}

TEST_F(PrereviewCorpusTest, ShowsTheRotationAndThePageOfEachTurnedPage) {
  for (const Checked* r : OfCase("rotated_page")) {
    for (const auto& want : r->label["findings"]) {
      bool found = false;
      for (const auto& f : r->report.findings) {
        found |= f.code == Code::kOrientation && f.page == want["page"] && f.values["rotation"] == want["rotation"];
      }
      EXPECT_TRUE(found) << r->label["file"] << " " << want.dump();
    }
  }
}

TEST_F(PrereviewCorpusTest, FindsATurnedCoverAndReadsItsNumberAndName) {
  const auto covers = OfCase("rotated_cover");
  ASSERT_GE(covers.size(), 2u);
  for (const Checked* r : covers) {
    // Given page 1 upside down (even n) or sideways (odd n)
    const auto& want = r->label["findings"][0];
    // Then ORIENTATION names page 1 and the turn
    const Finding* f = Find(r->report, Code::kOrientation);
    ASSERT_NE(f, nullptr) << r->label["file"];
    EXPECT_EQ(f->page, 1);
    EXPECT_EQ(f->values["rotation"], want["rotation"]) << r->label["file"];
    ASSERT_TRUE(f->evidence.has_value());
    // And the number is read from the turned page, so it is not called unreadable
    EXPECT_EQ(r->report.number_read, r->label["number"].get<std::string>()) << r->label["file"];
    EXPECT_FALSE(r->report.Has(Code::kNumberUnreadable)) << r->label["file"];
  }
  // And no upright page 1 is taken for a turned one
  for (const char* c : {"clean", "noisy", "skewed", "phone_photo", "vector", "rescan"}) {
    for (const Checked* r : OfCase(c)) {
      for (const auto& f : r->report.findings) EXPECT_NE(f.code, Code::kOrientation) << r->label["file"];
    }
  }
}

TEST_F(PrereviewCorpusTest, IntegrityFailuresStopTheOtherChecks) {
  for (const char* c : {"encrypted", "javascript", "oversize", "not_pdf"}) {
    for (const Checked* r : OfCase(c)) {
      EXPECT_TRUE(r->report.IntegrityFailed()) << r->label["file"];
      EXPECT_EQ(r->report.findings.size(), 1u) << ToJson(r->report).dump();
    }
  }
}

TEST_F(PrereviewCorpusTest, GivesTheSameDuplicateHashForTheSameScan) {
  const auto clean = OfCase("clean");
  const auto duplicate = OfCase("duplicate");
  ASSERT_EQ(clean.size(), duplicate.size());
  for (std::size_t i = 0; i < clean.size(); ++i) {
    ASSERT_TRUE(clean[i]->report.page1_hash.has_value());
    EXPECT_EQ(clean[i]->report.page1_hash, duplicate[i]->report.page1_hash);
  }
}

TEST_F(PrereviewCorpusTest, KeepsARescanNearItsSheetAndOtherMembersFormsFarApart) {
  // Given each clean scan, its rescan (other noise, turned under a degree), and every other member's scan
  const auto clean = OfCase("clean");
  const auto rescan = OfCase("rescan");
  ASSERT_EQ(clean.size(), rescan.size());
  std::vector<int> others;
  for (const auto& r : *results_) {
    for (const auto& o : *results_) {
      // A duplicate and a rescan are made from their clean form's seed: the same sheet.
      if (r.label["seed"] == o.label["seed"] || !r.report.page1_hash || !o.report.page1_hash) continue;
      others.push_back(image::HammingDistance(*r.report.page1_hash, *o.report.page1_hash));
    }
  }
  ASSERT_FALSE(others.empty());
  std::nth_element(others.begin(), others.begin() + others.size() / 2, others.end());
  const int median_other = others[others.size() / 2];
  // Then different members' forms differ in many bits (the worker also wants the same number on page 1)
  EXPECT_GE(median_other, 12);
  // And each rescan is within a few bits of its sheet
  for (std::size_t i = 0; i < clean.size(); ++i) {
    ASSERT_TRUE(rescan[i]->report.page1_hash.has_value()) << rescan[i]->label["file"];
    EXPECT_LE(image::HammingDistance(*clean[i]->report.page1_hash, *rescan[i]->report.page1_hash), 5)
        << rescan[i]->label["file"];
  }
}

}  // namespace
}  // namespace archive::prereview
