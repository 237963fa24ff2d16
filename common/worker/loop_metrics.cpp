#include "common/worker/loop_metrics.hpp"

namespace archive::worker {

LoopMetrics::LoopMetrics(metrics::Registry& registry, std::string group)
    : registry_(registry), group_(std::move(group)) {}

LoopMetrics::Topic& LoopMetrics::ForTopic(const std::string& topic) {
  if (const auto found = topics_.find(topic); found != topics_.end()) return found->second;
  const metrics::Labels labels{{"group", group_}, {"topic", topic}};
  return topics_
      .try_emplace(
          topic,
          Topic{
              registry_.GetCounter("archive_messages_consumed_total", "Messages polled from Kafka.", labels),
              registry_.GetCounter("archive_messages_done_total", "Messages handled whose transaction committed.",
                                   labels),
              registry_.GetCounter("archive_messages_duplicate_total", "Redelivered messages the inbox skipped.",
                                   labels),
              registry_.GetCounter("archive_messages_retried_total",
                                   "Messages handed back to wait: a Retry outcome or a thrown attempt.", labels),
              registry_.GetHistogram("archive_handler_duration_seconds", "Time inside the handler, per call.", labels)})
      .first->second;
}

void LoopMetrics::DeadLettered(const std::string& topic, const std::string& code) {
  registry_
      .GetCounter("archive_messages_dead_lettered_total", "Messages parked in the dead-letter topic and failed_jobs.",
                  {{"group", group_}, {"topic", topic}, {"code", code}})
      .Inc();
}

void LoopMetrics::SetLag(const std::vector<kafka::Consumer::PartitionPosition>& positions) {
  for (auto& [partition, gauge] : lag_) gauge->Set(0);
  for (const auto& position : positions) {
    auto& gauge = lag_[position.partition];
    if (gauge == nullptr) {
      gauge = &registry_.GetGauge("archive_consumer_lag", "Messages behind the high watermark, per assigned partition.",
                                  {{"group", group_},
                                   {"topic", position.partition.topic},
                                   {"partition", std::to_string(position.partition.partition)}});
    }
    gauge->Set(static_cast<double>(position.lag()));
  }
}

}  // namespace archive::worker
