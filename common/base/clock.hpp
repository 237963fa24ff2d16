#pragma once

#include <chrono>
#include <string>

namespace archive {

// The time seam: code that makes decisions by the time (deadlines, back-off, latency) asks a Clock, so
// tests advance a fake clock instead of sleeping. Implementations are thread-safe.
class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
};

// RFC 3339 in UTC with milliseconds, e.g. 2026-11-27T06:19:18.123Z.
std::string FormatUtc(Clock::TimePoint t);

}  // namespace archive
