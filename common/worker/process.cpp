#include "common/worker/process.hpp"

#include "common/events/builtin.hpp"
#include "common/log/log.hpp"
#include "common/metrics/endpoint.hpp"

namespace archive::worker {

Process::Process(StopSignals& signals, config::Section& settings, LoopConfig loop_config, kafka::Config kafka_config,
                 metrics::EndpointConfig endpoint_config, std::string db_url, std::string name)
    : signals_(signals),
      settings_(settings),
      loop_config_(std::move(loop_config)),
      kafka_config_(std::move(kafka_config)),
      endpoint_config_(std::move(endpoint_config)),
      db_url_(std::move(db_url)),
      db_(db_url_, std::move(name)) {}

void Process::Run(Handler& handler) {
  const auto registry = events::BuiltinRegistry();
  ConsumerLoop loop(
      loop_config_,
      [&] { return std::make_unique<kafka::Consumer>(kafka_config_, loop_config_.group, loop_config_.topics); }, db_,
      handler, registry, metrics_);
  metrics::Endpoint endpoint(endpoint_config_, metrics_, [&] { return loop.Readiness(); });
  signals_.OnStop([&] { loop.Stop(); });
  loop.Run();
}

int RunWorker(int argc, char** argv, std::string name, LoopConfig defaults, const std::function<void(Process&)>& body) {
  StopSignals signals;
  log::SetupFromEnvironment();
  return log::RunMain(name, [&] {
    auto settings = config::Load(argc > 1 ? argv[1] : "");
    auto kafka_section = settings.Child("kafka");
    auto kafka_config = kafka::Config::From(kafka_section);
    auto metrics_section = settings.Child("metrics");
    auto endpoint_config = metrics::EndpointConfig::From(metrics_section);
    auto consumer_section = settings.Child("consumer");
    auto loop_config = LoopConfig::From(consumer_section, std::move(defaults));
    Process process(signals, settings, std::move(loop_config), std::move(kafka_config), std::move(endpoint_config),
                    config::RequireEnv("ARCHIVE_DB_URL"), name);
    body(process);
    return 0;
  });
}

}  // namespace archive::worker
