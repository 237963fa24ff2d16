#pragma once

#include <string_view>

#include "common/blob/blob.hpp"
#include "common/prereview/checker.hpp"
#include "common/prereview/report.hpp"
#include "common/prereview/sandboxed.hpp"
#include "common/worker/handler.hpp"

// The pre-review worker: consumes archive.uploaded, checks the stored PDF in the sandbox, adds what needs the
// database (DUPLICATE_FILE, a number that belongs to another member), and writes in the consumer loop's one
// transaction the verdict, the findings, the member's status change (design.md) and archive.pre-reviewed
// through the outbox.
namespace archive::prereview {

// The seam for the file checks: SandboxedChecker in the worker, anything that returns a Report in tests.
class FileChecks {
 public:
  virtual ~FileChecks() = default;
  virtual Report Check(std::string_view bytes, const Expectations& expected) = 0;
};

class SandboxedFileChecks final : public FileChecks {
 public:
  explicit SandboxedFileChecks(SandboxedChecker& checker) : checker_(checker) {}
  Report Check(std::string_view bytes, const Expectations& expected) override {
    return checker_.Check(bytes, expected);
  }

 private:
  SandboxedChecker& checker_;
};

// Status changes (R4): an integrity FAIL returns a PENDING upload to the uploader (REJECTED, with the
// reasons); a committee upload that passes integrity is AUTHENTICATED; a branch upload stays PENDING for the
// superior. Only the member's current version moves the status; an older one gets its verdict only.
// A version that already has a verdict is left alone, so a redelivered or replayed event has no second effect.
class Reviewer final : public worker::Handler {
 public:
  // duplicate_max_distance: Config::duplicate_max_distance, the bits in which two page-1 fingerprints of one
  // sheet may differ.
  Reviewer(FileChecks& checks, blob::Store& blobs, int duplicate_max_distance = Config{}.duplicate_max_distance);
  worker::Outcome Handle(const worker::Message& message, pg::Tx& tx) override;

 private:
  FileChecks& checks_;
  blob::Store& blobs_;
  int duplicate_max_distance_;
};

}  // namespace archive::prereview
