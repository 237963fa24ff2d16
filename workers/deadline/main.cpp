#include "common/base/signals.hpp"
#include "common/config/config.hpp"
#include "common/events/builtin.hpp"
#include "common/log/log.hpp"
#include "common/metrics/endpoint.hpp"
#include "common/worker/consumer_loop.hpp"
#include "workers/deadline/handler.hpp"

// deadline-worker [CONFIG.json]: consumes deadline.sweep-requested (see workers/deadline/sweeper.hpp).
int main(int argc, char** argv) {
  using namespace archive;
  StopSignals signals;
  log::SetupFromEnvironment();
  return log::RunMain("deadline-worker", [&] {
    auto settings = config::Load(argc > 1 ? argv[1] : "");
    auto kafka_section = settings.Child("kafka");
    const auto kafka_config = kafka::Config::From(kafka_section);
    auto metrics_section = settings.Child("metrics");
    const auto endpoint_config = metrics::EndpointConfig::From(metrics_section);
    auto consumer_section = settings.Child("consumer");
    const auto loop_config = worker::LoopConfig::From(
        consumer_section, {.group = "deadline", .topics = {"deadline.sweep-requested"}, .max_batch = 1});
    auto deadline_section = settings.Child("deadline");
    const auto deadline_config = deadline::Config::From(deadline_section);
    pg::Connection db(config::RequireEnv("ARCHIVE_DB_URL"), "deadline-worker");
    SystemClock clock;
    deadline::Sweeper sweeper(deadline_config, clock);
    deadline::Handler handler(sweeper, clock);
    const auto registry = events::BuiltinRegistry();
    metrics::Registry metrics;
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
