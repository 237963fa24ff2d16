#include "common/pdf/writer.hpp"

#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <numbers>
#include <utility>
#include <vector>

#include "common/pdf/drawing_internal.hpp"
#include "common/pdf/jpeg.hpp"

// Not in MuPDF 1.21's public headers (fitz-imp.h), but exported by libmupdf.a: seeds the generator behind
// fz_memrnd, which encryption uses for its IVs.
extern "C" void fz_srand48(fz_context* ctx, int32_t seed);  // NOLINT(readability-identifier-naming)

namespace archive::pdf {
namespace {

// Type 3 fonts use one-byte codes; code 0 is left unused.
constexpr int kGlyphsPerFont = 255;

struct Glyph {
  fz_font* font;
  int gid;
  char32_t unicode;
  double advance;  // em
};

// One Type 3 font: up to 255 glyph outlines, filled in at Save.
struct Type3Font {
  explicit Type3Font(fz_context* ctx) : ref(ctx) {}
  OwnedObj ref;
  std::vector<Glyph> glyphs;  // code = index + 1
  std::size_t written = 0;    // glyphs already in the PDF object
};

void Append(std::string& out, const char* format, auto... values) {
  char buffer[256];
  const int n = std::snprintf(buffer, sizeof buffer, format, values...);
  out.append(buffer, static_cast<std::size_t>(n));
}

// Path walker that writes PDF path operators into an fz_buffer (glyph space is already y-up).
void WalkMove(fz_context* ctx, void* arg, float x, float y) {
  fz_append_printf(ctx, static_cast<fz_buffer*>(arg), "%g %g m\n", x, y);
}
void WalkLine(fz_context* ctx, void* arg, float x, float y) {
  fz_append_printf(ctx, static_cast<fz_buffer*>(arg), "%g %g l\n", x, y);
}
void WalkCurve(fz_context* ctx, void* arg, float x1, float y1, float x2, float y2, float x3, float y3) {
  fz_append_printf(ctx, static_cast<fz_buffer*>(arg), "%g %g %g %g %g %g c\n", x1, y1, x2, y2, x3, y3);
}
void WalkClose(fz_context* ctx, void* arg) {
  fz_append_string(ctx, static_cast<fz_buffer*>(arg), "h\n");
}

constexpr fz_path_walker kWalker = {&WalkMove, &WalkLine, &WalkCurve, &WalkClose, nullptr, nullptr, nullptr, nullptr};

}  // namespace

struct Writer::State {
  explicit State(Context::Impl& context) : impl(context), doc(context.ctx.get()) {}
  fz_context* Ctx() const { return impl.ctx.get(); }

  Context::Impl& impl;
  OwnedPdfDocument doc;
  std::vector<Type3Font> fonts;
  std::map<std::pair<fz_font*, int>, std::pair<std::size_t, int>> codes;  // (font, gid) -> (Type 3 font, code)
  int images = 0;
  bool saved = false;

  std::optional<Error> RefuseIfSaved(const char* what) const {
    if (!saved) return std::nullopt;
    return Error{ErrorCode::kBadRequest, std::string(what) + ": the PDF was already saved", {}};
  }

  // Writes the glyphs added since the last call into their Type 3 font objects.
  MuStatus FlushFonts();
  MuStatus FlushFont(Type3Font& font);
  // Adds a page with these contents and resources at the end.
  MuStatus AddPage(double width_pt, double height_pt, const std::string& contents, pdf_obj* resources);
};

MuStatus Writer::State::AddPage(double width_pt, double height_pt, const std::string& contents, pdf_obj* resources) {
  fz_context* c = Ctx();
  OwnedBuffer buffer(c);
  OwnedObj page(c);
  return Guard(impl, [&] {
    buffer =
        fz_new_buffer_from_copied_data(c, reinterpret_cast<const unsigned char*>(contents.data()), contents.size());
    page = pdf_add_page(c, doc.get(), fz_make_rect(0, 0, static_cast<float>(width_pt), static_cast<float>(height_pt)),
                        0, resources, buffer.get());
    pdf_insert_page(c, doc.get(), -1, page.get());
  });
}

MuStatus Writer::State::FlushFont(Type3Font& font) {
  fz_context* c = Ctx();
  pdf_document* d = doc.get();
  pdf_obj* dict = font.ref.get();
  OwnedBuffer buffer(c);
  OwnedPath path(c);
  OwnedObj proc(c);
  return Guard(impl, [&] {
    pdf_obj* procs = pdf_dict_get(c, dict, PDF_NAME(CharProcs));
    if (procs == nullptr) procs = pdf_dict_put_dict(c, dict, PDF_NAME(CharProcs), kGlyphsPerFont);
    fz_rect bbox = fz_empty_rect;
    if (pdf_dict_get(c, dict, PDF_NAME(FontBBox)) != nullptr) bbox = pdf_dict_get_rect(c, dict, PDF_NAME(FontBBox));
    for (std::size_t i = font.written; i < font.glyphs.size(); ++i) {
      const Glyph& g = font.glyphs[i];
      buffer = fz_new_buffer(c, 1024);
      path = fz_outline_glyph(c, g.font, g.gid, fz_scale(1000, 1000));
      fz_rect box = path.get() != nullptr ? fz_bound_path(c, path.get(), nullptr, fz_identity) : fz_empty_rect;
      if (fz_is_empty_rect(box)) box = fz_make_rect(0, 0, 0, 0);
      // d1: the glyph is a shape only; its colour comes from the text's fill colour.
      fz_append_printf(c, buffer.get(), "%g 0 %g %g %g %g d1\n", g.advance * 1000, box.x0, box.y0, box.x1, box.y1);
      if (path.get() != nullptr) {
        fz_walk_path(c, path.get(), &kWalker, buffer.get());
        fz_append_string(c, buffer.get(), "f\n");
      }
      proc = pdf_add_stream(c, d, buffer.get(), nullptr, 0);
      char name[24];
      std::snprintf(name, sizeof name, "g%zu", i + 1);
      pdf_dict_puts(c, procs, name, proc.get());
      bbox = fz_union_rect(bbox, box);
    }
    font.written = font.glyphs.size();

    pdf_dict_put(c, dict, PDF_NAME(Type), PDF_NAME(Font));
    pdf_dict_put(c, dict, PDF_NAME(Subtype), PDF_NAME(Type3));
    pdf_dict_put_rect(c, dict, PDF_NAME(FontBBox), bbox);
    pdf_dict_put_matrix(c, dict, PDF_NAME(FontMatrix), fz_scale(0.001f, 0.001f));
    pdf_dict_put_dict(c, dict, PDF_NAME(Resources), 0);
    pdf_dict_put_int(c, dict, PDF_NAME(FirstChar), 1);
    pdf_dict_put_int(c, dict, PDF_NAME(LastChar), static_cast<int64_t>(font.glyphs.size()));
    pdf_obj* widths = pdf_dict_put_array(c, dict, PDF_NAME(Widths), static_cast<int>(font.glyphs.size()));
    pdf_obj* encoding = pdf_dict_put_dict(c, dict, PDF_NAME(Encoding), 2);
    pdf_dict_put(c, encoding, PDF_NAME(Type), PDF_NAME(Encoding));
    pdf_obj* differences = pdf_dict_put_array(c, encoding, PDF_NAME(Differences), static_cast<int>(font.glyphs.size()));
    pdf_array_push_int(c, differences, 1);
    for (std::size_t i = 0; i < font.glyphs.size(); ++i) {
      char name[24];
      std::snprintf(name, sizeof name, "g%zu", i + 1);
      pdf_array_push_name(c, differences, name);
      pdf_array_push_real(c, widths, font.glyphs[i].advance * 1000);
    }

    // ToUnicode, so text extraction gives back the characters.
    buffer = fz_new_buffer(c, 1024);
    fz_append_string(c, buffer.get(),
                     "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                     "/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n"
                     "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                     "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n");
    for (std::size_t start = 0; start < font.glyphs.size(); start += 100) {
      const std::size_t end = std::min(font.glyphs.size(), start + 100);
      fz_append_printf(c, buffer.get(), "%d beginbfchar\n", static_cast<int>(end - start));
      for (std::size_t i = start; i < end; ++i) {
        const auto u = static_cast<unsigned>(font.glyphs[i].unicode);
        if (u > 0xFFFF) {
          const unsigned v = u - 0x10000;
          fz_append_printf(c, buffer.get(), "<%02x> <%04x%04x>\n", static_cast<int>(i + 1), 0xD800 + (v >> 10),
                           0xDC00 + (v & 0x3FF));
        } else {
          fz_append_printf(c, buffer.get(), "<%02x> <%04x>\n", static_cast<int>(i + 1), u);
        }
      }
      fz_append_string(c, buffer.get(), "endbfchar\n");
    }
    fz_append_string(c, buffer.get(), "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    proc = pdf_add_stream(c, d, buffer.get(), nullptr, 0);
    pdf_dict_put(c, dict, PDF_NAME(ToUnicode), proc.get());
  });
}

MuStatus Writer::State::FlushFonts() {
  for (Type3Font& font : fonts) {
    if (font.written == font.glyphs.size()) continue;
    MuStatus status = FlushFont(font);
    if (!status.ok() || status.hit_memory_limit()) return status;
  }
  return MuStatus{};
}

Writer::Writer(std::unique_ptr<State> state) : state_(std::move(state)) {}
Writer::Writer(Writer&&) noexcept = default;
Writer& Writer::operator=(Writer&&) noexcept = default;
Writer::~Writer() = default;

std::variant<Writer, Error> Writer::Create(Context& context) {
  Context::Impl& impl = ImplOf(context);
  auto state = std::make_unique<State>(impl);
  State& s = *state;
  const MuStatus status = Guard(impl, [&] { s.doc = pdf_create_document(impl.ctx.get()); });
  if (!status.ok() || status.hit_memory_limit()) return ErrorFrom(status, ErrorCode::kCorrupt, "creating a PDF");
  return Writer(std::move(state));
}

std::optional<Error> Writer::AddVectorPage(const Drawing& drawing) {
  State& s = *state_;
  if (auto refused = s.RefuseIfSaved("adding a vector page")) return refused;
  fz_context* ctx = s.Ctx();
  auto placed = PlaceGlyphs(s.impl, drawing);
  if (auto* error = std::get_if<Error>(&placed)) return std::move(*error);
  const auto& glyphs = std::get<std::vector<PlacedGlyph>>(placed);

  // Give every glyph a (Type 3 font, code), opening new fonts as they fill up.
  std::vector<std::pair<std::size_t, int>> coded;
  std::vector<std::size_t> new_fonts;
  std::vector<bool> used(s.fonts.size(), false);
  for (const PlacedGlyph& g : glyphs) {
    auto [it, added] = s.codes.try_emplace({g.font, g.gid});
    if (added) {
      if (s.fonts.empty() || s.fonts.back().glyphs.size() == kGlyphsPerFont) {
        s.fonts.emplace_back(ctx);
        new_fonts.push_back(s.fonts.size() - 1);
        used.push_back(false);
      }
      s.fonts.back().glyphs.push_back(Glyph{g.font, g.gid, g.unicode, g.advance});
      it->second = {s.fonts.size() - 1, static_cast<int>(s.fonts.back().glyphs.size())};
    }
    coded.push_back(it->second);
    used[it->second.first] = true;
  }

  // The content stream, in PDF space (y up).
  const double height = drawing.height_pt();
  std::string contents;
  std::size_t next_glyph = 0;
  const auto& ops = drawing.ops();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (const auto* text = std::get_if<Drawing::TextOp>(&ops[i])) {
      Append(contents, "BT\n%.4f %.4f %.4f rg\n", text->color.r / 255.0, text->color.g / 255.0, text->color.b / 255.0);
      std::size_t current_font = static_cast<std::size_t>(-1);
      for (; next_glyph < glyphs.size() && glyphs[next_glyph].op == i; ++next_glyph) {
        const PlacedGlyph& g = glyphs[next_glyph];
        const auto [font, code] = coded[next_glyph];
        if (font != current_font) {
          Append(contents, "/T%zu 1 Tf\n", font);
          current_font = font;
        }
        const double radians = g.angle_deg * std::numbers::pi / 180.0;
        const double c = g.size * std::cos(radians);
        const double sn = g.size * std::sin(radians);
        Append(contents, "%.4f %.4f %.4f %.4f %.3f %.3f Tm <%02x> Tj\n", c, sn, -sn, c, g.origin.x, height - g.origin.y,
               code);
      }
      contents += "ET\n";
      continue;
    }
    const auto& shape = std::get<Drawing::ShapeOp>(ops[i]);
    const double r = shape.color.r / 255.0, gr = shape.color.g / 255.0, b = shape.color.b / 255.0;
    if (IsFilled(shape)) {
      Append(contents, "%.4f %.4f %.4f rg\n", r, gr, b);
    } else {
      Append(contents, "%.4f %.4f %.4f RG %.3f w\n", r, gr, b, shape.line_width);
    }
    for (const Segment& seg : Outline(shape)) {
      switch (seg.kind) {
        case Segment::kMove:
          Append(contents, "%.3f %.3f m\n", seg.p[0].x, height - seg.p[0].y);
          break;
        case Segment::kLine:
          Append(contents, "%.3f %.3f l\n", seg.p[0].x, height - seg.p[0].y);
          break;
        case Segment::kCurve:
          Append(contents, "%.3f %.3f %.3f %.3f %.3f %.3f c\n", seg.p[0].x, height - seg.p[0].y, seg.p[1].x,
                 height - seg.p[1].y, seg.p[2].x, height - seg.p[2].y);
          break;
        case Segment::kClose:
          contents += "h\n";
          break;
      }
    }
    contents += IsFilled(shape) ? "f\n" : "S\n";
  }

  OwnedObj resources(ctx);
  const MuStatus status = Guard(s.impl, [&] {
    for (std::size_t f : new_fonts) s.fonts[f].ref = pdf_add_new_dict(ctx, s.doc.get(), 12);
    resources = pdf_new_dict(ctx, s.doc.get(), 1);
    pdf_obj* font_dict = pdf_dict_put_dict(ctx, resources.get(), PDF_NAME(Font), 4);
    for (std::size_t f = 0; f < used.size(); ++f) {
      if (!used[f]) continue;
      char name[24];
      std::snprintf(name, sizeof name, "T%zu", f);
      pdf_dict_puts(ctx, font_dict, name, s.fonts[f].ref.get());
    }
  });
  if (!status.ok() || status.hit_memory_limit()) return ErrorFrom(status, ErrorCode::kCorrupt, "adding a vector page");
  const MuStatus added = s.AddPage(drawing.width_pt(), height, contents, resources.get());
  if (!added.ok() || added.hit_memory_limit()) return ErrorFrom(added, ErrorCode::kCorrupt, "adding a vector page");
  return std::nullopt;
}

std::optional<Error> Writer::AddImagePage(const Raster& raster, const ImagePageOptions& options) {
  State& s = *state_;
  if (auto refused = s.RefuseIfSaved("adding an image page")) return refused;
  if (raster.width <= 0 || raster.height <= 0 || (raster.channels != 1 && raster.channels != 3) ||
      raster.pixels.size() < raster.stride * raster.height ||
      raster.stride != static_cast<std::size_t>(raster.width) * raster.channels) {
    return Error{ErrorCode::kBadRequest, "adding an image page: not a packed gray or RGB raster", {}};
  }
  if (!(options.dpi >= 1 && options.dpi <= 4800)) {
    return Error{ErrorCode::kBadRequest, "adding an image page: dpi must be within 1..4800", {}};
  }
  std::string encoded;
  const char* filter = nullptr;
  switch (options.encoding) {
    case ImageEncoding::kJpeg: {
      auto jpeg = EncodeJpeg(raster, options.jpeg_quality);
      if (!jpeg) return Error{ErrorCode::kCorrupt, "adding an image page: JPEG encoding failed", {}};
      encoded = std::move(*jpeg);
      filter = "DCTDecode";
      break;
    }
    case ImageEncoding::kFlate: {
      uLongf size = compressBound(static_cast<uLong>(raster.pixels.size()));
      encoded.resize(size);
      if (compress2(reinterpret_cast<Bytef*>(encoded.data()), &size, raster.pixels.data(),
                    static_cast<uLong>(raster.pixels.size()), 3) != Z_OK) {
        return Error{ErrorCode::kCorrupt, "adding an image page: deflate failed", {}};
      }
      encoded.resize(size);
      filter = "FlateDecode";
      break;
    }
    case ImageEncoding::kNone:
      encoded.assign(reinterpret_cast<const char*>(raster.pixels.data()), raster.stride * raster.height);
      break;
  }

  const double width_pt = raster.width * 72.0 / options.dpi;
  const double height_pt = raster.height * 72.0 / options.dpi;
  char name[24];
  std::snprintf(name, sizeof name, "Im%d", s.images++);
  std::string contents;
  Append(contents, "q\n%.4f 0 0 %.4f 0 0 cm\n/%s Do\nQ\n", width_pt, height_pt, name);

  fz_context* ctx = s.Ctx();
  OwnedObj dict(ctx);
  OwnedObj image(ctx);
  OwnedObj resources(ctx);
  OwnedBuffer buffer(ctx);
  const MuStatus status = Guard(s.impl, [&] {
    dict = pdf_new_dict(ctx, s.doc.get(), 8);
    pdf_dict_put(ctx, dict.get(), PDF_NAME(Type), PDF_NAME(XObject));
    pdf_dict_put(ctx, dict.get(), PDF_NAME(Subtype), PDF_NAME(Image));
    pdf_dict_put_int(ctx, dict.get(), PDF_NAME(Width), raster.width);
    pdf_dict_put_int(ctx, dict.get(), PDF_NAME(Height), raster.height);
    pdf_dict_put(ctx, dict.get(), PDF_NAME(ColorSpace),
                 raster.channels == 1 ? PDF_NAME(DeviceGray) : PDF_NAME(DeviceRGB));
    pdf_dict_put_int(ctx, dict.get(), PDF_NAME(BitsPerComponent), 8);
    if (filter != nullptr) pdf_dict_put_name(ctx, dict.get(), PDF_NAME(Filter), filter);
    buffer =
        fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(encoded.data()), encoded.size());
    image = pdf_add_stream(ctx, s.doc.get(), buffer.get(), dict.get(), 1);
    resources = pdf_new_dict(ctx, s.doc.get(), 1);
    pdf_obj* xobjects = pdf_dict_put_dict(ctx, resources.get(), PDF_NAME(XObject), 1);
    pdf_dict_puts(ctx, xobjects, name, image.get());
  });
  if (!status.ok() || status.hit_memory_limit()) return ErrorFrom(status, ErrorCode::kCorrupt, "adding an image page");
  const MuStatus added = s.AddPage(width_pt, height_pt, contents, resources.get());
  if (!added.ok() || added.hit_memory_limit()) return ErrorFrom(added, ErrorCode::kCorrupt, "adding an image page");
  return std::nullopt;
}

std::optional<Error> Writer::SetOpenActionJavaScript(const std::string& script) {
  State& s = *state_;
  if (auto refused = s.RefuseIfSaved("setting /OpenAction")) return refused;
  fz_context* ctx = s.Ctx();
  OwnedObj action(ctx);
  const MuStatus status = Guard(s.impl, [&] {
    pdf_obj* root = pdf_dict_get(ctx, pdf_trailer(ctx, s.doc.get()), PDF_NAME(Root));
    action = pdf_new_dict(ctx, s.doc.get(), 3);
    pdf_dict_put(ctx, action.get(), PDF_NAME(Type), PDF_NAME(Action));
    pdf_dict_put(ctx, action.get(), PDF_NAME(S), PDF_NAME(JavaScript));
    pdf_dict_put_text_string(ctx, action.get(), PDF_NAME(JS), script.c_str());
    pdf_dict_puts(ctx, root, "OpenAction", action.get());
  });
  if (!status.ok() || status.hit_memory_limit()) return ErrorFrom(status, ErrorCode::kCorrupt, "setting /OpenAction");
  return std::nullopt;
}

std::variant<std::string, Error> Writer::Save(const SaveOptions& options) {
  State& s = *state_;
  if (auto refused = s.RefuseIfSaved("saving")) return std::move(*refused);
  if (options.user_password.size() >= 128 || options.owner_password.size() >= 128) {
    return Error{ErrorCode::kBadRequest, "saving: passwords are limited to 127 bytes", {}};
  }
  fz_context* ctx = s.Ctx();
  OwnedBuffer buffer(ctx);
  OwnedOutput output(ctx);
  const MuStatus flushed = s.FlushFonts();
  if (!flushed.ok() || flushed.hit_memory_limit()) return ErrorFrom(flushed, ErrorCode::kCorrupt, "writing fonts");
  s.saved = true;
  const MuStatus status = Guard(s.impl, [&] {
    if (options.random_seed) fz_srand48(ctx, static_cast<int32_t>(*options.random_seed));
    pdf_write_options write = pdf_default_write_options;
    write.do_compress = options.compress ? 1 : 0;
    write.do_compress_images = 0;
    write.do_compress_fonts = 1;
    if (!options.user_password.empty() || !options.owner_password.empty()) {
      write.do_encrypt = PDF_ENCRYPT_AES_128;
      write.permissions = -1;
      std::memcpy(write.upwd_utf8, options.user_password.c_str(), options.user_password.size() + 1);
      std::memcpy(write.opwd_utf8, options.owner_password.c_str(), options.owner_password.size() + 1);
    }
    buffer = fz_new_buffer(ctx, 1 << 16);
    output = fz_new_output_with_buffer(ctx, buffer.get());
    pdf_write_document(ctx, s.doc.get(), output.get(), &write);
    fz_close_output(ctx, output.get());
  });
  if (!status.ok() || status.hit_memory_limit()) return ErrorFrom(status, ErrorCode::kCorrupt, "saving the PDF");
  unsigned char* data = nullptr;
  const std::size_t size = fz_buffer_storage(ctx, buffer.get(), &data);
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace archive::pdf
