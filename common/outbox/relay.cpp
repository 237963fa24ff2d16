#include "common/outbox/relay.hpp"

#include <thread>

#include <nlohmann/json.hpp>

#include "common/base/backoff.hpp"
#include "common/log/log.hpp"

namespace archive::outbox {
namespace {

constexpr std::string_view kRelayLock = "outbox-relay";
// How often the leader counts the outbox for the backlog gauges (a count(*) over the waiting rows).
constexpr std::chrono::seconds kBacklogInterval{5};

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
    : Relay(config, db, producer, std::make_unique<metrics::Registry>(), nullptr) {}

Relay::Relay(RelayConfig config, pg::Connection& db, kafka::Producer& producer, metrics::Registry& metrics)
    : Relay(config, db, producer, nullptr, &metrics) {}

Relay::Relay(RelayConfig config, pg::Connection& db, kafka::Producer& producer, std::unique_ptr<metrics::Registry> own,
             metrics::Registry* shared)
    : config_(config),
      db_(db),
      producer_(producer),
      own_registry_(std::move(own)),
      backlog_((shared != nullptr ? *shared : *own_registry_)
                   .GetGauge("archive_outbox_backlog", "Outbox rows waiting to be published (counted by the leader).")),
      oldest_((shared != nullptr ? *shared : *own_registry_)
                  .GetGauge("archive_outbox_oldest_seconds", "Age of the oldest outbox row waiting.")),
      published_((shared != nullptr ? *shared : *own_registry_)
                     .GetCounter("archive_outbox_published_total", "Events the relay published to Kafka.")) {}

void Relay::ReportBacklog() {
  const auto now = std::chrono::steady_clock::now();
  if (now - backlog_reported_ < kBacklogInterval) return;
  backlog_reported_ = now;
  pg::Tx tx = db_.Begin();
  const pg::Result row = tx.Run("status_outbox");
  tx.Commit();
  backlog_.Set(static_cast<double>(row.Int(0, 0)));
  oldest_.Set(static_cast<double>(row.Int(0, 1)));
}

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
  published_.Inc(static_cast<double>(ids.size()));
  return ids.size();
}

metrics::Readiness Relay::Readiness() const {
  if (in_outage_) return {false, "waiting for the database or the broker (see the warn logs)"};
  return {};
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
      ReportBacklog();
      if (PublishOnce() == 0) db_.WaitForNotification("outbox", config_.idle_wait);
      backoff.Reset();
      in_outage_ = false;
    } catch (const archive::Unavailable& e) {
      in_outage_ = true;
      leader = false;  // a lost session also lost the lock
      db_.Reset();
      const auto delay = backoff.Next();
      logger->warn("outbox relay paused for {} ms: {}", delay.count(), e.what());
      std::this_thread::sleep_for(delay);
    }
  }
}

}  // namespace archive::outbox
