#pragma once

// Private to common/pdf: baseline JPEG encoding with libjpeg(-turbo), for Writer's scanned-look pages.

#include <optional>
#include <string>

#include "common/pdf/raster.hpp"

namespace archive::pdf {

// Encodes a gray or RGB raster; nullopt when libjpeg reports an error. Throws only std::bad_alloc.
std::optional<std::string> EncodeJpeg(const Raster& raster, int quality);

}  // namespace archive::pdf
