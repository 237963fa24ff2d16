#include "workers/ledger/ledger.hpp"

namespace archive::ledger {

worker::Outcome Handler::Handle(const worker::Message& message, pg::Tx& tx) {
  const auto& payload = message.event.payload;
  tx.Append("ledger_append", message.event.id, payload.at("seq").get<std::int64_t>(),
            payload.at("produced_at_us").get<std::int64_t>());
  return worker::Outcome::Done();
}

}  // namespace archive::ledger
