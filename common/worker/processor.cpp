#include "common/worker/processor.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "common/log/log.hpp"
#include "common/outbox/outbox.hpp"

namespace archive::worker {
namespace {

std::string KafkaKey(const kafka::Message& m) {
  return fmt::format("kafka:{}/{}/{}", m.topic, m.partition, m.offset);
}

std::string TraceId(const Item& item) {
  const auto* event = std::get_if<events::Envelope>(&item.parsed);
  return event != nullptr ? event->trace_id : std::string();
}

}  // namespace

Item MakeItem(kafka::Message record, const events::Registry& registry) {
  Item item{std::move(record), events::ParseError{}, {}, 0, std::nullopt};
  item.parsed = registry.Parse(item.record.payload);
  if (const auto* event = std::get_if<events::Envelope>(&item.parsed)) {
    item.key = event->id;
  } else {
    const auto& error = std::get<events::ParseError>(item.parsed);
    item.key = KafkaKey(item.record);
    item.dead_letter = Outcome::DeadLetter(std::string(events::CodeName(error.code)), error.detail);
  }
  return item;
}

Processor::Processor(ProcessorConfig config, pg::Connection& db, Handler& handler)
    : config_(std::move(config)),
      db_(db),
      handler_(handler),
      own_registry_(std::make_unique<metrics::Registry>()),
      own_metrics_(std::make_unique<LoopMetrics>(*own_registry_, config_.consumer)),
      metrics_(*own_metrics_) {}

Processor::Processor(ProcessorConfig config, pg::Connection& db, Handler& handler, LoopMetrics& metrics)
    : config_(std::move(config)), db_(db), handler_(handler), metrics_(metrics) {}

BatchResult Processor::Process(std::span<Item> batch) {
  for (;;) {
    const auto failure = TryOnce(batch);
    if (!failure) return {batch.size(), std::nullopt};
    // A thrown error may belong to an earlier message (batched writes fail late): isolate them.
    if (failure->threw && batch.size() > 1) return ProcessOneByOne(batch);
    Item& item = batch[failure->index];
    switch (failure->outcome.kind()) {
      case Outcome::Kind::kDeadLetter:
        item.dead_letter = failure->outcome;
        continue;  // run the batch again with this one dead-lettered
      case Outcome::Kind::kRetry:
        break;
      case Outcome::Kind::kDone:
        std::abort();  // TryOnce reports only failures
    }
    if (failure->threw && ++item.attempts >= config_.max_attempts) {
      item.dead_letter = Outcome::DeadLetter(
          "HANDLER_FAILED", fmt::format("failed {} times; last error: {}", item.attempts, failure->outcome.reason()));
      continue;
    }
    const auto after = failure->threw
                           ? std::min(config_.retry_max, config_.retry_initial * (1 << std::min(item.attempts, 16)))
                           : failure->outcome.after();
    ++stats_.retries;
    metrics_.ForTopic(item.record.topic).retried.Inc();
    log::Get("worker")->warn("{}: event {} on {}/{}@{} will be retried in {} ms: {}", config_.consumer, item.key,
                             item.record.topic, item.record.partition, item.record.offset, after.count(),
                             failure->outcome.reason());
    // Commit the messages before the one that must wait, then hand the rest back.
    BatchResult prefix = Process(batch.first(failure->index));
    if (!prefix.retry_after) prefix.retry_after = after;
    return prefix;
  }
}

BatchResult Processor::ProcessOneByOne(std::span<Item> batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const BatchResult one = Process(batch.subspan(i, 1));
    if (one.retry_after) return {i, one.retry_after};
  }
  return {batch.size(), std::nullopt};
}

std::optional<Processor::Failure> Processor::TryOnce(std::span<Item> batch) {
  if (batch.empty()) return std::nullopt;
  pg::Tx tx = db_.Begin();
  std::vector<std::string> keys;
  keys.reserve(batch.size());
  for (const auto& item : batch) keys.push_back(item.key);
  const pg::Result claimed = tx.Run("inbox_claim", config_.consumer, keys);
  std::set<std::string, std::less<>> fresh;
  for (std::size_t i = 0; i < claimed.size(); ++i) fresh.insert(claimed.Text(i, 0));

  std::int64_t done = 0;
  std::int64_t duplicates = 0;
  std::int64_t dead = 0;
  // What to count once the transaction commits: the item and how it ended.
  enum class Counted { kDone, kDuplicate, kDeadLettered };
  std::vector<std::pair<const Item*, Counted>> counted;
  counted.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Item& item = batch[i];
    const auto node = fresh.extract(item.key);
    if (node.empty()) {  // processed before, or earlier in this batch
      ++duplicates;
      counted.emplace_back(&item, Counted::kDuplicate);
      continue;
    }
    if (item.dead_letter) {
      const bool recorded = DeadLetter(tx, item, *item.dead_letter);
      ++dead;
      counted.emplace_back(&item, recorded ? Counted::kDeadLettered : Counted::kDuplicate);
      continue;
    }
    const auto& event = std::get<events::Envelope>(item.parsed);
    const Message message{item.record, event};
    const log::ScopedContext context(event.id, event.trace_id);
    auto& topic_metrics = metrics_.ForTopic(item.record.topic);
    std::optional<Failure> failure;
    const auto started = std::chrono::steady_clock::now();
    try {
      Outcome outcome = handler_.Handle(message, tx);
      topic_metrics.latency.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      if (outcome.kind() != Outcome::Kind::kDone) failure = Failure{i, std::move(outcome), false};
    } catch (const archive::Unavailable&) {
      throw;
    } catch (const std::exception& e) {
      topic_metrics.latency.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      failure = Failure{i, Outcome::Retry(std::chrono::milliseconds(0), e.what()), true};
    }
    if (failure) {
      tx.Abort();
      return failure;
    }
    ++done;
    counted.emplace_back(&item, Counted::kDone);
  }
  try {
    tx.Commit();
  } catch (const archive::Unavailable&) {
    throw;
  } catch (const std::exception& e) {
    return Failure{0, Outcome::Retry(std::chrono::milliseconds(0), e.what()), true};
  }
  stats_.done += done;
  stats_.duplicates += duplicates;
  stats_.dead_lettered += dead;
  for (const auto& [item, how] : counted) {
    auto& topic_metrics = metrics_.ForTopic(item->record.topic);
    switch (how) {
      case Counted::kDone:
        topic_metrics.done.Inc();
        break;
      case Counted::kDuplicate:
        topic_metrics.duplicates.Inc();
        break;
      case Counted::kDeadLettered: {
        // Logged once it is committed: a batch that meets a dead letter runs again, and so would the log line.
        const log::ScopedContext context(item->key, TraceId(*item));
        log::Get("worker")->warn("{}: dead-lettered {} from {}/{}@{}: {} {}", config_.consumer, item->key,
                                 item->record.topic, item->record.partition, item->record.offset,
                                 item->dead_letter->code(), item->dead_letter->reason());
        metrics_.DeadLettered(item->record.topic, item->dead_letter->code());
        break;
      }
    }
  }
  return std::nullopt;
}

bool Processor::DeadLetter(pg::Tx& tx, const Item& item, const Outcome& outcome) {
  const auto* event = std::get_if<events::Envelope>(&item.parsed);
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [k, v] : item.record.headers) headers[k] = v;
  const std::string headers_json = headers.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  tx.Run("inbox_release", config_.consumer, item.key);
  const pg::Result recorded = tx.Run(
      "failed_job_record", config_.consumer, item.key, item.record.topic, item.record.partition, item.record.offset,
      event != nullptr ? pg::Value(event->type) : pg::Value(), item.record.key, outcome.code(), outcome.reason(),
      std::max(item.attempts, 1), pg::ToBytea(item.record.payload), headers_json);
  if (recorded.empty()) return false;  // a redelivery of a message already dead-lettered
  kafka::Headers dlq_headers = item.record.headers;
  dlq_headers.emplace_back("x-dead-letter-consumer", config_.consumer);
  dlq_headers.emplace_back("x-dead-letter-code", outcome.code());
  dlq_headers.emplace_back("x-dead-letter-reason", outcome.reason());
  dlq_headers.emplace_back("x-original-topic", item.record.topic);
  dlq_headers.emplace_back("x-original-partition", std::to_string(item.record.partition));
  dlq_headers.emplace_back("x-original-offset", std::to_string(item.record.offset));
  dlq_headers.emplace_back("x-failed-job-id", recorded.Text(0, 0));
  outbox::EnqueueRaw(tx, config_.dead_letter_topic, item.record.key, item.key, item.record.payload, dlq_headers);
  return true;
}

}  // namespace archive::worker
