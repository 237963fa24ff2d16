#include "common/base/signals.hpp"

#include <pthread.h>
#include <signal.h>

namespace archive {
namespace {

sigset_t StopSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGUSR2);  // our own wake-up, sent by the destructor
  return set;
}

}  // namespace

StopSignals::StopSignals() {
  const sigset_t set = StopSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  waiter_ = std::thread([this, set] {
    int sig = 0;
    sigwait(&set, &sig);
    if (sig != SIGUSR2) Fire();
  });
}

StopSignals::~StopSignals() {
  pthread_kill(waiter_.native_handle(), SIGUSR2);
  waiter_.join();
}

void StopSignals::OnStop(std::function<void()> on_stop) {
  std::lock_guard lock(mutex_);
  on_stop_ = std::move(on_stop);
  if (fired_) on_stop_();
}

void StopSignals::Fire() {
  std::lock_guard lock(mutex_);
  fired_ = true;
  if (on_stop_) on_stop_();
}

}  // namespace archive
