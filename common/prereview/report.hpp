#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

// What a pre-review finds in one uploaded 《入团志愿书》 (docs/rules.md "Pre-review findings"): a verdict and
// findings, each with a stable machine code, a severity, a Chinese message for a branch secretary, the page
// (1-based) where it applies, the values read, and optionally an evidence image.
namespace archive::prereview {

enum class Code {
  kNotPdf,
  kTooLarge,
  kEncrypted,
  kActiveContent,
  kCorrupt,
  kRepaired,
  kPageCount,
  kBlankPage,
  kBlurryPage,
  kLowResolution,
  kOrientation,
  kSealMissing,
  kNumberMismatch,
  kNumberUnreadable,
  kNameMismatch,
  kDuplicateFile,
  kTimeout,
};

enum class Severity { kInfo, kWarn, kFail };
enum class Verdict { kPass, kWarn, kFail };

// "NOT_PDF", ..., "TIMEOUT"; and back (nullopt for an unknown name).
std::string_view CodeName(Code code);
std::optional<Code> ParseCode(std::string_view name);
// "info", "warn", "fail" (the prereview_findings.severity values) and "PASS", "WARN", "FAIL".
std::string_view SeverityName(Severity severity);
std::string_view VerdictName(Verdict verdict);
// The fixed severity of each code: integrity problems, a missing page or seal and a wrong number FAIL; the
// rest WARN, for the approver to judge.
Severity SeverityOf(Code code);
// Integrity codes (NOT_PDF, TOO_LARGE, ENCRYPTED, ACTIVE_CONTENT, CORRUPT, TIMEOUT): the file goes straight
// back to the uploader.
bool IsIntegrity(Code code);

struct Evidence {
  std::string name;  // e.g. "page1-number.png"
  std::string png;
};

struct Finding {
  Code code;
  Severity severity;
  std::optional<int> page;                           // 1-based
  std::string message;                               // Chinese, for the uploader and the approver
  nlohmann::json values = nlohmann::json::object();  // what was read or measured
  std::optional<Evidence> evidence;
};

// Measurements of one examined page (for ops, calibration and the benchmark).
struct PageMeasure {
  int page = 0;  // 1-based
  double width_pt = 0;
  double height_pt = 0;
  std::optional<double> dpi;  // of the page's largest scanned image
  double ink = 0;
  double faint = 0;
  double sharpness = 0;
  double top_ink = 0;
  double bottom_ink = 0;
};

struct Report {
  Verdict verdict = Verdict::kPass;
  std::vector<Finding> findings;
  int page_count = 0;
  std::optional<std::string> number_read;  // the 12 digits read on page 1
  int number_confidence = 0;
  std::optional<std::string> name_read;
  int name_confidence = 0;
  std::optional<std::uint64_t> page1_hash;  // image::DifferenceHash of page 1, for DUPLICATE_FILE
  std::vector<PageMeasure> pages;

  bool Has(Code code) const;
  bool IntegrityFailed() const;
  // Adds a finding with the code's severity and recomputes the verdict.
  Finding& Add(Code code, std::optional<int> page, std::string message, nlohmann::json values = {});
  void RecomputeVerdict();
};

// JSON for archivectl --json, the sandbox wire and the event: verdict, page_count, number_read, name_read,
// page1_hash (16 hex digits), findings [{code, severity, page, message, values, evidence}], pages. Evidence
// bytes are left out; only their names are written.
nlohmann::json ToJson(const Report& report);
// The inverse of ToJson (evidence comes back without bytes). Throws nlohmann::json::exception on a malformed
// document, std::invalid_argument on an unknown code.
Report FromJson(const nlohmann::json& json);

}  // namespace archive::prereview
