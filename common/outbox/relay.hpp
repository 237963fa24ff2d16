#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>

#include "common/config/config.hpp"
#include "common/kafka/kafka.hpp"
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

  void Run();
  void Stop() { stopping_ = true; }

  // One batch: returns how many events were published. Throws archive::Unavailable.
  std::size_t PublishOnce();

 private:
  RelayConfig config_;
  pg::Connection& db_;
  kafka::Producer& producer_;
  std::atomic<bool> stopping_{false};
};

}  // namespace archive::outbox
