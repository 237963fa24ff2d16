#pragma once

#include <stdexcept>

#include <optional>
#include <string>
#include <string_view>

#include "common/metrics/metrics.hpp"
#include "common/prereview/checker.hpp"
#include "common/prereview/config.hpp"
#include "common/sandbox/sandbox.hpp"

namespace archive::prereview {

// The request and reply between the worker (or archivectl) and the prereview-sandbox child:
// request = 8-byte little-endian length, expectations JSON {number, name, admission_year}, then the PDF;
// reply = 8-byte length, ToJson(report), then for each finding with evidence, in order, its PNG (length-prefixed).
std::string EncodeRequest(std::string_view pdf, const Expectations& expected);
// nullopt when malformed.
std::optional<std::pair<Expectations, std::string_view>> DecodeRequest(std::string_view request);
std::string EncodeReply(const Report& report);
std::optional<Report> DecodeReply(std::string_view reply);

// The configuration as the JSON object Config::From reads (to hand the parent's settings to the child).
nlohmann::json ConfigJson(const Config& config);

// Serves requests in the child: builds one Checker from the configuration JSON in argv[1] and answers until
// the parent closes the socket. The process must have OMP_THREAD_LIMIT=1 in its environment from the start
// (libgomp reads it when it loads); SandboxedChecker sees to that.
int ServeChild(int argc, char** argv);

// A failure of our own machinery, not of the file: the child crashed, broke the protocol or could not start.
// It is never a finding against the member: the worker lets it propagate, so the consumer loop retries the
// upload and, after its attempts, dead-letters it for ops (docs/rules.md R4).
class SandboxFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs Checker in warm prereview-sandbox children (config.children of them) under sandbox limits: the
// address space config.child_memory_bytes, the wall time config.timeout. A child that runs out of memory on a
// file gives CORRUPT. A child that runs out of time is tried once more with the full budget (a loaded host slows
// a good file down), and a second time-out gives TIMEOUT. A child that crashes or garbles its reply throws
// SandboxFailure. The child is replaced either way; the pool keeps serving.
//
// With a metrics registry (which must outlive it), each check that reaches a child counts its wall time into
// prereview_check_seconds, and each failed one into prereview_sandbox_failures_total{kind} (kind: a
// sandbox::FailureName, or "garbled" for a reply that does not decode), as it happens: a redelivered upload
// is checked, and counted, again.
//
// Thread-safety: Check may be called from many threads. Construction sets OMP_THREAD_LIMIT=1 in this
// process's environment (if unset), which the children inherit.
class SandboxedChecker {
 public:
  SandboxedChecker(std::string program, const Config& config, metrics::Registry* metrics = nullptr);
  Report Check(std::string_view bytes, const Expectations& expected);

 private:
  static sandbox::Pool MakePool(std::string program, const Config& config);
  void CountFailure(std::string_view kind, double by = 1);

  Config config_;
  sandbox::Pool pool_;
  metrics::Registry* metrics_;
  metrics::Histogram* check_seconds_ = nullptr;
};

// The prereview-sandbox program next to the running executable.
std::string SandboxProgramBesideSelf();

}  // namespace archive::prereview
