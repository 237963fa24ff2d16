#include "workers/deadline/handler.hpp"

#include <fmt/format.h>

#include "common/events/envelope.hpp"
#include "common/log/log.hpp"
#include "common/outbox/outbox.hpp"

namespace archive::deadline {

namespace {

constexpr const char* kSweepsHelp =
    "Deadline sweeps by outcome: done (committed), busy (lock held elsewhere), refused.";

}  // namespace

Handler::Handler(Sweeper& sweeper, const Clock& clock, metrics::Registry& metrics)
    : sweeper_(sweeper),
      clock_(clock),
      busy_(metrics.GetCounter("deadline_sweeps_total", kSweepsHelp, {{"outcome", "busy"}})),
      refused_(metrics.GetCounter("deadline_sweeps_total", kSweepsHelp, {{"outcome", "refused"}})),
      done_(metrics.GetCounter("deadline_sweeps_total", kSweepsHelp, {{"outcome", "done"}})),
      created_(metrics.GetCounter("deadline_reminders_created_total", "Reminders created by committed sweeps.")) {}

worker::Outcome Handler::Handle(const worker::Message& message, pg::Tx& tx) {
  const auto& payload = message.event.payload;
  const std::string as_of = payload.at("as_of").get<std::string>();
  const std::string requested_by = payload.at("requested_by").get<std::string>();
  const auto locked_at = sweeper_.TryLock(tx);
  if (!locked_at) {
    busy_.Inc();
    return worker::Outcome::Retry(sweeper_.config().busy_retry, "another deadline sweep holds the lock");
  }
  if (sweeper_.Day(tx, as_of).second) {
    refused_.Inc();
    return worker::Outcome::DeadLetter(
        "AS_OF_IN_FUTURE", fmt::format("sweep as of {} lies more than {} s after the clock's now; check the producer",
                                       as_of, sweeper_.config().max_clock_skew_seconds));
  }
  const SweepResult r = sweeper_.Run(tx, as_of, requested_by, message.event.id, *locked_at);
  outbox::Enqueue(tx, "deadline.swept",
                  events::MakeEnvelope("deadline.swept", 1, "deadline-worker", "sweep",
                                       {{"sweep_id", r.sweep_id},
                                        {"as_of", as_of},
                                        {"day", r.day},
                                        {"created", r.created},
                                        {"resolved", r.resolved}},
                                       clock_.Now()));
  tx.OnCommit([this, created = r.created] {
    done_.Inc();
    created_.Inc(static_cast<double>(created));
  });
  log::Get("deadline")
      ->info("sweep {} as of {} (day {}, requested by {}): {} reminders created, {} resolved", r.sweep_id, as_of, r.day,
             requested_by, r.created, r.resolved);
  return worker::Outcome::Done();
}

}  // namespace archive::deadline
