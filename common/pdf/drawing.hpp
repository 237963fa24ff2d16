#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/pdf/context.hpp"
#include "common/pdf/error.hpp"
#include "common/pdf/raster.hpp"

// Vector page descriptions for the synthetic-form generator (tools/formgen): a Drawing is rendered either into
// a PDF page (Writer::AddVectorPage) or into pixels (Rasterize) that then go through scanner effects. They
// live here because only common/pdf may talk to MuPDF.
namespace archive::pdf {

struct Point {
  double x = 0;
  double y = 0;
};

struct Color {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
};

// A TrueType/OpenType font file, or one face of a collection (.ttc), loaded into a Context.
// Lifetime: only for use with the Context that loaded it, which must outlive it. Movable.
class Font {
 public:
  // kCorrupt when the file is missing or FreeType cannot read it.
  static std::variant<Font, Error> Load(Context& context, const std::string& path, int face_index = 0);

  Font(Font&&) noexcept;
  Font& operator=(Font&&) noexcept;
  ~Font();

  // The advance of one character at size 1 (in em), 0 when the font lacks it.
  double Advance(char32_t character) const;
  bool Has(char32_t character) const;

  struct State;
  const State& state() const { return *state_; }

 private:
  explicit Font(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// A page as a list of drawing operations, in points with the origin at the top-left and y down. Fonts are
// referenced, not copied: they must outlive the Drawing.
class Drawing {
 public:
  Drawing(double width_pt, double height_pt) : width_pt_(width_pt), height_pt_(height_pt) {}

  // Characters the font lacks are skipped. angle_deg turns the text counter-clockwise about the baseline start.
  void Text(const Font& font, std::u32string_view text, Point baseline, double size_pt, Color color,
            double angle_deg = 0);
  void Line(Point from, Point to, double width_pt, Color color);
  void StrokeRect(Point top_left, double width, double height, double line_width_pt, Color color);
  void FillRect(Point top_left, double width, double height, Color color);
  void StrokeCircle(Point center, double radius, double line_width_pt, Color color);
  void FillPolygon(std::vector<Point> points, Color color);

  double width_pt() const { return width_pt_; }
  double height_pt() const { return height_pt_; }

  struct TextOp {
    const Font* font;
    std::u32string text;
    Point baseline;
    double size;
    Color color;
    double angle_deg;
  };
  enum class Shape { kLine, kStrokeRect, kFillRect, kStrokeCircle, kFillPolygon };
  struct ShapeOp {
    Shape shape;
    std::vector<Point> points;  // line: 2; rects: top-left and bottom-right; circle: centre and (radius, 0)
    double line_width;
    Color color;
  };
  using Op = std::variant<TextOp, ShapeOp>;
  const std::vector<Op>& ops() const { return ops_; }

 private:
  double width_pt_;
  double height_pt_;
  std::vector<Op> ops_;
};

// Draws a Drawing onto white pixels at dpi (anti-aliased, as a scanner would see the printed page).
std::variant<Raster, Error> Rasterize(Context& context, const Drawing& drawing, double dpi, ColorMode mode);

}  // namespace archive::pdf
