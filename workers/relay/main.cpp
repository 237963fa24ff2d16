#include "common/base/signals.hpp"
#include "common/config/config.hpp"
#include "common/log/log.hpp"
#include "common/metrics/endpoint.hpp"
#include "common/outbox/relay.hpp"

// outbox-relay [CONFIG.json]: publishes the outbox table to Kafka (see common/outbox/relay.hpp).
int main(int argc, char** argv) {
  using namespace archive;
  StopSignals signals;
  log::SetupFromEnvironment();
  return log::RunMain("outbox-relay", [&] {
    auto settings = config::Load(argc > 1 ? argv[1] : "");
    auto kafka_section = settings.Child("kafka");
    const auto kafka_config = kafka::Config::From(kafka_section);
    auto metrics_section = settings.Child("metrics");
    const auto endpoint_config = metrics::EndpointConfig::From(metrics_section);
    auto relay_section = settings.Child("relay");
    const auto relay_config = outbox::RelayConfig::From(relay_section);
    pg::Connection db(config::RequireEnv("ARCHIVE_DB_URL"), "outbox-relay");
    kafka::Producer producer(kafka_config);
    metrics::Registry metrics;
    outbox::Relay relay(relay_config, db, producer, metrics);
    metrics::Endpoint endpoint(endpoint_config, metrics, [&] { return relay.Readiness(); });
    signals.OnStop([&] { relay.Stop(); });
    relay.Run();
    return 0;
  });
}
