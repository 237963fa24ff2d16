#pragma once

#include "common/base/clock.hpp"
#include "common/worker/handler.hpp"
#include "workers/deadline/sweeper.hpp"

namespace archive::deadline {

// Consumes deadline.sweep-requested: takes the sweep lock of the transaction (one sweep at a time across
// all processes; a busy lock retries after busy_retry), runs the sweep and announces it with a
// deadline.swept event through the outbox, for the reminder worker. Not thread-safe (one per loop).
class Handler final : public worker::Handler {
 public:
  Handler(Sweeper& sweeper, const Clock& clock);
  worker::Outcome Handle(const worker::Message& message, pg::Tx& tx) override;

 private:
  Sweeper& sweeper_;
  const Clock& clock_;
};

}  // namespace archive::deadline
