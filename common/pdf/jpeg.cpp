#include "common/pdf/jpeg.hpp"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>

extern "C" {
#include <jpeglib.h>
}

namespace archive::pdf {
namespace {

// libjpeg's default error handler calls exit(); this one jumps back to Compress instead.
struct ErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
};

void OnError(j_common_ptr info) {
  std::longjmp(reinterpret_cast<ErrorManager*>(info->err)->jump, 1);
}
void OnMessage(j_common_ptr) {}

// C-style on purpose: nothing with a destructor lives in this frame across setjmp/longjmp.
bool Compress(const Raster& raster, int quality, unsigned char** out, unsigned long* size) {
  jpeg_compress_struct info;
  ErrorManager errors;
  info.err = jpeg_std_error(&errors.base);
  errors.base.error_exit = &OnError;
  errors.base.output_message = &OnMessage;
  if (setjmp(errors.jump) != 0) {
    jpeg_destroy_compress(&info);
    return false;
  }
  jpeg_create_compress(&info);
  jpeg_mem_dest(&info, out, size);
  info.image_width = static_cast<JDIMENSION>(raster.width);
  info.image_height = static_cast<JDIMENSION>(raster.height);
  info.input_components = raster.channels;
  info.in_color_space = raster.channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, quality, TRUE);
  info.dct_method = JDCT_ISLOW;
  jpeg_start_compress(&info, TRUE);
  while (info.next_scanline < info.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(raster.row(static_cast<int>(info.next_scanline)));
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  return true;
}

}  // namespace

std::optional<std::string> EncodeJpeg(const Raster& raster, int quality) {
  if (raster.width <= 0 || raster.height <= 0 || (raster.channels != 1 && raster.channels != 3)) return std::nullopt;
  unsigned char* data = nullptr;
  unsigned long size = 0;
  const bool ok = Compress(raster, quality, &data, &size);
  std::optional<std::string> result;
  if (ok) {
    try {
      result.emplace(reinterpret_cast<const char*>(data), size);
    } catch (...) {
      std::free(data);
      throw;
    }
  }
  std::free(data);
  return result;
}

}  // namespace archive::pdf
