#pragma once

#include <string_view>

#include "common/events/envelope.hpp"
#include "common/kafka/kafka.hpp"
#include "common/pg/pg.hpp"

// The transactional outbox: an event that a database change causes is written in the same transaction
// as the change, and the Relay publishes it after commit. No dual writes.
namespace archive::outbox {

// Adds the event to the outbox of tx's transaction, keyed by event.key. An event without a trace_id takes the
// one of the event being handled on this thread (log::ScopedContext, set by the consumer loop), so a trace id
// given at the API follows every event that follows from it.
void Enqueue(pg::Tx& tx, std::string_view topic, const events::Envelope& event);

// Like Enqueue, but queued with pg::Tx::Append: all the events queued before the next Run or Commit
// go in as one INSERT, for a worker that emits thousands of events in one transaction.
void EnqueueBatched(pg::Tx& tx, std::string_view topic, const events::Envelope& event);

// Adds raw bytes (a message to dead-letter or replay, as it arrived) with its headers.
void EnqueueRaw(pg::Tx& tx, std::string_view topic, std::string_view key, std::string_view event_id,
                std::string_view payload, const kafka::Headers& headers);

}  // namespace archive::outbox
