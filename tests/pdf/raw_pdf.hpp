#pragma once

#include <zlib.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

// Hand-made PDFs for tests that need files no well-behaved writer makes: bombs, deep nesting, huge page trees.
namespace archive::pdf::testing {

class RawPdf {
 public:
  // Reserves an object number to fill in later with Set (for objects that refer to each other).
  int Reserve() {
    objects_.emplace_back();
    return static_cast<int>(objects_.size());
  }
  void Set(int number, std::string body) { objects_.at(number - 1) = std::move(body); }
  int Add(std::string body) {
    const int number = Reserve();
    Set(number, std::move(body));
    return number;
  }
  // A stream object; `entries` are the dictionary's other entries, e.g. "/Filter /FlateDecode".
  int AddStream(const std::string& entries, const std::string& data) {
    return Add("<< " + entries + " /Length " + std::to_string(data.size()) + " >>\nstream\n" + data + "\nendstream");
  }

  std::string Build(int root) const {
    std::string out = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects_.size(); ++i) {
      offsets.push_back(out.size());
      out += std::to_string(i + 1) + " 0 obj\n" + objects_[i] + "\nendobj\n";
    }
    const std::size_t xref = out.size();
    out += "xref\n0 " + std::to_string(objects_.size() + 1) + "\n0000000000 65535 f \n";
    for (std::size_t offset : offsets) {
      char line[32];
      std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
      out += line;
    }
    out += "trailer\n<< /Size " + std::to_string(objects_.size() + 1) + " /Root " + std::to_string(root) +
           " 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return out;
  }

 private:
  std::vector<std::string> objects_;
};

// zlib (FlateDecode) of `size` zero bytes, compressed in chunks so the test never holds the inflated size.
inline std::string DeflatedZeros(std::size_t size) {
  z_stream z{};
  if (deflateInit(&z, Z_BEST_COMPRESSION) != Z_OK) throw std::runtime_error("deflateInit");
  std::string out;
  const std::string zeros(1 << 20, '\0');
  char buffer[1 << 16];
  std::size_t left = size;
  int flush = Z_NO_FLUSH;
  do {
    const std::size_t chunk = left < zeros.size() ? left : zeros.size();
    left -= chunk;
    flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    z.avail_in = static_cast<uInt>(chunk);
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof buffer;
      deflate(&z, flush);
      out.append(buffer, sizeof buffer - z.avail_out);
    } while (z.avail_out == 0);
  } while (flush != Z_FINISH);
  deflateEnd(&z);
  return out;
}

// A one-page document whose page shows `xobject` (an image) scaled to the page, plus any extra catalog entries.
inline std::string OnePageWithImage(const std::string& image_entries, const std::string& image_data,
                                    const std::string& catalog_extra = "") {
  RawPdf pdf;
  const int catalog = pdf.Reserve();
  const int pages = pdf.Reserve();
  const int image = pdf.AddStream(image_entries, image_data);
  const int contents = pdf.AddStream("", "q 595 0 0 842 0 0 cm /Im0 Do Q");
  const int page = pdf.Add("<< /Type /Page /Parent " + std::to_string(pages) +
                           " 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 " + std::to_string(image) +
                           " 0 R >> >> /Contents " + std::to_string(contents) + " 0 R >>");
  pdf.Set(pages, "<< /Type /Pages /Kids [" + std::to_string(page) + " 0 R] /Count 1 >>");
  pdf.Set(catalog, "<< /Type /Catalog /Pages " + std::to_string(pages) + " 0 R " + catalog_extra + " >>");
  return pdf.Build(catalog);
}

// A one-page document with an empty page and extra catalog entries (and extra objects, numbered from 4).
inline std::string OnePage(const std::string& catalog_extra = "", const std::string& page_extra = "",
                           const std::vector<std::string>& extra_objects = {}) {
  RawPdf pdf;
  const int catalog = pdf.Reserve();  // 1
  const int pages = pdf.Reserve();    // 2
  const int page = pdf.Reserve();     // 3
  for (const std::string& body : extra_objects) pdf.Add(body);
  pdf.Set(page, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page_extra + " >>");
  pdf.Set(pages, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  pdf.Set(catalog, "<< /Type /Catalog /Pages 2 0 R " + catalog_extra + " >>");
  return pdf.Build(catalog);
}

}  // namespace archive::pdf::testing
