#pragma once

#include <ostream>

#include "tools/archivectl/args.hpp"

namespace archive::ctl {

// archivectl prereview check FILE --number N --name NAME [--admission-year Y] [--evidence DIR] [--json]
// Pre-reviews a local PDF with the same sandboxed checks as the worker (no database, so no DUPLICATE_FILE) and
// prints the verdict and findings. Settings come from the "prereview" section of ARCHIVE_CONFIG's file.
// Returns kOk for PASS and WARN, kFailed for FAIL.
int Prereview(const Args& args, std::ostream& out);

}  // namespace archive::ctl

namespace archive::ctl {

// archivectl prereview rerun --member ID | --since TIME [--reason TEXT] [--dry-run]
// Asks the pre-review worker to review again (prereview.requested through the outbox) the current version of each
// member in scope that still awaits a decision (member PENDING, version undecided), e.g. after the thresholds
// changed. One request id per run; each version gets its event and an audit row in one transaction. The worker
// keeps the replaced verdict in prereview_reruns and applies a request once per version however often it is
// delivered. --dry-run lists the versions and changes nothing. A progress line on a terminal, quiet when piped.
int PrereviewRerun(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace archive::ctl
