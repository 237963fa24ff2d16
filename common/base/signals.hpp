#pragma once

#include <functional>
#include <mutex>
#include <thread>

namespace archive {

// SIGTERM and SIGINT, turned into one call of a Stop() function. Construct it first in main(), before
// any thread starts (librdkafka starts threads), so that every thread inherits the blocked mask and the
// signals reach only the waiting thread. OnStop may come later; a signal that arrived before it is
// delivered on registration. The destructor wakes the waiting thread and joins it.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  void OnStop(std::function<void()> on_stop);

 private:
  void Fire();

  std::mutex mutex_;
  std::function<void()> on_stop_;
  bool fired_ = false;
  std::thread waiter_;
};

}  // namespace archive
