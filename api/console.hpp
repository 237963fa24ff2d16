#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/http.hpp"
#include "api/server.hpp"
#include "common/config/config.hpp"

// The console (console/ at the top of the repository, built by Vite) served by archive-api from the same origin:
// GET /console and /console/... are answered from a folder of static files before any route or token is looked
// at. The console has no privileges of its own: the pages call the /v1 routes with the user's bearer token.
namespace archive::api {

struct ConsoleConfig {
  // The folder Vite built (index.html and assets/), e.g. build/console. Empty: the console is not served (404).
  std::string root;

  static ConsoleConfig From(config::Section& section);
};

// The Content-Security-Policy of every console response: scripts, styles and connections from this origin only,
// no inline script, images from this origin or from blob: URLs (evidence crops fetched with the token), and the
// console may not be framed.
inline constexpr std::string_view kConsoleContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// Whether path is the console's (/console or below it).
bool IsConsolePath(std::string_view path);

// The response to method and path (a console path) from the files under root. A path segment that is empty,
// starts with a dot or holds anything but [A-Za-z0-9._-] is refused (404), so no path leaves root; a symbolic
// link is followed only when it stays inside root. Only known file types are served, with their content type;
// every response carries the Content-Security-Policy. /console redirects to /console/, which is index.html.
Response ServeConsole(const std::filesystem::path& root, std::string_view method, std::string_view path);

// An Application in front of another: console paths are answered here, everything else goes to the inner one.
class ConsoleApplication final : public Application {
 public:
  // inner must outlive this object.
  ConsoleApplication(ConsoleConfig config, Application& inner);

  Admission Admit(Request& request) override;
  std::unique_ptr<blob::Writer> NewUpload() override { return inner_.NewUpload(); }
  Response Handle(Request& request, Admission& admission, const std::optional<blob::BlobRef>& upload) override {
    return inner_.Handle(request, admission, upload);
  }

 private:
  std::optional<std::filesystem::path> root_;  // canonical; nullopt when the console is not served
  Application& inner_;
};

}  // namespace archive::api
