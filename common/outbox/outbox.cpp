#include "common/outbox/outbox.hpp"

#include <nlohmann/json.hpp>

#include "common/log/log.hpp"

namespace archive::outbox {

void Enqueue(pg::Tx& tx, std::string_view topic, const events::Envelope& event) {
  if (event.trace_id.empty() && !log::ScopedContext::TraceId().empty()) {
    events::Envelope traced = event;
    traced.trace_id = log::ScopedContext::TraceId();
    EnqueueRaw(tx, topic, traced.key, traced.id, events::Serialize(traced), {});
    return;
  }
  EnqueueRaw(tx, topic, event.key, event.id, events::Serialize(event), {});
}

void EnqueueBatched(pg::Tx& tx, std::string_view topic, const events::Envelope& event) {
  tx.Append("outbox_append", topic, event.key, event.id, pg::ToBytea(events::Serialize(event)), std::string("{}"));
}

void EnqueueRaw(pg::Tx& tx, std::string_view topic, std::string_view key, std::string_view event_id,
                std::string_view payload, const kafka::Headers& headers) {
  nlohmann::json h = nlohmann::json::object();
  for (const auto& [k, v] : headers) h[k] = v;
  tx.Run("outbox_enqueue", topic, key, event_id, pg::ToBytea(payload),
         h.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace archive::outbox
