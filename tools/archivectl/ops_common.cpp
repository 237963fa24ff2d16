#include "tools/archivectl/ops_common.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <regex>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "common/config/config.hpp"
#include "common/events/envelope.hpp"

namespace archive::ctl::ops {

pg::Connection Database() {
  return pg::Connection(config::RequireEnv("ARCHIVE_DB_URL"), "archivectl");
}

std::string Actor() {
  const auto login = config::Env("USER").value_or(config::Env("LOGNAME").value_or("unknown"));
  return "archivectl:" + login;
}

std::optional<std::string> TimeOption(const Args& args, const std::string& name) {
  const auto value = args.Option(name);
  if (!value) return std::nullopt;
  static const std::regex kAge(R"(([0-9]{1,6})([mhd]))");
  static const std::regex kTime(
      R"([0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?)");
  std::smatch match;
  if (std::regex_match(*value, match, kAge)) {
    const long n = std::stol(match[1]);
    const long minutes = match[2] == "m" ? n : match[2] == "h" ? n * 60 : n * 60 * 24;
    return events::FormatUtcMillis(std::chrono::system_clock::now() - std::chrono::minutes(minutes));
  }
  if (std::regex_match(*value, kTime)) return *value;
  throw UsageError(
      fmt::format("--{} {}: give a time such as 2026-11-27T08:00:00Z or 2026-11-27, or an age such as "
                  "90m, 24h or 7d",
                  name, *value));
}

Progress::Progress(std::ostream& err, std::string label)
    : err_(err), label_(std::move(label)), enabled_(&err == &std::cerr && ::isatty(STDERR_FILENO) != 0) {}

Progress::~Progress() {
  if (drawn_) fmt::print(err_, "\n");
}

void Progress::Update(long done, long total) {
  if (!enabled_) return;
  fmt::print(err_, "\r{} {} / {}", label_, done, total);
  err_.flush();
  drawn_ = true;
}

}  // namespace archive::ctl::ops
