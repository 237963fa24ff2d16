#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/config/config.hpp"
#include "common/metrics/metrics.hpp"

namespace archive::metrics {

// The "metrics" section of a process's configuration.
struct EndpointConfig {
  std::string host = "0.0.0.0";
  int port = 0;  // 0 binds an ephemeral port (tests); deployments set a fixed one per process

  static EndpointConfig From(config::Section& section);
};

// The answer of a readiness check: ready, or not with a short reason for the operator (no personal data).
struct Readiness {
  bool ready = true;
  std::string reason;
};

// A small HTTP/1.1 server on its own thread for the scraper and the orchestrator:
//   GET /metrics  the registry in Prometheus text format 0.0.4
//   GET /healthz  200 while the process runs (liveness)
//   GET /readyz   200 when the readiness check says so, else 503 with its reason (readiness)
// Anything else gets 404 (405 for a method other than GET or HEAD). The constructor binds and starts
// serving, and throws std::runtime_error naming host and port when it cannot bind; the destructor stops
// the thread. The readiness check runs on the server thread and must be thread-safe; the registry must
// outlive the endpoint.
class Endpoint {
 public:
  using ReadyCheck = std::function<Readiness()>;

  Endpoint(EndpointConfig config, const Registry& registry, ReadyCheck ready = {});
  ~Endpoint();
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // The bound port (the ephemeral one when the configuration said 0).
  std::uint16_t port() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::thread thread_;
};

}  // namespace archive::metrics
