#include "common/metrics/endpoint.hpp"

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/log/log.hpp"

namespace archive::metrics {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

EndpointConfig EndpointConfig::From(config::Section& section) {
  EndpointConfig out;
  section.Read("host", out.host);
  section.Read("port", out.port);
  section.RejectUnknown();
  if (out.port < 0 || out.port > 65535) {
    throw config::Error(
        fmt::format("{}.port is {}; use 0 (ephemeral) or a port up to 65535", section.path(), out.port));
  }
  return out;
}

namespace {

http::response<http::string_body> Answer(const http::request<http::string_body>& request, const Registry& registry,
                                         const Endpoint::ReadyCheck& ready) {
  http::response<http::string_body> response;
  response.version(request.version());
  response.keep_alive(false);
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  const auto target = request.target();
  const auto path = target.substr(0, target.find('?'));
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    response.result(http::status::method_not_allowed);
    response.set(http::field::allow, "GET, HEAD");
    response.body() = "method not allowed\n";
  } else if (path == "/metrics") {
    response.result(http::status::ok);
    response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.body() = registry.Render();
  } else if (path == "/healthz") {
    response.result(http::status::ok);
    response.body() = "ok\n";
  } else if (path == "/readyz") {
    Readiness state;
    if (ready) {
      try {
        state = ready();
      } catch (const std::exception& e) {
        state = {false, e.what()};
      }
    }
    response.result(state.ready ? http::status::ok : http::status::service_unavailable);
    response.body() = state.ready ? "ready\n" : "not ready: " + state.reason + "\n";
  } else {
    response.result(http::status::not_found);
    response.body() = "not found: try /metrics, /healthz or /readyz\n";
  }
  response.prepare_payload();
  if (request.method() == http::verb::head) response.body().clear();
  return response;
}

// One connection: read one request (with a deadline, so a stalled client cannot pin the server), answer, close.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Registry& registry, const Endpoint::ReadyCheck& ready)
      : stream_(std::move(socket)), registry_(registry), ready_(ready) {}

  void Start() {
    stream_.expires_after(std::chrono::seconds(10));
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (ec) return;
    response_ = Answer(request_, registry_, ready_);
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  const Registry& registry_;
  const Endpoint::ReadyCheck& ready_;
};

}  // namespace

struct Endpoint::State {
  State(const Registry& registry, ReadyCheck ready) : registry(registry), ready(std::move(ready)), acceptor(io) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) std::make_shared<Session>(std::move(socket), registry, ready)->Start();
      Accept();
    });
  }

  const Registry& registry;
  ReadyCheck ready;
  asio::io_context io{1};
  tcp::acceptor acceptor;
};

Endpoint::Endpoint(EndpointConfig config, const Registry& registry, ReadyCheck ready)
    : state_(std::make_unique<State>(registry, std::move(ready))) {
  try {
    const tcp::endpoint where(asio::ip::make_address(config.host), static_cast<std::uint16_t>(config.port));
    state_->acceptor.open(where.protocol());
    state_->acceptor.set_option(asio::socket_base::reuse_address(true));
    state_->acceptor.bind(where);
    state_->acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    throw std::runtime_error(
        fmt::format("metrics endpoint cannot listen on {}:{} ({}); change metrics.host or metrics.port", config.host,
                    config.port, e.what()));
  }
  state_->Accept();
  thread_ = std::thread([this] { state_->io.run(); });
  log::Get("http")->info("metrics at http://{}:{}/metrics (liveness /healthz, readiness /readyz)", config.host, port());
}

Endpoint::~Endpoint() {
  state_->io.stop();
  if (thread_.joinable()) thread_.join();
}

std::uint16_t Endpoint::port() const {
  return state_->acceptor.local_endpoint().port();
}

}  // namespace archive::metrics
