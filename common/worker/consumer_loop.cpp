#include "common/worker/consumer_loop.hpp"

#include <future>
#include <map>
#include <thread>

#include "common/base/backoff.hpp"
#include "common/log/log.hpp"

namespace archive::worker {

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
    : config_(std::move(config)),
      make_consumer_(std::move(make_consumer)),
      registry_(registry),
      processor_(ProcessorConfig{config_.group, config_.dead_letter_topic, config_.max_attempts, config_.retry_initial,
                                 config_.retry_max},
                 db, handler) {}

void ConsumerLoop::FillBatch(std::vector<Item>& batch) {
  const auto want = static_cast<std::size_t>(config_.max_batch);
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

void ConsumerLoop::Run() {
  const auto logger = log::Get("worker");
  logger->info("{}: consuming {} topics", config_.group, config_.topics.size());
  Backoff outage(config_.retry_initial, config_.retry_max);
  std::vector<Item> batch;
  consumer_ = make_consumer_();
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
      WaitPolling(delay);
      continue;
    }
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
