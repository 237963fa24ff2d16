#include <algorithm>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "common/kafka/internal.hpp"
#include "common/log/log.hpp"

namespace archive::kafka {
namespace internal {
namespace {

void LogCallback(const rd_kafka_t*, int level, const char* facility, const char* message) {
  static const auto logger = log::Get("kafka");
  const auto spd_level = level <= 4 ? spdlog::level::warn : spdlog::level::debug;
  logger->log(spd_level, "librdkafka {}: {}", facility, message);
}

void ErrorCallback(rd_kafka_t*, int err, const char* reason, void*) {
  // Transport errors are already logged by LogCallback; report the states an operator acts on.
  if (err != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && err != RD_KAFKA_RESP_ERR__FATAL) return;
  static const auto logger = log::Get("kafka");
  logger->warn("broker problem ({}): {}; librdkafka keeps retrying",
               rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason);
}

}  // namespace

ConfHandle MakeConf(const Config& config, const std::map<std::string, std::string>& defaults) {
  ConfHandle conf(rd_kafka_conf_new());
  char err[512];
  auto set = [&](const std::string& key, const std::string& value) {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      throw config::Error(fmt::format("librdkafka property '{}' = '{}' was refused: {}", key, value, err));
    }
  };
  set("bootstrap.servers", config.brokers);
  for (const auto& [k, v] : defaults) set(k, v);
  for (const auto& [k, v] : config.rdkafka) set(k, v);
  rd_kafka_conf_set_log_cb(conf.get(), LogCallback);
  rd_kafka_conf_set_error_cb(conf.get(), ErrorCallback);
  return conf;
}

KafkaHandle MakeHandle(rd_kafka_type_t type, ConfHandle conf) {
  char err[512];
  KafkaHandle rk(rd_kafka_new(type, conf.get(), err, sizeof err));
  if (rk == nullptr) throw config::Error(fmt::format("cannot create a Kafka client: {}", err));
  conf.release();  // rd_kafka_new took ownership
  return rk;
}

}  // namespace internal

using namespace internal;

Config Config::From(config::Section& section) {
  Config c;
  section.Read("brokers", c.brokers);
  section.Read("rdkafka", c.rdkafka);
  section.RejectUnknown();
  if (auto env = config::Env("ARCHIVE_KAFKA_BROKERS")) c.brokers = *env;
  if (c.brokers.empty()) throw config::Error("kafka.brokers is empty: set ARCHIVE_KAFKA_BROKERS");
  return c;
}

std::optional<std::string_view> Message::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------- Producer

struct Producer::Impl {
  KafkaHandle rk;
  std::mutex mutex;
  int failed = 0;
  std::string first_error;

  static void Delivered(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    auto* self = static_cast<Impl*>(opaque);
    std::lock_guard lock(self->mutex);
    if (self->failed++ == 0) {
      self->first_error =
          fmt::format("delivery to {} failed: {}", rd_kafka_topic_name(msg->rkt), rd_kafka_err2str(msg->err));
    }
  }
};

Producer::Producer(const Config& config) : impl_(std::make_unique<Impl>()) {
  auto conf = MakeConf(config, {{"enable.idempotence", "true"},
                                {"acks", "all"},
                                {"linger.ms", "5"},
                                {"compression.type", "lz4"},
                                {"message.timeout.ms", "30000"}});
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Impl::Delivered);
  rd_kafka_conf_set_opaque(conf.get(), impl_.get());
  impl_->rk = MakeHandle(RD_KAFKA_PRODUCER, std::move(conf));
}

Producer::~Producer() {
  if (impl_->rk != nullptr) rd_kafka_flush(impl_->rk.get(), 5000);
}

void Producer::Produce(const std::string& topic, std::string_view key, std::string_view payload,
                       const Headers& headers) {
  for (;;) {
    rd_kafka_headers_t* hdrs = nullptr;
    if (!headers.empty()) {
      hdrs = rd_kafka_headers_new(headers.size());
      for (const auto& [k, v] : headers) rd_kafka_header_add(hdrs, k.data(), k.size(), v.data(), v.size());
    }
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        impl_->rk.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key.data(), key.size()), RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
        RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (hdrs != nullptr) rd_kafka_headers_destroy(hdrs);
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      throw Unavailable(fmt::format("cannot queue a message for {}: {}", topic, rd_kafka_err2str(err)));
    }
    rd_kafka_poll(impl_->rk.get(), 100);  // the local queue is full: let deliveries drain it
  }
  rd_kafka_poll(impl_->rk.get(), 0);
}

void Producer::Flush(std::chrono::milliseconds timeout) {
  const rd_kafka_resp_err_t err = rd_kafka_flush(impl_->rk.get(), static_cast<int>(timeout.count()));
  std::lock_guard lock(impl_->mutex);
  const int failed = std::exchange(impl_->failed, 0);
  const std::string first = std::exchange(impl_->first_error, "");
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
    throw Unavailable(fmt::format("Kafka did not acknowledge {} queued messages within {} ms",
                                  rd_kafka_outq_len(impl_->rk.get()), timeout.count()));
  }
  if (failed > 0) throw Unavailable(fmt::format("{} messages were not delivered; the first: {}", failed, first));
}

// ---------------------------------------------------------------------------------------------- Consumer

struct Consumer::Impl {
  KafkaHandle rk;
  std::string group_id;
  bool paused = false;  // what the loop asked for; applied to partitions assigned later too
  bool closed = false;

  static void Committed(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t*, void* opaque) {
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
    log::Get("kafka")->warn(
        "consumer {}: offset commit refused ({}); the messages will be redelivered and the inbox "
        "skips them",
        static_cast<Impl*>(opaque)->group_id, rd_kafka_err2name(err));
  }

  static void Rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    const bool cooperative = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      log::Get("kafka")->info("assigned {} partitions", parts->cnt);
      if (cooperative) {
        if (auto* e = rd_kafka_incremental_assign(rk, parts)) rd_kafka_error_destroy(e);
      } else {
        rd_kafka_assign(rk, parts);
      }
      // librdkafka keeps a partition's pause flag across a revoke and a new assignment: set it to what
      // the loop wants now, or a partition paused before a rebalance stays paused for good.
      if (self->paused) {
        rd_kafka_pause_partitions(rk, parts);
      } else {
        rd_kafka_resume_partitions(rk, parts);
      }
      return;
    }
    log::Get("kafka")->info("revoked {} partitions", parts->cnt);
    if (cooperative) {
      if (auto* e = rd_kafka_incremental_unassign(rk, parts)) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(rk, nullptr);
    }
  }

  void SetPaused(bool want) {
    paused = want;
    rd_kafka_topic_partition_list_t* raw = nullptr;
    if (rd_kafka_assignment(rk.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
    PartitionList list(raw);
    if (list->cnt == 0) return;
    if (want) {
      rd_kafka_pause_partitions(rk.get(), list.get());
    } else {
      rd_kafka_resume_partitions(rk.get(), list.get());
    }
  }
};

Consumer::Consumer(const Config& config, std::string group_id, std::vector<std::string> topics)
    : impl_(std::make_unique<Impl>()), group_id_(std::move(group_id)) {
  auto conf = MakeConf(config, {{"group.id", group_id_},
                                {"enable.auto.commit", "false"},
                                {"enable.auto.offset.store", "false"},
                                {"auto.offset.reset", "earliest"},
                                {"enable.partition.eof", "false"}});
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Impl::Rebalance);
  rd_kafka_conf_set_offset_commit_cb(conf.get(), &Impl::Committed);
  impl_->group_id = group_id_;
  rd_kafka_conf_set_opaque(conf.get(), impl_.get());
  impl_->rk = MakeHandle(RD_KAFKA_CONSUMER, std::move(conf));
  rd_kafka_poll_set_consumer(impl_->rk.get());
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const auto& t : topics) rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  if (const auto err = rd_kafka_subscribe(impl_->rk.get(), list.get())) {
    throw config::Error(fmt::format("cannot subscribe group {} to its topics: {}", group_id_, rd_kafka_err2str(err)));
  }
}

Consumer::~Consumer() {
  Close();
}

void Consumer::Close() {
  if (impl_->closed) return;
  impl_->closed = true;
  rd_kafka_consumer_close(impl_->rk.get());
}

std::optional<Message> Consumer::Poll(std::chrono::milliseconds timeout) {
  MessageHandle msg(rd_kafka_consumer_poll(impl_->rk.get(), static_cast<int>(timeout.count())));
  if (msg == nullptr) return std::nullopt;
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      log::Get("kafka")->warn("consumer {}: {}", group_id_, rd_kafka_message_errstr(msg.get()));
    }
    return std::nullopt;
  }
  Message out;
  out.topic = rd_kafka_topic_name(msg->rkt);
  out.partition = msg->partition;
  out.offset = msg->offset;
  if (msg->key != nullptr) out.key.assign(static_cast<const char*>(msg->key), msg->key_len);
  if (msg->payload != nullptr) out.payload.assign(static_cast<const char*>(msg->payload), msg->len);
  out.timestamp_ms = rd_kafka_message_timestamp(msg.get(), nullptr);
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(msg.get(), &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    std::size_t size = 0;
    for (std::size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
      out.headers.emplace_back(name, value != nullptr ? std::string(static_cast<const char*>(value), size) : "");
    }
  }
  return out;
}

bool Consumer::Commit(const std::map<TopicPartition, std::int64_t>& next_offsets, CommitMode mode) {
  if (next_offsets.empty()) return true;
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size())));
  for (const auto& [tp, offset] : next_offsets) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  }
  const rd_kafka_resp_err_t err = rd_kafka_commit(impl_->rk.get(), list.get(), mode == CommitMode::kAsync ? 1 : 0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    log::Get("kafka")->warn(
        "consumer {}: offset commit refused ({}); the messages will be redelivered and the inbox "
        "skips them",
        group_id_, rd_kafka_err2name(err));
    return false;
  }
  return true;
}

void Consumer::PauseAll() {
  impl_->SetPaused(true);
}
void Consumer::ResumeAll() {
  impl_->SetPaused(false);
}

std::vector<Consumer::PartitionPosition> Consumer::Positions() const {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(impl_->rk.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR || raw == nullptr) return {};
  const PartitionList parts(raw);
  rd_kafka_position(impl_->rk.get(), parts.get());
  std::vector<PartitionPosition> out;
  for (int i = 0; i < parts->cnt; ++i) {
    const auto& tp = parts->elems[i];
    if (tp.offset < 0) continue;
    std::int64_t low = 0;
    std::int64_t high = 0;
    if (rd_kafka_get_watermark_offsets(impl_->rk.get(), tp.topic, tp.partition, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0) {
      continue;
    }
    out.push_back({{tp.topic, tp.partition}, tp.offset, high});
  }
  return out;
}

bool Consumer::Fatal() const {
  char reason[512];
  return rd_kafka_fatal_error(impl_->rk.get(), reason, sizeof reason) != RD_KAFKA_RESP_ERR_NO_ERROR;
}

}  // namespace archive::kafka
