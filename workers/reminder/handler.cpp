#include "workers/reminder/handler.hpp"

#include "common/log/log.hpp"

namespace archive::reminder {

Handler::Handler(Notifier& notifier, metrics::Registry& metrics)
    : notifier_(notifier),
      digests_(metrics.GetCounter("reminder_digests_published_total",
                                  "Reminder digests published to organizations (archive.notifications).")),
      members_(metrics.GetCounter("reminder_digest_members_total", "Member entries in the published digests.")) {}

worker::Outcome Handler::Handle(const worker::Message& message, pg::Tx& tx) {
  const std::string day = message.event.payload.at("day").get<std::string>();
  const std::int64_t sweep_id = message.event.payload.at("sweep_id").get<std::int64_t>();
  const NotifyResult r = notifier_.Run(tx, day, sweep_id);
  tx.OnCommit([this, digests = r.digests, members = r.members] {
    digests_.Inc(static_cast<double>(digests));
    members_.Inc(static_cast<double>(members));
  });
  log::Get("reminder")
      ->info("sweep {} (day {}): {} organizations with new reminders, {} digests published with {} member entries",
             sweep_id, day, r.organizations, r.digests, r.members);
  return worker::Outcome::Done();
}

}  // namespace archive::reminder
