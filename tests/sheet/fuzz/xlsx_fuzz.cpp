// libFuzzer entry point: any bytes, read as whatever Sniff says they are (xlsx, xls or csv). Built by
// tests/sheet/CMakeLists.txt with ARCHIVE_SHEET_FUZZ=ON (Clang only); run it with tests/sheet/fuzz/run.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/sheet/sheet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  archive::sheet::Limits limits;
  // Smaller than production so that each input stays fast; the limits themselves are what is being exercised.
  limits.max_uncompressed_bytes = 16 << 20;
  limits.max_rows = 2000;
  limits.max_cells = 20000;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::size_t text = 0;
  const archive::sheet::Result result =
      archive::sheet::Read(bytes, limits, [&](const archive::sheet::SheetInfo&, const archive::sheet::Row& row) {
        for (const auto& cell : row.cells) text += cell.text.size() + cell.number_format.size();
        (void)archive::sheet::DateOf(row.cells.front(), archive::sheet::SheetInfo{});
        return true;
      });
  if (result.error && result.error->message.empty()) __builtin_trap();  // every error explains itself
  return 0;
}
