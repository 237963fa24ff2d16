#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace archive::pdf {

// Why MuPDF could not do what was asked. Every failure of the input (and of the limits set for it) is one of
// these values; nothing that MuPDF throws (it uses longjmp) ever crosses this library's API.
enum class ErrorCode {
  kNotPdf,       // No "%PDF-" in the first 1024 bytes: judged by content, never by file name.
  kEncrypted,    // Needs a user password to open at all.
  kCorrupt,      // MuPDF could not parse (or repair) the file, a page, or an object it needed.
  kMemoryLimit,  // An allocation would have passed ContextOptions::memory_bytes (e.g. a decompression bomb).
  kTooBig,       // Refused before any work: the output or an image on the page is over a pixel limit.
  kAborted,      // Document::RequestAbort was called (a watchdog ran out of patience).
  kBadRequest,   // The caller asked for something impossible: no such page, an empty region, a bad DPI.
};

// The stable machine code: "NOT_PDF", "ENCRYPTED", "CORRUPT", "MEMORY_LIMIT", "TOO_BIG", "ABORTED", "BAD_REQUEST".
std::string_view CodeName(ErrorCode code);

struct Error {
  ErrorCode code;
  // English for operators: what failed and MuPDF's own message. It never quotes text from the document, so it
  // is safe to log.
  std::string detail;
  // The 0-based page the failure belongs to, when it belongs to one.
  std::optional<int> page;
};

}  // namespace archive::pdf
