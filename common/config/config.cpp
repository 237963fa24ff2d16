#include "common/config/config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace archive::config {

Section::Section(nlohmann::json value, std::string path) : value_(std::move(value)), path_(std::move(path)) {
  if (value_.is_null()) value_ = nlohmann::json::object();
  if (!value_.is_object()) {
    throw Error(fmt::format("configuration section '{}' must be a JSON object", path_.empty() ? "<root>" : path_));
  }
}

const nlohmann::json* Section::Find(std::string_view key) {
  read_.emplace(key);
  const auto it = value_.find(std::string(key));
  return it == value_.end() ? nullptr : &*it;
}

void Section::WrongType(std::string_view key, std::string_view expected) const {
  throw Error(fmt::format("configuration key '{}{}{}' must be {}", path_, path_.empty() ? "" : ".", key, expected));
}

void Section::Read(std::string_view key, std::string& field) {
  if (const auto* v = Find(key)) {
    if (!v->is_string()) WrongType(key, "a string");
    field = v->get<std::string>();
  }
}

void Section::Read(std::string_view key, bool& field) {
  if (const auto* v = Find(key)) {
    if (!v->is_boolean()) WrongType(key, "true or false");
    field = v->get<bool>();
  }
}

void Section::Read(std::string_view key, int& field) {
  if (const auto* v = Find(key)) {
    if (!v->is_number_integer()) WrongType(key, "an integer");
    field = v->get<int>();
  }
}

void Section::Read(std::string_view key, long& field) {
  if (const auto* v = Find(key)) {
    if (!v->is_number_integer()) WrongType(key, "an integer");
    field = v->get<long>();
  }
}

void Section::Read(std::string_view key, double& field) {
  if (const auto* v = Find(key)) {
    if (!v->is_number()) WrongType(key, "a number");
    field = v->get<double>();
  }
}

void Section::Read(std::string_view key, std::chrono::milliseconds& field) {
  if (const auto* v = Find(key)) {
    if (!v->is_number_integer() || v->get<long>() < 0) WrongType(key, "a non-negative integer of milliseconds");
    field = std::chrono::milliseconds(v->get<long>());
  }
}

void Section::Read(std::string_view key, std::map<std::string, std::string>& field) {
  if (const auto* v = Find(key)) {
    if (!v->is_object()) WrongType(key, "an object of strings");
    for (const auto& [k, item] : v->items()) {
      if (!item.is_string()) WrongType(fmt::format("{}.{}", key, k), "a string");
      field[k] = item.get<std::string>();
    }
  }
}

Section Section::Child(std::string_view key) {
  const auto* v = Find(key);
  return Section(v != nullptr ? *v : nlohmann::json::object(),
                 path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key));
}

void Section::RejectUnknown() const {
  for (const auto& [key, unused] : value_.items()) {
    if (read_.find(key) == read_.end()) {
      throw Error(fmt::format("unknown configuration key '{}{}{}': check its spelling against docs/configuration.md",
                              path_, path_.empty() ? "" : ".", key));
    }
  }
}

Section Load(const std::string& path) {
  std::string file = path;
  if (file.empty()) file = Env("ARCHIVE_CONFIG").value_or("");
  if (file.empty()) return Section(nlohmann::json::object(), "");
  std::ifstream in(file);
  if (!in) throw Error(fmt::format("cannot read the configuration file {} (set ARCHIVE_CONFIG or --config)", file));
  std::stringstream text;
  text << in.rdbuf();
  try {
    return Section(nlohmann::json::parse(text.str()), "");
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(fmt::format("the configuration file {} is not valid JSON: {}", file, e.what()));
  }
}

std::optional<std::string> Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

std::string RequireEnv(const char* name) {
  auto v = Env(name);
  if (!v)
    throw Error(fmt::format("the environment variable {} is not set (source the devstack env file or set it)", name));
  return *v;
}

}  // namespace archive::config

namespace archive::config {

void Section::Read(std::string_view key, std::vector<std::string>& field) {
  if (const auto* v = Find(key)) {
    if (!v->is_array()) WrongType(key, "an array of strings");
    field.clear();
    for (const auto& item : *v) {
      if (!item.is_string()) WrongType(key, "an array of strings");
      field.push_back(item.get<std::string>());
    }
  }
}

}  // namespace archive::config
