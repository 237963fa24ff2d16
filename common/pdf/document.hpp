#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/pdf/context.hpp"
#include "common/pdf/error.hpp"
#include "common/pdf/raster.hpp"

namespace archive::pdf {

// What a PDF can do on its own when a reader opens it. Found by walking the object graph from the trailer,
// iteratively, within ContextOptions::max_walk_depth and max_walk_objects; objects nothing refers to are
// ignored (no reader runs them).
struct ActiveContent {
  bool javascript = false;          // an /S /JavaScript action, a /JS entry, or a /JavaScript name tree
  bool open_action = false;         // an /OpenAction that is an action other than a plain GoTo
  bool additional_actions = false;  // an /AA dictionary (page, annotation, field or document triggers)
  bool launch = false;              // /S /Launch
  bool embedded_files = false;      // an /EmbeddedFiles name tree or an /EmbeddedFile stream
  bool rich_media = false;          // /RichMedia annotations (Flash, video)
  bool remote_goto = false;         // /S /GoToR or /GoToE
  bool submit_form = false;         // /S /SubmitForm
  bool import_data = false;         // /S /ImportData
  // The walk hit a bound before it finished; what it found is still true, but there may be more.
  bool incomplete = false;

  bool Any() const;
  // The PDF names of what was found, e.g. {"JavaScript", "OpenAction"}, for a finding's evidence.
  std::vector<std::string> Names() const;
};

// The largest image a page places (by area on the page), and its effective resolution: its pixels over its
// placed size in inches. For a scanned page that is the scanner's DPI.
struct PlacedImage {
  int pixel_width = 0;
  int pixel_height = 0;
  double placed_width_pt = 0;
  double placed_height_pt = 0;
  double dpi_x = 0;
  double dpi_y = 0;
  double page_coverage = 0;  // placed area over page area, 0..1 (clipped to the page)
  double dpi() const { return dpi_x < dpi_y ? dpi_x : dpi_y; }
};

struct PageInfo {
  // The page as a reader shows it (after /Rotate), in points (1/72 inch).
  double width_pt = 0;
  double height_pt = 0;
  int rotation = 0;  // the page's /Rotate, normalised to 0, 90, 180 or 270
  int image_count = 0;
  std::int64_t max_image_pixels = 0;  // the most pixels any one image on the page declares
  std::optional<PlacedImage> largest_image;
};

// A rectangle on the page, in points, in the page's displayed coordinates (origin top-left, y down), the same
// space as PageInfo::width_pt x height_pt.
struct Region {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
};

struct RenderOptions {
  double dpi = 150;
  ColorMode color = ColorMode::kGray;
  std::optional<Region> region;  // the whole page when empty; clipped to the page
};

// One PDF opened from bytes in memory.
//
// Thread-safety: like its Context, one thread at a time; only RequestAbort may be called from another thread.
// Lifetime: the Context must outlive the Document. Movable, not copyable.
//
// Every method returns failures of the input as Error values and throws only std::bad_alloc (from C++
// allocations; MuPDF's own allocations are bounded by the Context and reported as kMemoryLimit).
class Document {
 public:
  // Checks for "%PDF-" in the first 1024 bytes (kNotPdf otherwise), then opens with MuPDF, repairing a broken
  // cross-reference table if it has to (see repaired()). A document that needs a user password is kEncrypted;
  // one that is encrypted with an empty user password opens, and says so in encrypted(). A document without a
  // readable page is kCorrupt.
  static std::variant<Document, Error> Open(Context& context, std::string bytes);

  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  ~Document();

  int page_count() const { return page_count_; }
  // MuPDF had to rebuild the cross-reference table (a truncated or damaged file). Can become true later, when a
  // damaged object is first read.
  bool repaired() const;
  // The trailer has an /Encrypt entry (even one that opens with an empty user password).
  bool encrypted() const { return encrypted_; }

  std::variant<ActiveContent, Error> ScanActiveContent();

  // Page size and the largest placed image, found by running the page's content through a device that only
  // records images (nothing is decoded or drawn).
  std::variant<PageInfo, Error> Page(int index);

  // Renders a page (or a region of it) onto white. Refuses with kTooBig, before allocating, an output over
  // ContextOptions::max_render_pixels or a page with an image declaring more than max_image_pixels.
  std::variant<Raster, Error> Render(int index, const RenderOptions& options);

  // The page's text layer as UTF-8, lines separated by '\n'; empty for a scan without one.
  std::variant<std::string, Error> Text(int index);

  // Makes the operation in progress stop soon with kAborted, and every later one fail the same way. Safe to
  // call from any thread while another uses the Document.
  void RequestAbort();

 private:
  struct State;
  explicit Document(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  int page_count_ = 0;
  bool encrypted_ = false;
};

}  // namespace archive::pdf
