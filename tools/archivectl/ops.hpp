#pragma once

#include <ostream>

#include "tools/archivectl/args.hpp"

// The operations commands of archivectl (issue 7): dead letters, import batches and member traces. Each
// returns an ExitCode (commands.hpp), prints results to out and progress or refusals to err, and throws
// UsageError for a wrong command line.
namespace archive::ctl {

// dlq list|show|replay: the dead letters of failed_jobs (see docs/runbook.md).
int Dlq(const Args& args, std::ostream& out, std::ostream& err);

// batch list|show|replay: import batches.
int Batch(const Args& args, std::ostream& out, std::ostream& err);

// trace --member ID: every event, transition, finding and reminder of one member, in time order.
int Trace(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace archive::ctl
