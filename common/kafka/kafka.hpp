#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/errors.hpp"
#include "common/config/config.hpp"

// RAII over librdkafka (kept private to this library). Handles are not thread-safe unless a method says
// so; the consumer loop owns its consumer and calls it from one thread.
namespace archive::kafka {

// The broker is unreachable or a request to it timed out: retry later.
class Unavailable : public archive::Unavailable {
 public:
  using archive::Unavailable::Unavailable;
};

struct Config {
  std::string brokers;                         // ARCHIVE_KAFKA_BROKERS overrides
  std::map<std::string, std::string> rdkafka;  // raw librdkafka properties, passed through as they are

  static Config From(config::Section& section);
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

// One consumed message. Owns its bytes.
struct Message {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string payload;
  Headers headers;
  std::int64_t timestamp_ms = 0;

  std::optional<std::string_view> Header(std::string_view name) const;
};

// An idempotent producer (acks=all, enable.idempotence=true). Thread-safe, as librdkafka's producer is.
class Producer {
 public:
  explicit Producer(const Config& config);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues the message; Flush reports whether everything queued since the last Flush was acknowledged.
  void Produce(const std::string& topic, std::string_view key, std::string_view payload, const Headers& headers = {});

  // Waits until every queued message is acknowledged or failed. Throws kafka::Unavailable naming the
  // first failure if any message failed or the timeout passed; the caller re-sends the whole batch.
  void Flush(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A consumer-group member with manual offset commits (enable.auto.commit=false). Not thread-safe.
class Consumer {
 public:
  Consumer(const Config& config, std::string group_id, std::vector<std::string> topics);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Returns the next message, or nullopt after timeout. Broker-side errors are logged and retried by
  // librdkafka; they do not surface here. Also serves the group protocol (heartbeats, rebalances).
  std::optional<Message> Poll(std::chrono::milliseconds timeout);

  // Commits next_offset (the offset of the next message to read) per partition. kSync waits for the
  // broker and returns false when it refused (the partitions moved to another member in a rebalance);
  // kAsync returns at once, and a refusal is logged when a later Poll serves it. A lost commit only means
  // a redelivery, which the inbox absorbs.
  enum class CommitMode { kSync, kAsync };
  bool Commit(const std::map<TopicPartition, std::int64_t>& next_offsets, CommitMode mode);

  // Pauses or resumes fetching on every assigned partition; Poll keeps the membership alive meanwhile.
  void PauseAll();
  void ResumeAll();

  // True once librdkafka raised a fatal error (for example, this static member was fenced by the
  // coordinator after a broker restart). The handle is then unusable: close it and create a new one.
  bool Fatal() const;

  // Leaves the group cleanly. Called by the destructor if not called before.
  void Close();

  // Per assigned partition: the high watermark against this consumer's position (the next offset it
  // will read), from what librdkafka has cached from fetch responses; no broker round trip. A partition
  // with no position yet is left out. Cheap enough to call between batches.
  struct PartitionPosition {
    TopicPartition partition;
    std::int64_t position = 0;
    std::int64_t end = 0;  // the high watermark
    std::int64_t lag() const { return end > position ? end - position : 0; }
  };
  std::vector<PartitionPosition> Positions() const;

  const std::string& group_id() const { return group_id_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string group_id_;
};

struct TopicSpec {
  std::string name;
  int partitions = 1;
  long retention_ms = 604800000;
  std::string cleanup_policy = "delete";
};

// Parses deploy/kafka/topics.conf: one topic per line, "name partitions retention_ms cleanup_policy",
// '#' comments. Throws config::Error naming the line.
std::vector<TopicSpec> ParseTopics(std::string_view text);

// Creates each topic that does not exist yet. Returns the names created. Throws kafka::Unavailable.
std::vector<std::string> EnsureTopics(const Config& config, const std::vector<TopicSpec>& topics,
                                      int replication_factor = 1);

struct PartitionLag {
  TopicPartition partition;
  std::int64_t committed = -1;  // -1: the group never committed on this partition
  std::int64_t end = 0;         // the high watermark
  std::int64_t lag() const { return committed < 0 ? end : end - committed; }
};

// The group's committed offsets against the high watermarks of the topics' partitions.
std::vector<PartitionLag> GroupLag(const Config& config, const std::string& group_id,
                                   const std::vector<std::string>& topics);

}  // namespace archive::kafka
