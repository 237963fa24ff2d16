#pragma once

#include "common/base/clock.hpp"
#include "common/metrics/metrics.hpp"
#include "common/worker/handler.hpp"
#include "workers/deadline/sweeper.hpp"

namespace archive::deadline {

// Consumes deadline.sweep-requested: takes the sweep lock of the transaction (one sweep at a time across
// all processes; a busy lock retries after busy_retry), runs the sweep and announces it with a
// deadline.swept event through the outbox, for the reminder worker. Not thread-safe (one per loop).
// Counts into metrics (which must outlive it): deadline_sweeps_total{outcome} and
// deadline_reminders_created_total, a done sweep and its reminders once its transaction commits; "busy" and
// "refused" when the handler answers so (an attempt, which has no effect to count twice).
class Handler final : public worker::Handler {
 public:
  Handler(Sweeper& sweeper, const Clock& clock, metrics::Registry& metrics);
  worker::Outcome Handle(const worker::Message& message, pg::Tx& tx) override;

 private:
  Sweeper& sweeper_;
  const Clock& clock_;
  metrics::Counter& busy_;
  metrics::Counter& refused_;
  metrics::Counter& done_;
  metrics::Counter& created_;
};

}  // namespace archive::deadline
