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
