#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "common/pdf/context.hpp"
#include "common/pdf/drawing.hpp"
#include "common/pdf/error.hpp"
#include "common/pdf/raster.hpp"

namespace archive::pdf {

enum class ImageEncoding {
  kJpeg,   // DCTDecode, what most scanners write
  kFlate,  // lossless FlateDecode
  kNone,   // raw samples: large files on purpose (needs SaveOptions::compress = false to stay raw)
};

struct ImagePageOptions {
  double dpi = 200;  // the page is raster.width / dpi inches wide
  ImageEncoding encoding = ImageEncoding::kJpeg;
  int jpeg_quality = 85;
};

struct SaveOptions {
  // Either password non-empty encrypts the file (AES-128). Only an owner password: it opens without a
  // password, but carries /Encrypt. A user password: it needs that password to open.
  std::string user_password;
  std::string owner_password;
  // Flate-compress every stream that has no filter yet: content streams, fonts, and kNone images (MuPDF 1.21
  // does not tell them apart here). JPEG and flate images are written as they are.
  bool compress = true;
  // Seeds MuPDF's pseudo-random generator (encryption IVs and keys, the file /ID) so that the same pages make
  // the same bytes: for reproducible test corpora only, never for real secrets.
  std::optional<std::uint32_t> random_seed;
};

// Builds a new PDF in memory, for test and benchmark corpora. Text on vector pages is written with Type 3 fonts
// made from the glyph outlines actually used (with a ToUnicode map, so the text layer extracts), because
// MuPDF 1.21 cannot subset the 20+ MB CJK font collections and would otherwise embed them whole.
//
// Thread-safety and lifetime: as for Document. Fonts used in added Drawings must outlive the Writer.
class Writer {
 public:
  static std::variant<Writer, Error> Create(Context& context);

  Writer(Writer&&) noexcept;
  Writer& operator=(Writer&&) noexcept;
  ~Writer();

  std::optional<Error> AddVectorPage(const Drawing& drawing);
  // One page that is exactly one image, like a scanner's output.
  std::optional<Error> AddImagePage(const Raster& raster, const ImagePageOptions& options);
  // Runs script when a reader opens the file: /OpenAction << /S /JavaScript /JS (...) >>.
  std::optional<Error> SetOpenActionJavaScript(const std::string& script);

  // The finished file. Call once, after the last page: MuPDF changes the document while writing it (encryption,
  // for one), so a saved Writer refuses further calls with kBadRequest.
  std::variant<std::string, Error> Save(const SaveOptions& options);

 private:
  struct State;
  explicit Writer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace archive::pdf
