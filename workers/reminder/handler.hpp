#pragma once

#include "common/metrics/metrics.hpp"
#include "common/worker/handler.hpp"
#include "workers/reminder/notifier.hpp"

namespace archive::reminder {

// Consumes deadline.swept: runs the Notifier for the sweep's day in the loop's transaction. Once that
// transaction commits, counts reminder_digests_published_total and reminder_digest_members_total (the member
// entries in them) into metrics, which must outlive it; a redone or duplicate batch counts nothing twice.
class Handler final : public worker::Handler {
 public:
  Handler(Notifier& notifier, metrics::Registry& metrics);
  worker::Outcome Handle(const worker::Message& message, pg::Tx& tx) override;

 private:
  Notifier& notifier_;
  metrics::Counter& digests_;
  metrics::Counter& members_;
};

}  // namespace archive::reminder
