#include "common/pdf/document.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <unordered_set>
#include <utility>

#include "common/pdf/mupdf.hpp"

namespace archive::pdf {

struct Document::State {
  explicit State(Context::Impl& context) : impl(context), doc(context.ctx.get()) {}

  Context::Impl& impl;
  std::string bytes;  // fz_open_memory reads these in place, so they outlive doc (declared before it)
  OwnedDocument doc;
  pdf_document* pdf = nullptr;  // borrowed from doc
  fz_cookie cookie{};
  std::atomic<bool> aborted{false};

  fz_context* Ctx() const { return impl.ctx.get(); }

  // The cookie for the next operation, its counters cleared. `abort` is never cleared: once RequestAbort has
  // set it (from any thread, at any time) it stays set.
  fz_cookie* Cookie() {
    cookie.progress = 0;
    cookie.progress_max = 0;
    cookie.errors = 0;
    cookie.incomplete = 0;
    if (aborted.load()) std::atomic_ref<int>(cookie.abort).store(1);
    return &cookie;
  }
};

namespace {

constexpr std::size_t kHeaderWindow = 1024;

bool LooksLikePdf(std::string_view bytes) {
  return bytes.substr(0, kHeaderWindow).find("%PDF-") != std::string_view::npos;
}

std::string PageName(int index) {
  return "page " + std::to_string(index + 1);
}

// Records the images a page places, without decoding them.
struct ImageRecorder {
  fz_device base;
  fz_rect page;
  int count;
  std::int64_t max_pixels;
  double best_area;
  PlacedImage best;
  bool found;
};

void Record(fz_device* dev, const fz_image* image, fz_matrix ctm) noexcept {
  auto* rec = reinterpret_cast<ImageRecorder*>(dev);
  ++rec->count;
  const std::int64_t pixels = static_cast<std::int64_t>(image->w) * image->h;
  rec->max_pixels = std::max(rec->max_pixels, pixels);
  // The image fills the unit square; ctm maps it onto the page.
  const double width_pt = std::hypot(ctm.a, ctm.b);
  const double height_pt = std::hypot(ctm.c, ctm.d);
  const double area = std::fabs(static_cast<double>(ctm.a) * ctm.d - static_cast<double>(ctm.b) * ctm.c);
  if (area <= rec->best_area || width_pt <= 0 || height_pt <= 0) return;
  rec->best_area = area;
  rec->found = true;
  PlacedImage& p = rec->best;
  p.pixel_width = image->w;
  p.pixel_height = image->h;
  p.placed_width_pt = width_pt;
  p.placed_height_pt = height_pt;
  p.dpi_x = image->w * 72.0 / width_pt;
  p.dpi_y = image->h * 72.0 / height_pt;
  const fz_rect placed = fz_intersect_rect(fz_transform_rect(fz_unit_rect, ctm), rec->page);
  const double page_area = static_cast<double>(rec->page.x1 - rec->page.x0) * (rec->page.y1 - rec->page.y0);
  const double shown =
      fz_is_empty_rect(placed) ? 0.0 : static_cast<double>(placed.x1 - placed.x0) * (placed.y1 - placed.y0);
  p.page_coverage = page_area > 0 ? std::min(1.0, shown / page_area) : 0.0;
}

void RecordFillImage(fz_context*, fz_device* dev, fz_image* image, fz_matrix ctm, float, fz_color_params) {
  Record(dev, image, ctm);
}

void RecordFillImageMask(fz_context*, fz_device* dev, fz_image* image, fz_matrix ctm, fz_colorspace*, const float*,
                         float, fz_color_params) {
  Record(dev, image, ctm);
}

void RecordClipImageMask(fz_context*, fz_device* dev, fz_image* image, fz_matrix ctm, fz_rect) {
  // A clip mask is not shown as an image, but decoding it costs the same: count its size only.
  auto* rec = reinterpret_cast<ImageRecorder*>(dev);
  rec->max_pixels = std::max(rec->max_pixels, static_cast<std::int64_t>(image->w) * image->h);
  (void)ctm;
}

// Loads page `index` and runs it through an ImageRecorder. Call inside Guard.
void RecordImages(fz_context* ctx, fz_page* page, fz_rect bounds, fz_cookie* cookie, OwnedDevice& device,
                  ImageRecorder** out) {
  auto* rec = fz_new_derived_device(ctx, ImageRecorder);
  device = &rec->base;
  rec->page = bounds;
  rec->count = 0;
  rec->max_pixels = 0;
  rec->best_area = 0;
  rec->best = PlacedImage{};
  rec->found = false;
  rec->base.fill_image = &RecordFillImage;
  rec->base.fill_image_mask = &RecordFillImageMask;
  rec->base.clip_image_mask = &RecordClipImageMask;
  fz_run_page(ctx, page, &rec->base, fz_identity, cookie);
  fz_close_device(ctx, &rec->base);
  *out = rec;
}

int NormalisedRotation(fz_context* ctx, fz_page* page) {
  pdf_page* p = pdf_page_from_fz_page(ctx, page);
  if (p == nullptr) return 0;
  int rotate = pdf_to_int(ctx, pdf_dict_get_inheritable(ctx, p->obj, PDF_NAME(Rotate)));
  rotate %= 360;
  if (rotate < 0) rotate += 360;
  return (rotate / 90) * 90;
}

// Names looked for during the active-content walk.
bool Is(const char* name, const char* wanted) {
  return std::strcmp(name, wanted) == 0;
}

void InspectEntry(fz_context* ctx, const char* key, pdf_obj* value, ActiveContent& found) {
  if (Is(key, "JS") || Is(key, "JavaScript")) found.javascript = true;
  if (Is(key, "AA")) found.additional_actions = true;
  if (Is(key, "EmbeddedFiles") || Is(key, "EF")) found.embedded_files = true;
  if (Is(key, "RichMediaContent") || Is(key, "RichMediaSettings")) found.rich_media = true;
  if (Is(key, "OpenAction")) {
    pdf_obj* action = pdf_resolve_indirect(ctx, value);
    if (pdf_is_dict(ctx, action) && !Is(pdf_to_name(ctx, pdf_dict_get(ctx, action, PDF_NAME(S))), "GoTo")) {
      found.open_action = true;
    }
  }
  const char* name = pdf_to_name(ctx, pdf_resolve_indirect(ctx, value));
  if (*name == '\0') return;
  if (Is(key, "S")) {
    if (Is(name, "JavaScript")) found.javascript = true;
    if (Is(name, "Launch")) found.launch = true;
    if (Is(name, "GoToR") || Is(name, "GoToE")) found.remote_goto = true;
    if (Is(name, "SubmitForm")) found.submit_form = true;
    if (Is(name, "ImportData")) found.import_data = true;
    if (Is(name, "RichMediaExecute")) found.rich_media = true;
  }
  if (Is(key, "Type") || Is(key, "Subtype")) {
    if (Is(name, "EmbeddedFile")) found.embedded_files = true;
    if (Is(name, "RichMedia")) found.rich_media = true;
  }
}

}  // namespace

bool ActiveContent::Any() const {
  return javascript || open_action || additional_actions || launch || embedded_files || rich_media || remote_goto ||
         submit_form || import_data;
}

std::vector<std::string> ActiveContent::Names() const {
  std::vector<std::string> names;
  if (javascript) names.emplace_back("JavaScript");
  if (open_action) names.emplace_back("OpenAction");
  if (additional_actions) names.emplace_back("AA");
  if (launch) names.emplace_back("Launch");
  if (embedded_files) names.emplace_back("EmbeddedFiles");
  if (rich_media) names.emplace_back("RichMedia");
  if (remote_goto) names.emplace_back("GoToR");
  if (submit_form) names.emplace_back("SubmitForm");
  if (import_data) names.emplace_back("ImportData");
  return names;
}

Document::Document(std::unique_ptr<State> state) : state_(std::move(state)) {}
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
Document::~Document() = default;

std::variant<Document, Error> Document::Open(Context& context, std::string bytes) {
  if (bytes.empty()) return Error{ErrorCode::kNotPdf, "the file is empty", {}};
  if (!LooksLikePdf(bytes)) return Error{ErrorCode::kNotPdf, "no %PDF- header in the first 1024 bytes", {}};
  Context::Impl& impl = ImplOf(context);
  auto state = std::make_unique<State>(impl);
  state->bytes = std::move(bytes);
  fz_context* ctx = impl.ctx.get();
  OwnedStream stream(ctx);
  State& s = *state;
  int needs_password = 0;
  int encrypted = 0;
  int pages = 0;
  const MuStatus status = Guard(impl, [&] {
    stream = fz_open_memory(ctx, reinterpret_cast<const unsigned char*>(s.bytes.data()), s.bytes.size());
    s.doc = fz_open_document_with_stream(ctx, "application/pdf", stream.get());
    s.pdf = pdf_specifics(ctx, s.doc.get());
    if (s.pdf == nullptr) fz_throw(ctx, FZ_ERROR_GENERIC, "MuPDF did not open it as a PDF");
    encrypted = pdf_dict_get(ctx, pdf_trailer(ctx, s.pdf), PDF_NAME(Encrypt)) != nullptr;
    needs_password = fz_needs_password(ctx, s.doc.get());
    if (!needs_password) pages = fz_count_pages(ctx, s.doc.get());
  });
  if (!status.ok() || status.hit_memory_limit()) return ErrorFrom(status, ErrorCode::kCorrupt, "opening the PDF");
  if (needs_password) return Error{ErrorCode::kEncrypted, "the PDF needs a user password to open", {}};
  if (pages <= 0) {
    // MuPDF counts 0 when the catalog or page tree cannot be read (say, nested past its parser's limit): there
    // is no document to review.
    return Error{ErrorCode::kCorrupt, "opening the PDF: no pages (the page tree is missing or unreadable)", {}};
  }
  Document document(std::move(state));
  document.page_count_ = pages;
  document.encrypted_ = encrypted != 0;
  return document;
}

bool Document::repaired() const {
  return pdf_was_repaired(state_->Ctx(), state_->pdf) != 0;
}

void Document::RequestAbort() {
  state_->aborted.store(true);
  std::atomic_ref<int>(state_->cookie.abort).store(1);
}

std::variant<ActiveContent, Error> Document::ScanActiveContent() {
  State& s = *state_;
  if (s.aborted.load()) return Error{ErrorCode::kAborted, "scanning for active content: aborted", {}};
  fz_context* ctx = s.Ctx();
  const ContextOptions& limits = s.impl.options;

  struct Item {
    pdf_obj* obj;  // kept (pdf_keep_obj) while on the stack, so a repair cannot free it under us
    int depth;
  };
  // Everything the walk keeps, released however it ends (MuPDF error, bad_alloc or success).
  struct Walk {
    fz_context* ctx;
    std::vector<Item> stack;
    pdf_obj* current = nullptr;
    ~Walk() {
      pdf_drop_obj(ctx, current);
      for (const Item& item : stack) pdf_drop_obj(ctx, item.obj);
    }
  } walk{ctx, {}};
  std::unordered_set<int> visited;
  ActiveContent found;
  int walked = 0;

  // Pushes value (resolving a reference once) when it is a container worth visiting.
  auto push = [&](pdf_obj* value, int depth) {
    if (pdf_is_indirect(ctx, value)) {
      if (!visited.insert(pdf_to_num(ctx, value)).second) return;
      value = pdf_resolve_indirect(ctx, value);
    }
    if (!pdf_is_dict(ctx, value) && !pdf_is_array(ctx, value)) return;
    if (depth > limits.max_walk_depth) {
      found.incomplete = true;
      return;
    }
    walk.stack.push_back(Item{pdf_keep_obj(ctx, value), depth});
  };

  const MuStatus status = Guard(s.impl, [&] {
    push(pdf_trailer(ctx, s.pdf), 0);
    while (!walk.stack.empty()) {
      if (++walked > limits.max_walk_objects) {
        found.incomplete = true;
        break;
      }
      walk.current = walk.stack.back().obj;
      const int depth = walk.stack.back().depth;
      walk.stack.pop_back();
      pdf_obj* o = walk.current;
      if (pdf_is_dict(ctx, o)) {
        const int n = pdf_dict_len(ctx, o);
        for (int i = 0; i < n; ++i) {
          pdf_obj* value = pdf_dict_get_val(ctx, o, i);
          InspectEntry(ctx, pdf_to_name(ctx, pdf_dict_get_key(ctx, o, i)), value, found);
          push(value, depth + 1);
        }
      } else {
        const int n = pdf_array_len(ctx, o);
        for (int i = 0; i < n; ++i) push(pdf_array_get(ctx, o, i), depth + 1);
      }
      pdf_drop_obj(ctx, std::exchange(walk.current, nullptr));
    }
  });
  if (!status.ok() || status.hit_memory_limit()) {
    return ErrorFrom(status, ErrorCode::kCorrupt, "scanning for active content");
  }
  return found;
}

std::variant<PageInfo, Error> Document::Page(int index) {
  State& s = *state_;
  if (index < 0 || index >= page_count_) return Error{ErrorCode::kBadRequest, "no such page", index};
  if (s.aborted.load()) return Error{ErrorCode::kAborted, PageName(index) + ": aborted", index};
  fz_context* ctx = s.Ctx();
  OwnedPage page(ctx);
  OwnedDevice device(ctx);
  PageInfo info;
  const MuStatus status = Guard(s.impl, [&] {
    page = fz_load_page(ctx, s.doc.get(), index);
    const fz_rect bounds = fz_bound_page(ctx, page.get());
    info.width_pt = bounds.x1 - bounds.x0;
    info.height_pt = bounds.y1 - bounds.y0;
    info.rotation = NormalisedRotation(ctx, page.get());
    ImageRecorder* rec = nullptr;
    RecordImages(ctx, page.get(), bounds, s.Cookie(), device, &rec);
    info.image_count = rec->count;
    info.max_image_pixels = rec->max_pixels;
    if (rec->found) info.largest_image = rec->best;
  });
  if (!status.ok() || status.hit_memory_limit()) return ErrorFrom(status, ErrorCode::kCorrupt, PageName(index), index);
  if (s.aborted.load()) return Error{ErrorCode::kAborted, PageName(index) + ": aborted", index};
  return info;
}

std::variant<Raster, Error> Document::Render(int index, const RenderOptions& options) {
  State& s = *state_;
  if (index < 0 || index >= page_count_) return Error{ErrorCode::kBadRequest, "no such page", index};
  if (!(options.dpi >= 1 && options.dpi <= 4800)) {
    return Error{ErrorCode::kBadRequest, PageName(index) + ": dpi must be within 1..4800", index};
  }
  if (s.aborted.load()) return Error{ErrorCode::kAborted, PageName(index) + ": aborted", index};
  fz_context* ctx = s.Ctx();
  const ContextOptions& limits = s.impl.options;
  OwnedPage page(ctx);
  OwnedDevice recorder(ctx);
  OwnedPixmap pixmap(ctx);
  OwnedDevice draw(ctx);

  // Step 1: the page, the area to draw, and the images it would decode; nothing big is allocated yet.
  fz_irect box{};
  std::int64_t image_pixels = 0;
  bool empty = false;
  const float scale = static_cast<float>(options.dpi / 72.0);
  MuStatus status = Guard(s.impl, [&] {
    page = fz_load_page(ctx, s.doc.get(), index);
    const fz_rect bounds = fz_bound_page(ctx, page.get());
    fz_rect area = bounds;
    if (options.region) {
      const Region& r = *options.region;
      const auto at = [](double v) { return static_cast<float>(v); };
      area = fz_intersect_rect(bounds, fz_make_rect(at(bounds.x0 + r.x), at(bounds.y0 + r.y),
                                                    at(bounds.x0 + r.x + r.width), at(bounds.y0 + r.y + r.height)));
    }
    box = fz_round_rect(fz_transform_rect(area, fz_scale(scale, scale)));
    empty = fz_is_empty_rect(area) || fz_is_empty_irect(box);
    if (empty) return;
    ImageRecorder* rec = nullptr;
    RecordImages(ctx, page.get(), bounds, s.Cookie(), recorder, &rec);
    image_pixels = rec->max_pixels;
  });
  if (!status.ok() || status.hit_memory_limit()) return ErrorFrom(status, ErrorCode::kCorrupt, PageName(index), index);
  if (empty) return Error{ErrorCode::kBadRequest, PageName(index) + ": the region is empty", index};
  const std::int64_t pixels = static_cast<std::int64_t>(box.x1 - box.x0) * (box.y1 - box.y0);
  if (pixels > limits.max_render_pixels) {
    return Error{ErrorCode::kTooBig,
                 PageName(index) + ": " + std::to_string(pixels) + " output pixels, over max_render_pixels", index};
  }
  if (image_pixels > limits.max_image_pixels) {
    return Error{
        ErrorCode::kTooBig,
        PageName(index) + ": an image declares " + std::to_string(image_pixels) + " pixels, over max_image_pixels",
        index};
  }

  // Step 2: draw.
  status = Guard(s.impl, [&] {
    fz_colorspace* cs = options.color == ColorMode::kGray ? fz_device_gray(ctx) : fz_device_rgb(ctx);
    pixmap = fz_new_pixmap_with_bbox(ctx, cs, box, nullptr, 0);
    fz_clear_pixmap_with_value(ctx, pixmap.get(), 255);
    draw = fz_new_draw_device(ctx, fz_identity, pixmap.get());
    fz_run_page(ctx, page.get(), draw.get(), fz_scale(scale, scale), s.Cookie());
    fz_close_device(ctx, draw.get());
  });
  if (!status.ok() || status.hit_memory_limit()) return ErrorFrom(status, ErrorCode::kCorrupt, PageName(index), index);
  if (s.aborted.load()) return Error{ErrorCode::kAborted, PageName(index) + ": aborted", index};

  fz_pixmap* pix = pixmap.get();
  Raster raster;
  raster.width = fz_pixmap_width(ctx, pix);
  raster.height = fz_pixmap_height(ctx, pix);
  raster.channels = fz_pixmap_components(ctx, pix);
  raster.stride = static_cast<std::size_t>(raster.width) * raster.channels;
  raster.pixels.resize(raster.stride * raster.height);
  const unsigned char* samples = fz_pixmap_samples(ctx, pix);
  const std::ptrdiff_t stride = fz_pixmap_stride(ctx, pix);
  for (int y = 0; y < raster.height; ++y) {
    std::memcpy(raster.row(y), samples + y * stride, raster.stride);
  }
  return raster;
}

std::variant<std::string, Error> Document::Text(int index) {
  State& s = *state_;
  if (index < 0 || index >= page_count_) return Error{ErrorCode::kBadRequest, "no such page", index};
  if (s.aborted.load()) return Error{ErrorCode::kAborted, PageName(index) + ": aborted", index};
  fz_context* ctx = s.Ctx();
  OwnedPage page(ctx);
  OwnedStextPage text(ctx);
  OwnedDevice device(ctx);
  OwnedBuffer buffer(ctx);
  const MuStatus status = Guard(s.impl, [&] {
    page = fz_load_page(ctx, s.doc.get(), index);
    text = fz_new_stext_page(ctx, fz_bound_page(ctx, page.get()));
    fz_stext_options options{};
    device = fz_new_stext_device(ctx, text.get(), &options);
    fz_run_page(ctx, page.get(), device.get(), fz_identity, s.Cookie());
    fz_close_device(ctx, device.get());
    buffer = fz_new_buffer_from_stext_page(ctx, text.get());
  });
  if (!status.ok() || status.hit_memory_limit()) return ErrorFrom(status, ErrorCode::kCorrupt, PageName(index), index);
  if (s.aborted.load()) return Error{ErrorCode::kAborted, PageName(index) + ": aborted", index};
  unsigned char* data = nullptr;
  const std::size_t size = fz_buffer_storage(ctx, buffer.get(), &data);
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace archive::pdf
