#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>

#include "common/config/config.hpp"
#include "common/kafka/kafka.hpp"
#include "common/metrics/endpoint.hpp"
#include "common/metrics/metrics.hpp"
#include "common/pg/pg.hpp"

namespace archive::outbox {

struct RelayConfig {
  int batch = 1000;                                   // rows published per transaction
  std::chrono::milliseconds idle_wait{500};           // longest wait for a NOTIFY when the outbox is empty
  std::chrono::milliseconds delivery_timeout{30000};  // broker acknowledgement of a batch
  std::chrono::milliseconds retry_max{30000};         // back-off ceiling while the database or broker is down

  static RelayConfig From(config::Section& section);
};

// Publishes the outbox in id order: takes a batch under row locks, produces it, waits for the broker's
// acknowledgement, then deletes the rows and commits. A crash in between publishes the batch again;
// consumers' inboxes drop the duplicates. Only one relay publishes at a time (a session advisory lock);
// others wait as standbys. Run() blocks until Stop(); Stop() is thread-safe.
class Relay {
 public:
  Relay(RelayConfig config, pg::Connection& db, kafka::Producer& producer);
  // The same, exporting archive_outbox_backlog (rows waiting), archive_outbox_oldest_seconds and
  // archive_outbox_published_total into metrics, which must outlive the relay. The backlog is counted
  // every few seconds by the leader, so a standby reads as 0.
  Relay(RelayConfig config, pg::Connection& db, kafka::Producer& producer, metrics::Registry& metrics);

  void Run();
  void Stop() { stopping_ = true; }
  // For /readyz: not ready while the database or the broker is down (in back-off). A standby is ready.
  // Thread-safe.
  metrics::Readiness Readiness() const;

  // One batch: returns how many events were published. Throws archive::Unavailable.
  std::size_t PublishOnce();

 private:
  Relay(RelayConfig config, pg::Connection& db, kafka::Producer& producer, std::unique_ptr<metrics::Registry> own,
        metrics::Registry* shared);
  void ReportBacklog();

  RelayConfig config_;
  pg::Connection& db_;
  kafka::Producer& producer_;
  std::unique_ptr<metrics::Registry> own_registry_;  // when no metrics were given: counted, never served
  metrics::Gauge& backlog_;
  metrics::Gauge& oldest_;
  metrics::Counter& published_;
  std::chrono::steady_clock::time_point backlog_reported_{};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> in_outage_{false};
};

}  // namespace archive::outbox
