#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include "common/events/envelope.hpp"
#include "common/kafka/kafka.hpp"
#include "common/pg/pg.hpp"
#include "common/worker/handler.hpp"
#include "common/worker/loop_metrics.hpp"

namespace archive::worker {

// A polled message with what the loop knows about it so far.
struct Item {
  kafka::Message record;
  std::variant<events::Envelope, events::ParseError> parsed;
  std::string key;                     // the inbox key: the event id, or kafka:<topic>/<partition>/<offset>
  int attempts = 0;                    // failed attempts so far (exceptions from the handler)
  std::optional<Outcome> dead_letter;  // decided: this one goes to the dead-letter topic
};

Item MakeItem(kafka::Message record, const events::Registry& registry);

struct ProcessorConfig {
  std::string consumer;  // the inbox and failed_jobs name, normally the group id
  std::string dead_letter_topic = "archive.dead-letter";
  int max_attempts = 5;  // handler exceptions before a message is dead-lettered
  std::chrono::milliseconds retry_initial{200};
  std::chrono::milliseconds retry_max{30000};
};

// Counts since start, updated when a transaction commits. Read from any thread.
struct Stats {
  std::atomic<std::int64_t> done{0};        // handled and committed
  std::atomic<std::int64_t> duplicates{0};  // skipped: the inbox had them already
  std::atomic<std::int64_t> dead_lettered{0};
  std::atomic<std::int64_t> retries{0};  // a message handed back to wait (Retry or a thrown attempt)
};

struct BatchResult {
  std::size_t processed = 0;                             // items from the front whose transaction committed
  std::optional<std::chrono::milliseconds> retry_after;  // set when the rest must wait and be tried again
};

// Runs a batch through the handler in one transaction: claims the inbox keys, skips duplicates,
// dead-letters what must be, and commits. When a handler throws, the batch is redone one message at a
// time, so the error is charged to the message that caused it. When one message needs a retry, the messages before it
// are committed and the rest is handed back. Throws archive::Unavailable (nothing committed) when the database is down.
// Not thread-safe; one per consumer loop.
class Processor {
 public:
  Processor(ProcessorConfig config, pg::Connection& db, Handler& handler);
  // The same, counting every outcome into metrics, which must outlive the processor.
  Processor(ProcessorConfig config, pg::Connection& db, Handler& handler, LoopMetrics& metrics);
  BatchResult Process(std::span<Item> batch);
  const Stats& stats() const { return stats_; }

 private:
  struct Failure {
    std::size_t index;
    Outcome outcome;
    bool threw;
  };
  std::optional<Failure> TryOnce(std::span<Item> batch);
  BatchResult ProcessOneByOne(std::span<Item> batch);
  // Records the dead letter and queues it for the dead-letter topic; false when it was recorded before.
  bool DeadLetter(pg::Tx& tx, const Item& item, const Outcome& outcome);

  ProcessorConfig config_;
  pg::Connection& db_;
  Handler& handler_;
  std::unique_ptr<metrics::Registry> own_registry_;  // when no metrics were given: counted, never served
  std::unique_ptr<LoopMetrics> own_metrics_;
  LoopMetrics& metrics_;
  Stats stats_;
};

}  // namespace archive::worker
