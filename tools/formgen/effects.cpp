#include "tools/formgen/effects.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace archive::formgen {
namespace {

std::uint8_t Clamp(double v) {
  return static_cast<std::uint8_t>(std::clamp(v + 0.5, 0.0, 255.0));
}
std::uint8_t Clamp(int v) {
  return static_cast<std::uint8_t>(std::clamp(v, 0, 255));
}

// One horizontal box pass of radius r over interleaved channels, in place (with a row buffer padded by the
// border pixels, so the loop needs no bounds checks).
void BoxRows(pdf::Raster& r, int radius) {
  const int n = r.channels;
  const int w = r.width;
  const int window = 2 * radius + 1;
  const std::uint32_t reciprocal = (1u << 24) / window + 1;  // (sum * reciprocal) >> 24 == sum / window
  std::vector<std::uint8_t> line((w + 2 * radius + 1) * n);
  for (int y = 0; y < r.height; ++y) {
    std::uint8_t* row = r.row(y);
    for (int x = 0; x < radius; ++x) std::copy(row, row + n, line.begin() + x * n);
    std::copy(row, row + r.stride, line.begin() + radius * n);
    for (int x = 0; x <= radius; ++x) std::copy(row + (w - 1) * n, row + w * n, line.begin() + (radius + w + x) * n);
    // line[(x + radius) * n] is pixel x; the window of output x is line[x .. x + 2 radius].
    int sum[3] = {0, 0, 0};
    for (int k = 0; k < window; ++k) {
      for (int c = 0; c < n; ++c) sum[c] += line[k * n + c];
    }
    const std::uint8_t* add = line.data() + window * n;
    const std::uint8_t* sub = line.data();
    for (int i = 0; i < w * n; i += n) {
      for (int c = 0; c < n; ++c) {
        row[i + c] = static_cast<std::uint8_t>((static_cast<std::uint64_t>(sum[c]) * reciprocal) >> 24);
        sum[c] += add[i + c] - sub[i + c];
      }
    }
  }
}

// One [1 2 1] / 4 pass along rows and one along columns, edges repeating the border.
void BinomialRowsAndColumns(pdf::Raster& r) {
  const int n = r.channels;
  const int total = r.width * n;
  std::vector<std::uint8_t> line(static_cast<std::size_t>(total + 2 * n));
  for (int y = 0; y < r.height; ++y) {
    std::uint8_t* row = r.row(y);
    std::copy(row, row + n, line.begin());
    std::copy(row, row + total, line.begin() + n);
    std::copy(row + total - n, row + total, line.begin() + n + total);
    const std::uint8_t* l = line.data();
    for (int i = 0; i < total; ++i) row[i] = static_cast<std::uint8_t>((l[i] + 2 * l[i + n] + l[i + 2 * n] + 2) >> 2);
  }
  std::vector<std::uint8_t> previous(r.row(0), r.row(0) + r.stride);
  std::vector<std::uint8_t> current(r.stride);
  for (int y = 0; y < r.height; ++y) {
    std::uint8_t* row = r.row(y);
    std::copy(row, row + r.stride, current.begin());
    const std::uint8_t* next = y + 1 < r.height ? r.row(y + 1) : current.data();
    for (std::size_t i = 0; i < r.stride; ++i) {
      row[i] = static_cast<std::uint8_t>((previous[i] + 2 * current[i] + next[i] + 2) >> 2);
    }
    std::swap(previous, current);
  }
}

void BoxColumns(pdf::Raster& r, int radius) {
  const int n = r.channels;
  const int h = r.height;
  const std::size_t stride = r.stride;
  const int window = 2 * radius + 1;
  const std::uint32_t reciprocal = (1u << 24) / window + 1;
  std::vector<int> sums(stride);
  std::vector<std::uint8_t> source(r.pixels);
  const std::uint8_t* src = source.data();
  for (std::size_t i = 0; i < stride; ++i) sums[i] = src[i] * (radius + 1);
  for (int y = 1; y <= radius; ++y) {
    const std::uint8_t* row = src + std::min(y, h - 1) * stride;
    for (std::size_t i = 0; i < stride; ++i) sums[i] += row[i];
  }
  for (int y = 0; y < h; ++y) {
    std::uint8_t* out = r.row(y);
    const std::uint8_t* add = src + std::min(y + radius + 1, h - 1) * stride;
    const std::uint8_t* sub = src + std::max(y - radius, 0) * stride;
    for (std::size_t i = 0; i < stride; ++i) {
      out[i] = static_cast<std::uint8_t>((static_cast<std::uint64_t>(sums[i]) * reciprocal) >> 24);
      sums[i] += add[i] - sub[i];
    }
  }
  (void)n;
}

// Samples the raster at (x, y) with bilinear interpolation (8-bit weights); outside gives the background.
template <int N>
inline void Sample(const pdf::Raster& r, double x, double y, const std::uint8_t* background, std::uint8_t* out) {
  int x0 = static_cast<int>(x);
  int y0 = static_cast<int>(y);
  if (x < x0) --x0;
  if (y < y0) --y0;
  const int fx = static_cast<int>((x - x0) * 256);
  const int fy = static_cast<int>((y - y0) * 256);
  if (x0 >= 0 && y0 >= 0 && x0 + 1 < r.width && y0 + 1 < r.height) {
    const std::uint8_t* p =
        r.pixels.data() + static_cast<std::size_t>(y0) * r.stride + static_cast<std::size_t>(x0) * N;
    const std::uint8_t* q = p + r.stride;
    for (int c = 0; c < N; ++c) {
      const int top = p[c] * (256 - fx) + p[N + c] * fx;
      const int bottom = q[c] * (256 - fx) + q[N + c] * fx;
      out[c] = static_cast<std::uint8_t>((top * (256 - fy) + bottom * fy + 32768) >> 16);
    }
    return;
  }
  if (x0 < -1 || y0 < -1 || x0 >= r.width || y0 >= r.height) {
    for (int c = 0; c < N; ++c) out[c] = background[c];
    return;
  }
  // On the border: taps outside the raster count as background.
  for (int c = 0; c < N; ++c) {
    auto at = [&](int xi, int yi) -> int {
      if (xi < 0 || yi < 0 || xi >= r.width || yi >= r.height) return background[c];
      return r.pixels[static_cast<std::size_t>(yi) * r.stride + static_cast<std::size_t>(xi) * N + c];
    };
    const int top = at(x0, y0) * (256 - fx) + at(x0 + 1, y0) * fx;
    const int bottom = at(x0, y0 + 1) * (256 - fx) + at(x0 + 1, y0 + 1) * fx;
    out[c] = static_cast<std::uint8_t>((top * (256 - fy) + bottom * fy + 32768) >> 16);
  }
}

// Fills `raster` from `source` through map(x, y) -> source position, for 1 or 3 channels.
template <typename Map>
void Resample(pdf::Raster& raster, const pdf::Raster& source, const std::uint8_t* background, Map map) {
  for (int y = 0; y < raster.height; ++y) {
    std::uint8_t* out = raster.row(y);
    for (int x = 0; x < raster.width; ++x) {
      const auto [sx, sy] = map(x, y);
      if (source.channels == 3) {
        Sample<3>(source, sx, sy, background, out + x * 3);
      } else {
        Sample<1>(source, sx, sy, background, out + x);
      }
    }
  }
}

// Point map (x, y) -> (x + a (y - cy), y): row y moves right by a (y - cy), with linear interpolation.
void ShearRows(pdf::Raster& r, double a, const std::uint8_t* background) {
  const int n = r.channels;
  const double cy = (r.height - 1) / 2.0;
  // The row with `pad` background pixels on each side, so every tap is in range.
  const int pad = static_cast<int>(std::ceil(std::fabs(a) * r.height / 2.0)) + 2;
  std::vector<std::uint8_t> line(static_cast<std::size_t>(r.width + 2 * pad) * n);
  for (int x = 0; x < r.width + 2 * pad; ++x) std::copy(background, background + n, line.begin() + x * n);
  for (int y = 0; y < r.height; ++y) {
    const double shift = a * (y - cy);
    const int whole = static_cast<int>(std::floor(shift));
    const int f = static_cast<int>((shift - whole) * 256);  // weight of the pixel to the left
    std::uint8_t* row = r.row(y);
    std::copy(row, row + r.stride, line.begin() + pad * n);
    // new[x] = old[x - shift] = (1 - f) old[x - whole] + f old[x - whole - 1], byte by byte.
    const std::uint8_t* right = line.data() + (pad - whole) * n;
    const std::uint8_t* left = right - n;
    const int total = r.width * n;
    for (int i = 0; i < total; ++i) {
      row[i] = static_cast<std::uint8_t>((right[i] * (256 - f) + left[i] * f + 128) >> 8);
    }
  }
}

// Point map (x, y) -> (x, y + b (x - cx)): column x moves down by b (x - cx).
void ShearColumns(pdf::Raster& r, double b, const std::uint8_t* background) {
  const int n = r.channels;
  const double cx = (r.width - 1) / 2.0;
  const std::vector<std::uint8_t> source(r.pixels);
  std::vector<int> whole(r.width), weight(r.width);
  for (int x = 0; x < r.width; ++x) {
    const double shift = b * (x - cx);
    whole[x] = static_cast<int>(std::floor(shift));
    weight[x] = static_cast<int>((shift - whole[x]) * 256);
  }
  const std::size_t stride = r.stride;
  for (int y = 0; y < r.height; ++y) {
    std::uint8_t* out = r.row(y);
    for (int x = 0; x < r.width; ++x) {
      const int below = y - whole[x], above = below - 1;
      const int f = weight[x];
      std::uint8_t* o = out + x * n;
      if (above >= 0 && below < r.height) {
        const std::uint8_t* pb = source.data() + below * stride + x * n;
        const std::uint8_t* pa = pb - stride;
        for (int c = 0; c < n; ++c) o[c] = static_cast<std::uint8_t>((pb[c] * (256 - f) + pa[c] * f + 128) >> 8);
        continue;
      }
      for (int c = 0; c < n; ++c) {
        const int vb = below >= 0 && below < r.height ? source[below * stride + x * n + c] : background[c];
        const int va = above >= 0 && above < r.height ? source[above * stride + x * n + c] : background[c];
        o[c] = static_cast<std::uint8_t>((vb * (256 - f) + va * f + 128) >> 8);
      }
    }
  }
}

std::array<std::uint8_t, 3> Channels(const pdf::Raster& r, pdf::Color color) {
  if (r.channels == 1) {
    return {Clamp(0.299 * color.r + 0.587 * color.g + 0.114 * color.b), 0, 0};
  }
  return {color.r, color.g, color.b};
}

// Solves the 8x8 system for the homography that maps the unit corners of the source to `to`.
std::array<double, 9> Homography(const std::array<pdf::Point, 4>& from, const std::array<pdf::Point, 4>& to) {
  double a[8][9] = {};
  for (int i = 0; i < 4; ++i) {
    const double x = from[i].x, y = from[i].y, u = to[i].x, v = to[i].y;
    double* r1 = a[2 * i];
    double* r2 = a[2 * i + 1];
    r1[0] = x, r1[1] = y, r1[2] = 1, r1[6] = -u * x, r1[7] = -u * y, r1[8] = u;
    r2[3] = x, r2[4] = y, r2[5] = 1, r2[6] = -v * x, r2[7] = -v * y, r2[8] = v;
  }
  for (int col = 0; col < 8; ++col) {
    int pivot = col;
    for (int r = col + 1; r < 8; ++r) {
      if (std::fabs(a[r][col]) > std::fabs(a[pivot][col])) pivot = r;
    }
    std::swap(a[col], a[pivot]);
    for (int r = 0; r < 8; ++r) {
      if (r == col || a[col][col] == 0) continue;
      const double f = a[r][col] / a[col][col];
      for (int k = col; k < 9; ++k) a[r][k] -= f * a[col][k];
    }
  }
  std::array<double, 9> h{};
  for (int i = 0; i < 8; ++i) h[i] = a[i][8] / a[i][i];
  h[8] = 1;
  return h;
}

}  // namespace

void AddGaussianNoise(pdf::Raster& raster, double sigma, Rng& rng) {
  // Drawing a fresh normal per sample costs more than the rest of a page; a table of 4096 is plenty for noise.
  std::vector<int> table(4096);
  for (int& v : table) v = static_cast<int>(std::lround(rng.Normal() * sigma));
  std::uint64_t bits = 0;
  int left = 0;
  for (std::uint8_t& sample : raster.pixels) {
    if (left == 0) {
      bits = rng.Next();
      left = 5;
    }
    sample = Clamp(sample + table[bits & 4095]);
    bits >>= 12;
    --left;
  }
}

void AddSaltAndPepper(pdf::Raster& raster, double fraction, Rng& rng) {
  const std::int64_t pixels = static_cast<std::int64_t>(raster.width) * raster.height;
  const auto count = static_cast<std::int64_t>(static_cast<double>(pixels) * fraction);
  for (std::int64_t i = 0; i < count; ++i) {
    const std::uint64_t r = rng.Next();
    const auto at = static_cast<std::int64_t>((r >> 1) % static_cast<std::uint64_t>(pixels));
    const std::uint8_t value = (r & 1) != 0 ? 255 : 0;
    std::uint8_t* p = raster.pixels.data() + at * raster.channels;
    std::fill(p, p + raster.channels, value);
  }
}

void Blur(pdf::Raster& raster, double sigma) {
  if (sigma <= 0) return;
  if (sigma < 1.2) {
    // Slight blur: binomial [1 2 1] / 4 passes (sigma 0.71 each) are cheaper than three box passes.
    const int passes = sigma < 0.85 ? 1 : 2;
    for (int pass = 0; pass < passes; ++pass) BinomialRowsAndColumns(raster);
    return;
  }
  // Three box blurs of width w approximate a gaussian when w = sqrt(12 sigma^2 / 3 + 1).
  const int width = std::max(1, static_cast<int>(std::lround(std::sqrt(4.0 * sigma * sigma + 1.0))));
  const int radius = std::max(1, width / 2);
  for (int pass = 0; pass < 3; ++pass) {
    BoxRows(raster, radius);
    BoxColumns(raster, radius);
  }
}

void Rotate(pdf::Raster& raster, double degrees, pdf::Color background) {
  // Three shears (Paeth): each moves whole rows or columns by a linear amount, which is much cheaper than
  // sampling every pixel in two dimensions. In y-down pixels, turning the content counter-clockwise by theta
  // is the point map [[c, -s], [s, c]] with angle -theta.
  const auto bg = Channels(raster, background);
  const double phi = -degrees * std::numbers::pi / 180.0;
  const double a = -std::tan(phi / 2);
  const double b = std::sin(phi);
  ShearRows(raster, a, bg.data());
  ShearColumns(raster, b, bg.data());
  ShearRows(raster, a, bg.data());
}

void RotateHalfTurn(pdf::Raster& raster) {
  const int n = raster.channels;
  const std::size_t pixels = static_cast<std::size_t>(raster.width) * raster.height;
  std::uint8_t* p = raster.pixels.data();
  for (std::size_t i = 0, j = pixels - 1; i < j; ++i, --j) {
    for (int c = 0; c < n; ++c) std::swap(p[i * n + c], p[j * n + c]);
  }
}

void RotateQuarterTurnClockwise(pdf::Raster& raster) {
  const pdf::Raster source = raster;
  const int n = source.channels;
  raster.width = source.height;
  raster.height = source.width;
  raster.stride = static_cast<std::size_t>(raster.width) * n;
  // Output (x, y) shows source (y, H - 1 - x).
  for (int y = 0; y < raster.height; ++y) {
    std::uint8_t* out = raster.row(y);
    for (int x = 0; x < raster.width; ++x) {
      const std::uint8_t* in = source.row(source.height - 1 - x) + static_cast<std::size_t>(y) * n;
      std::copy(in, in + n, out + static_cast<std::size_t>(x) * n);
    }
  }
}

void WarpPerspective(pdf::Raster& raster, const std::array<pdf::Point, 4>& corners, pdf::Color background) {
  const pdf::Raster source = raster;
  const auto bg = Channels(source, background);
  const double w = source.width - 1, h = source.height - 1;
  // The inverse map: output pixel -> source pixel.
  const std::array<double, 9> m = Homography(corners, {pdf::Point{0, 0}, {w, 0}, {w, h}, {0, h}});
  Resample(raster, source, bg.data(), [&](int x, int y) {
    const double inverse = 1.0 / (m[6] * x + m[7] * y + m[8]);
    return std::pair{(m[0] * x + m[1] * y + m[2]) * inverse, (m[3] * x + m[4] * y + m[5]) * inverse};
  });
}

void UnevenLighting(pdf::Raster& raster, double cx, double cy, double bright, double dark, std::array<double, 3> cast) {
  const double px = cx * raster.width, py = cy * raster.height;
  double far = 0;
  for (double x : {0.0, static_cast<double>(raster.width)}) {
    for (double y : {0.0, static_cast<double>(raster.height)}) far = std::max(far, std::hypot(x - px, y - py));
  }
  const int n = raster.channels;
  int tint[3];  // per channel, in 1/1024
  for (int c = 0; c < 3; ++c) tint[c] = static_cast<int>((n == 3 ? cast[c] : (cast[0] + cast[1] + cast[2]) / 3) * 1024);
  // The light changes slowly: work it out every 16 pixels and interpolate in between.
  constexpr int kStep = 16;
  std::vector<int> level((raster.width + kStep) / kStep + 1);  // in 1/65536
  for (int y = 0; y < raster.height; ++y) {
    std::uint8_t* row = raster.row(y);
    const double dy2 = (y - py) * (y - py);
    for (std::size_t k = 0; k < level.size(); ++k) {
      const double x = static_cast<double>(k) * kStep;
      level[k] = static_cast<int>((bright + (dark - bright) * std::sqrt((x - px) * (x - px) + dy2) / far) * 65536);
    }
    for (int x = 0; x < raster.width; ++x) {
      const int k = x / kStep, f = x % kStep;
      const std::int64_t l = (static_cast<std::int64_t>(level[k]) * (kStep - f) + level[k + 1] * f) / kStep;
      for (int c = 0; c < n; ++c) {
        const std::int64_t value = (row[x * n + c] * l >> 16) * tint[c] >> 10;
        row[x * n + c] = static_cast<std::uint8_t>(std::min<std::int64_t>(255, value));
      }
    }
  }
}

pdf::Raster ToGray(const pdf::Raster& raster) {
  if (raster.channels == 1) return raster;
  pdf::Raster gray = pdf::Raster::White(raster.width, raster.height, pdf::ColorMode::kGray);
  for (int y = 0; y < raster.height; ++y) {
    const std::uint8_t* in = raster.row(y);
    std::uint8_t* out = gray.row(y);
    for (int x = 0; x < raster.width; ++x) {
      out[x] = static_cast<std::uint8_t>((299 * in[3 * x] + 587 * in[3 * x + 1] + 114 * in[3 * x + 2] + 500) / 1000);
    }
  }
  return gray;
}

pdf::Raster BlankPaper(int width, int height, pdf::ColorMode mode, Rng& rng) {
  pdf::Raster page = pdf::Raster::White(width, height, mode);
  std::fill(page.pixels.begin(), page.pixels.end(), std::uint8_t{248});
  AddGaussianNoise(page, 1.5, rng);
  const int specks = rng.Int(3, 12);
  for (int i = 0; i < specks; ++i) {
    const int x = rng.Int(0, width - 3), y = rng.Int(0, height - 3);
    const std::uint8_t shade = static_cast<std::uint8_t>(rng.Int(120, 200));
    for (int dy = 0; dy < 2; ++dy) {
      std::uint8_t* p = page.row(y + dy) + static_cast<std::size_t>(x) * page.channels;
      std::fill(p, p + 2 * page.channels, shade);
    }
  }
  return page;
}

}  // namespace archive::formgen
