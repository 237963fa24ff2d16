#include "workers/reminder/handler.hpp"

#include "common/log/log.hpp"

namespace archive::reminder {

Handler::Handler(Notifier& notifier) : notifier_(notifier) {}

worker::Outcome Handler::Handle(const worker::Message& message, pg::Tx& tx) {
  const std::string day = message.event.payload.at("day").get<std::string>();
  const std::int64_t sweep_id = message.event.payload.at("sweep_id").get<std::int64_t>();
  const NotifyResult r = notifier_.Run(tx, day, sweep_id);
  // Metric point: reminder_digests_published_total += r.digests.
  log::Get("reminder")
      ->info("sweep {} (day {}): {} organizations with new reminders, {} digests published with {} member entries",
             sweep_id, day, r.organizations, r.digests, r.members);
  return worker::Outcome::Done();
}

}  // namespace archive::reminder
