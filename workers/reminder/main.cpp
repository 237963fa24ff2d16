#include "common/base/signals.hpp"
#include "common/config/config.hpp"
#include "common/events/builtin.hpp"
#include "common/log/log.hpp"
#include "common/metrics/endpoint.hpp"
#include "common/worker/consumer_loop.hpp"
#include "workers/reminder/handler.hpp"

// reminder-worker [CONFIG.json]: consumes deadline.swept (see workers/reminder/notifier.hpp).
int main(int argc, char** argv) {
  using namespace archive;
  StopSignals signals;
  log::SetupFromEnvironment();
  return log::RunMain("reminder-worker", [&] {
    auto settings = config::Load(argc > 1 ? argv[1] : "");
    auto kafka_section = settings.Child("kafka");
    const auto kafka_config = kafka::Config::From(kafka_section);
    auto metrics_section = settings.Child("metrics");
    const auto endpoint_config = metrics::EndpointConfig::From(metrics_section);
    auto consumer_section = settings.Child("consumer");
    const auto loop_config =
        worker::LoopConfig::From(consumer_section, {.group = "reminder", .topics = {"deadline.swept"}, .max_batch = 1});
    auto reminder_section = settings.Child("reminder");
    const auto reminder_config = reminder::Config::From(reminder_section);
    pg::Connection db(config::RequireEnv("ARCHIVE_DB_URL"), "reminder-worker");
    SystemClock clock;
    reminder::Notifier notifier(reminder_config, clock);
    reminder::Handler handler(notifier);
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
