#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/config/config.hpp"
#include "common/events/envelope.hpp"
#include "common/kafka/kafka.hpp"
#include "common/metrics/endpoint.hpp"
#include "common/metrics/metrics.hpp"
#include "common/pg/pg.hpp"
#include "common/worker/handler.hpp"
#include "common/worker/processor.hpp"

namespace archive::worker {

struct LoopConfig {
  std::string group;  // consumer group, inbox and failed_jobs name
  std::vector<std::string> topics;
  std::string dead_letter_topic = "archive.dead-letter";
  int max_batch = 500;  // messages per transaction
  std::chrono::milliseconds poll_timeout{100};
  std::chrono::milliseconds pause_after{1000};  // a batch running longer pauses the partitions and keeps polling
  int max_attempts = 5;
  std::chrono::milliseconds retry_initial{200};
  std::chrono::milliseconds retry_max{30000};

  // Reads the keys of a worker's "consumer" section; group and topics default to the worker's own.
  static LoopConfig From(config::Section& section, LoopConfig defaults);
};

// The one consumer loop every worker runs: polls a batch, hands it to the Processor (one database
// transaction for the batch), and commits the offsets only after that transaction committed. While a
// batch runs longer than pause_after, the partitions are paused and polling continues, so the member
// is not thrown out of its group. When the database or blob store is down, the batch is kept and
// retried with back-off, again while polling. Run() returns after Stop(), once the batch in flight is
// committed; Stop() is thread-safe.
class ConsumerLoop {
 public:
  // Makes the loop's consumer: once at the start, and again whenever librdkafka declares the current one
  // unusable (a fatal error such as a fenced static member). Tests pass their own.
  using ConsumerFactory = std::function<std::unique_ptr<kafka::Consumer>()>;

  ConsumerLoop(LoopConfig config, ConsumerFactory make_consumer, pg::Connection& db, Handler& handler,
               const events::Registry& registry);
  // The same, counting into metrics (see LoopMetrics for the names), which must outlive the loop. The
  // constructor above counts into a registry of its own that nobody serves, so both run the same code.
  ConsumerLoop(LoopConfig config, ConsumerFactory make_consumer, pg::Connection& db, Handler& handler,
               const events::Registry& registry, metrics::Registry& metrics);

  void Run();
  void Stop() { stopping_ = true; }
  const Stats& stats() const { return processor_.stats(); }
  // For /readyz: ready once the consumer exists and while the database is reachable (not in an outage
  // back-off). Thread-safe.
  metrics::Readiness Readiness() const;

 private:
  ConsumerLoop(LoopConfig config, ConsumerFactory make_consumer, pg::Connection& db, Handler& handler,
               const events::Registry& registry, std::unique_ptr<metrics::Registry> own, metrics::Registry* shared);
  void FillBatch(std::vector<Item>& batch);
  BatchResult RunPolling(std::span<Item> batch);
  void WaitPolling(std::chrono::milliseconds delay);
  void CommitOffsets(std::span<const Item> done);

  LoopConfig config_;
  ConsumerFactory make_consumer_;
  std::unique_ptr<kafka::Consumer> consumer_;
  const events::Registry& registry_;
  std::unique_ptr<metrics::Registry> own_registry_;
  LoopMetrics metrics_;
  std::chrono::steady_clock::time_point lag_reported_{};
  Processor processor_;
  std::deque<kafka::Message> pending_;                       // polled while paused, processed next
  std::map<kafka::TopicPartition, std::int64_t> committed_;  // committed asynchronously; synchronously at Stop
  std::atomic<bool> stopping_{false};
  std::atomic<bool> started_{false};
  std::atomic<bool> in_outage_{false};
};

}  // namespace archive::worker
