#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/pdf/context.hpp"
#include "common/pdf/error.hpp"
#include "tools/formgen/form.hpp"

// A labelled corpus of synthetic 入团志愿书 PDFs for the pre-review's tests and benchmarks: one file per
// (case, n), and a labels.jsonl line per file saying what the pre-review should find in it.
namespace archive::formgen {

enum class Case {
  kClean,           // scanned at --dpi, colour, JPEG
  kNoisy,           // gaussian and salt-and-pepper noise, still readable
  kSkewed,          // every page turned 1-3 degrees
  kBlurry,          // one or more pages blurred past reading (page 1 in every third form)
  kBlankPage,       // one inner page near-white
  kMissingPage,     // 7 pages
  kRotatedPage,     // one inner page upside down, another sideways
  kGrayscale,       // gray scan: the seal is not red
  kSealMissing,     // colour scan without the seal
  kLowResolution,   // scanned at 72 dpi
  kPhonePhoto,      // perspective, uneven light, slight blur; readable
  kNumberMismatch,  // the record's number differs from page 1 (one digit off, two swapped, wrong year)
  kNameMismatch,    // the record's name differs from page 1
  kEncrypted,       // AES-128: a user password (even n) or only an owner password (odd n)
  kJavaScript,      // /OpenAction JavaScript
  kTruncated,       // a clean file cut in the middle
  kOversize,        // over 20 MB: uncompressed 120 dpi scans (33 MB), whatever --dpi says
  kNotPdf,          // an HTML page named .pdf
  kVector,          // digitally generated: vector pages with a text layer, no scan
  kDuplicate,       // byte-identical to clean-<n>.pdf
  kRescan,          // the sheet of clean-<n>.pdf scanned again: other noise, turned 0.3-1 degree
  kRotatedCover,    // page 1 upside down (even n) or sideways (odd n)
};

const std::vector<Case>& AllCases();
// The case's name in file names and labels, e.g. "blank_page".
std::string_view CaseName(Case c);
std::optional<Case> ParseCase(std::string_view name);

struct Options {
  std::filesystem::path out;
  int count = 1;  // forms per case
  std::uint64_t seed = 1;
  int dpi = 200;
  std::optional<Case> only;
  FontFiles fonts;
};

// Parses the arguments after the program name:
//   --out DIR [--count N] [--seed S] [--dpi D] [--only CASE] [--print-font PATH] [--hand-font PATH]
// Returns a message for the user when they are wrong.
std::variant<Options, std::string> ParseArgs(const std::vector<std::string>& args);
std::string Usage();

struct GeneratedForm {
  std::string file;  // "<case>-<n>.pdf"
  std::string bytes;
  // One labels.jsonl line: file, case, variant, kind (scan|vector|html), pages, dpi, color, number, name,
  // record_number, record_name, branch, findings [{code, page (1-based, when it applies), ...}], sha256,
  // size, seed (a decimal string), number_box_pt and seal_box_pt ({x, y, w, h} on the page), and per case password,
  // owner_password, duplicate_of, skew_degrees.
  nlohmann::json label;
};

// Makes forms. Not thread-safe (it owns fonts of one Context); give each thread its own.
class Generator {
 public:
  // The Context must outlive the Generator.
  static std::variant<Generator, pdf::Error> Create(pdf::Context& context, const FontFiles& fonts);

  // The same (c, n, seed, dpi) always gives the same bytes and label.
  std::variant<GeneratedForm, pdf::Error> Generate(Case c, int n, std::uint64_t seed, int dpi);

 private:
  Generator(pdf::Context& context, Fonts fonts) : context_(&context), fonts_(std::move(fonts)) {}
  pdf::Context* context_;
  Fonts fonts_;
};

// Writes every selected form and labels.jsonl into options.out (created if missing), and a one-line summary
// to `log`. Returns the number of forms written; throws std::runtime_error naming the file it could not write
// or the form it could not make.
int WriteCorpus(const Options& options, std::ostream& log);

}  // namespace archive::formgen
