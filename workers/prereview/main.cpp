#include "common/blob/blob.hpp"
#include "common/lifecycle/policy.hpp"
#include "common/prereview/sandboxed.hpp"
#include "common/worker/process.hpp"
#include "workers/prereview/reviewer.hpp"

// prereview-worker [CONFIG.json]: consumes archive.uploaded and prereview.requested (see
// workers/prereview/reviewer.hpp).
int main(int argc, char** argv) {
  using namespace archive;
  return worker::RunWorker(
      argc, argv, "prereview-worker",
      {.group = "prereview", .topics = {"archive.uploaded", "prereview.requested"}, .max_batch = 1},
      [](worker::Process& process) {
        const auto policy = lifecycle::Policy::FromSettings(process.settings());
        auto prereview_section = process.settings().Child("prereview");
        const auto prereview_config = prereview::Config::FromFile(prereview_section, policy.max_archive_bytes);
        blob::FileStore blobs(config::RequireEnv("ARCHIVE_BLOB_ROOT"));
        prereview::SandboxedChecker checker(prereview::SandboxProgramBesideSelf(), prereview_config,
                                            &process.metrics());
        prereview::SandboxedFileChecks checks(checker);
        prereview::Reviewer reviewer(checks, blobs, process.metrics(), prereview_config.duplicate_max_distance, policy);
        process.Run(reviewer);
      });
}
