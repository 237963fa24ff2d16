#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.hpp"

// The route table. Every route of archive-api is one row here, so the OpenAPI test can compare the table
// with schemas/openapi.yaml, and the access-matrix test can be sure it tried every route.
namespace archive::api {

enum class BodyKind {
  kNone,    // no body is read (a body that is sent anyway is refused with 400)
  kJson,    // a JSON object up to the configured JSON limit
  kUpload,  // a file streamed to the blob store, up to the configured upload limit
};

enum class Access {
  kPublic,         // no token (health, readiness)
  kAuthenticated,  // any valid token; the handler decides the rest
};

template <typename Call>
struct RouteOf {
  std::string method;     // "GET", "POST", "PUT"
  std::string pattern;    // "/v1/members/{id}": a {name} segment matches one non-empty path segment
  std::string operation;  // the OpenAPI operationId
  BodyKind body = BodyKind::kNone;
  Access access = Access::kAuthenticated;
  std::function<Response(Call&)> handler;
  // Upload routes only: checked after authentication and before any body byte is read, so a caller who may not
  // upload never costs a stored file. Returns the refusal, or nullopt to go on.
  std::function<std::optional<Response>(Call&)> admit;
  std::string required_prefix;        // an upload must start with these bytes ("%PDF-")
  std::string wrong_content_code;     // ... else 415 with this code
  std::string wrong_content_message;  // and this Chinese message
};

// The most {name} segments a pattern may have.
inline constexpr std::size_t kMaxPathParams = 8;

// Whether path matches pattern; fills params with the {name} segments (at most kMaxPathParams).
bool MatchPattern(std::string_view pattern, std::string_view path, std::map<std::string, std::string>& params);

// A table of routes, matched in order. Immutable after setup, so concurrent Find calls are safe.
template <typename Call>
class Router {
 public:
  using Route = RouteOf<Call>;

  void Add(Route route) { routes_.push_back(std::move(route)); }
  const std::vector<Route>& routes() const { return routes_; }

  struct Match {
    const Route* route = nullptr;  // set when method and path matched
    bool path_known = false;       // the path matched some route, perhaps with another method
    std::map<std::string, std::string> params;
  };

  Match Find(std::string_view method, std::string_view path) const {
    Match m;
    for (const auto& r : routes_) {
      std::map<std::string, std::string> params;
      if (!MatchPattern(r.pattern, path, params)) continue;
      m.path_known = true;
      if (r.method == method) {
        m.route = &r;
        m.params = std::move(params);
        return m;
      }
    }
    return m;
  }

 private:
  std::vector<Route> routes_;
};

}  // namespace archive::api
