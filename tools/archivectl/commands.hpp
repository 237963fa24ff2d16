#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace archive::ctl {

// Exit codes of archivectl, the same for every command.
enum ExitCode : int {
  kOk = 0,
  kFailed = 1,       // the command ran and reports a failure (not found, refused, an edited migration)
  kUsage = 2,        // the command line is wrong; the usage is printed
  kUnavailable = 3,  // the database or the broker cannot be reached; try again
};

// Runs one archivectl command (words without the program name), printing results to out and
// messages for the operator to err. Connection settings come from ARCHIVE_DB_URL and ARCHIVE_KAFKA_BROKERS.
int Run(const std::vector<std::string>& words, std::ostream& out, std::ostream& err);

}  // namespace archive::ctl
