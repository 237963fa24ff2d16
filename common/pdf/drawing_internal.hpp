#pragma once

// Private to common/pdf: what Rasterize and Writer::AddVectorPage share, so that a scanned page and a vector
// page drawn from the same Drawing put every glyph and line in the same place.

#include <vector>

#include "common/pdf/drawing.hpp"
#include "common/pdf/mupdf.hpp"

namespace archive::pdf {

struct Font::State {
  explicit State(Context::Impl& context) : impl(&context), font(context.ctx.get()) {}
  Context::Impl* impl;
  OwnedFont font;
};

// One glyph of a TextOp, positioned in Drawing coordinates (points, y down).
struct PlacedGlyph {
  std::size_t op;  // index into Drawing::ops()
  fz_font* font;
  int gid;
  char32_t unicode;
  Point origin;  // baseline start of the glyph
  double size;
  double angle_deg;  // counter-clockwise
  double advance;    // in em
  Color color;
};

// Places the glyphs of every TextOp, in drawing order. Characters a font lacks are dropped.
std::variant<std::vector<PlacedGlyph>, Error> PlaceGlyphs(Context::Impl& impl, const Drawing& drawing);

// A shape as path segments, in Drawing coordinates.
struct Segment {
  enum Kind { kMove, kLine, kCurve, kClose } kind;
  Point p[3];
};
std::vector<Segment> Outline(const Drawing::ShapeOp& shape);
bool IsFilled(const Drawing::ShapeOp& shape);

}  // namespace archive::pdf
