#include "api/router.hpp"

namespace archive::api {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

bool MatchPattern(std::string_view pattern, std::string_view path, std::map<std::string, std::string>& params) {
  if (!path.empty() && path.back() == '/' && path.size() > 1) return false;
  const auto want = Segments(pattern);
  const auto have = Segments(path);
  if (want.size() != have.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto w = want[i];
    if (w.size() > 2 && w.front() == '{' && w.back() == '}') {
      params[std::string(w.substr(1, w.size() - 2))] = std::string(have[i]);
    } else if (w != have[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace archive::api
