#include "common/outbox/relay.hpp"

#include <thread>

#include <nlohmann/json.hpp>

#include "common/base/backoff.hpp"
#include "common/log/log.hpp"

namespace archive::outbox {
namespace {

constexpr std::string_view kRelayLock = "outbox-relay";

}  // namespace

RelayConfig RelayConfig::From(config::Section& section) {
  RelayConfig c;
  section.Read("batch", c.batch);
  section.Read("idle_wait_ms", c.idle_wait);
  section.Read("delivery_timeout_ms", c.delivery_timeout);
  section.Read("retry_max_ms", c.retry_max);
  section.RejectUnknown();
  if (c.batch < 1) throw config::Error("relay.batch must be at least 1");
  return c;
}

Relay::Relay(RelayConfig config, pg::Connection& db, kafka::Producer& producer)
    : config_(config), db_(db), producer_(producer) {}

std::size_t Relay::PublishOnce() {
  pg::Tx tx = db_.Begin();
  const pg::Result rows = tx.Run("outbox_take", config_.batch);
  if (rows.empty()) return 0;
  std::vector<std::int64_t> ids;
  ids.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    kafka::Headers headers;
    const auto stored = nlohmann::json::parse(rows.Text(i, 4));
    for (const auto& [k, v] : stored.items()) headers.emplace_back(k, v.get<std::string>());
    producer_.Produce(rows.Text(i, 1), rows.Text(i, 2), pg::FromBytea(rows.Text(i, 3)), headers);
    ids.push_back(rows.Int(i, 0));
  }
  producer_.Flush(config_.delivery_timeout);
  tx.Run("outbox_delete", ids);
  tx.Commit();
  return ids.size();
}

void Relay::Run() {
  const auto logger = log::Get("relay");
  Backoff backoff(std::chrono::milliseconds(100), config_.retry_max);
  bool leader = false;
  while (!stopping_) {
    try {
      if (!leader) {
        leader = db_.TryLock(kRelayLock);
        if (!leader) {
          std::this_thread::sleep_for(config_.idle_wait);
          continue;
        }
        logger->info("this relay now publishes the outbox");
      }
      if (PublishOnce() == 0) db_.WaitForNotification("outbox", config_.idle_wait);
      backoff.Reset();
    } catch (const archive::Unavailable& e) {
      leader = false;  // a lost session also lost the lock
      db_.Reset();
      const auto delay = backoff.Next();
      logger->warn("outbox relay paused for {} ms: {}", delay.count(), e.what());
      std::this_thread::sleep_for(delay);
    }
  }
}

}  // namespace archive::outbox
