#include "common/base/clock.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace archive {

Clock::TimePoint SystemClock::Now() const {
  return std::chrono::system_clock::now();
}

std::string FormatUtc(Clock::TimePoint t) {
  const auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(t);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", ms);
}

}  // namespace archive
