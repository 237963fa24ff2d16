#pragma once

#include <functional>
#include <string>

#include "common/base/signals.hpp"
#include "common/config/config.hpp"
#include "common/metrics/metrics.hpp"
#include "common/pg/pg.hpp"
#include "common/worker/consumer_loop.hpp"
#include "common/worker/handler.hpp"

namespace archive::worker {

// What RunWorker has built for a consuming worker's main: the configuration file, the database session of the
// consumer loop and the metrics registry the process serves. The body reads its own section from settings(),
// builds its handler and calls Run(handler) once. Lives on RunWorker's stack; not thread-safe.
class Process {
 public:
  Process(StopSignals& signals, config::Section& settings, LoopConfig loop_config, kafka::Config kafka_config,
          metrics::EndpointConfig endpoint_config, std::string db_url, std::string name);

  config::Section& settings() { return settings_; }
  const std::string& db_url() const { return db_url_; }  // for a second session (e.g. progress seen mid-batch)
  pg::Connection& db() { return db_; }
  metrics::Registry& metrics() { return metrics_; }

  // Consumes the configured topics into handler until SIGTERM or SIGINT (see ConsumerLoop::Run), serving
  // /metrics, /healthz and /readyz (the loop's readiness) meanwhile.
  void Run(Handler& handler);

 private:
  StopSignals& signals_;
  config::Section& settings_;
  LoopConfig loop_config_;
  kafka::Config kafka_config_;
  metrics::EndpointConfig endpoint_config_;
  std::string db_url_;
  pg::Connection db_;
  metrics::Registry metrics_;
};

// The whole main() of a consuming worker: `name [CONFIG.json]`. Blocks SIGTERM/SIGINT, sets up logging from
// the environment, loads the configuration (the "kafka", "metrics" and "consumer" sections; group, topics and
// max_batch default to `defaults`), opens the database session of ARCHIVE_DB_URL, then calls body, which
// builds the handler and calls Process::Run. Returns the exit code: 0 after a stop, 1 after a fault (logged
// once by log::RunMain).
int RunWorker(int argc, char** argv, std::string name, LoopConfig defaults, const std::function<void(Process&)>& body);

}  // namespace archive::worker
