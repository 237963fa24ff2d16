#include "workers/reminder/handler.hpp"

#include "common/log/log.hpp"

namespace archive::reminder {

Handler::Handler(Notifier& notifier) : notifier_(notifier) {}

worker::Outcome Handler::Handle(const worker::Message& message, pg::Tx& tx) {
  const std::string day = message.event.payload.at("day").get<std::string>();
  const NotifyResult r = notifier_.Run(tx, day);
  log::Get("reminder")
      ->info("sweep {} (day {}): {} recipients added, {} digests published with {} member entries",
             message.event.payload.at("sweep_id").get<long>(), day, r.recipients, r.digests, r.members);
  return worker::Outcome::Done();
}

}  // namespace archive::reminder
