#pragma once

#include <ostream>

#include "tools/archivectl/args.hpp"

// archivectl commands of the deadline sweep and reminders (R3, R7).
namespace archive::ctl {

// sweep [--as-of TIME] [--by NAME] [--reason TEXT] [--wait SECONDS]: asks for a deadline sweep
// (deadline.sweep-requested through the outbox) and, with --wait, waits for the deadline worker's result.
int Sweep(const Args& args, std::ostream& out);

// digest --org CODE [--day YYYY-MM-DD] [--wait SECONDS]: the R7 banners of the organization's subtree and
// its reminder digest (the latest, or the day's), with the members still open, ID numbers masked. Audited.
int Digest(const Args& args, std::ostream& out);

}  // namespace archive::ctl
