#include "common/ocr/ocr.hpp"

#include <tesseract/baseapi.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <fmt/format.h>

namespace archive::ocr {
namespace {

// TessBaseAPI::End releases what Init loaded; the destructor of TessBaseAPI then frees the rest.
struct Engine {
  tesseract::TessBaseAPI api;
  Engine(const std::string& tessdata, const char* language) {
    if (api.Init(tessdata.empty() ? nullptr : tessdata.c_str(), language, tesseract::OEM_LSTM_ONLY) != 0) {
      throw std::runtime_error(fmt::format("Tesseract cannot load the {} model from {} (install tesseract-ocr-{})",
                                           language, tessdata.empty() ? "its default tessdata folder" : tessdata,
                                           std::string(language) == "chi_sim" ? "chi-sim" : language));
    }
    api.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
  }
  ~Engine() { api.End(); }

  Text Read(const GrayView& image) {
    api.SetImage(image.pixels, image.width, image.height, 1, image.stride);
    api.SetSourceResolution(image.dpi);
    const std::unique_ptr<char[]> raw(api.GetUTF8Text());
    Text out;
    if (raw != nullptr) {
      for (const char* p = raw.get(); *p != '\0'; ++p) {
        if (!std::isspace(static_cast<unsigned char>(*p))) out.text.push_back(*p);
      }
    }
    out.confidence = std::max(0, api.MeanTextConf());
    api.Clear();
    return out;
  }
};

}  // namespace

struct Reader::Engines {
  Engine digits;
  Engine chinese;
  explicit Engines(const std::string& tessdata) : digits(tessdata, "eng"), chinese(tessdata, "chi_sim") {
    digits.api.SetVariable("tessedit_char_whitelist", "0123456789");
  }
};

Reader::Reader(const std::string& tessdata) : engines_(std::make_unique<Engines>(tessdata)) {}
Reader::~Reader() = default;

Text Reader::Digits(const GrayView& image) {
  return engines_->digits.Read(image);
}
Text Reader::ChineseLine(const GrayView& image) {
  return engines_->chinese.Read(image);
}
Text Reader::ChineseLineAmong(const GrayView& image, std::string_view characters) {
  Engine& engine = engines_->chinese;
  engine.api.SetVariable("tessedit_char_whitelist", std::string(characters).c_str());
  Text out = engine.Read(image);
  engine.api.SetVariable("tessedit_char_whitelist", "");
  return out;
}

}  // namespace archive::ocr
