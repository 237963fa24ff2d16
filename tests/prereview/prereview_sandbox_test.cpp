#include <gtest/gtest.h>

#include <chrono>
#include <numeric>
#include <random>

#include "common/pdf/context.hpp"
#include "common/prereview/sandboxed.hpp"
#include "tests/pdf/raw_pdf.hpp"
#include "tools/formgen/corpus.hpp"

// The bad-input cases of issue 3: each is a classified finding within bounded time and memory, and the pool
// keeps serving afterwards.
namespace archive::prereview {
namespace {

using pdf::testing::DeflatedZeros;
using pdf::testing::OnePage;
using pdf::testing::OnePageWithImage;
using pdf::testing::RawPdf;

class PrereviewSandboxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pdf::Context context;
    auto generator = std::get<formgen::Generator>(formgen::Generator::Create(context, formgen::FontFiles{}));
    auto form = std::get<formgen::GeneratedForm>(generator.Generate(formgen::Case::kClean, 0, 7, 150));
    clean_ = new formgen::GeneratedForm(std::move(form));
    checker_ = new SandboxedChecker(PREREVIEW_SANDBOX, Config{});
  }
  static void TearDownTestSuite() {
    delete checker_;
    delete clean_;
  }
  static Expectations Clean() { return {clean_->label["number"], clean_->label["name"], std::nullopt}; }

  // Checks bytes and returns the codes found, asserting the 10-second bound.
  static Report Check(const std::string& bytes) {
    const auto start = std::chrono::steady_clock::now();
    Report r = checker_->Check(bytes, Clean());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(11));
    return r;
  }

  // And after every hostile file, the pool still pre-reviews a good one.
  void TearDown() override {
    const Report r = checker_->Check(clean_->bytes, Clean());
    EXPECT_EQ(r.verdict, Verdict::kPass) << ToJson(r).dump();
  }

  static SandboxedChecker* checker_;
  static formgen::GeneratedForm* clean_;
};

SandboxedChecker* PrereviewSandboxTest::checker_ = nullptr;
formgen::GeneratedForm* PrereviewSandboxTest::clean_ = nullptr;

std::string Nested(int depth) {
  return std::string(depth, '[') + "(x)" + std::string(depth, ']');
}

TEST_F(PrereviewSandboxTest, CallsZeroBytesNotAPdf) {
  EXPECT_TRUE(Check("").Has(Code::kNotPdf));
}

TEST_F(PrereviewSandboxTest, CallsRandomBytesNotAPdf) {
  std::mt19937 random(5);
  std::string bytes;
  for (int i = 0; i < 100000; ++i) bytes += static_cast<char>(random());
  EXPECT_TRUE(Check(bytes).Has(Code::kNotPdf));
}

TEST_F(PrereviewSandboxTest, CallsHtmlRenamedToPdfNotAPdf) {
  EXPECT_TRUE(Check("<!DOCTYPE html><html><body>入团志愿书</body></html>").Has(Code::kNotPdf));
}

TEST_F(PrereviewSandboxTest, CallsATruncatedFileCorruptOrRepaired) {
  const Report r = Check(clean_->bytes.substr(0, clean_->bytes.size() / 2));
  EXPECT_TRUE(r.Has(Code::kCorrupt) || r.Has(Code::kRepaired)) << ToJson(r).dump();
  EXPECT_NE(r.verdict, Verdict::kPass);
}

TEST_F(PrereviewSandboxTest, RepairsABrokenXref) {
  std::string bytes = OnePage();
  const auto at = bytes.rfind("startxref\n");
  bytes.replace(at + 10, bytes.find('\n', at + 10) - (at + 10), "999999");
  const Report r = Check(bytes);
  EXPECT_TRUE(r.Has(Code::kRepaired) || r.Has(Code::kCorrupt)) << ToJson(r).dump();
}

TEST_F(PrereviewSandboxTest, CountsTenThousandPagesWithoutRenderingThem) {
  RawPdf raw;
  const int catalog = raw.Reserve();
  const int pages = raw.Reserve();
  std::string kids;
  for (int i = 0; i < 10000; ++i) {
    kids += std::to_string(raw.Add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")) + " 0 R ";
  }
  raw.Set(pages, "<< /Type /Pages /Kids [" + kids + "] /Count 10000 >>");
  raw.Set(catalog, "<< /Type /Catalog /Pages 2 0 R >>");
  const Report r = Check(raw.Build(catalog));
  ASSERT_TRUE(r.Has(Code::kPageCount)) << ToJson(r).dump();
  EXPECT_EQ(r.page_count, 10000);
}

TEST_F(PrereviewSandboxTest, DefusesADecompressionBomb) {
  // Given 243 MB of pixels deflated into a quarter megabyte: MuPDF decodes it subsampled to the size it is
  // rendered at, within the context's memory budget, so it is a (black, one-page) form that fails, not a crash
  const Report r = Check(OnePageWithImage(
      "/Type /XObject /Subtype /Image /Width 9000 /Height 9000 /ColorSpace /DeviceRGB /BitsPerComponent 8 "
      "/Filter /FlateDecode",
      DeflatedZeros(std::size_t{9000} * 9000 * 3)));
  EXPECT_EQ(r.verdict, Verdict::kFail) << ToJson(r).dump();
  EXPECT_EQ(r.page_count, 1);
}

TEST_F(PrereviewSandboxTest, SurvivesDeeplyNestedObjects) {
  const Report r = Check(OnePage("/Deep " + Nested(100000)));
  EXPECT_NE(r.verdict, Verdict::kPass) << ToJson(r).dump();
  EXPECT_TRUE(r.IntegrityFailed() || r.Has(Code::kPageCount)) << ToJson(r).dump();
}

TEST_F(PrereviewSandboxTest, AChildThatCannotWorkIsOurFailureNotTheFiles) {
  // Given a pool whose program exits at once (an exec failure, a broken install), when a good form is checked,
  // then no finding is made against the member: the failure is thrown for the worker to retry and dead-letter.
  metrics::Registry registry;
  SandboxedChecker checker("/bin/false", Config{}, &registry);
  EXPECT_THROW(checker.Check(clean_->bytes, Clean()), SandboxFailure);
}

TEST_F(PrereviewSandboxTest, RefusesAGigapixelImage) {
  const Report r = Check(OnePageWithImage(
      "/Type /XObject /Subtype /Image /Width 40000 /Height 25000 /ColorSpace /DeviceGray /BitsPerComponent 8 "
      "/Filter /FlateDecode",
      DeflatedZeros(1000)));
  ASSERT_TRUE(r.Has(Code::kCorrupt)) << ToJson(r).dump();
}

TEST_F(PrereviewSandboxTest, GivesTimeoutWhenAFileTakesTooLongTwice) {
  // Given a pool whose children get 50 ms per file, when a real form needs more, twice, then TIMEOUT
  Config impatient;
  impatient.timeout = std::chrono::milliseconds(50);
  metrics::Registry registry;
  SandboxedChecker checker(PREREVIEW_SANDBOX, impatient, &registry);
  const Report r = checker.Check(clean_->bytes, Clean());
  ASSERT_TRUE(r.Has(Code::kTimeout)) << ToJson(r).dump();
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(ToJson(r)["findings"][0]["values"]["attempts"], 2) << "a loaded host gets a second chance";
  // and each failure is counted by its kind, beside each try's wall time
  auto failures = [&](const char* kind) {
    return registry.GetCounter("prereview_sandbox_failures_total", "", {{"kind", kind}}).Value();
  };
  EXPECT_EQ(failures("timeout"), 2);
  EXPECT_EQ(failures("crash"), 0);
  const auto buckets = registry.GetHistogram("prereview_check_seconds", "").BucketCounts();
  EXPECT_EQ(std::accumulate(buckets.begin(), buckets.end(), std::uint64_t{0}), 2u);
  EXPECT_NE(registry.Render().find("prereview_sandbox_failures_total{kind=\"memory\"} 0"), std::string::npos)
      << "every kind is there from the start, at 0";
}

TEST_F(PrereviewSandboxTest, RefusesAnOversizeFileWithoutAChild) {
  const Report r = Check(std::string((20 << 20) + 1, '%'));
  EXPECT_TRUE(r.Has(Code::kTooLarge));
}

}  // namespace
}  // namespace archive::prereview
