#include "common/pdf/drawing.hpp"

#include <cmath>
#include <cstring>
#include <numbers>

#include "common/pdf/drawing_internal.hpp"

namespace archive::pdf {
namespace {

// The Bezier control distance that makes four curves a circle.
constexpr double kKappa = 0.5522847498;

Color Black() {
  return Color{0, 0, 0};
}

}  // namespace

Font::Font(std::unique_ptr<State> state) : state_(std::move(state)) {}
Font::Font(Font&&) noexcept = default;
Font& Font::operator=(Font&&) noexcept = default;
Font::~Font() = default;

std::variant<Font, Error> Font::Load(Context& context, const std::string& path, int face_index) {
  Context::Impl& impl = ImplOf(context);
  auto state = std::make_unique<State>(impl);
  fz_context* ctx = impl.ctx.get();
  State& s = *state;
  const MuStatus status =
      Guard(impl, [&] { s.font = fz_new_font_from_file(ctx, nullptr, path.c_str(), face_index, 0); });
  if (!status.ok() || status.hit_memory_limit()) {
    return ErrorFrom(status, ErrorCode::kCorrupt, "loading font " + path);
  }
  return Font(std::move(state));
}

double Font::Advance(char32_t character) const {
  fz_context* ctx = state_->impl->ctx.get();
  double advance = 0;
  Guard(*state_->impl, [&] {
    const int gid = fz_encode_character(ctx, state_->font.get(), static_cast<int>(character));
    if (gid > 0) advance = fz_advance_glyph(ctx, state_->font.get(), gid, 0);
  });
  return advance;
}

bool Font::Has(char32_t character) const {
  fz_context* ctx = state_->impl->ctx.get();
  int gid = 0;
  Guard(*state_->impl, [&] { gid = fz_encode_character(ctx, state_->font.get(), static_cast<int>(character)); });
  return gid > 0;
}

void Drawing::Text(const Font& font, std::u32string_view text, Point baseline, double size_pt, Color color,
                   double angle_deg) {
  ops_.emplace_back(TextOp{&font, std::u32string(text), baseline, size_pt, color, angle_deg});
}

void Drawing::Line(Point from, Point to, double width_pt, Color color) {
  ops_.emplace_back(ShapeOp{Shape::kLine, {from, to}, width_pt, color});
}

void Drawing::StrokeRect(Point top_left, double width, double height, double line_width_pt, Color color) {
  ops_.emplace_back(
      ShapeOp{Shape::kStrokeRect, {top_left, {top_left.x + width, top_left.y + height}}, line_width_pt, color});
}

void Drawing::FillRect(Point top_left, double width, double height, Color color) {
  ops_.emplace_back(ShapeOp{Shape::kFillRect, {top_left, {top_left.x + width, top_left.y + height}}, 0, color});
}

void Drawing::StrokeCircle(Point center, double radius, double line_width_pt, Color color) {
  ops_.emplace_back(ShapeOp{Shape::kStrokeCircle, {center, {radius, 0}}, line_width_pt, color});
}

void Drawing::FillPolygon(std::vector<Point> points, Color color) {
  ops_.emplace_back(ShapeOp{Shape::kFillPolygon, std::move(points), 0, color});
}

std::variant<std::vector<PlacedGlyph>, Error> PlaceGlyphs(Context::Impl& impl, const Drawing& drawing) {
  fz_context* ctx = impl.ctx.get();
  std::vector<PlacedGlyph> glyphs;
  const MuStatus status = Guard(impl, [&] {
    const auto& ops = drawing.ops();
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const auto* text = std::get_if<Drawing::TextOp>(&ops[i]);
      if (text == nullptr) continue;
      fz_font* font = text->font->state().font.get();
      const double radians = text->angle_deg * std::numbers::pi / 180.0;
      // Counter-clockwise on the page, where y grows downwards.
      const double dx = std::cos(radians);
      const double dy = -std::sin(radians);
      double pen = 0;
      for (char32_t c : text->text) {
        const int gid = fz_encode_character(ctx, font, static_cast<int>(c));
        if (gid <= 0) continue;
        const double advance = fz_advance_glyph(ctx, font, gid, 0);
        const Point origin{text->baseline.x + dx * pen * text->size, text->baseline.y + dy * pen * text->size};
        glyphs.push_back(PlacedGlyph{i, font, gid, c, origin, text->size, text->angle_deg, advance, text->color});
        pen += advance;
      }
    }
  });
  if (!status.ok() || status.hit_memory_limit()) return ErrorFrom(status, ErrorCode::kCorrupt, "placing text");
  return glyphs;
}

bool IsFilled(const Drawing::ShapeOp& shape) {
  return shape.shape == Drawing::Shape::kFillRect || shape.shape == Drawing::Shape::kFillPolygon;
}

std::vector<Segment> Outline(const Drawing::ShapeOp& shape) {
  std::vector<Segment> path;
  const auto& p = shape.points;
  switch (shape.shape) {
    case Drawing::Shape::kLine:
      path.push_back({Segment::kMove, {p[0]}});
      path.push_back({Segment::kLine, {p[1]}});
      break;
    case Drawing::Shape::kStrokeRect:
    case Drawing::Shape::kFillRect:
      path.push_back({Segment::kMove, {p[0]}});
      path.push_back({Segment::kLine, {{p[1].x, p[0].y}}});
      path.push_back({Segment::kLine, {p[1]}});
      path.push_back({Segment::kLine, {{p[0].x, p[1].y}}});
      path.push_back({Segment::kClose, {}});
      break;
    case Drawing::Shape::kStrokeCircle: {
      const Point c = p[0];
      const double r = p[1].x;
      const double k = r * kKappa;
      path.push_back({Segment::kMove, {{c.x + r, c.y}}});
      path.push_back({Segment::kCurve, {{c.x + r, c.y + k}, {c.x + k, c.y + r}, {c.x, c.y + r}}});
      path.push_back({Segment::kCurve, {{c.x - k, c.y + r}, {c.x - r, c.y + k}, {c.x - r, c.y}}});
      path.push_back({Segment::kCurve, {{c.x - r, c.y - k}, {c.x - k, c.y - r}, {c.x, c.y - r}}});
      path.push_back({Segment::kCurve, {{c.x + k, c.y - r}, {c.x + r, c.y - k}, {c.x + r, c.y}}});
      path.push_back({Segment::kClose, {}});
      break;
    }
    case Drawing::Shape::kFillPolygon:
      for (std::size_t i = 0; i < p.size(); ++i) path.push_back({i == 0 ? Segment::kMove : Segment::kLine, {p[i]}});
      if (!p.empty()) path.push_back({Segment::kClose, {}});
      break;
  }
  return path;
}

std::variant<Raster, Error> Rasterize(Context& context, const Drawing& drawing, double dpi, ColorMode mode) {
  if (!(dpi >= 1 && dpi <= 2400)) return Error{ErrorCode::kBadRequest, "rasterizing: dpi must be within 1..2400", {}};
  Context::Impl& impl = ImplOf(context);
  const int width = static_cast<int>(std::lround(drawing.width_pt() * dpi / 72.0));
  const int height = static_cast<int>(std::lround(drawing.height_pt() * dpi / 72.0));
  if (width <= 0 || height <= 0) return Error{ErrorCode::kBadRequest, "rasterizing: empty page", {}};
  if (static_cast<std::int64_t>(width) * height > impl.options.max_render_pixels) {
    return Error{ErrorCode::kTooBig, "rasterizing: over max_render_pixels", {}};
  }
  auto placed = PlaceGlyphs(impl, drawing);
  if (auto* error = std::get_if<Error>(&placed)) return std::move(*error);
  const auto& glyphs = std::get<std::vector<PlacedGlyph>>(placed);

  std::vector<std::vector<Segment>> outlines;
  for (const auto& op : drawing.ops()) {
    const auto* shape = std::get_if<Drawing::ShapeOp>(&op);
    outlines.push_back(shape != nullptr ? Outline(*shape) : std::vector<Segment>{});
  }

  fz_context* ctx = impl.ctx.get();
  OwnedPixmap pixmap(ctx);
  OwnedDevice device(ctx);
  OwnedText text(ctx);
  OwnedPath path(ctx);
  OwnedStroke stroke(ctx);
  const float scale = static_cast<float>(dpi / 72.0);
  const MuStatus status = Guard(impl, [&] {
    fz_colorspace* cs = mode == ColorMode::kGray ? fz_device_gray(ctx) : fz_device_rgb(ctx);
    pixmap = fz_new_pixmap(ctx, cs, width, height, nullptr, 0);
    fz_clear_pixmap_with_value(ctx, pixmap.get(), 255);
    device = fz_new_draw_device(ctx, fz_scale(scale, scale), pixmap.get());
    stroke = fz_new_stroke_state(ctx);
    const auto& ops = drawing.ops();
    std::size_t next_glyph = 0;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (std::holds_alternative<Drawing::TextOp>(ops[i])) {
        text = fz_new_text(ctx);
        Color color = Black();
        for (; next_glyph < glyphs.size() && glyphs[next_glyph].op == i; ++next_glyph) {
          const PlacedGlyph& g = glyphs[next_glyph];
          const double radians = g.angle_deg * std::numbers::pi / 180.0;
          const float c = static_cast<float>(g.size * std::cos(radians));
          const float s = static_cast<float>(g.size * std::sin(radians));
          // Glyph space is y-up, the page is y-down.
          const fz_matrix trm{c, -s, -s, -c, static_cast<float>(g.origin.x), static_cast<float>(g.origin.y)};
          fz_show_glyph(ctx, text.get(), g.font, trm, g.gid, static_cast<int>(g.unicode), 0, 0, FZ_BIDI_LTR,
                        FZ_LANG_UNSET);
          color = g.color;
        }
        const float rgb[3] = {color.r / 255.0F, color.g / 255.0F,
                              color.b / 255.0F};  // NOLINT(bugprone-narrowing-conversions)
        fz_fill_text(ctx, device.get(), text.get(), fz_identity, fz_device_rgb(ctx), rgb, 1.0f,
                     fz_default_color_params);
        continue;
      }
      const auto& shape = std::get<Drawing::ShapeOp>(ops[i]);
      path = fz_new_path(ctx);
      for (const Segment& seg : outlines[i]) {
        const auto x = [](const Point& p) { return static_cast<float>(p.x); };
        const auto y = [](const Point& p) { return static_cast<float>(p.y); };
        switch (seg.kind) {
          case Segment::kMove:
            fz_moveto(ctx, path.get(), x(seg.p[0]), y(seg.p[0]));
            break;
          case Segment::kLine:
            fz_lineto(ctx, path.get(), x(seg.p[0]), y(seg.p[0]));
            break;
          case Segment::kCurve:
            fz_curveto(ctx, path.get(), x(seg.p[0]), y(seg.p[0]), x(seg.p[1]), y(seg.p[1]), x(seg.p[2]), y(seg.p[2]));
            break;
          case Segment::kClose:
            fz_closepath(ctx, path.get());
            break;
        }
      }
      const float rgb[3] = {shape.color.r / 255.0F, shape.color.g / 255.0F,  // NOLINT(bugprone-narrowing-conversions)
                            shape.color.b / 255.0F};
      if (IsFilled(shape)) {
        fz_fill_path(ctx, device.get(), path.get(), 0, fz_identity, fz_device_rgb(ctx), rgb, 1.0f,
                     fz_default_color_params);
      } else {
        stroke.get()->linewidth = static_cast<float>(shape.line_width);
        fz_stroke_path(ctx, device.get(), path.get(), stroke.get(), fz_identity, fz_device_rgb(ctx), rgb, 1.0f,
                       fz_default_color_params);
      }
    }
    fz_close_device(ctx, device.get());
  });
  if (!status.ok() || status.hit_memory_limit()) return ErrorFrom(status, ErrorCode::kCorrupt, "rasterizing");

  fz_pixmap* pix = pixmap.get();
  Raster raster = Raster::White(width, height, mode);
  const unsigned char* samples = fz_pixmap_samples(ctx, pix);
  const std::ptrdiff_t stride = fz_pixmap_stride(ctx, pix);
  for (int y = 0; y < height; ++y) std::memcpy(raster.row(y), samples + y * stride, raster.stride);
  return raster;
}

}  // namespace archive::pdf
