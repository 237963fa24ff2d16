#include "common/base/signals.hpp"
#include "common/config/config.hpp"
#include "common/events/builtin.hpp"
#include "common/log/log.hpp"
#include "common/metrics/endpoint.hpp"
#include "common/worker/consumer_loop.hpp"
#include "workers/ledger/ledger.hpp"

// ledger-worker [CONFIG.json]: consumes ledger.entry (see workers/ledger/ledger.hpp).
int main(int argc, char** argv) {
  using namespace archive;
  StopSignals signals;
  log::SetupFromEnvironment();
  return log::RunMain("ledger-worker", [&] {
    auto settings = config::Load(argc > 1 ? argv[1] : "");
    auto kafka_section = settings.Child("kafka");
    const auto kafka_config = kafka::Config::From(kafka_section);
    auto metrics_section = settings.Child("metrics");
    const auto endpoint_config = metrics::EndpointConfig::From(metrics_section);
    auto consumer_section = settings.Child("consumer");
    const auto loop_config =
        worker::LoopConfig::From(consumer_section, {.group = "ledger", .topics = {"ledger.entry"}});
    pg::Connection db(config::RequireEnv("ARCHIVE_DB_URL"), "ledger-worker");
    const auto registry = events::BuiltinRegistry();
    metrics::Registry metrics;
    auto ledger_section = settings.Child("ledger");
    ledger::Handler handler(ledger::Config::From(ledger_section));
    worker::ConsumerLoop loop(
        loop_config,
        [&] { return std::make_unique<kafka::Consumer>(kafka_config, loop_config.group, loop_config.topics); }, db,
        handler, registry, metrics);
    metrics::Endpoint endpoint(endpoint_config, metrics, [&] { return loop.Readiness(); });
    signals.OnStop([&] { loop.Stop(); });
    loop.Run();
    return 0;
  });
}
