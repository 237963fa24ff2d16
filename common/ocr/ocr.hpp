#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

// Optical character recognition over Tesseract (kept private to this library), for the small regions
// the pre-review reads: the 12-digit development number and the name on page 1. Never whole pages.
namespace archive::ocr {

// 8-bit grayscale pixels, row by row. The caller keeps them alive during Read.
struct GrayView {
  const std::uint8_t* pixels = nullptr;
  int width = 0;
  int height = 0;
  int stride = 0;  // bytes per row
  int dpi = 300;   // the resolution it was rendered at; Tesseract sizes its models by it
};

struct Text {
  std::string text;    // UTF-8, trimmed, with inner white space removed
  int confidence = 0;  // Tesseract's mean word confidence, 0..100
};

// One Tesseract engine per mode, warm. Not thread-safe: one Reader per thread (style rule 8). Set
// OMP_THREAD_LIMIT=1 in the process environment before it starts, or Tesseract's OpenMP threads
// oversubscribe the cores. Constructing costs about 0.1–0.3 s (the models load); reading a small
// region costs milliseconds.
class Reader {
 public:
  // tessdata: the folder with eng.traineddata and chi_sim.traineddata; empty = Tesseract's default.
  // Throws std::runtime_error naming the folder when a model cannot be loaded.
  explicit Reader(const std::string& tessdata = "");
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // One line of digits only (a whitelist of 0-9).
  Text Digits(const GrayView& image);
  // One line of Simplified Chinese (a name).
  Text ChineseLine(const GrayView& image);
  // The same line read as if it could hold only `characters` (UTF-8; a whitelist): the recognizer places an
  // allowed character only where the image supports it, and leaves out a glyph that none of them fits. So a read
  // that keeps every character of an expected text is evidence that the image can say it, and one that drops
  // some is evidence that it says something else, even where the free read misreads. Empty: no restriction.
  Text ChineseLineAmong(const GrayView& image, std::string_view characters);

 private:
  struct Engines;
  std::unique_ptr<Engines> engines_;
};

}  // namespace archive::ocr
