#include "common/base/signals.hpp"
#include "common/blob/blob.hpp"
#include "common/config/config.hpp"
#include "common/events/builtin.hpp"
#include "common/log/log.hpp"
#include "common/metrics/endpoint.hpp"
#include "common/worker/consumer_loop.hpp"
#include "workers/import/handler.hpp"

// import-worker [CONFIG.json]: consumes import.requested (see workers/import/importer.hpp).
int main(int argc, char** argv) {
  using namespace archive;
  StopSignals signals;
  log::SetupFromEnvironment();
  return log::RunMain("import-worker", [&] {
    auto settings = config::Load(argc > 1 ? argv[1] : "");
    auto kafka_section = settings.Child("kafka");
    const auto kafka_config = kafka::Config::From(kafka_section);
    auto metrics_section = settings.Child("metrics");
    const auto endpoint_config = metrics::EndpointConfig::From(metrics_section);
    auto consumer_section = settings.Child("consumer");
    const auto loop_config =
        worker::LoopConfig::From(consumer_section, {.group = "import", .topics = {"import.requested"}, .max_batch = 1});
    auto import_section = settings.Child("import");
    const auto import_config = import::Config::From(import_section);
    const std::string db_url = config::RequireEnv("ARCHIVE_DB_URL");
    pg::Connection db(db_url, "import-worker");
    pg::Connection progress_db(db_url, "import-worker-progress");
    blob::FileStore blobs(config::RequireEnv("ARCHIVE_BLOB_ROOT"));
    SystemClock clock;
    const auto layout = member::BuiltinMemberTemplate();
    import::SandboxedParser parser(import::SandboxProgramBesideSelf("import-sandbox"), sandbox::Limits{}, 1);
    import::Importer importer(import_config, layout, parser, blobs, clock);
    import::Handler handler(importer, progress_db);
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
