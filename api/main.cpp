#include "api/app.hpp"
#include "api/console.hpp"
#include "api/rollup.hpp"
#include "api/server.hpp"
#include "common/base/clock.hpp"
#include "common/base/signals.hpp"
#include "common/blob/blob.hpp"
#include "common/config/config.hpp"
#include "common/log/log.hpp"
#include "common/metrics/endpoint.hpp"

// archive-api [CONFIG.json]: the HTTP API (docs/api.md). Sections "policy" (common/lifecycle/policy.hpp), "server"
// (api/server.hpp), "api" (api/app.hpp), "console" (api/console.hpp) and
// "metrics" (the Prometheus endpoint, common/metrics/endpoint.hpp); ARCHIVE_DB_URL and ARCHIVE_BLOB_ROOT from the
// environment.
int main(int argc, char** argv) {
  using namespace archive;
  StopSignals signals;
  log::SetupFromEnvironment();
  return log::RunMain("archive-api", [&] {
    auto settings = config::Load(argc > 1 ? argv[1] : "");
    auto server_section = settings.Child("server");
    const auto server_config = api::ServerConfig::From(server_section);
    auto api_section = settings.Child("api");
    const auto policy = lifecycle::Policy::FromSettings(settings);
    auto api_config = api::ApiConfig::From(api_section, policy);
    auto console_section = settings.Child("console");
    auto console_config = api::ConsoleConfig::From(console_section);
    auto metrics_section = settings.Child("metrics");
    const auto endpoint_config = metrics::EndpointConfig::From(metrics_section);
    settings.RejectUnknown();
    const std::string db_url = config::RequireEnv("ARCHIVE_DB_URL");
    api::DbPool db(db_url, server_config.threads);
    api::RollupFolder folder(db_url, api_config.rollup_fold_interval, api_config.rollup_fold_batch);
    blob::FileStore blobs(config::RequireEnv("ARCHIVE_BLOB_ROOT"));
    SystemClock clock;
    metrics::Registry metrics;
    api::Api app(std::move(api_config), db, blobs, clock);
    api::ConsoleApplication console(std::move(console_config), app);
    api::Server server(server_config, console, metrics);
    metrics::Endpoint endpoint(endpoint_config, metrics);
    signals.OnStop([&] { server.Stop(); });
    server.Run();
    return 0;
  });
}
