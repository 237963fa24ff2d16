#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/prereview/config.hpp"
#include "common/prereview/report.hpp"

namespace archive::prereview {

// What the member's record says, to compare page 1 with. Empty number or name: that check is skipped.
struct Expectations {
  std::string number;
  std::string name;
  std::optional<int> admission_year;
};

// Runs every check that needs only the file (all but DUPLICATE_FILE and "number of another member", which need
// the database) on the bytes of one PDF, in this process. Untrusted files go through SandboxedChecker, which
// runs a Checker in a child; this class is what the child runs, and what tests call directly.
//
// Renders only what each check needs (a low-resolution gray page for blank, blur and orientation, a colour
// thumbnail of the approval page, the number and name boxes at OCR resolution) and OCRs only those two boxes.
//
// Thread-safety: none; one Checker per thread (it owns a MuPDF context and Tesseract engines).
// Throws std::runtime_error from the constructor when Tesseract's models are missing; Check itself reports
// every failure of the input as a finding and throws only std::bad_alloc.
class Checker {
 public:
  explicit Checker(Config config, const std::string& tessdata = "");
  ~Checker();
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;

  Report Check(std::string_view bytes, const Expectations& expected);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The report for a file over max_bytes (TOO_LARGE), made without looking inside it.
Report TooLarge(std::size_t size, long max_bytes);

}  // namespace archive::prereview
