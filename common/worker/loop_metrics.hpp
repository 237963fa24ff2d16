#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/kafka/kafka.hpp"
#include "common/metrics/metrics.hpp"

namespace archive::worker {

// The consumer loop's metrics, labelled by consumer group and topic:
//   archive_messages_consumed_total      polled from Kafka
//   archive_messages_done_total          handled, and the transaction committed
//   archive_messages_duplicate_total     skipped because the inbox had them (redeliveries)
//   archive_messages_retried_total       handed back to wait (Outcome::Retry or a thrown attempt)
//   archive_messages_dead_lettered_total parked in the dead-letter topic, also labelled by error code
//   archive_handler_duration_seconds     time inside Handler::Handle, per call (a batch that meets a dead
//                                        letter or a failure runs again, so calls >= messages)
//   archive_consumer_lag                 high watermark minus position, per assigned partition
// Not thread-safe: the loop and its Processor use it from one thread at a time (the processor runs
// while the loop thread only polls into its pending queue).
class LoopMetrics {
 public:
  struct Topic {
    metrics::Counter& consumed;
    metrics::Counter& done;
    metrics::Counter& duplicates;
    metrics::Counter& retried;
    metrics::Histogram& latency;
  };

  LoopMetrics(metrics::Registry& registry, std::string group);

  Topic& ForTopic(const std::string& topic);
  void DeadLettered(const std::string& topic, const std::string& code);
  // Replaces the lag gauges with the consumer's current positions; partitions no longer assigned read 0.
  void SetLag(const std::vector<kafka::Consumer::PartitionPosition>& positions);

 private:
  metrics::Registry& registry_;
  std::string group_;
  std::map<std::string, Topic, std::less<>> topics_;
  std::map<kafka::TopicPartition, metrics::Gauge*> lag_;
};

}  // namespace archive::worker
