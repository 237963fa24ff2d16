#include "api/server.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <utility>

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/base/errors.hpp"
#include "common/log/log.hpp"

namespace archive::api {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Ticks = std::chrono::steady_clock::time_point;

namespace {

constexpr std::size_t kChunk = 64 * 1024;
const std::string kUnrouted = "none";  // the operation label of a response given before any route matched

std::shared_ptr<spdlog::logger> Log() {
  static const auto logger = log::Get("http");
  return logger;
}

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_target).category();
}

Response Unavailable() {
  return Error(503, "UNAVAILABLE", "服务暂时不可用，请稍后重试");
}

Response Internal() {
  return Error(500, "INTERNAL", "服务内部错误，请稍后重试或联系管理员");
}

// Runs one application call; an escaping exception becomes the response the client gets instead.
template <typename F>
std::optional<Response> Failure(std::string_view what, const Request& request, F&& fn) {
  try {
    fn();
    return std::nullopt;
  } catch (const archive::Unavailable& e) {
    Log()->warn("{} {} {}: a dependency is unavailable, answering 503: {}", what, request.method, request.path,
                ScrubIdNumbers(e.what()));
    return Unavailable();
  } catch (const std::exception& e) {
    Log()->error("{} {} {}: failed, answering 500: {}", what, request.method, request.path, ScrubIdNumbers(e.what()));
    return Internal();
  }
}

// Boost 1.74's tcp_stream reports a read its timer cut off as timeout or, at times, as operation_aborted; past the
// deadline, both are the timeout.
bool TimedOut(const beast::error_code& ec, Ticks deadline) {
  return ec == beast::error::timeout ||
         (ec == net::error::operation_aborted && std::chrono::steady_clock::now() >= deadline);
}

}  // namespace

ServerConfig ServerConfig::From(config::Section& section) {
  ServerConfig c;
  section.Read("address", c.address);
  section.Read("port", c.port);
  section.Read("threads", c.threads);
  section.Read("header_limit_bytes", c.header_limit_bytes);
  section.Read("header_timeout_ms", c.header_timeout);
  section.Read("body_timeout_ms", c.body_timeout);
  section.Read("write_timeout_ms", c.write_timeout);
  section.Read("idle_timeout_ms", c.idle_timeout);
  section.Read("stop_timeout_ms", c.stop_timeout);
  section.RejectUnknown();
  if (c.threads < 1) throw config::Error(fmt::format("{}.threads must be at least 1", section.path()));
  return c;
}

struct Server::Impl {
  Impl(ServerConfig c, Application& a, std::unique_ptr<metrics::Registry> own, metrics::Registry& m)
      : config(std::move(c)), app(a), own_metrics(std::move(own)), metrics(m), acceptor(io) {}

  net::awaitable<void> Accept();
  net::awaitable<void> Session(tcp::socket socket);
  // Writes the response and counts it under operation ("none" when empty), timed from started.
  net::awaitable<bool> Write(beast::tcp_stream& stream, Response& response, bool keep_alive,
                             const std::string& operation, Ticks started);
  net::awaitable<beast::error_code> WriteBody(beast::tcp_stream& stream, Response& response, bool keep_alive);
  void Count(const std::string& operation, int status, Ticks started);
  void CountTimeout(std::string_view phase);
  // Waits, without holding a thread, until a response's hold lets it go; false: answer 503 instead.
  net::awaitable<bool> Release(Hold hold);

  ServerConfig config;
  Application& app;
  std::unique_ptr<metrics::Registry> own_metrics;
  metrics::Registry& metrics;
  net::io_context io;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::condition_variable stopped_cv;
  bool stopped = false;
  bool joined = false;
  // Responses waiting for their hold, shared with each hold's callback, which may outlive the server. A callback
  // posts its answer to io under the mutex, so only while its response is still listed: Stop() waits for the list
  // to empty, or drops what is left (the coroutines waiting, with their connections) while io still exists.
  struct Held {
    std::mutex mutex;
    std::condition_variable emptied;
    std::map<std::uint64_t, std::function<void(bool)>> waiting;  // by a number of its own: resumes the coroutine
    std::uint64_t next = 0;
  };
  std::shared_ptr<Held> held = std::make_shared<Held>();
};

net::awaitable<void> Server::Impl::Accept() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
    if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      Log()->warn("accept on port {} failed: {}", acceptor.local_endpoint().port(), ec.message());
      continue;
    }
    net::co_spawn(io, Session(std::move(socket)), net::detached);
  }
}

net::awaitable<bool> Server::Impl::Release(Hold hold) {
  return net::async_initiate<const net::use_awaitable_t<>&, void(bool)>(
      [this, hold = std::move(hold)](auto handler) {
        // The coroutine's handler may be moved, not copied; the answer may come from any thread.
        auto waiting = std::make_shared<decltype(handler)>(std::move(handler));
        const auto executor = net::get_associated_executor(*waiting, io.get_executor());
        std::uint64_t id = 0;
        {
          std::lock_guard lock(held->mutex);
          id = held->next++;
          held->waiting.emplace(
              id, [waiting, executor](bool ok) { net::post(executor, [waiting, ok] { (std::move(*waiting))(ok); }); });
        }
        hold([held = held, id](bool ok) {
          std::lock_guard lock(held->mutex);
          const auto found = held->waiting.find(id);
          if (found == held->waiting.end()) return;  // Stop() gave up on it
          found->second(ok);
          held->waiting.erase(found);
          if (held->waiting.empty()) held->emptied.notify_all();
        });
      },
      net::use_awaitable);
}

void Server::Impl::Count(const std::string& operation, int status, Ticks started) {
  const std::string& name = operation.empty() ? kUnrouted : operation;
  metrics
      .GetCounter("archive_http_requests_total", "API responses by operation (none: refused before routing) and status",
                  {{"operation", name}, {"status", std::to_string(status)}})
      .Inc();
  metrics
      .GetHistogram("archive_http_request_seconds", "Time from a request head to its response written",
                    {{"operation", name}})
      .Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

void Server::Impl::CountTimeout(std::string_view phase) {
  metrics
      .GetCounter("archive_http_timeouts_total",
                  "Requests cut off by a timeout, unanswered, by phase (head, body, write)",
                  {{"phase", std::string(phase)}})
      .Inc();
}

net::awaitable<bool> Server::Impl::Write(beast::tcp_stream& stream, Response& response, bool keep_alive,
                                         const std::string& operation, Ticks started) {
  const int status = response.status;
  const Ticks deadline = std::chrono::steady_clock::now() + config.write_timeout;
  const auto ec = co_await WriteBody(stream, response, keep_alive);
  if (TimedOut(ec, deadline)) CountTimeout("write");
  Count(operation, status, started);
  co_return !ec;
}

net::awaitable<beast::error_code> Server::Impl::WriteBody(beast::tcp_stream& stream, Response& response,
                                                          bool keep_alive) {
  beast::error_code ec;
  stream.expires_after(config.write_timeout);
  if (!response.file) {
    http::response<http::string_body> out{static_cast<http::status>(response.status), 11};
    out.set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) out.set(name, value);
    out.keep_alive(keep_alive);
    out.body() = std::move(response.body);
    out.prepare_payload();
    co_await http::async_write(stream, out, net::redirect_error(net::use_awaitable, ec));
    co_return ec;
  }
  http::response<http::buffer_body> out{static_cast<http::status>(response.status), 11};
  out.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out.set(name, value);
  out.keep_alive(keep_alive);
  out.content_length(static_cast<std::uint64_t>(response.file_size));
  out.body().data = nullptr;
  out.body().more = true;
  http::response_serializer<http::buffer_body> serializer{out};
  co_await http::async_write_header(stream, serializer, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return ec;
  std::vector<char> chunk(kChunk);
  std::int64_t left = response.file_size;
  while (left > 0) {
    response.file->read(chunk.data(), static_cast<std::streamsize>(std::min<std::int64_t>(left, kChunk)));
    const auto n = response.file->gcount();
    if (n <= 0) {
      Log()->error("download of {} bytes ended early with {} bytes left: the blob store file is shorter than its row",
                   response.file_size, left);
      co_return beast::errc::make_error_code(beast::errc::io_error);
    }
    left -= n;
    out.body().data = chunk.data();
    out.body().size = static_cast<std::size_t>(n);
    out.body().more = left > 0;
    co_await http::async_write(stream, serializer, net::redirect_error(net::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return ec;
  }
  co_return ec;
}

net::awaitable<void> Server::Impl::Session(tcp::socket socket) {
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  const std::string remote_addr = ec ? std::string() : remote.address().to_string();
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer(static_cast<std::size_t>(config.header_limit_bytes) + kChunk);
  std::vector<char> chunk(kChunk);
  bool first = true;
  for (;;) {
    http::request_parser<http::buffer_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(config.header_limit_bytes));
    // The Admission's limit applies, per route. (Boost 1.74 reads boost::none here as a limit of 0.)
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    const Ticks head_deadline =
        std::chrono::steady_clock::now() + (first ? config.header_timeout : config.idle_timeout);
    stream.expires_at(head_deadline);
    const bool fresh = std::exchange(first, false);
    co_await http::async_read_header(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
    const Ticks started = std::chrono::steady_clock::now();
    if (ec == http::error::need_buffer && parser.is_header_done()) ec = {};  // body bytes came with the head
    if (ec) {
      // A kept-alive connection left idle is closed quietly; a request that started and never ended is counted.
      if (TimedOut(ec, head_deadline) && (fresh || parser.got_some() || buffer.size() > 0)) CountTimeout("head");
      Response error;
      if (ec == http::error::header_limit || ec == beast::error_code(net::error::no_buffer_space)) {
        error = Error(431, "HEADER_TOO_LARGE", "请求头过大");
      } else if (IsHttpParseError(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message) {
        Log()->info("malformed request head from {}: {}", remote_addr, ec.message());
        error = Error(400, "BAD_REQUEST", "请求格式错误");
      } else {
        break;  // closed, reset or timed out: nobody to answer
      }
      co_await Write(stream, error, false, kUnrouted, started);
      break;
    }
    const Ticks body_deadline = std::chrono::steady_clock::now() + config.body_timeout;
    stream.expires_at(body_deadline);
    auto& head = parser.get();
    Request request;
    request.method = std::string(head.method_string());
    const std::string_view target(head.target().data(), head.target().size());
    const auto question = target.find('?');
    request.path = std::string(target.substr(0, question));
    request.authorization = std::string(head[http::field::authorization]);
    request.content_type = std::string(head[http::field::content_type]);
    request.remote_addr = remote_addr;
    const bool keep_alive = head.keep_alive();

    std::optional<Response> early;
    Admission admission;
    if (question != std::string_view::npos && !ParseQuery(target.substr(question + 1), request.query)) {
      early = Error(400, "BAD_PARAMETER", "查询参数编码错误");
    } else {
      early = Failure("admit", request, [&] { admission = app.Admit(request); });
      if (!early && admission.reject) early = std::move(admission.reject);
    }
    if (!early && admission.body == BodyKind::kNone && !parser.is_done()) {
      early = Error(400, "BODY_NOT_ALLOWED", "该接口不接受请求体");
    }
    const auto declared = parser.content_length();
    if (!early && declared && static_cast<std::int64_t>(*declared) > admission.body_limit) {
      early = std::move(admission.too_large);
    }
    if (early) {
      // The body (if any) is not read, so the connection cannot carry another request.
      const bool keep = keep_alive && parser.is_done();
      if (!co_await Write(stream, *early, keep, admission.operation, started) || !keep) break;
      continue;
    }

    if (!parser.is_done() && beast::iequals(head[http::field::expect], "100-continue")) {
      http::response<http::empty_body> go_on{http::status::continue_, 11};
      co_await http::async_write(stream, go_on, net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
    }

    std::unique_ptr<blob::Writer> writer;
    std::optional<Response> body_error;
    const bool upload = admission.body == BodyKind::kUpload;
    if (upload) {
      body_error = Failure("upload", request, [&] { writer = app.NewUpload(); });
    }
    std::string prefix;
    std::int64_t total = 0;
    while (!body_error && !parser.is_done()) {
      parser.get().body().data = chunk.data();
      parser.get().body().size = chunk.size();
      co_await http::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
      if (ec == http::error::need_buffer) ec = {};
      if (ec) break;
      const std::size_t n = chunk.size() - parser.get().body().size;
      total += static_cast<std::int64_t>(n);
      if (total > admission.body_limit) {
        body_error = std::move(admission.too_large);
        break;
      }
      std::string_view bytes(chunk.data(), n);
      if (!upload) {
        request.body.append(bytes);
        continue;
      }
      if (prefix.size() < admission.required_prefix.size()) {
        prefix.append(bytes.substr(0, admission.required_prefix.size() - prefix.size()));
        if (admission.required_prefix.compare(0, prefix.size(), prefix) != 0) {
          body_error = std::move(admission.wrong_content);
          break;
        }
      }
      body_error = Failure("upload", request, [&] { writer->Write(bytes); });
    }
    if (ec) {
      if (TimedOut(ec, body_deadline)) CountTimeout("body");
      if (!IsHttpParseError(ec) || ec == http::error::partial_message) break;
      Log()->info("{} {}: malformed body: {}", request.method, request.path, ec.message());
      body_error = Error(400, "BAD_REQUEST", "请求格式错误");
    }
    if (!body_error && upload && prefix.size() < admission.required_prefix.size()) {
      body_error = std::move(admission.wrong_content);
    }
    if (body_error) {
      co_await Write(stream, *body_error, false, admission.operation, started);
      break;
    }

    std::optional<blob::BlobRef> ref;
    Response response;
    if (auto failed = Failure("handle", request, [&] {
          if (writer) ref = writer->Commit();
          response = app.Handle(request, admission, ref);
        })) {
      response = std::move(*failed);
    }
    if (response.hold && !co_await Release(std::exchange(response.hold, {}))) response = Unavailable();
    if (!co_await Write(stream, response, keep_alive, admission.operation, started) || !keep_alive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

Server::Server(ServerConfig config, Application& app)
    : Server(std::move(config), app, std::make_unique<metrics::Registry>(), nullptr) {}

Server::Server(ServerConfig config, Application& app, metrics::Registry& metrics)
    : Server(std::move(config), app, nullptr, &metrics) {}

Server::Server(ServerConfig config, Application& app, std::unique_ptr<metrics::Registry> own,
               metrics::Registry* shared) {
  auto& registry = shared != nullptr ? *shared : *own;
  impl_ = std::make_unique<Impl>(std::move(config), app, std::move(own), registry);
  const tcp::endpoint endpoint(net::ip::make_address(impl_->config.address),
                               static_cast<unsigned short>(impl_->config.port));
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  beast::error_code ec;
  impl_->acceptor.bind(endpoint, ec);
  if (ec) {
    throw std::system_error(ec, fmt::format("archive-api cannot listen on {}:{} (change server.address or server.port)",
                                            impl_->config.address, impl_->config.port));
  }
  impl_->acceptor.listen(net::socket_base::max_listen_connections);
}

Server::~Server() {
  Stop();
}

int Server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void Server::Start() {
  net::co_spawn(impl_->io, impl_->Accept(), net::detached);
  for (int i = 0; i < impl_->config.threads; ++i) {
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  }
  Log()->info("archive-api listening on {}:{} with {} threads", impl_->config.address, port(), impl_->config.threads);
}

void Server::Run() {
  Start();
  std::unique_lock lock(impl_->mutex);
  impl_->stopped_cv.wait(lock, [&] { return impl_->joined; });
}

void Server::Stop() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->stopped) return;
  impl_->stopped = true;
  net::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->io.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  auto& held = *impl_->held;
  std::unique_lock held_lock(held.mutex);
  if (!held.emptied.wait_for(held_lock, impl_->config.stop_timeout, [&] { return held.waiting.empty(); })) {
    Log()->error(
        "archive-api stopped with {} responses still held after server.stop_timeout_ms={} (their audit rows not "
        "committed: is the database stuck?); they are dropped unanswered",
        held.waiting.size(), impl_->config.stop_timeout.count());
  }
  // What is left goes now, while io exists, outside the lock (a coroutine's locals close its connection); a
  // callback that comes later finds nothing.
  const auto dropped = std::exchange(held.waiting, {});
  held_lock.unlock();
  impl_->joined = true;
  impl_->stopped_cv.notify_all();
}

}  // namespace archive::api
