#pragma once

// Shared by the sources of archive::kafka only; librdkafka does not leak past this library.
#include <librdkafka/rdkafka.h>

#include <map>
#include <string>

#include "common/base/holder.hpp"
#include "common/kafka/kafka.hpp"

namespace archive::kafka::internal {

using KafkaHandle = Holder<rd_kafka_t, &rd_kafka_destroy>;
using ConfHandle = Holder<rd_kafka_conf_t, &rd_kafka_conf_destroy>;
using PartitionList = Holder<rd_kafka_topic_partition_list_t, &rd_kafka_topic_partition_list_destroy>;
using MessageHandle = Holder<rd_kafka_message_t, &rd_kafka_message_destroy>;
using QueueHandle = Holder<rd_kafka_queue_t, &rd_kafka_queue_destroy>;
using EventHandle = Holder<rd_kafka_event_t, &rd_kafka_event_destroy>;

// A librdkafka configuration with bootstrap.servers, logging to the "kafka" logger, the given defaults,
// and then the user's raw properties (which win). Throws config::Error naming a bad property.
ConfHandle MakeConf(const Config& config, const std::map<std::string, std::string>& defaults);

// Creates a handle of the given type; throws config::Error with librdkafka's reason.
KafkaHandle MakeHandle(rd_kafka_type_t type, ConfHandle conf);

}  // namespace archive::kafka::internal
