#include "common/image/image.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <stdexcept>

namespace archive::image {
namespace {

double Variance(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double mean = 0;
  for (const double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double var = 0;
  for (const double x : v) var += (x - mean) * (x - mean);
  return var / static_cast<double>(v.size());
}

void PutU32(std::string& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutChunk(std::string& out, const char* type, const std::string& data) {
  PutU32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = out.size();
  out.append(type, 4);
  out += data;
  const auto crc = crc32(0, reinterpret_cast<const Bytef*>(out.data() + start), static_cast<uInt>(out.size() - start));
  PutU32(out, static_cast<std::uint32_t>(crc));
}

}  // namespace

Image ToGray(const Image& image) {
  if (image.channels == 1) return image;
  Image out{image.width, image.height, 1,
            std::vector<std::uint8_t>(static_cast<std::size_t>(image.width) * image.height)};
  for (std::size_t i = 0; i < out.pixels.size(); ++i) {
    const auto* p = &image.pixels[i * image.channels];
    out.pixels[i] = static_cast<std::uint8_t>((299 * p[0] + 587 * p[1] + 114 * p[2]) / 1000);
  }
  return out;
}

Image Crop(const Image& image, double x0, double y0, double x1, double y1) {
  const int left = std::clamp(static_cast<int>(x0 * image.width), 0, image.width);
  const int top = std::clamp(static_cast<int>(y0 * image.height), 0, image.height);
  const int right = std::clamp(static_cast<int>(x1 * image.width), left, image.width);
  const int bottom = std::clamp(static_cast<int>(y1 * image.height), top, image.height);
  Image out{right - left, bottom - top, image.channels, {}};
  out.pixels.reserve(static_cast<std::size_t>(out.width) * out.height * out.channels);
  for (int y = top; y < bottom; ++y) {
    const auto* row = &image.pixels[(static_cast<std::size_t>(y) * image.width + left) * image.channels];
    out.pixels.insert(out.pixels.end(), row, row + static_cast<std::size_t>(out.width) * image.channels);
  }
  return out;
}

Image Rotate(const Image& image, int degrees) {
  degrees = ((degrees % 360) + 360) % 360;
  if (degrees == 0) return image;
  const bool swap = degrees != 180;
  Image out{swap ? image.height : image.width, swap ? image.width : image.height, image.channels,
            std::vector<std::uint8_t>(image.pixels.size())};
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      int nx = 0;
      int ny = 0;
      if (degrees == 90) {
        nx = image.height - 1 - y;
        ny = x;
      } else if (degrees == 180) {
        nx = image.width - 1 - x;
        ny = image.height - 1 - y;
      } else {
        nx = y;
        ny = image.width - 1 - x;
      }
      for (int c = 0; c < image.channels; ++c) {
        out.pixels[(static_cast<std::size_t>(ny) * out.width + nx) * out.channels + c] = image.At(x, y, c);
      }
    }
  }
  return out;
}

Image Flatten(const Image& gray, int block) {
  Image out{gray.width, gray.height, 1, gray.pixels};
  if (gray.width < 2 || gray.height < 2 || block < 2) return out;
  const int bx = (gray.width + block - 1) / block;
  const int by = (gray.height + block - 1) / block;
  std::vector<double> paper(static_cast<std::size_t>(bx) * by, 255);
  for (int j = 0; j < by; ++j) {
    for (int i = 0; i < bx; ++i) {
      std::array<int, 256> histogram{};
      int n = 0;
      for (int y = j * block; y < std::min(gray.height, (j + 1) * block); ++y) {
        for (int x = i * block; x < std::min(gray.width, (i + 1) * block); ++x) {
          ++histogram[gray.At(x, y)];
          ++n;
        }
      }
      const int target = n * 9 / 10;
      int seen = 0;
      int v = 0;
      for (; v < 255; ++v) {
        seen += histogram[v];
        if (seen > target) break;
      }
      paper[static_cast<std::size_t>(j) * bx + i] = std::max(v, 16);
    }
  }
  // Bilinear between block centres.
  const auto at = [&](int i, int j) {
    return paper[static_cast<std::size_t>(std::clamp(j, 0, by - 1)) * bx + std::clamp(i, 0, bx - 1)];
  };
  for (int y = 0; y < gray.height; ++y) {
    const double fy = (y + 0.5) / block - 0.5;
    const int j = static_cast<int>(std::floor(fy));
    const double wy = fy - j;
    for (int x = 0; x < gray.width; ++x) {
      const double fx = (x + 0.5) / block - 0.5;
      const int i = static_cast<int>(std::floor(fx));
      const double wx = fx - i;
      const double p =
          (at(i, j) * (1 - wx) + at(i + 1, j) * wx) * (1 - wy) + (at(i, j + 1) * (1 - wx) + at(i + 1, j + 1) * wx) * wy;
      const double v = gray.At(x, y) * 255.0 / p;
      out.pixels[static_cast<std::size_t>(y) * gray.width + x] = static_cast<std::uint8_t>(std::min(255.0, v));
    }
  }
  return out;
}

Image Median3(const Image& gray) {
  Image out{gray.width, gray.height, 1, gray.pixels};
  for (int y = 1; y + 1 < gray.height; ++y) {
    for (int x = 1; x + 1 < gray.width; ++x) {
      std::array<std::uint8_t, 9> v{};
      int k = 0;
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) v[k++] = gray.At(x + dx, y + dy);
      }
      std::nth_element(v.begin(), v.begin() + 4, v.end());
      out.pixels[static_cast<std::size_t>(y) * gray.width + x] = v[4];
    }
  }
  return out;
}

double InkRatio(const Image& gray, int ink_below) {
  if (gray.pixels.empty()) return 0;
  std::size_t ink = 0;
  for (const auto p : gray.pixels) ink += p < ink_below ? 1 : 0;
  return static_cast<double>(ink) / static_cast<double>(gray.pixels.size());
}

double Sharpness(const Image& gray) {
  if (gray.width < 3 || gray.height < 3) return 0;
  // Contrast: the spread between the dark and light ends of the histogram.
  std::array<std::size_t, 256> histogram{};
  for (const auto p : gray.pixels) ++histogram[p];
  auto percentile = [&](double q) {
    const auto target = static_cast<std::size_t>(q * static_cast<double>(gray.pixels.size()));
    std::size_t seen = 0;
    for (int v = 0; v < 256; ++v) {
      seen += histogram[v];
      if (seen > target) return v;
    }
    return 255;
  };
  const int dark = percentile(0.01);
  const int light = percentile(0.90);
  const double contrast = std::max(16, light - dark);
  // Laplacian variance over pixels on or beside ink, where sharpness shows.
  double sum = 0;
  double sum_sq = 0;
  std::size_t n = 0;
  const int ink = dark + static_cast<int>((light - dark) * 0.75);
  for (int y = 1; y < gray.height - 1; ++y) {
    for (int x = 1; x < gray.width - 1; ++x) {
      const int c = gray.At(x, y);
      const int l = gray.At(x - 1, y);
      const int r = gray.At(x + 1, y);
      const int u = gray.At(x, y - 1);
      const int d = gray.At(x, y + 1);
      if (std::min({c, l, r, u, d}) > ink) continue;
      const double lap = (l + r + u + d - 4.0 * c) / contrast;
      sum += lap;
      sum_sq += lap * lap;
      ++n;
    }
  }
  if (n < 50) return 0;
  const double mean = sum / static_cast<double>(n);
  return (sum_sq / static_cast<double>(n) - mean * mean) * 100.0;
}

bool HasColour(const Image& rgb, int min_chroma, double min_fraction) {
  if (rgb.channels < 3 || rgb.pixels.empty()) return false;
  std::size_t coloured = 0;
  const std::size_t n = rgb.pixels.size() / 3;
  for (std::size_t i = 0; i < n; ++i) {
    const auto* p = &rgb.pixels[i * 3];
    const int chroma = std::max({p[0], p[1], p[2]}) - std::min({p[0], p[1], p[2]});
    coloured += chroma >= min_chroma ? 1 : 0;
  }
  return static_cast<double>(coloured) / static_cast<double>(n) >= min_fraction;
}

double RedRatio(const Image& rgb) {
  if (rgb.channels < 3 || rgb.pixels.empty()) return 0;
  std::size_t red = 0;
  const std::size_t n = rgb.pixels.size() / 3;
  for (std::size_t i = 0; i < n; ++i) {
    const int r = rgb.pixels[i * 3];
    const int g = rgb.pixels[i * 3 + 1];
    const int b = rgb.pixels[i * 3 + 2];
    red += (r > 120 && r - g > 60 && r - b > 50) ? 1 : 0;
  }
  return static_cast<double>(red) / static_cast<double>(n);
}

double LineDirectionRatio(const Image& gray) {
  std::vector<double> rows(static_cast<std::size_t>(gray.height), 0);
  std::vector<double> cols(static_cast<std::size_t>(gray.width), 0);
  const int threshold = OtsuThreshold(gray);
  for (int y = 0; y < gray.height; ++y) {
    for (int x = 0; x < gray.width; ++x) {
      if (gray.At(x, y) < threshold) {
        rows[y] += 1;
        cols[x] += 1;
      }
    }
  }
  for (auto& r : rows) r /= std::max(1, gray.width);
  for (auto& c : cols) c /= std::max(1, gray.height);
  const double col_var = Variance(cols);
  return col_var <= 0 ? 0 : Variance(rows) / col_var;
}

std::uint64_t DifferenceHash(const Image& gray) {
  if (gray.width < 9 || gray.height < 8) return 0;
  std::array<double, 9 * 8> cells{};
  for (int cy = 0; cy < 8; ++cy) {
    for (int cx = 0; cx < 9; ++cx) {
      const int x0 = cx * gray.width / 9;
      const int x1 = (cx + 1) * gray.width / 9;
      const int y0 = cy * gray.height / 8;
      const int y1 = (cy + 1) * gray.height / 8;
      double sum = 0;
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) sum += gray.At(x, y);
      }
      cells[cy * 9 + cx] = sum / std::max(1, (x1 - x0) * (y1 - y0));
    }
  }
  std::uint64_t hash = 0;
  for (int cy = 0; cy < 8; ++cy) {
    for (int cx = 0; cx < 8; ++cx) hash = (hash << 1) | (cells[cy * 9 + cx] > cells[cy * 9 + cx + 1] ? 1 : 0);
  }
  return hash;
}

std::uint64_t LineProfileHash(const Image& gray, int ink_below) {
  constexpr int kPaper = 230;
  std::vector<double> darkness(gray.width, 0);
  std::vector<int> inked(gray.width, 0);
  for (int y = 0; y < gray.height; ++y) {
    for (int x = 0; x < gray.width; ++x) {
      const int v = gray.At(x, y);
      // Darkness counts in proportion below the paper, so that noise at a stroke's edge moves it a little.
      darkness[x] += std::max(0, kPaper - v);
      inked[x] += v < ink_below ? 1 : 0;
    }
  }
  // A column of a glyph has a stroke down it; a speck of noise left in the margin has a pixel or two.
  const int min_inked = std::max(3, gray.height / 10);
  const auto has_ink = [&](int n) { return n >= min_inked; };
  const int x0 = static_cast<int>(std::find_if(inked.begin(), inked.end(), has_ink) - inked.begin());
  const int x1 = static_cast<int>(inked.rend() - std::find_if(inked.rbegin(), inked.rend(), has_ink));
  constexpr int kBins = 65;
  if (x1 - x0 < kBins) return 0;
  std::array<double, kBins> bins{};
  for (int b = 0; b < kBins; ++b) {
    const int a = x0 + b * (x1 - x0) / kBins, e = x0 + (b + 1) * (x1 - x0) / kBins;
    for (int x = a; x < e; ++x) bins[b] += darkness[x];
    bins[b] /= std::max(1, e - a);
  }
  const double margin = 0.03 * *std::max_element(bins.begin(), bins.end());
  std::uint64_t hash = 0;
  for (int b = 0; b + 1 < kBins; ++b) hash = (hash << 1) | (bins[b] > bins[b + 1] + margin ? 1 : 0);
  return hash;
}

int HammingDistance(std::uint64_t a, std::uint64_t b) {
  return std::popcount(a ^ b);
}

int OtsuThreshold(const Image& gray) {
  std::array<double, 256> histogram{};
  for (const auto p : gray.pixels) histogram[p] += 1;
  const double total = static_cast<double>(gray.pixels.size());
  double sum_all = 0;
  for (int v = 0; v < 256; ++v) sum_all += v * histogram[v];
  double weight_back = 0;
  double sum_back = 0;
  double best = -1;
  int threshold = 128;
  for (int v = 0; v < 256; ++v) {
    weight_back += histogram[v];
    if (weight_back == 0) continue;
    const double weight_fore = total - weight_back;
    if (weight_fore == 0) break;
    sum_back += v * histogram[v];
    const double mean_back = sum_back / weight_back;
    const double mean_fore = (sum_all - sum_back) / weight_fore;
    const double between = weight_back * weight_fore * (mean_back - mean_fore) * (mean_back - mean_fore);
    if (between > best) {
      best = between;
      threshold = v + 1;
    }
  }
  return threshold;
}

Image Binarize(const Image& gray, int threshold) {
  Image out = gray;
  for (auto& p : out.pixels) p = p < threshold ? 0 : 255;
  return out;
}

std::string EncodePng(const Image& image) {
  std::string raw;
  const std::size_t row_bytes = static_cast<std::size_t>(image.width) * image.channels;
  raw.reserve((row_bytes + 1) * image.height);
  for (int y = 0; y < image.height; ++y) {
    raw.push_back('\0');  // filter: none
    raw.append(reinterpret_cast<const char*>(&image.pixels[y * row_bytes]), row_bytes);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), 6) != Z_OK) {
    throw std::runtime_error("zlib could not compress a PNG");
  }
  packed.resize(packed_size);
  std::string out("\x89PNG\r\n\x1a\n", 8);
  std::string header;
  PutU32(header, static_cast<std::uint32_t>(image.width));
  PutU32(header, static_cast<std::uint32_t>(image.height));
  header += std::string{'\x08', image.channels == 3 ? '\x02' : '\x00', '\0', '\0', '\0'};
  PutChunk(out, "IHDR", header);
  PutChunk(out, "IDAT", packed);
  PutChunk(out, "IEND", "");
  return out;
}

}  // namespace archive::image
