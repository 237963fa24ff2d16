#include "api/router.hpp"

#include <array>

namespace archive::api {

namespace {

// The next segment of path (slashes skipped), which is consumed; empty when none is left.
std::string_view NextSegment(std::string_view& path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  const auto segment = path.substr(0, path.find('/'));
  path.remove_prefix(segment.size());
  return segment;
}

}  // namespace

// Every request is matched against the routes in order, so this allocates nothing until a route matches.
bool MatchPattern(std::string_view pattern, std::string_view path, std::map<std::string, std::string>& params) {
  if (!path.empty() && path.back() == '/' && path.size() > 1) return false;
  std::array<std::pair<std::string_view, std::string_view>, kMaxPathParams> captured;
  std::size_t count = 0;
  for (;;) {
    const auto want = NextSegment(pattern);
    const auto have = NextSegment(path);
    if (want.empty() || have.empty()) {
      if (!want.empty() || !have.empty()) return false;
      break;
    }
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (count == captured.size()) return false;
      captured[count++] = {want.substr(1, want.size() - 2), have};
    } else if (want != have) {
      return false;
    }
  }
  for (std::size_t i = 0; i < count; ++i) params[std::string(captured[i].first)] = std::string(captured[i].second);
  return true;
}

}  // namespace archive::api
