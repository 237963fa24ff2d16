#include "common/base/signals.hpp"
#include "common/blob/blob.hpp"
#include "common/config/config.hpp"
#include "common/events/builtin.hpp"
#include "common/log/log.hpp"
#include "common/metrics/endpoint.hpp"
#include "common/prereview/sandboxed.hpp"
#include "common/worker/consumer_loop.hpp"
#include "workers/prereview/reviewer.hpp"

// prereview-worker [CONFIG.json]: consumes archive.uploaded (see workers/prereview/reviewer.hpp).
int main(int argc, char** argv) {
  using namespace archive;
  StopSignals signals;
  log::SetupFromEnvironment();
  return log::RunMain("prereview-worker", [&] {
    auto settings = config::Load(argc > 1 ? argv[1] : "");
    auto kafka_section = settings.Child("kafka");
    const auto kafka_config = kafka::Config::From(kafka_section);
    auto metrics_section = settings.Child("metrics");
    const auto endpoint_config = metrics::EndpointConfig::From(metrics_section);
    auto consumer_section = settings.Child("consumer");
    const auto loop_config = worker::LoopConfig::From(
        consumer_section, {.group = "prereview", .topics = {"archive.uploaded"}, .max_batch = 1});
    auto prereview_section = settings.Child("prereview");
    const auto prereview_config = prereview::Config::From(prereview_section);
    pg::Connection db(config::RequireEnv("ARCHIVE_DB_URL"), "prereview-worker");
    blob::FileStore blobs(config::RequireEnv("ARCHIVE_BLOB_ROOT"));
    prereview::SandboxedChecker checker(prereview::SandboxProgramBesideSelf(), prereview_config);
    prereview::SandboxedFileChecks checks(checker);
    prereview::Reviewer reviewer(checks, blobs, prereview_config.duplicate_max_distance);
    const auto registry = events::BuiltinRegistry();
    metrics::Registry metrics;
    worker::ConsumerLoop loop(
        loop_config,
        [&] { return std::make_unique<kafka::Consumer>(kafka_config, loop_config.group, loop_config.topics); }, db,
        reviewer, registry, metrics);
    metrics::Endpoint endpoint(endpoint_config, metrics, [&] { return loop.Readiness(); });
    signals.OnStop([&] { loop.Stop(); });
    loop.Run();
    return 0;
  });
}
