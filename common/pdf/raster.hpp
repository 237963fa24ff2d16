#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace archive::pdf {

enum class ColorMode { kGray, kRgb };

// 8-bit pixels, top row first, no alpha. Gray has 1 channel, RGB 3 (interleaved). Row y starts at
// pixels[y * stride]; stride == width * channels for every Raster this library makes.
struct Raster {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::size_t stride = 0;
  std::vector<std::uint8_t> pixels;

  // A white (255) raster.
  static Raster White(int width, int height, ColorMode mode);
  std::uint8_t* row(int y) { return pixels.data() + static_cast<std::size_t>(y) * stride; }
  const std::uint8_t* row(int y) const { return pixels.data() + static_cast<std::size_t>(y) * stride; }
};

}  // namespace archive::pdf
