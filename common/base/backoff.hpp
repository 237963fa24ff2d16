#pragma once

#include <chrono>

namespace archive {

// Exponential back-off with full jitter, for retrying infrastructure faults. Not thread-safe.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max);

  // The delay before the next attempt; each call doubles the ceiling up to max.
  std::chrono::milliseconds Next();
  void Reset();
  int attempts() const { return attempts_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds ceiling_;
  int attempts_ = 0;
};

}  // namespace archive
