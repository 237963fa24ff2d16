#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace archive::config {

// A configuration mistake: the message names the key (dotted path) and what to change.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A view over one JSON object of the configuration file that remembers which keys were read, so that
// a component can refuse keys it does not know (a typo must not be silently ignored). Each component
// has one typed struct with defaults in the struct and a `static T From(Section&)` that reads its keys
// and ends with RejectUnknown().
class Section {
 public:
  Section(nlohmann::json value, std::string path);

  // Leaves `field` at its default when the key is absent; throws Error when the type is wrong.
  void Read(std::string_view key, std::string& field);
  void Read(std::string_view key, bool& field);
  void Read(std::string_view key, int& field);
  void Read(std::string_view key, long& field);
  void Read(std::string_view key, double& field);
  void Read(std::string_view key, std::chrono::milliseconds& field);  // an integer number of ms
  void Read(std::string_view key, std::vector<std::string>& field);   // an array of strings
  // A flat object of strings, e.g. raw librdkafka properties passed through as they are.
  void Read(std::string_view key, std::map<std::string, std::string>& field);

  // The nested object at key (empty when absent).
  Section Child(std::string_view key);

  // Throws Error naming the first key of this object that no Read or Child asked for.
  void RejectUnknown() const;

  const std::string& path() const { return path_; }

 private:
  const nlohmann::json* Find(std::string_view key);
  [[noreturn]] void WrongType(std::string_view key, std::string_view expected) const;

  nlohmann::json value_;
  std::string path_;
  std::set<std::string, std::less<>> read_;
};

// Loads the JSON configuration file named by `path`, or by ARCHIVE_CONFIG when path is empty; no file
// at all gives an empty configuration (every default). Throws Error for unreadable or invalid JSON.
Section Load(const std::string& path = "");

// The value of an environment variable, or nullopt. Connection settings and secrets come from the
// environment (ARCHIVE_DB_URL, ARCHIVE_KAFKA_BROKERS, ARCHIVE_BLOB_ROOT), never from the repository.
std::optional<std::string> Env(const char* name);

// Like Env, but throws Error saying which variable to set.
std::string RequireEnv(const char* name);

}  // namespace archive::config
