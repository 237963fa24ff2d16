#include <chrono>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "common/kafka/internal.hpp"
#include "common/log/log.hpp"

namespace archive::kafka {

using namespace internal;

namespace {

constexpr int kAdminTimeoutMs = 15000;
using NewTopicHandle = Holder<rd_kafka_NewTopic_t, &rd_kafka_NewTopic_destroy>;
using AdminOptions = Holder<rd_kafka_AdminOptions_t, &rd_kafka_AdminOptions_destroy>;
using Metadata = std::unique_ptr<const rd_kafka_metadata_t, decltype(&rd_kafka_metadata_destroy)>;

}  // namespace

std::vector<TopicSpec> ParseTopics(std::string_view text) {
  std::vector<TopicSpec> out;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    TopicSpec spec;
    if (!(fields >> spec.name)) continue;
    std::string extra;
    if (!(fields >> spec.partitions >> spec.retention_ms >> spec.cleanup_policy) || (fields >> extra) ||
        spec.partitions < 1 || spec.retention_ms < -1 ||
        (spec.cleanup_policy != "delete" && spec.cleanup_policy != "compact")) {
      throw config::Error(fmt::format(
          "topics file line {}: expected 'name partitions retention_ms delete|compact', got '{}'", n, line));
    }
    out.push_back(std::move(spec));
  }
  return out;
}

std::vector<std::string> EnsureTopics(const Config& config, const std::vector<TopicSpec>& topics,
                                      int replication_factor) {
  KafkaHandle rk = MakeHandle(RD_KAFKA_PRODUCER, MakeConf(config, {}));
  std::vector<NewTopicHandle> owned;
  std::vector<rd_kafka_NewTopic_t*> raw;
  char err[512];
  for (const auto& t : topics) {
    NewTopicHandle nt(rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, replication_factor, err, sizeof err));
    if (nt == nullptr) throw config::Error(fmt::format("topic {}: {}", t.name, err));
    rd_kafka_NewTopic_set_config(nt.get(), "retention.ms", std::to_string(t.retention_ms).c_str());
    rd_kafka_NewTopic_set_config(nt.get(), "cleanup.policy", t.cleanup_policy.c_str());
    raw.push_back(nt.get());
    owned.push_back(std::move(nt));
  }
  QueueHandle queue(rd_kafka_queue_new(rk.get()));
  AdminOptions options(rd_kafka_AdminOptions_new(rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
  rd_kafka_AdminOptions_set_request_timeout(options.get(), kAdminTimeoutMs, err, sizeof err);
  rd_kafka_CreateTopics(rk.get(), raw.data(), raw.size(), options.get(), queue.get());
  EventHandle event(rd_kafka_queue_poll(queue.get(), kAdminTimeoutMs + 5000));
  if (event == nullptr) throw Unavailable("Kafka did not answer CreateTopics in time (is the broker up?)");
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw Unavailable(fmt::format("CreateTopics failed: {}", rd_kafka_event_error_string(event.get())));
  }
  const auto* result = rd_kafka_event_CreateTopics_result(event.get());
  std::size_t n = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &n);
  std::vector<std::string> created;
  for (std::size_t i = 0; i < n; ++i) {
    const auto code = rd_kafka_topic_result_error(results[i]);
    const std::string name = rd_kafka_topic_result_name(results[i]);
    if (code == RD_KAFKA_RESP_ERR_NO_ERROR) {
      created.push_back(name);
    } else if (code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      throw Unavailable(
          fmt::format("cannot create topic {}: {}", name, rd_kafka_topic_result_error_string(results[i])));
    }
  }
  return created;
}

std::vector<PartitionLag> GroupLag(const Config& config, const std::string& group_id,
                                   const std::vector<std::string>& topics) {
  KafkaHandle rk = MakeHandle(RD_KAFKA_CONSUMER, MakeConf(config, {{"group.id", group_id}}));
  const rd_kafka_metadata_t* raw = nullptr;
  if (const auto err = rd_kafka_metadata(rk.get(), 1, nullptr, &raw, kAdminTimeoutMs)) {
    throw Unavailable(fmt::format("cannot read Kafka metadata: {}", rd_kafka_err2str(err)));
  }
  Metadata metadata(raw, &rd_kafka_metadata_destroy);
  PartitionList list(rd_kafka_topic_partition_list_new(16));
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    const auto& topic = metadata->topics[t];
    if (std::find(topics.begin(), topics.end(), topic.topic) == topics.end()) continue;
    for (int p = 0; p < topic.partition_cnt; ++p) {
      rd_kafka_topic_partition_list_add(list.get(), topic.topic, topic.partitions[p].id);
    }
  }
  // A broker that has just started answers that it is not (yet) the group's coordinator until its offsets topic
  // is ready: that is asked again, within the same bound.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kAdminTimeoutMs);
  for (;;) {
    const auto err = rd_kafka_committed(rk.get(), list.get(), kAdminTimeoutMs);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    const bool coordinator_not_ready = err == RD_KAFKA_RESP_ERR_NOT_COORDINATOR ||
                                       err == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE ||
                                       err == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS;
    if (!coordinator_not_ready || std::chrono::steady_clock::now() >= deadline) {
      throw Unavailable(
          fmt::format("cannot read the committed offsets of group {}: {}", group_id, rd_kafka_err2str(err)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::vector<PartitionLag> out;
  for (int i = 0; i < list->cnt; ++i) {
    const auto& e = list->elems[i];
    int64_t low = 0;
    int64_t high = 0;
    if (const auto err =
            rd_kafka_query_watermark_offsets(rk.get(), e.topic, e.partition, &low, &high, kAdminTimeoutMs)) {
      throw Unavailable(
          fmt::format("cannot read the end offset of {}/{}: {}", e.topic, e.partition, rd_kafka_err2str(err)));
    }
    out.push_back({{e.topic, e.partition}, e.offset >= 0 ? e.offset : -1, high});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.partition < b.partition; });
  return out;
}

}  // namespace archive::kafka
