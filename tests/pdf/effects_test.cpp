#include "tools/formgen/effects.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace archive::formgen {
namespace {

using pdf::ColorMode;
using pdf::Raster;

// A gray test card: white, with a black horizontal bar through the middle of the left half.
Raster Card(int width = 200, int height = 120) {
  Raster r = Raster::White(width, height, ColorMode::kGray);
  for (int y = height / 2 - 2; y < height / 2 + 2; ++y) {
    for (int x = width / 8; x < width / 2; ++x) r.row(y)[x] = 0;
  }
  return r;
}

double Mean(const Raster& r) {
  double sum = 0;
  for (auto p : r.pixels) sum += p;
  return sum / r.pixels.size();
}

// The mean row of the dark pixels in columns [x0, x1).
double DarkRow(const Raster& r, int x0, int x1) {
  double sum = 0, count = 0;
  for (int y = 0; y < r.height; ++y) {
    for (int x = x0; x < x1; ++x) {
      if (r.row(y)[x] < 128) sum += y, ++count;
    }
  }
  return count > 0 ? sum / count : -1;
}

TEST(Effects, TwoHalfTurnsAndFourQuarterTurnsChangeNothing) {
  const Raster card = Card();
  Raster r = card;
  RotateHalfTurn(r);
  EXPECT_NE(r.pixels, card.pixels);
  RotateHalfTurn(r);
  EXPECT_EQ(r.pixels, card.pixels);
  for (int i = 0; i < 4; ++i) RotateQuarterTurnClockwise(r);
  EXPECT_EQ(r.width, card.width);
  EXPECT_EQ(r.pixels, card.pixels);
}

TEST(Effects, AQuarterTurnClockwiseMovesTheLeftEdgeToTheTop) {
  Raster r = Card(200, 120);
  RotateQuarterTurnClockwise(r);
  EXPECT_EQ(r.width, 120);
  EXPECT_EQ(r.height, 200);
  EXPECT_EQ(r.stride, 120u);
  // The bar was in the left half, horizontal: it is now vertical in the top half.
  EXPECT_LT(DarkRow(r, 0, r.width), r.height / 2.0);
}

TEST(Effects, RotateTurnsCounterClockwise) {
  // Given a bar across the whole width
  Raster r = Raster::White(400, 200, ColorMode::kGray);
  for (int y = 98; y < 102; ++y) {
    for (int x = 0; x < 400; ++x) r.row(y)[x] = 0;
  }
  // When the page is turned 3 degrees counter-clockwise
  Rotate(r, 3.0, pdf::Color{255, 255, 255});
  // Then its right end is higher on the page (smaller y) than its left end, by about tan(3 deg) * 300
  const double left = DarkRow(r, 40, 60), right = DarkRow(r, 340, 360);
  EXPECT_NEAR(left - right, std::tan(3.0 * M_PI / 180) * 300, 2.0);
  // And the corners uncovered by the turn are the background
  EXPECT_EQ(r.row(0)[0], 255);
}

TEST(Effects, BlurKeepsTheMeanAndSoftensEdges) {
  Raster r = Card();
  const double mean = Mean(r);
  Blur(r, 3.0);
  EXPECT_NEAR(Mean(r), mean, 1.0);
  // The bar's black core is now gray, and its neighbourhood is no longer white
  EXPECT_GT(r.row(60)[60], 40);
  EXPECT_LT(r.row(66)[60], 250);
  Raster slight = Card();
  Blur(slight, 0.9);
  EXPECT_LT(slight.row(60)[60], r.row(60)[60]);
}

TEST(Effects, NoiseIsDeterministicAndHasTheRequestedSpread) {
  Raster a = Raster::White(300, 300, ColorMode::kRgb);
  std::fill(a.pixels.begin(), a.pixels.end(), std::uint8_t{128});
  Raster b = a;
  Rng ra(9), rb(9);
  AddGaussianNoise(a, 10, ra);
  AddGaussianNoise(b, 10, rb);
  EXPECT_EQ(a.pixels, b.pixels);
  double sum = 0, squares = 0;
  for (auto p : a.pixels) sum += p, squares += (p - 128.0) * (p - 128.0);
  EXPECT_NEAR(sum / a.pixels.size(), 128, 0.5);
  EXPECT_NEAR(std::sqrt(squares / a.pixels.size()), 10, 0.7);
}

TEST(Effects, SaltAndPepperTouchesAboutTheFraction) {
  Raster r = Raster::White(200, 200, ColorMode::kGray);
  std::fill(r.pixels.begin(), r.pixels.end(), std::uint8_t{128});
  Rng rng(1);
  AddSaltAndPepper(r, 0.05, rng);
  int changed = 0;
  for (auto p : r.pixels) changed += p != 128;
  EXPECT_NEAR(changed, 0.05 * 40000, 100);
}

TEST(Effects, AFullFrameWarpChangesNothingAndAnInsetOneShowsTheBackground) {
  const Raster card = Card();
  Raster same = card;
  const double w = card.width - 1, h = card.height - 1;
  WarpPerspective(same, {pdf::Point{0, 0}, {w, 0}, {w, h}, {0, h}}, pdf::Color{0, 0, 0});
  EXPECT_EQ(same.pixels, card.pixels);
  Raster inset = card;
  WarpPerspective(inset, {pdf::Point{20, 10}, {w - 5, 0}, {w, h}, {0, h - 20}}, pdf::Color{0, 0, 0});
  EXPECT_EQ(inset.row(2)[2], 0);  // outside the paper: the table
  EXPECT_EQ(inset.row(card.height / 4)[card.width / 2], 255);
}

TEST(Effects, UnevenLightingDarkensAwayFromTheLight) {
  Raster r = Raster::White(100, 100, ColorMode::kRgb);
  UnevenLighting(r, 0.0, 0.0, 1.0, 0.5, {1.0, 1.0, 0.8});
  EXPECT_EQ(r.row(0)[0], 255);
  EXPECT_LT(r.row(99)[99 * 3], 140);
  EXPECT_LT(r.row(0)[2], r.row(0)[0]);  // the warm cast takes blue away
}

TEST(Effects, GrayUsesLuminance) {
  Raster rgb = Raster::White(1, 1, ColorMode::kRgb);
  rgb.pixels = {214, 28, 36};  // seal red
  const Raster gray = ToGray(rgb);
  EXPECT_EQ(gray.channels, 1);
  EXPECT_NEAR(gray.pixels[0], 0.299 * 214 + 0.587 * 28 + 0.114 * 36, 1);
}

TEST(Effects, BlankPaperIsNearWhiteButNotEmpty) {
  Rng rng(5);
  const Raster page = BlankPaper(400, 560, ColorMode::kRgb, rng);
  EXPECT_GT(Mean(page), 240);
  int dark = 0;
  for (auto p : page.pixels) dark += p < 210;
  EXPECT_GT(dark, 0);  // specks of dust
  EXPECT_LT(dark, 200);
}

}  // namespace
}  // namespace archive::formgen
