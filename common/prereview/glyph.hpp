#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/image/image.hpp"

// Matching one written character against the glyphs of two candidate characters, to tell a name one character
// off the record (程静清 written for 程静浩) from an OCR misread of one character of the record's name (郭肯 read
// for 郭明): the recognizer reads both the same way, but the ink of a misread character still looks like the
// record's character, and a different character does not (docs/prereview.md, "The name").
namespace archive::prereview {

// A character's shape: its ink cropped to its bounding square (keeping the aspect), resampled to
// kGlyphSide × kGlyphSide darkness 0..1 and blurred twice by a 3×3 box, so that a stroke a pixel or two away still
// overlaps. Empty when there was no ink.
inline constexpr int kGlyphSide = 32;
using GlyphShape = std::vector<float>;

// A character's place on a line, in pixels: [x0, x1) × [y0, y1).
struct CellBox {
  int x0 = 0;
  int y0 = 0;
  int x1 = 0;
  int y1 = 0;
};

// Where `count` characters written on one line of a gray image are, left to right: the longest band of inked rows
// (a row inked over half the width is a ruled line, not text) is split where its columns carry the least ink near
// even places (characters are about as wide as each other, and written close together: the gaps inside 川 or 明
// can be wider than those between characters). None when some place cuts through strokes, or there is no line:
// the caller cannot judge it.
std::vector<CellBox> CharacterCells(const image::Image& gray, std::size_t count, int ink_below);

// The shape of the ink darker than ink_below inside a box of a gray image.
GlyphShape ShapeIn(const image::Image& gray, const CellBox& box, int ink_below);

// Pearson's correlation of two shapes, -1..1; 0 when either is empty or flat.
double Correlation(const GlyphShape& a, const GlyphShape& b);

// Fonts loaded once to render characters' shapes: each font is a printed hand a written character is compared
// with. A font is "PATH" or "PATH#FACE" (a face of a collection, e.g. NotoSerifCJK-Regular.ttc#2 for Simplified
// Chinese). Thread-safety: none (one MuPDF context of its own, outside the document's memory budget).
class GlyphFonts {
 public:
  // Throws std::runtime_error naming a font that cannot be loaded.
  explicit GlyphFonts(const std::vector<std::string>& fonts);
  ~GlyphFonts();
  GlyphFonts(const GlyphFonts&) = delete;
  GlyphFonts& operator=(const GlyphFonts&) = delete;

  std::size_t size() const;
  // The shape of c in each font, in the order given; an empty shape where a font lacks c. Rendered once per
  // character (kept for the next documents, up to a bound).
  std::vector<GlyphShape> Shapes(char32_t c);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace archive::prereview
