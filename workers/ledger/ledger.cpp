#include "workers/ledger/ledger.hpp"

#include <fmt/format.h>

namespace archive::ledger {

Config Config::From(config::Section& section) {
  Config c;
  section.Read("drill_reject_every", c.drill_reject_every);
  section.RejectUnknown();
  if (c.drill_reject_every < 0) {
    throw config::Error(section.path() + ".drill_reject_every must be 0 (off) or a positive number");
  }
  return c;
}

worker::Outcome Handler::Handle(const worker::Message& message, pg::Tx& tx) {
  const auto& payload = message.event.payload;
  const auto seq = payload.at("seq").get<std::int64_t>();
  if (config_.drill_reject_every > 0 && seq % config_.drill_reject_every == 0) {
    return worker::Outcome::DeadLetter(
        "DRILL_REJECTED",
        fmt::format("dead-letter drill: ledger.drill_reject_every is {} and this entry's seq is {}; set it to 0 "
                    "and replay",
                    config_.drill_reject_every, seq));
  }
  tx.Append("ledger_append", message.event.id, seq, payload.at("produced_at_us").get<std::int64_t>());
  return worker::Outcome::Done();
}

}  // namespace archive::ledger
