#include "common/image/image.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>

namespace archive::image {
namespace {

// A page of "text": rows of dark word-like blocks on white, like a scanned form at low resolution.
Image TextPage(int width = 400, int height = 560, unsigned seed = 1) {
  Image page{width, height, 1, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height, 245)};
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> word(6, 30);
  for (int line = 40; line + 8 < height - 40; line += 18) {
    for (int x = 30; x < width - 60;) {
      const int w = word(rng);
      for (int y = line; y < line + 8; ++y) {
        for (int xx = x; xx < x + w; ++xx) {
          if ((xx + y) % 3 != 0) page.pixels[static_cast<std::size_t>(y) * width + xx] = 20;
        }
      }
      x += w + 6;
    }
  }
  return page;
}

Image BoxBlur(const Image& in, int radius) {
  Image out = in;
  for (int y = radius; y < in.height - radius; ++y) {
    for (int x = radius; x < in.width - radius; ++x) {
      int sum = 0;
      for (int dy = -radius; dy <= radius; ++dy) {
        for (int dx = -radius; dx <= radius; ++dx) sum += in.At(x + dx, y + dy);
      }
      out.pixels[static_cast<std::size_t>(y) * in.width + x] =
          static_cast<std::uint8_t>(sum / ((2 * radius + 1) * (2 * radius + 1)));
    }
  }
  return out;
}

Image Blank(int width = 400, int height = 560) {
  return Image{width, height, 1, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height, 250)};
}

TEST(Image, TellsABlankPageFromAWrittenOne) {
  EXPECT_LT(InkRatio(Blank()), 0.001);
  EXPECT_GT(InkRatio(TextPage()), 0.05);
}

TEST(Image, ScoresABlurredPageFarBelowTheSharpOne) {
  const Image sharp = TextPage();
  const Image blurred = BoxBlur(sharp, 3);
  EXPECT_GT(Sharpness(sharp), 4 * Sharpness(blurred)) << Sharpness(sharp) << " vs " << Sharpness(blurred);
}

TEST(Image, KeepsSharpnessWhenOnlyTheContrastChanges) {
  Image faint = TextPage();
  for (auto& p : faint.pixels) p = static_cast<std::uint8_t>(150 + p * 100 / 255);
  const double ratio = Sharpness(faint) / Sharpness(TextPage());
  EXPECT_GT(ratio, 0.5);
  EXPECT_LT(ratio, 2.0);
}

TEST(Image, SeesWhichWayTheLinesRun) {
  const Image upright = TextPage();
  EXPECT_GT(LineDirectionRatio(upright), 2.0);
  EXPECT_LT(LineDirectionRatio(Rotate(upright, 90)), 0.5);
  EXPECT_LT(LineDirectionRatio(Rotate(upright, 270)), 0.5);
}

TEST(Image, RotatesAndCropsExactly) {
  Image small{3, 2, 1, {1, 2, 3, 4, 5, 6}};
  EXPECT_EQ(Rotate(small, 90).pixels, (std::vector<std::uint8_t>{4, 1, 5, 2, 6, 3}));
  EXPECT_EQ(Rotate(small, 180).pixels, (std::vector<std::uint8_t>{6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(Rotate(Rotate(small, 90), 270).pixels, small.pixels);
  const Image right = Crop(small, 2.0 / 3, 0, 1, 1);
  EXPECT_EQ(right.width, 1);
  EXPECT_EQ(right.pixels, (std::vector<std::uint8_t>{3, 6}));
}

TEST(Image, FindsTheRedOfASealAndNotTheGrayOfAGrayscaleScan) {
  Image rgb{100, 100, 3, std::vector<std::uint8_t>(100 * 100 * 3, 240)};
  for (int y = 0; y < 100; ++y) {
    for (int x = 0; x < 100; ++x) {
      const int d2 = (x - 50) * (x - 50) + (y - 50) * (y - 50);
      if (d2 > 30 * 30 && d2 < 36 * 36) {
        auto* p = &rgb.pixels[(static_cast<std::size_t>(y) * 100 + x) * 3];
        p[0] = 210;
        p[1] = 40;
        p[2] = 45;
      }
    }
  }
  EXPECT_GT(RedRatio(rgb), 0.05);
  EXPECT_TRUE(HasColour(rgb));
  Image gray_as_rgb = rgb;
  for (std::size_t i = 0; i < gray_as_rgb.pixels.size(); i += 3) {
    const auto g = ToGray(Image{1, 1, 3, {rgb.pixels[i], rgb.pixels[i + 1], rgb.pixels[i + 2]}}).pixels[0];
    gray_as_rgb.pixels[i] = gray_as_rgb.pixels[i + 1] = gray_as_rgb.pixels[i + 2] = g;
  }
  EXPECT_EQ(RedRatio(gray_as_rgb), 0);
  EXPECT_FALSE(HasColour(gray_as_rgb));
}

TEST(Image, HashesTwoScansOfOnePageCloseAndDifferentPagesFar) {
  const Image page = TextPage(400, 560, 1);
  Image rescanned = page;
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> noise(-12, 12);
  for (auto& p : rescanned.pixels) p = static_cast<std::uint8_t>(std::clamp(p + noise(rng), 0, 255));
  const Image other = TextPage(400, 560, 99);
  EXPECT_LE(HammingDistance(DifferenceHash(page), DifferenceHash(rescanned)), 6);
  EXPECT_GE(HammingDistance(DifferenceHash(page), DifferenceHash(other)), 12);
}

TEST(Image, BinarizesBetweenInkAndPaper) {
  const Image page = TextPage();
  const int t = OtsuThreshold(page);
  EXPECT_GT(t, 20);
  EXPECT_LE(t, 245);
  const Image bin = Binarize(page, t);
  EXPECT_DOUBLE_EQ(InkRatio(bin, 128), InkRatio(page, t));
}

TEST(Image, WritesAPngThatInflatesBackToThePixels) {
  Image rgb{4, 3, 3, {}};
  for (int i = 0; i < 36; ++i) rgb.pixels.push_back(static_cast<std::uint8_t>(i * 7));
  const std::string png = EncodePng(rgb);
  ASSERT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  const auto idat = png.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  const auto length = (static_cast<unsigned char>(png[idat - 4]) << 24) |
                      (static_cast<unsigned char>(png[idat - 3]) << 16) |
                      (static_cast<unsigned char>(png[idat - 2]) << 8) | static_cast<unsigned char>(png[idat - 1]);
  std::string raw(3 * (1 + 4 * 3), '\0');
  uLongf raw_size = raw.size();
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_size,
                       reinterpret_cast<const Bytef*>(png.data() + idat + 4), length),
            Z_OK);
  for (int y = 0; y < 3; ++y) {
    EXPECT_EQ(raw[y * 13], '\0');
    for (int i = 0; i < 12; ++i) EXPECT_EQ(static_cast<std::uint8_t>(raw[y * 13 + 1 + i]), rgb.pixels[y * 12 + i]);
  }
  EXPECT_NE(png.find("IEND"), std::string::npos);
}

}  // namespace
}  // namespace archive::image
