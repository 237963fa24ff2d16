#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "common/pg/pg.hpp"
#include "tools/archivectl/args.hpp"

// Helpers shared by the operations commands (dlq.cpp, batch.cpp, trace.cpp).
namespace archive::ctl::ops {

pg::Connection Database();

// Who runs the command, for audit_log.actor: "archivectl:<login>" from $USER or $LOGNAME.
std::string Actor();

// The value of a time option (--since, --until) as a timestamptz literal, or nullopt when absent. Accepts an
// RFC 3339 time or date ("2026-11-27", "2026-11-27T08:00:00Z") or an age ("90m", "24h", "7d"). Throws
// UsageError naming the option otherwise.
std::optional<std::string> TimeOption(const Args& args, const std::string& name);

// A progress line on a terminal ("\r<label> 10 / 200"), redrawn in place; silent when err is not a
// terminal, so piped output and logs stay clean. The destructor ends the line.
class Progress {
 public:
  Progress(std::ostream& err, std::string label);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void Update(long done, long total);

 private:
  std::ostream& err_;
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
};

}  // namespace archive::ctl::ops
