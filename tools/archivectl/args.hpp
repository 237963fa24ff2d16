#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace archive::ctl {

// A mistake in the command line; main prints it with the usage and exits 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Command-line words: positionals, --name VALUE (or --name=VALUE) options, and --flags.
class Args {
 public:
  // flags: the option names that take no value. Throws UsageError for "--x" at the end without a value.
  Args(const std::vector<std::string>& words, const std::set<std::string>& flags);

  const std::vector<std::string>& positional() const { return positional_; }
  bool Flag(const std::string& name) const { return flags_.count(name) > 0; }
  std::optional<std::string> Option(const std::string& name) const;
  std::string Require(const std::string& name) const;  // throws UsageError naming --name
  long Number(const std::string& name, long fallback) const;

  // Throws UsageError for any option or flag not in allowed.
  void Allow(const std::set<std::string>& allowed) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> options_;
  std::set<std::string> flags_;
};

}  // namespace archive::ctl
