#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/http.hpp"
#include "api/router.hpp"
#include "common/blob/blob.hpp"
#include "common/config/config.hpp"
#include "common/metrics/metrics.hpp"

// The HTTP/1.1 server of archive-api: Boost.Beast over Asio, one coroutine per connection, on a few threads.
// It knows nothing of routes or the database: it reads a request head, asks the Application what to do with
// the body, reads (or streams) the body, asks the Application for the response and writes it.
namespace archive::api {

struct ServerConfig {
  std::string address = "127.0.0.1";
  int port = 8080;  // 0 picks a free port (tests)
  int threads = 2;  // each runs the event loop; handlers block on PostgreSQL, so this is also the pool size
  int header_limit_bytes = 16 * 1024;
  std::chrono::milliseconds header_timeout{10'000};  // to receive a whole request head
  std::chrono::milliseconds body_timeout{300'000};   // to receive a whole body (a 20 MB upload on a slow line)
  std::chrono::milliseconds write_timeout{300'000};  // to send a whole response
  std::chrono::milliseconds idle_timeout{60'000};    // a kept-alive connection without a request
  // How long Stop() waits for responses still held (a search whose audit row is not committed yet); past it, they
  // are dropped unanswered, their connections closed.
  std::chrono::milliseconds stop_timeout{10'000};

  static ServerConfig From(config::Section& section);
};

// What the application decides from the request head, before any body byte is read.
struct Admission {
  std::optional<Response> reject;  // answer with this now; the body is not read and the connection closes
  BodyKind body = BodyKind::kNone;
  std::int64_t body_limit = 0;  // more bytes than this -> too_large
  std::string required_prefix;  // an upload must start with these bytes, else -> wrong_content
  Response too_large;           // 413
  Response wrong_content;       // 415
  std::shared_ptr<void> state;  // the application's own, handed back to Handle
  std::string operation;        // the route's name in metrics; empty when no route matched
};

// The application behind the server. Every method may be called from several threads at once. A method that
// throws archive::Unavailable gets a 503, any other exception a 500; both are logged once.
class Application {
 public:
  virtual ~Application() = default;
  virtual Admission Admit(Request& request) = 0;
  virtual std::unique_ptr<blob::Writer> NewUpload() = 0;
  // request.body holds the JSON body; upload is set for an upload route.
  virtual Response Handle(Request& request, Admission& admission, const std::optional<blob::BlobRef>& upload) = 0;
};

class Server {
 public:
  // Binds and listens at once (so port() is known); throws std::system_error naming the address on failure.
  // Every response written is counted in metrics (which must outlive the server), refusals before routing
  // included: archive_http_requests_total{operation, status} and archive_http_request_seconds{operation}, with
  // operation "none" when no route matched; a request cut off by a timeout, which gets no answer, in
  // archive_http_timeouts_total{phase}. Without metrics they go to a registry of the server's own.
  Server(ServerConfig config, Application& app, metrics::Registry& metrics);
  Server(ServerConfig config, Application& app);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const;
  // Starts the threads and returns. Stop() (or the destructor) stops them.
  void Start();
  // Starts and blocks until Stop() is called from another thread or a signal handler.
  void Run();
  // Stops accepting, closes connections and joins the threads, then waits up to config.stop_timeout for the
  // responses still held (Response::hold) and drops those left, with an error log line: a hold answered later does
  // nothing. Thread-safe; idempotent.
  void Stop();

 private:
  Server(ServerConfig config, Application& app, std::unique_ptr<metrics::Registry> own, metrics::Registry* shared);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace archive::api
