#include "common/pdf/writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "common/pdf/document.hpp"
#include "common/pdf/drawing.hpp"

namespace archive::pdf {
namespace {

constexpr const char* kSerif = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
constexpr int kSimplifiedChinese = 2;  // the SC face of the Noto CJK collections

template <typename T>
T Ok(std::variant<T, Error> result) {
  if (const auto* error = std::get_if<Error>(&result)) {
    ADD_FAILURE() << "unexpected " << CodeName(error->code) << ": " << error->detail;
    return T{};
  }
  return std::move(std::get<T>(result));
}

class WriterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    context_ = new Context();
    auto font = Font::Load(*context_, kSerif, kSimplifiedChinese);
    ASSERT_TRUE(std::holds_alternative<Font>(font)) << std::get<Error>(font).detail;
    font_ = new Font(std::move(std::get<Font>(font)));
  }
  static void TearDownTestSuite() {
    delete font_;
    delete context_;
  }

  Writer NewWriter() { return std::move(std::get<Writer>(Writer::Create(*context_))); }
  Document Open(std::string bytes) {
    auto opened = Document::Open(*context_, std::move(bytes));
    if (auto* error = std::get_if<Error>(&opened)) throw std::runtime_error(error->detail);
    return std::move(std::get<Document>(opened));
  }

  static Context* context_;
  static Font* font_;
};

Context* WriterTest::context_ = nullptr;
Font* WriterTest::font_ = nullptr;

Drawing SamplePage(const Font& font) {
  Drawing d(595.28, 841.89);
  d.Text(font, U"编号：202312345678", {372, 70}, 13, {0, 0, 0});
  d.Text(font, U"入团志愿书", {150, 330}, 40, {0, 0, 0});
  d.Text(font, U"转", {100, 500}, 30, {0, 0, 200}, 30);
  d.Line({50, 600}, {500, 600}, 1, {0, 0, 0});
  d.StrokeRect({50, 620}, 200, 100, 1.5, {0, 0, 0});
  d.StrokeCircle({400, 700}, 55, 3, {220, 30, 35});
  d.FillPolygon({{400, 670}, {410, 700}, {390, 700}}, {220, 30, 35});
  d.FillRect({300, 400}, 40, 20, {10, 10, 10});
  return d;
}

// Over the rows both have (a whole-page render rounds its height up, Rasterize to the nearest pixel).
double MeanAbsoluteDifference(const Raster& a, const Raster& b) {
  EXPECT_EQ(a.width, b.width);
  EXPECT_EQ(a.channels, b.channels);
  EXPECT_LE(std::abs(a.height - b.height), 1);
  if (a.width != b.width || a.channels != b.channels) return 255;
  const std::size_t size = a.stride * std::min(a.height, b.height);
  double sum = 0;
  for (std::size_t i = 0; i < size; ++i) sum += std::abs(a.pixels[i] - b.pixels[i]);
  return sum / size;
}

TEST_F(WriterTest, AVectorPageKeepsItsTextLayer) {
  // Given a vector page with CJK text
  Writer writer = NewWriter();
  ASSERT_FALSE(writer.AddVectorPage(SamplePage(*font_)));
  // When it is saved and opened again
  Document document = Open(Ok(writer.Save({})));
  // Then the text extracts back (through the ToUnicode maps), and there is no image on the page
  const std::string text = Ok(document.Text(0));
  EXPECT_NE(text.find("编号：202312345678"), std::string::npos) << text;
  EXPECT_NE(text.find("入团志愿书"), std::string::npos) << text;
  const PageInfo info = Ok(document.Page(0));
  EXPECT_EQ(info.image_count, 0);
  EXPECT_NEAR(info.width_pt, 595.28, 0.01);
}

TEST_F(WriterTest, AVectorPageLooksLikeTheRasterizedDrawing) {
  // The two ways of turning a Drawing into pixels (MuPDF drawing the Type 3 page, or Rasterize drawing the
  // font directly) must put everything in the same place.
  const Drawing drawing = SamplePage(*font_);
  const Raster direct = Ok(Rasterize(*context_, drawing, 100, ColorMode::kGray));
  Writer writer = NewWriter();
  ASSERT_FALSE(writer.AddVectorPage(drawing));
  Document document = Open(Ok(writer.Save({})));
  const Raster via_pdf = Ok(document.Render(0, {.dpi = 100, .color = ColorMode::kGray}));
  EXPECT_LT(MeanAbsoluteDifference(direct, via_pdf), 1.0);
  // ...and a drawing with the text moved is measurably different
  Drawing moved(595.28, 841.89);
  moved.Text(*font_, U"入团志愿书", {160, 330}, 40, {0, 0, 0});
  const Raster other = Ok(Rasterize(*context_, moved, 100, ColorMode::kGray));
  EXPECT_GT(MeanAbsoluteDifference(direct, other), 1.0);
}

TEST_F(WriterTest, ManyDistinctCharactersSpreadOverSeveralType3Fonts) {
  // 600 different characters need three 255-glyph Type 3 fonts
  std::u32string text;
  for (char32_t c = 0x4E00; text.size() < 600; ++c) {
    if (font_->Has(c)) text += c;
  }
  Drawing drawing(595.28, 841.89);
  for (std::size_t row = 0; row < 30; ++row)
    drawing.Text(*font_, text.substr(row * 20, 20), {40, 40 + row * 25.0}, 20, {});
  Writer writer = NewWriter();
  ASSERT_FALSE(writer.AddVectorPage(drawing));
  Document document = Open(Ok(writer.Save({})));
  const std::string extracted = Ok(document.Text(0));
  std::string last_row;
  for (char32_t c : text.substr(580, 20)) {
    last_row += static_cast<char>(0xE0 | (c >> 12));
    last_row += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    last_row += static_cast<char>(0x80 | (c & 0x3F));
  }
  EXPECT_NE(extracted.find(last_row), std::string::npos);
}

TEST_F(WriterTest, AnImagePageIsSizedByItsDpi) {
  // Given a 413 x 585 pixel raster added at 50 dpi with each encoding
  Raster raster = Raster::White(413, 585, ColorMode::kRgb);
  for (int y = 100; y < 200; ++y) {
    for (int x = 0; x < raster.width; ++x) raster.row(y)[3 * x] = 0;  // a cyan band
  }
  for (ImageEncoding encoding : {ImageEncoding::kJpeg, ImageEncoding::kFlate, ImageEncoding::kNone}) {
    Writer writer = NewWriter();
    ASSERT_FALSE(writer.AddImagePage(raster, {.dpi = 50, .encoding = encoding}));
    SaveOptions save;
    save.compress = encoding != ImageEncoding::kNone;  // or MuPDF deflates the raw samples
    const std::string bytes = Ok(writer.Save(save));
    Document document = Open(bytes);
    // Then the page is 413 / 50 inches wide and the image is found at 50 dpi
    const PageInfo info = Ok(document.Page(0));
    EXPECT_NEAR(info.width_pt, 413 * 72.0 / 50, 0.01);
    EXPECT_NEAR(info.height_pt, 585 * 72.0 / 50, 0.01);
    ASSERT_TRUE(info.largest_image.has_value());
    EXPECT_NEAR(info.largest_image->dpi(), 50, 0.01);
    // And rendering at 50 dpi gives the pixels back (exactly, unless JPEG)
    const Raster back = Ok(document.Render(0, {.dpi = 50, .color = ColorMode::kRgb}));
    EXPECT_LT(MeanAbsoluteDifference(raster, back), encoding == ImageEncoding::kJpeg ? 3.0 : 0.01);
    if (encoding == ImageEncoding::kNone) {
      EXPECT_GT(bytes.size(), raster.pixels.size());
    } else {
      EXPECT_LT(bytes.size(), raster.pixels.size() / 10);
    }
  }
}

TEST_F(WriterTest, RefusesARasterThatIsNotPackedGrayOrRgb) {
  Writer writer = NewWriter();
  Raster odd = Raster::White(10, 10, ColorMode::kGray);
  odd.channels = 2;
  const auto error = writer.AddImagePage(odd, {.dpi = 100});
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, ErrorCode::kBadRequest);
  EXPECT_TRUE(writer.AddImagePage(Raster::White(10, 10, ColorMode::kGray), {.dpi = 0}).has_value());
}

TEST_F(WriterTest, AnEncryptedSaveIsReproducibleWithASeed) {
  auto save = [&](std::optional<std::uint32_t> seed) {
    Writer writer = NewWriter();
    EXPECT_FALSE(writer.AddImagePage(Raster::White(40, 56, ColorMode::kGray), {.dpi = 10}));
    SaveOptions options;
    options.user_password = "123456";
    options.owner_password = "owner";
    options.random_seed = seed;
    return Ok(writer.Save(options));
  };
  EXPECT_EQ(save(42), save(42));
  EXPECT_NE(save(42), save(43));
  EXPECT_NE(save(std::nullopt), save(std::nullopt));
}

TEST_F(WriterTest, ASavedWriterRefusesMoreWork) {
  Writer writer = NewWriter();
  ASSERT_FALSE(writer.AddImagePage(Raster::White(40, 56, ColorMode::kGray), {.dpi = 10}));
  SaveOptions options;
  options.owner_password = "owner";
  ASSERT_TRUE(std::holds_alternative<std::string>(writer.Save(options)));
  const auto again = writer.AddImagePage(Raster::White(40, 56, ColorMode::kGray), {.dpi = 10});
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->code, ErrorCode::kBadRequest);
  EXPECT_TRUE(std::holds_alternative<Error>(writer.Save({})));
}

TEST_F(WriterTest, RasterizeRefusesOutputOverThePixelCap) {
  const Drawing drawing = SamplePage(*font_);
  const auto huge = Rasterize(*context_, drawing, 1600, ColorMode::kGray);
  ASSERT_TRUE(std::holds_alternative<Error>(huge));
  EXPECT_EQ(std::get<Error>(huge).code, ErrorCode::kTooBig);
  const Raster small = Ok(Rasterize(*context_, drawing, 72, ColorMode::kRgb));
  EXPECT_EQ(small.width, 595);
  EXPECT_EQ(small.height, 842);
  EXPECT_EQ(small.channels, 3);
}

TEST_F(WriterTest, AMissingFontFileIsAnError) {
  const auto font = Font::Load(*context_, "/nonexistent/font.ttf");
  ASSERT_TRUE(std::holds_alternative<Error>(font));
  EXPECT_EQ(std::get<Error>(font).code, ErrorCode::kCorrupt);
}

TEST_F(WriterTest, MeasuresCharacters) {
  EXPECT_NEAR(font_->Advance(U'中'), 1.0, 0.01);  // CJK ideographs are one em wide
  EXPECT_GT(font_->Advance(U'1'), 0.3);
  EXPECT_LT(font_->Advance(U'1'), 0.7);
  EXPECT_TRUE(font_->Has(U'团'));
  EXPECT_FALSE(font_->Has(U'\U0001F600'));
  EXPECT_EQ(font_->Advance(U'\U0001F600'), 0.0);
}

}  // namespace
}  // namespace archive::pdf
