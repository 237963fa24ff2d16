#include "api/console.hpp"

#include <fstream>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "common/log/log.hpp"

namespace archive::api {
namespace {

constexpr std::string_view kPrefix = "/console";

// The file types the console is built of; anything else is not served.
std::optional<std::string_view> ContentType(std::string_view extension) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (ext == extension) return type;
  }
  return std::nullopt;
}

bool SafeSegment(std::string_view segment) {
  if (segment.empty() || segment.front() == '.') return false;
  for (const char c : segment) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Response WithPolicy(Response r) {
  r.headers.emplace_back("Content-Security-Policy", std::string(kConsoleContentSecurityPolicy));
  return r;
}

Response ConsoleNotFound() {
  return WithPolicy(Error(404, "NOT_FOUND", "请求的页面不存在"));
}

}  // namespace

ConsoleConfig ConsoleConfig::From(config::Section& section) {
  ConsoleConfig c;
  section.Read("root", c.root);
  section.RejectUnknown();
  return c;
}

bool IsConsolePath(std::string_view path) {
  return path.substr(0, kPrefix.size()) == kPrefix && (path.size() == kPrefix.size() || path[kPrefix.size()] == '/');
}

Response ServeConsole(const std::filesystem::path& root, std::string_view method, std::string_view path) {
  if (method != "GET") {
    auto r = WithPolicy(Error(405, "METHOD_NOT_ALLOWED", "该接口不支持此请求方法"));
    r.headers.emplace_back("Allow", "GET");
    return r;
  }
  if (path == kPrefix) {
    Response r;
    r.status = 308;
    r.content_type = "text/plain; charset=utf-8";
    r.headers.emplace_back("Location", "/console/");
    return WithPolicy(std::move(r));
  }
  std::string_view rest = path.substr(kPrefix.size() + 1);  // after "/console/"
  std::filesystem::path relative;
  if (rest.empty()) {
    relative = "index.html";
  } else {
    while (!rest.empty()) {
      const auto slash = rest.find('/');
      const auto segment = rest.substr(0, slash);
      if (!SafeSegment(segment)) return ConsoleNotFound();
      relative /= std::string(segment);
      rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
      if (slash != std::string_view::npos && rest.empty()) return ConsoleNotFound();  // a trailing slash
    }
  }
  const auto type = ContentType(relative.extension().string());
  if (!type) return ConsoleNotFound();
  std::error_code ec;
  const auto file = std::filesystem::canonical(root / relative, ec);
  if (ec || !std::filesystem::is_regular_file(file, ec)) return ConsoleNotFound();
  // A symbolic link that leads out of the folder is not followed.
  const auto inside = file.lexically_relative(root);
  if (inside.empty() || *inside.begin() == "..") return ConsoleNotFound();
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return ConsoleNotFound();
  auto in = std::make_unique<std::ifstream>(file, std::ios::binary);
  if (!*in) return ConsoleNotFound();
  Response r;
  r.content_type = std::string(*type);
  r.file = std::move(in);
  r.file_size = static_cast<std::int64_t>(size);
  // Vite names what it builds under assets/ by content hash, so those never change; the page itself is revalidated.
  const bool hashed = relative.begin() != relative.end() && *relative.begin() == "assets";
  r.headers.emplace_back("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
  return WithPolicy(std::move(r));
}

ConsoleApplication::ConsoleApplication(ConsoleConfig config, Application& inner) : inner_(inner) {
  if (config.root.empty()) return;
  std::error_code ec;
  auto root = std::filesystem::canonical(config.root, ec);
  if (ec || !std::filesystem::is_directory(root)) {
    throw config::Error(
        fmt::format("console.root \"{}\" is not a folder: build the console (tools/build builds it into build/console) "
                    "or leave console.root empty",
                    config.root));
  }
  if (!std::filesystem::exists(root / "index.html")) {
    log::Get("http")->warn("console.root {} has no index.html: /console answers 404 until the console is built",
                           root.string());
  }
  root_ = std::move(root);
}

Admission ConsoleApplication::Admit(Request& request) {
  if (!IsConsolePath(request.path)) return inner_.Admit(request);
  Admission a;
  a.operation = "console";
  a.reject = root_ ? ServeConsole(*root_, request.method, request.path) : ConsoleNotFound();
  return a;
}

}  // namespace archive::api
