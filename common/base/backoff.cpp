#include "common/base/backoff.hpp"

#include <algorithm>
#include <random>

namespace archive {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
    : initial_(initial), max_(max), ceiling_(initial) {}

std::chrono::milliseconds Backoff::Next() {
  thread_local std::minstd_rand rng{std::random_device{}()};
  const auto ceiling = ceiling_;
  ceiling_ = std::min(max_, ceiling_ * 2);
  ++attempts_;
  std::uniform_int_distribution<long> jitter(ceiling.count() / 2, ceiling.count());
  return std::chrono::milliseconds(jitter(rng));
}

void Backoff::Reset() {
  ceiling_ = initial_;
  attempts_ = 0;
}

}  // namespace archive
