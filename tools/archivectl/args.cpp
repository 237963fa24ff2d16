#include "tools/archivectl/args.hpp"

#include <charconv>

namespace archive::ctl {

Args::Args(const std::vector<std::string>& words, const std::set<std::string>& flags) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.rfind("--", 0) != 0 || w == "--") {
      positional_.push_back(w);
      continue;
    }
    std::string name = w.substr(2);
    if (const auto eq = name.find('='); eq != std::string::npos) {
      options_[name.substr(0, eq)] = name.substr(eq + 1);
    } else if (flags.count(name) > 0) {
      flags_.insert(name);
    } else if (i + 1 < words.size()) {
      options_[name] = words[++i];
    } else {
      throw UsageError("--" + name + " needs a value");
    }
  }
}

std::optional<std::string> Args::Option(const std::string& name) const {
  const auto it = options_.find(name);
  if (it == options_.end()) return std::nullopt;
  return it->second;
}

std::string Args::Require(const std::string& name) const {
  auto v = Option(name);
  if (!v || v->empty()) throw UsageError("--" + name + " is required");
  return *v;
}

long Args::Number(const std::string& name, long fallback) const {
  const auto v = Option(name);
  if (!v) return fallback;
  long n = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size()) throw UsageError("--" + name + " must be a whole number");
  return n;
}

void Args::Allow(const std::set<std::string>& allowed) const {
  for (const auto& [name, unused] : options_) {
    if (allowed.count(name) == 0) throw UsageError("unknown option --" + name);
  }
  for (const auto& name : flags_) {
    if (allowed.count(name) == 0) throw UsageError("unknown option --" + name);
  }
}

}  // namespace archive::ctl
