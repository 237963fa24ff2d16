// libFuzzer entry point: any bytes, read as whatever Sniff says they are (xlsx, xls or csv), and the same bytes as a
// workbook part through the XML reader, in chunks whose size the input picks (so tokens fall across buffer
// boundaries). Built by tests/sheet/CMakeLists.txt with ARCHIVE_SHEET_FUZZ=ON (Clang only); run it with
// tests/sheet/fuzz/run.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/sheet/sheet.hpp"
#include "common/sheet/xml.hpp"

namespace {

// Touches everything the reader hands over, so that a pointer out of bounds shows.
class Touch : public archive::sheet::internal::XmlHandler {
 public:
  std::size_t bytes = 0;
  void Start(const char* name, const char** atts) override {
    bytes += std::char_traits<char>::length(name);
    for (; *atts != nullptr; ++atts) bytes += std::char_traits<char>::length(*atts);
  }
  void End(const char* name) override { bytes += std::char_traits<char>::length(name); }
  void Text(const char* s, std::size_t len) override {
    for (std::size_t i = 0; i < len; ++i) bytes += static_cast<unsigned char>(s[i]) & 1;
  }
};

}  // namespace

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

  Touch touch;
  const std::size_t chunk = size == 0 ? 1 : 1 + data[size - 1] % 64;
  const auto xml_error = archive::sheet::internal::ParseXml(bytes, touch, limits, chunk);
  if (xml_error && xml_error->detail.empty()) __builtin_trap();
  return 0;
}
