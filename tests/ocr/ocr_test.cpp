#include "common/ocr/ocr.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <vector>

namespace archive::ocr {
namespace {

constexpr const char* kFont = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

// A white strip with black text drawn by FreeType, like a crop of a clean 300 dpi scan.
struct Strip {
  std::vector<std::uint8_t> pixels;
  int width = 0;
  int height = 0;
  GrayView View() const { return {pixels.data(), width, height, width, 300}; }
};

Strip Render(const std::u32string& text, int pixel_size, int noise = 0) {
  FT_Library lib = nullptr;
  FT_Face face = nullptr;
  EXPECT_EQ(FT_Init_FreeType(&lib), 0);
  EXPECT_EQ(FT_New_Face(lib, kFont, 0, &face), 0) << "fonts-noto-cjk is missing";
  FT_Set_Pixel_Sizes(face, 0, pixel_size);
  Strip s;
  s.height = pixel_size * 2;
  s.width = pixel_size * (static_cast<int>(text.size()) + 2);
  s.pixels.assign(static_cast<std::size_t>(s.width * s.height), 255);
  int pen = pixel_size;
  const int baseline = pixel_size * 3 / 2;
  for (const char32_t c : text) {
    if (FT_Load_Char(face, c, FT_LOAD_RENDER) != 0) continue;
    const FT_Bitmap& b = face->glyph->bitmap;
    for (unsigned y = 0; y < b.rows; ++y) {
      for (unsigned x = 0; x < b.width; ++x) {
        const int px = pen + face->glyph->bitmap_left + static_cast<int>(x);
        const int py = baseline - face->glyph->bitmap_top + static_cast<int>(y);
        if (px < 0 || py < 0 || px >= s.width || py >= s.height) continue;
        auto& dst = s.pixels[static_cast<std::size_t>(py * s.width + px)];
        dst = static_cast<std::uint8_t>(std::min<int>(dst, 255 - b.buffer[y * b.pitch + x]));
      }
    }
    pen += static_cast<int>(face->glyph->advance.x >> 6);
  }
  FT_Done_Face(face);
  FT_Done_FreeType(lib);
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> jitter(-noise, noise);
  if (noise > 0) {
    for (auto& p : s.pixels) p = static_cast<std::uint8_t>(std::clamp(p + jitter(rng), 0, 255));
  }
  return s;
}

class OcrTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ::setenv("OMP_THREAD_LIMIT", "1", 1); }
  Reader reader_;
};

TEST_F(OcrTest, ReadsATwelveDigitDevelopmentNumber) {
  const auto strip = Render(U"202431000123", 48);
  const Text t = reader_.Digits(strip.View());
  EXPECT_EQ(t.text, "202431000123");
  EXPECT_GT(t.confidence, 60);
}

TEST_F(OcrTest, ReadsDigitsThroughScanNoise) {
  const auto strip = Render(U"202012345678", 48, 40);
  EXPECT_EQ(reader_.Digits(strip.View()).text, "202012345678");
}

TEST_F(OcrTest, ReadsAChineseName) {
  const auto strip = Render(U"王小明", 64);
  EXPECT_EQ(reader_.ChineseLine(strip.View()).text, "王小明");
}

TEST_F(OcrTest, FindsNothingOnABlankStrip) {
  Strip blank;
  blank.width = 600;
  blank.height = 96;
  blank.pixels.assign(600 * 96, 255);
  const Text t = reader_.Digits(blank.View());
  EXPECT_TRUE(t.text.empty()) << t.text;
}

TEST(OcrReader, NamesTheFolderWhenAModelIsMissing) {
  try {
    Reader reader("/nonexistent/tessdata");
    FAIL() << "a missing model was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/tessdata"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace archive::ocr
