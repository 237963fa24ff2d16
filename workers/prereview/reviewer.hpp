#pragma once

#include <string_view>

#include "common/blob/blob.hpp"
#include "common/lifecycle/policy.hpp"
#include "common/metrics/metrics.hpp"
#include "common/prereview/checker.hpp"
#include "common/prereview/report.hpp"
#include "common/prereview/sandboxed.hpp"
#include "common/worker/handler.hpp"

// The pre-review worker: consumes archive.uploaded (and prereview.requested, a re-run), checks the stored PDF in the
// sandbox, adds what needs the database (DUPLICATE_FILE, a number that belongs to another member), and writes in the
// consumer loop's one transaction the verdict, the findings, the member's status change (docs/rules.md) and
// archive.pre-reviewed through the outbox.
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

// The verdict goes to common/lifecycle/life.hpp (Life::ApplyVerdict): the machine advises and people decide (R4).
// A FAIL leaves the member PENDING for the committee and tells the uploader at once; a committee's upload that is
// not FAIL is AUTHENTICATED (3.2.2); a branch upload stays PENDING for its approver. Only the member's current
// version moves the status; an older one gets its verdict only. A version that already has a verdict is left
// alone, so a redelivered or replayed event has no second effect. A failure of the sandbox itself (see
// SandboxedChecker::Check) is thrown: the consumer loop retries it and then dead-letters it for ops.
//
// A re-run (prereview.requested, archivectl prereview rerun) applies only to a member's current version still
// awaiting a decision (member PENDING, version undecided). It keeps the verdict and findings it replaces in
// prereview_reruns, once per request and version (a redelivered request does nothing), then reviews the version as on
// upload, with an audit row naming the request. Anything else is logged and left alone.
//
// Counts into metrics (which must outlive it), once the loop's transaction commits, so a redone batch counts
// once: prereview_verdicts_total{verdict}, prereview_findings_total{code} and
// prereview_reruns_total{outcome="applied"|"skipped"}.
class Reviewer final : public worker::Handler {
 public:
  // duplicate_max_distance: Config::duplicate_max_distance, the bits in which two page-1 fingerprints of one
  // sheet may differ.
  Reviewer(FileChecks& checks, blob::Store& blobs, metrics::Registry& metrics,
           int duplicate_max_distance = Config{}.duplicate_max_distance, lifecycle::Policy policy = {});
  worker::Outcome Handle(const worker::Message& message, pg::Tx& tx) override;

 private:
  worker::Outcome Review(const worker::Message& message, pg::Tx& tx, std::int64_t version_id,
                         const std::optional<std::string>& rerun_request);

  FileChecks& checks_;
  blob::Store& blobs_;
  metrics::Registry& metrics_;
  int duplicate_max_distance_;
  lifecycle::Policy policy_;
  SystemClock clock_;
};

}  // namespace archive::prereview
