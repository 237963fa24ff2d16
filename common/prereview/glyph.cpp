#include "common/prereview/glyph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>
#include <variant>

#include "common/pdf/context.hpp"
#include "common/pdf/drawing.hpp"

namespace archive::prereview {
namespace {

// The band of rows that holds the line's characters: the longest run of rows with ink, gaps of up to 3 rows
// bridged, leaving out rows inked over half the width (the ruled line under a name).
std::pair<int, int> TextBand(const image::Image& gray, int ink_below) {
  std::vector<bool> text_row(gray.height, false);
  for (int y = 0; y < gray.height; ++y) {
    int inked = 0;
    for (int x = 0; x < gray.width; ++x) inked += gray.At(x, y) < ink_below ? 1 : 0;
    text_row[y] = inked > 0 && inked <= gray.width / 2;
  }
  std::pair<int, int> best{0, 0};
  for (int y = 0; y < gray.height;) {
    if (!text_row[y]) {
      ++y;
      continue;
    }
    int end = y + 1;
    for (int k = y + 1; k < gray.height && k - end <= 3; ++k) {
      if (text_row[k]) end = k + 1;
    }
    if (end - y > best.second - best.first) best = {y, end};
    y = end;
  }
  return best;
}

// Darkness 0..1 of a gray pixel, 0 where it is not ink.
float Darkness(std::uint8_t v, int ink_below) {
  return v < ink_below ? static_cast<float>(255 - v) / 255.0f : 0.0f;
}

GlyphShape BoxBlurred(const GlyphShape& v) {
  GlyphShape out(v.size(), 0.0f);
  for (int j = 0; j < kGlyphSide; ++j) {
    for (int i = 0; i < kGlyphSide; ++i) {
      float sum = 0;
      for (int dj = -1; dj <= 1; ++dj) {
        for (int di = -1; di <= 1; ++di) {
          const int a = std::clamp(i + di, 0, kGlyphSide - 1);
          const int b = std::clamp(j + dj, 0, kGlyphSide - 1);
          sum += v[b * kGlyphSide + a];
        }
      }
      out[j * kGlyphSide + i] = sum / 9;
    }
  }
  return out;
}

}  // namespace

std::vector<CellBox> CharacterCells(const image::Image& gray, std::size_t count, int ink_below) {
  const auto [top, bottom] = TextBand(gray, ink_below);
  std::vector<CellBox> cells;
  if (count == 0 || bottom <= top) return cells;
  std::vector<int> ink(gray.width, 0);  // inked pixels of each column within the band
  for (int x = 0; x < gray.width; ++x) {
    for (int y = top; y < bottom; ++y) ink[x] += gray.At(x, y) < ink_below ? 1 : 0;
  }
  // The line's extent: from the first to the last column of a stroke (two inked pixels; a speck is not one).
  int left = 0, right = gray.width;
  while (left < right && ink[left] < 2) ++left;
  while (right > left && ink[right - 1] < 2) --right;
  const double pitch = static_cast<double>(right - left) / static_cast<double>(count);
  if (pitch < 4) return cells;
  // Characters are about as wide as each other: each boundary is the emptiest column within a third of a pitch
  // of its even place (the nearest one among equals), which never reaches the gap inside 川 or 明.
  int x0 = left;
  for (std::size_t k = 1; k <= count; ++k) {
    int x1 = right;
    if (k < count) {
      const double even = left + pitch * static_cast<double>(k);
      const int from = static_cast<int>(std::ceil(even - pitch / 3)), to = static_cast<int>(even + pitch / 3);
      x1 = static_cast<int>(std::lround(even));
      for (int x = from; x <= to; ++x) {
        if (ink[x] < ink[x1] || (ink[x] == ink[x1] && std::abs(x - even) < std::abs(x1 - even))) x1 = x;
      }
    }
    if (k < count && ink[x1] > (bottom - top) / 8) return {};  // every place cuts through strokes
    cells.push_back({x0, top, x1, bottom});
    x0 = x1;
  }
  return cells;
}

GlyphShape ShapeIn(const image::Image& gray, const CellBox& box, int ink_below) {
  const int x0 = std::clamp(box.x0, 0, gray.width), x1 = std::clamp(box.x1, x0, gray.width);
  const int y0 = std::clamp(box.y0, 0, gray.height), y1 = std::clamp(box.y1, y0, gray.height);
  int left = x1, right = x0, top = y1, bottom = y0;  // the ink's bounding box
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      if (gray.At(x, y) >= ink_below) continue;
      left = std::min(left, x);
      right = std::max(right, x + 1);
      top = std::min(top, y);
      bottom = std::max(bottom, y + 1);
    }
  }
  if (right <= left || bottom <= top) return {};
  // A square around the ink, sampled 3×3 per cell of the shape.
  const double side = std::max(right - left, bottom - top);
  const double sx = (left + right - side) / 2, sy = (top + bottom - side) / 2;
  GlyphShape shape(kGlyphSide * kGlyphSide, 0.0f);
  for (int j = 0; j < kGlyphSide; ++j) {
    for (int i = 0; i < kGlyphSide; ++i) {
      float sum = 0;
      for (int k = 0; k < 9; ++k) {
        const int x = static_cast<int>(std::floor(sx + (i + (k % 3 + 0.5) / 3) * side / kGlyphSide));
        const int y = static_cast<int>(std::floor(sy + (j + (k / 3 + 0.5) / 3) * side / kGlyphSide));
        if (x >= left && x < right && y >= top && y < bottom) sum += Darkness(gray.At(x, y), ink_below);
      }
      shape[j * kGlyphSide + i] = sum / 9;
    }
  }
  return BoxBlurred(BoxBlurred(shape));
}

double Correlation(const GlyphShape& a, const GlyphShape& b) {
  if (a.empty() || a.size() != b.size()) return 0;
  const auto n = static_cast<double>(a.size());
  double mean_a = 0, mean_b = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    mean_a += a[i];
    mean_b += b[i];
  }
  mean_a /= n;
  mean_b /= n;
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += (a[i] - mean_a) * (b[i] - mean_b);
    aa += (a[i] - mean_a) * (a[i] - mean_a);
    bb += (b[i] - mean_b) * (b[i] - mean_b);
  }
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0;
}

struct GlyphFonts::State {
  // Fonts are megabytes each: a context of their own keeps them out of the document's memory budget.
  pdf::Context context{
      pdf::ContextOptions{.memory_bytes = std::size_t{160} << 20, .store_bytes = std::size_t{8} << 20}};
  std::vector<pdf::Font> fonts;
  // Shapes already rendered: names repeat their characters across the documents a child checks. At most
  // kMaxCached characters (about 8 KB each in two fonts); emptied when full.
  static constexpr std::size_t kMaxCached = 2048;
  std::unordered_map<char32_t, std::vector<GlyphShape>> shapes;
};

GlyphFonts::GlyphFonts(const std::vector<std::string>& fonts) : state_(std::make_unique<State>()) {
  for (const std::string& font : fonts) {
    const std::size_t hash = font.rfind('#');
    const std::string path = font.substr(0, hash);
    int face = 0;
    if (hash != std::string::npos) {
      try {
        face = std::stoi(font.substr(hash + 1));
      } catch (const std::logic_error&) {
        throw std::runtime_error(fmt::format("glyph font \"{}\": the face after '#' must be a number", font));
      }
    }
    auto loaded = pdf::Font::Load(state_->context, path, face);
    if (const auto* error = std::get_if<pdf::Error>(&loaded)) {
      throw std::runtime_error(fmt::format("glyph font \"{}\" cannot be loaded: {}", font, error->detail));
    }
    state_->fonts.push_back(std::move(std::get<pdf::Font>(loaded)));
  }
}

GlyphFonts::~GlyphFonts() = default;

std::size_t GlyphFonts::size() const {
  return state_->fonts.size();
}

std::vector<GlyphShape> GlyphFonts::Shapes(char32_t c) {
  if (const auto cached = state_->shapes.find(c); cached != state_->shapes.end()) return cached->second;
  std::vector<GlyphShape> out;
  for (const pdf::Font& font : state_->fonts) {
    if (!font.Has(c)) {
      out.emplace_back();
      continue;
    }
    // 60 pt on an 80 pt square at 72 dpi: a 60-pixel glyph, about the size of a name's character at 200 dpi.
    pdf::Drawing drawing(80, 80);
    drawing.Text(font, std::u32string(1, c), {8, 64}, 60, pdf::Color{0, 0, 0});
    auto raster = pdf::Rasterize(state_->context, drawing, 72, pdf::ColorMode::kGray);
    if (std::holds_alternative<pdf::Error>(raster)) {
      out.emplace_back();
      continue;
    }
    auto& r = std::get<pdf::Raster>(raster);
    const image::Image glyph{r.width, r.height, r.channels, std::move(r.pixels)};
    out.push_back(ShapeIn(glyph, {0, 0, glyph.width, glyph.height}, 128));
  }
  if (state_->shapes.size() >= State::kMaxCached) state_->shapes.clear();
  state_->shapes.emplace(c, out);
  return out;
}

}  // namespace archive::prereview
