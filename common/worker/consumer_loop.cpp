#include "common/worker/consumer_loop.hpp"

#include <future>
#include <map>
#include <thread>

#include "common/base/backoff.hpp"
#include "common/log/log.hpp"

namespace archive::worker {
namespace {

// How often the lag gauges are refreshed from the consumer's cached watermarks.
constexpr std::chrono::seconds kLagInterval{5};

}  // namespace

LoopConfig LoopConfig::From(config::Section& section, LoopConfig c) {
  section.Read("group", c.group);
  section.Read("topics", c.topics);
  section.Read("dead_letter_topic", c.dead_letter_topic);
  section.Read("max_batch", c.max_batch);
  section.Read("poll_timeout_ms", c.poll_timeout);
  section.Read("pause_after_ms", c.pause_after);
  section.Read("max_attempts", c.max_attempts);
  section.Read("retry_initial_ms", c.retry_initial);
  section.Read("retry_max_ms", c.retry_max);
  section.RejectUnknown();
  if (c.max_batch < 1) throw config::Error(section.path() + ".max_batch must be at least 1");
  if (c.max_attempts < 1) throw config::Error(section.path() + ".max_attempts must be at least 1");
  return c;
}

ConsumerLoop::ConsumerLoop(LoopConfig config, ConsumerFactory make_consumer, pg::Connection& db, Handler& handler,
                           const events::Registry& registry)
    : ConsumerLoop(std::move(config), std::move(make_consumer), db, handler, registry,
                   std::make_unique<metrics::Registry>(), nullptr) {}

ConsumerLoop::ConsumerLoop(LoopConfig config, ConsumerFactory make_consumer, pg::Connection& db, Handler& handler,
                           const events::Registry& registry, metrics::Registry& metrics)
    : ConsumerLoop(std::move(config), std::move(make_consumer), db, handler, registry, nullptr, &metrics) {}

ConsumerLoop::ConsumerLoop(LoopConfig config, ConsumerFactory make_consumer, pg::Connection& db, Handler& handler,
                           const events::Registry& registry, std::unique_ptr<metrics::Registry> own,
                           metrics::Registry* shared)
    : config_(std::move(config)),
      make_consumer_(std::move(make_consumer)),
      registry_(registry),
      own_registry_(std::move(own)),
      metrics_(shared != nullptr ? *shared : *own_registry_, config_.group),
      processor_(ProcessorConfig{config_.group, config_.dead_letter_topic, config_.max_attempts, config_.retry_initial,
                                 config_.retry_max},
                 db, handler, metrics_) {}

void ConsumerLoop::FillBatch(std::vector<Item>& batch) {
  const auto want = static_cast<std::size_t>(config_.max_batch);
  const auto before = batch.size();
  while (batch.size() < want && !pending_.empty()) {
    batch.push_back(MakeItem(std::move(pending_.front()), registry_));
    pending_.pop_front();
  }
  auto timeout = batch.empty() ? config_.poll_timeout : std::chrono::milliseconds(0);
  while (batch.size() < want) {
    auto message = consumer_->Poll(timeout);
    if (!message) break;
    batch.push_back(MakeItem(std::move(*message), registry_));
    timeout = std::chrono::milliseconds(0);
  }
  for (std::size_t i = before; i < batch.size(); ++i) metrics_.ForTopic(batch[i].record.topic).consumed.Inc();
  const auto now = std::chrono::steady_clock::now();
  if (now - lag_reported_ >= kLagInterval) {
    metrics_.SetLag(consumer_->Positions());
    lag_reported_ = now;
  }
}

BatchResult ConsumerLoop::RunPolling(std::span<Item> batch) {
  auto result = std::async(std::launch::async, [&] { return processor_.Process(batch); });
  if (result.wait_for(config_.pause_after) != std::future_status::ready) {
    consumer_->PauseAll();
    while (result.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) {
      if (auto message = consumer_->Poll(std::chrono::milliseconds(100))) pending_.push_back(std::move(*message));
    }
    consumer_->ResumeAll();
  }
  return result.get();
}

void ConsumerLoop::WaitPolling(std::chrono::milliseconds delay) {
  const auto deadline = std::chrono::steady_clock::now() + delay;
  consumer_->PauseAll();
  while (!stopping_ && std::chrono::steady_clock::now() < deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (auto message = consumer_->Poll(std::min(left, std::chrono::milliseconds(100)))) {
      pending_.push_back(std::move(*message));
    }
  }
  consumer_->ResumeAll();
}

void ConsumerLoop::CommitOffsets(std::span<const Item> done) {
  std::map<kafka::TopicPartition, std::int64_t> next;
  for (const auto& item : done) {
    auto& offset = next[{item.record.topic, item.record.partition}];
    offset = std::max(offset, item.record.offset + 1);
  }
  for (const auto& [tp, offset] : next) committed_[tp] = std::max(committed_[tp], offset);
  consumer_->Commit(next, kafka::Consumer::CommitMode::kAsync);
}

metrics::Readiness ConsumerLoop::Readiness() const {
  if (!started_) return {false, "the Kafka consumer is starting"};
  if (in_outage_) return {false, "waiting for the database or the broker (see the warn logs)"};
  return {};
}

void ConsumerLoop::Run() {
  const auto logger = log::Get("worker");
  logger->info("{}: consuming {} topics", config_.group, config_.topics.size());
  Backoff outage(config_.retry_initial, config_.retry_max);
  std::vector<Item> batch;
  consumer_ = make_consumer_();
  started_ = true;
  while (!stopping_) {
    FillBatch(batch);
    if (consumer_->Fatal()) {
      // What this consumer held is redelivered to the new one from the committed offsets; the inbox
      // drops anything that was already applied.
      logger->error("{}: the Kafka consumer failed for good; replacing it ({} messages will be redelivered)",
                    config_.group, batch.size() + pending_.size());
      batch.clear();
      pending_.clear();
      committed_.clear();
      consumer_.reset();
      consumer_ = make_consumer_();
      continue;
    }
    if (batch.empty()) continue;
    BatchResult result;
    try {
      result = RunPolling(batch);
    } catch (const archive::Unavailable& e) {
      const auto delay = outage.Next();
      logger->warn("{}: {} messages wait {} ms for infrastructure (attempt {}): {}", config_.group, batch.size(),
                   delay.count(), outage.attempts(), e.what());
      in_outage_ = true;
      WaitPolling(delay);
      continue;
    }
    in_outage_ = false;
    if (outage.attempts() > 0) logger->info("{}: infrastructure is back; resuming", config_.group);
    outage.Reset();
    CommitOffsets(std::span(batch).first(result.processed));
    batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(result.processed));
    if (result.retry_after) WaitPolling(*result.retry_after);
  }
  logger->info("{}: stopping; {} messages not processed will be redelivered", config_.group,
               batch.size() + pending_.size());
  consumer_->Commit(committed_, kafka::Consumer::CommitMode::kSync);
  consumer_->Close();
}

}  // namespace archive::worker
