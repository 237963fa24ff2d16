#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/base/crypto.hpp"
#include "common/pdf/document.hpp"
#include "tools/formgen/corpus.hpp"

namespace archive::formgen {
namespace {

namespace fs = std::filesystem;
using pdf::Document;
using pdf::ErrorCode;

// Small scans keep the suite quick; the checks below do not depend on the resolution.
constexpr int kDpi = 100;
constexpr std::uint64_t kSeed = 20240501;

template <typename T>
T Ok(std::variant<T, pdf::Error> result) {
  if (const auto* error = std::get_if<pdf::Error>(&result)) {
    ADD_FAILURE() << "unexpected " << pdf::CodeName(error->code) << ": " << error->detail;
    return T{};
  }
  return std::move(std::get<T>(result));
}

// One generator (fonts loaded once) and a cache of generated forms for the whole suite.
class FormgenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    context_ = new pdf::Context();
    auto created = Generator::Create(*context_, FontFiles{});
    ASSERT_TRUE(std::holds_alternative<Generator>(created)) << std::get<pdf::Error>(created).detail;
    generator_ = new Generator(std::move(std::get<Generator>(created)));
    forms_ = new std::map<std::pair<Case, int>, GeneratedForm>();
  }
  static void TearDownTestSuite() {
    delete forms_;
    delete generator_;
    delete context_;
  }

  static const GeneratedForm& Form(Case c, int n = 0) {
    auto [it, added] = forms_->try_emplace({c, n});
    if (added) it->second = Ok(generator_->Generate(c, n, kSeed, kDpi));
    return it->second;
  }
  static Document Open(const GeneratedForm& form) {
    auto opened = Document::Open(*context_, form.bytes);
    if (auto* error = std::get_if<pdf::Error>(&opened)) {
      throw std::runtime_error(form.file + ": " + error->detail);
    }
    return std::move(std::get<Document>(opened));
  }
  static std::vector<std::string> Codes(const GeneratedForm& form) {
    std::vector<std::string> codes;
    for (const auto& f : form.label["findings"]) codes.push_back(f["code"]);
    return codes;
  }
  // Share of pixels in a page region that are clearly red (the seal's ink).
  static double RedShare(Document& document, int page, const nlohmann::json& box) {
    const pdf::Raster r = Ok(document.Render(
        page,
        {.dpi = 50, .color = pdf::ColorMode::kRgb, .region = pdf::Region{box["x"], box["y"], box["w"], box["h"]}}));
    int red = 0;
    for (std::size_t i = 0; i + 2 < r.pixels.size(); i += 3) {
      red += r.pixels[i] > 150 && r.pixels[i + 1] < 110 && r.pixels[i + 2] < 110;
    }
    return r.pixels.empty() ? 0 : red * 3.0 / r.pixels.size();
  }
  // Mean absolute horizontal difference: high for crisp writing, low for a blurred or empty page.
  static double Sharpness(Document& document, int page) {
    const pdf::Raster r = Ok(document.Render(page, {.dpi = 100, .color = pdf::ColorMode::kGray}));
    double sum = 0;
    for (int y = 0; y < r.height; ++y) {
      for (int x = 1; x < r.width; ++x) sum += std::abs(r.row(y)[x] - r.row(y)[x - 1]);
    }
    return sum / (static_cast<double>(r.width) * r.height);
  }
  static double Mean(Document& document, int page) {
    const pdf::Raster r = Ok(document.Render(page, {.dpi = 30, .color = pdf::ColorMode::kGray}));
    double sum = 0;
    for (auto p : r.pixels) sum += p;
    return sum / r.pixels.size();
  }

  static pdf::Context* context_;
  static Generator* generator_;
  static std::map<std::pair<Case, int>, GeneratedForm>* forms_;
};

pdf::Context* FormgenTest::context_ = nullptr;
Generator* FormgenTest::generator_ = nullptr;
std::map<std::pair<Case, int>, GeneratedForm>* FormgenTest::forms_ = nullptr;

TEST_F(FormgenTest, EveryCaseOpensTheWayItsLabelSays) {
  for (Case c : AllCases()) {
    const GeneratedForm& form = Form(c);
    const nlohmann::json& label = form.label;
    SCOPED_TRACE(form.file);
    EXPECT_EQ(label["file"], form.file);
    EXPECT_EQ(label["case"], CaseName(c));
    EXPECT_EQ(label["size"], form.bytes.size());
    EXPECT_EQ(label["sha256"], Sha256Hex(form.bytes));
    auto opened = Document::Open(*context_, form.bytes);
    switch (c) {
      case Case::kNotPdf:
        ASSERT_TRUE(std::holds_alternative<pdf::Error>(opened));
        EXPECT_EQ(std::get<pdf::Error>(opened).code, ErrorCode::kNotPdf);
        continue;
      case Case::kEncrypted:  // n = 0 has a user password
        ASSERT_TRUE(std::holds_alternative<pdf::Error>(opened));
        EXPECT_EQ(std::get<pdf::Error>(opened).code, ErrorCode::kEncrypted);
        continue;
      case Case::kTruncated:
        if (const auto* error = std::get_if<pdf::Error>(&opened)) {
          EXPECT_EQ(error->code, ErrorCode::kCorrupt);
        } else {
          EXPECT_TRUE(std::get<Document>(opened).repaired());
        }
        continue;
      default:
        break;
    }
    ASSERT_TRUE(std::holds_alternative<Document>(opened)) << std::get<pdf::Error>(opened).detail;
    Document& document = std::get<Document>(opened);
    EXPECT_EQ(document.page_count(), label["pages"]);
    EXPECT_FALSE(document.repaired());
    EXPECT_FALSE(document.encrypted());
    const pdf::ActiveContent active = Ok(document.ScanActiveContent());
    EXPECT_EQ(active.javascript, c == Case::kJavaScript);
    EXPECT_EQ(active.open_action, c == Case::kJavaScript);
    EXPECT_EQ(active.Any(), c == Case::kJavaScript);
    for (int page = 0; page < document.page_count(); ++page) {
      const pdf::PageInfo info = Ok(document.Page(page));
      if (c == Case::kVector) {
        EXPECT_EQ(info.image_count, 0);
        continue;
      }
      ASSERT_TRUE(info.largest_image.has_value()) << "page " << page + 1;
      EXPECT_NEAR(info.largest_image->dpi(), label["dpi"].get<double>(), 0.5) << "page " << page + 1;
      EXPECT_NEAR(info.largest_image->page_coverage, 1.0, 0.001);
    }
  }
}

TEST_F(FormgenTest, TheOwnerPasswordOnlyVariantOpensButIsEncrypted) {
  const GeneratedForm& form = Form(Case::kEncrypted, 1);
  EXPECT_EQ(form.label["variant"], "owner_password_only");
  Document document = Open(form);
  EXPECT_TRUE(document.encrypted());
  EXPECT_EQ(Codes(form), std::vector<std::string>{"ENCRYPTED"});
}

TEST_F(FormgenTest, TheOversizeCaseIsOverTwentyMegabytes) {
  const GeneratedForm& form = Form(Case::kOversize);
  EXPECT_GT(form.bytes.size(), std::size_t{20} << 20);
  EXPECT_EQ(Codes(form), std::vector<std::string>{"TOO_LARGE"});
}

TEST_F(FormgenTest, LowResolutionIsScannedAt72Dpi) {
  const GeneratedForm& form = Form(Case::kLowResolution);
  EXPECT_EQ(form.label["dpi"], 72);
  EXPECT_EQ(Codes(form).size(), 8u);
  Document document = Open(form);
  EXPECT_NEAR(Ok(document.Page(4)).largest_image->dpi(), 72, 0.5);
}

TEST_F(FormgenTest, TheRotatedPagesAreWhereTheLabelSays) {
  const GeneratedForm& form = Form(Case::kRotatedPage);
  Document document = Open(form);
  // Ink in a 60 pt strip at the top or bottom of a page: pages 2-8 print their number "— n —" at the bottom.
  const auto ink = [&](int page, bool top) {
    const pdf::PageInfo info = Ok(document.Page(page));
    const pdf::Raster r = Ok(document.Render(
        page, {.dpi = 100, .region = pdf::Region{0, top ? 0.0 : info.height_pt - 60, info.width_pt, 60}}));
    return std::count_if(r.pixels.begin(), r.pixels.end(), [](std::uint8_t p) { return p < 160; });
  };
  std::set<int> rotated;
  for (const auto& finding : form.label["findings"]) {
    ASSERT_EQ(finding["code"], "ORIENTATION");
    const int page = finding["page"].get<int>() - 1;
    rotated.insert(page);
    const pdf::PageInfo info = Ok(document.Page(page));
    if (finding["rotation"] == 90) {
      EXPECT_GT(info.width_pt, info.height_pt);  // sideways: landscape
    } else {
      ASSERT_EQ(finding["rotation"], 180);
      EXPECT_LT(info.width_pt, info.height_pt);  // upside down: still portrait, the page number on top
      EXPECT_GT(ink(page, true), 0);
      EXPECT_EQ(ink(page, false), 0);
    }
  }
  ASSERT_EQ(rotated.size(), 2u);
  for (int page = 1; page < document.page_count(); ++page) {
    if (rotated.count(page) != 0) continue;
    EXPECT_EQ(ink(page, true), 0) << page;
    EXPECT_GT(ink(page, false), 0) << page;
  }
}

TEST_F(FormgenTest, TheSealIsRedOnlyWhereItShouldBe) {
  const auto red = [&](Case c) {
    const GeneratedForm& form = Form(c);
    Document document = Open(form);
    return RedShare(document, 7, form.label["seal_box_pt"]);
  };
  EXPECT_GT(red(Case::kClean), 0.05);
  EXPECT_GT(red(Case::kVector), 0.05);
  EXPECT_EQ(red(Case::kGrayscale), 0.0);
  EXPECT_LT(red(Case::kSealMissing), 0.002);
  EXPECT_EQ(Form(Case::kGrayscale).label["findings"][0]["hint"], "grayscale");
  EXPECT_EQ(Form(Case::kGrayscale).label["color"], "gray");
}

TEST_F(FormgenTest, TheBlankPageIsTheOnlyEmptyOne) {
  const GeneratedForm& form = Form(Case::kBlankPage);
  Document document = Open(form);
  const int blank = form.label["findings"][0]["page"].get<int>() - 1;
  double least_of_the_rest = 1e9;
  for (int page = 0; page < document.page_count(); ++page) {
    if (page != blank) least_of_the_rest = std::min(least_of_the_rest, Sharpness(document, page));
  }
  EXPECT_LT(Sharpness(document, blank) * 3, least_of_the_rest);
  EXPECT_GT(Mean(document, blank), 240);
}

TEST_F(FormgenTest, TheBlurredPagesAreMuchLessSharpThanTheRest) {
  for (int n : {0, 1}) {
    const GeneratedForm& form = Form(Case::kBlurry, n);
    Document document = Open(form);
    std::set<int> blurred;
    bool number_unreadable = false;
    for (const auto& f : form.label["findings"]) {
      if (f["code"] == "BLURRY_PAGE") blurred.insert(f["page"].get<int>() - 1);
      if (f["code"] == "NUMBER_UNREADABLE") number_unreadable = true;
    }
    ASSERT_FALSE(blurred.empty());
    EXPECT_EQ(number_unreadable, blurred.count(0) == 1);
    EXPECT_EQ(n == 0, blurred.count(0) == 1);  // every third form blurs page 1
    double crisp = 1e9, soft = 0;
    for (int page = 0; page < document.page_count(); ++page) {
      const double s = Sharpness(document, page);
      if (blurred.count(page) != 0) {
        soft = std::max(soft, s);
      } else {
        crisp = std::min(crisp, s);
      }
    }
    EXPECT_LT(soft * 3, crisp) << form.file;
  }
}

TEST_F(FormgenTest, TheMissingPageFormHasSevenPages) {
  const GeneratedForm& form = Form(Case::kMissingPage);
  EXPECT_EQ(Open(form).page_count(), 7);
  EXPECT_EQ(form.label["findings"][0]["code"], "PAGE_COUNT");
  EXPECT_EQ(form.label["findings"][0]["actual"], 7);
}

TEST_F(FormgenTest, TheVectorFormHasTheNumberAndNameInItsTextLayer) {
  const GeneratedForm& form = Form(Case::kVector);
  Document document = Open(form);
  const std::string page1 = Ok(document.Text(0));
  EXPECT_NE(page1.find("编号：" + form.label["number"].get<std::string>()), std::string::npos) << page1;
  EXPECT_NE(page1.find(form.label["name"].get<std::string>()), std::string::npos) << page1;
  EXPECT_NE(page1.find(form.label["branch"].get<std::string>()), std::string::npos) << page1;
  EXPECT_EQ(form.label["kind"], "vector");
  EXPECT_TRUE(form.label["dpi"].is_null());
}

TEST_F(FormgenTest, TheNumberIsTwelveDigitsStartingWithTheAdmissionYear) {
  for (Case c : {Case::kClean, Case::kNoisy, Case::kVector}) {
    const std::string number = Form(c).label["number"];
    ASSERT_EQ(number.size(), 12u);
    EXPECT_EQ(number.find_first_not_of("0123456789"), std::string::npos);
    const int year = std::stoi(number.substr(0, 4));
    EXPECT_GE(year, 2020);
    EXPECT_LE(year, 2025);
  }
}

TEST_F(FormgenTest, RecordNumbersDifferTheWayTheVariantSays) {
  for (int n : {0, 1, 2}) {
    const nlohmann::json& label = Form(Case::kNumberMismatch, n).label;
    const std::string printed = label["number"], record = label["record_number"];
    ASSERT_EQ(record.size(), 12u);
    std::vector<int> differ;
    for (int i = 0; i < 12; ++i) {
      if (printed[i] != record[i]) differ.push_back(i);
    }
    const std::string variant = label["variant"];
    if (variant == "one_digit_off") {
      ASSERT_EQ(differ.size(), 1u);
      EXPECT_GE(differ[0], 4);
    } else if (variant == "two_digits_swapped") {
      ASSERT_EQ(differ.size(), 2u);
      EXPECT_EQ(differ[1], differ[0] + 1);
      EXPECT_EQ(printed[differ[0]], record[differ[1]]);
    } else {
      EXPECT_EQ(variant, "wrong_year");
      EXPECT_NE(printed.substr(0, 4), record.substr(0, 4));
      EXPECT_EQ(printed.substr(4), record.substr(4));
    }
  }
  EXPECT_NE(Form(Case::kNameMismatch).label["record_name"], Form(Case::kNameMismatch).label["name"]);
  EXPECT_EQ(Form(Case::kClean).label["record_name"], Form(Case::kClean).label["name"]);
}

TEST_F(FormgenTest, TheDuplicateIsByteIdenticalToTheCleanForm) {
  EXPECT_EQ(Form(Case::kDuplicate).bytes, Form(Case::kClean).bytes);
  EXPECT_EQ(Form(Case::kDuplicate).label["duplicate_of"], "clean-0.pdf");
  EXPECT_NE(Form(Case::kClean, 1).bytes, Form(Case::kClean).bytes);
}

TEST_F(FormgenTest, TheSameSeedMakesTheSameBytes) {
  for (Case c : AllCases()) {
    if (c == Case::kOversize) continue;  // 33 MB each; the same code path as clean
    const auto again = Ok(generator_->Generate(c, 0, kSeed, kDpi));
    EXPECT_EQ(again.bytes, Form(c).bytes) << CaseName(c);
    EXPECT_EQ(again.label, Form(c).label) << CaseName(c);
  }
  const auto other = Ok(generator_->Generate(Case::kClean, 0, kSeed + 1, kDpi));
  EXPECT_NE(other.bytes, Form(Case::kClean).bytes);
  EXPECT_NE(other.label["number"], Form(Case::kClean).label["number"]);
}

TEST_F(FormgenTest, WriteCorpusWritesOneLabelPerFile) {
  // Given a corpus of one form of every case at 60 dpi
  const fs::path dir = fs::path(::testing::TempDir()) / ("formgen-" + RandomHex(4));
  Options options;
  options.out = dir;
  options.dpi = 60;
  options.seed = 7;
  std::ostringstream log;
  // When it is written
  const int written = WriteCorpus(options, log);
  // Then every file has exactly one label line, whose size and digest match it
  EXPECT_EQ(written, static_cast<int>(AllCases().size()));
  std::ifstream labels(dir / "labels.jsonl");
  std::set<std::string> labelled;
  std::string line;
  const std::set<std::string> known = {"NOT_PDF",         "TOO_LARGE",         "ENCRYPTED",     "ACTIVE_CONTENT",
                                       "CORRUPT",         "REPAIRED",          "PAGE_COUNT",    "BLANK_PAGE",
                                       "BLURRY_PAGE",     "LOW_RESOLUTION",    "ORIENTATION",   "SEAL_MISSING",
                                       "NUMBER_MISMATCH", "NUMBER_UNREADABLE", "NAME_MISMATCH", "DUPLICATE_FILE"};
  while (std::getline(labels, line)) {
    const auto label = nlohmann::json::parse(line);
    const std::string file = label["file"];
    EXPECT_TRUE(labelled.insert(file).second) << file;
    std::ifstream in(dir / file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(label["size"], bytes.size()) << file;
    EXPECT_EQ(label["sha256"], Sha256Hex(bytes)) << file;
    for (const auto& f : label["findings"]) EXPECT_EQ(known.count(f["code"]), 1u) << f;
  }
  std::set<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".pdf") files.insert(entry.path().filename().string());
  }
  EXPECT_EQ(files, labelled);
  EXPECT_NE(log.str().find("wrote " + std::to_string(files.size()) + " forms"), std::string::npos) << log.str();
  fs::remove_all(dir);
}

TEST(FormgenArgs, ParsesEveryOption) {
  const auto parsed = ParseArgs({"--out", "/tmp/x", "--count", "3", "--seed", "9", "--dpi", "150", "--only",
                                 "blank_page", "--print-font", "/a.ttc", "--hand-font", "/b.ttc"});
  ASSERT_TRUE(std::holds_alternative<Options>(parsed)) << std::get<std::string>(parsed);
  const Options& o = std::get<Options>(parsed);
  EXPECT_EQ(o.out, "/tmp/x");
  EXPECT_EQ(o.count, 3);
  EXPECT_EQ(o.seed, 9u);
  EXPECT_EQ(o.dpi, 150);
  EXPECT_EQ(o.only, Case::kBlankPage);
  EXPECT_EQ(o.fonts.print, "/a.ttc");
  EXPECT_EQ(o.fonts.hand, "/b.ttc");
}

TEST(FormgenArgs, RefusesWhatItDoesNotKnow) {
  EXPECT_TRUE(std::holds_alternative<std::string>(ParseArgs({})));                                // no --out
  EXPECT_TRUE(std::holds_alternative<std::string>(ParseArgs({"--out", "d", "--only", "nope"})));  // no such case
  EXPECT_TRUE(std::holds_alternative<std::string>(ParseArgs({"--out", "d", "--dpi", "20"})));     // too low
  EXPECT_TRUE(std::holds_alternative<std::string>(ParseArgs({"--out", "d", "--count", "x"})));
  EXPECT_TRUE(std::holds_alternative<std::string>(ParseArgs({"--out", "d", "--colour", "red"})));
  EXPECT_TRUE(std::holds_alternative<std::string>(ParseArgs({"--out"})));
  for (Case c : AllCases()) EXPECT_EQ(ParseCase(CaseName(c)), c);
}

}  // namespace
}  // namespace archive::formgen
