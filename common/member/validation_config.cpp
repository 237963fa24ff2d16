#include "common/member/validation_config.hpp"

#include <fmt/format.h>

namespace archive::member {

namespace {

Date ReadDate(config::Section& section, std::string_view key, Date fallback) {
  std::string text;
  section.Read(key, text);
  if (text.empty()) return fallback;
  const auto date = ParseIsoDate(text);
  if (!date) {
    throw config::Error(fmt::format("{}.{} must be a date like 2020-01-01, not \"{}\"", section.path(), key, text));
  }
  return *date;
}

}  // namespace

DevNumberLayout DevNumberLayout::Make(std::string pattern, std::string hint, const std::string& where) {
  DevNumberLayout layout{std::move(pattern), std::move(hint), nullptr};
  try {
    layout.regex = std::make_shared<const std::regex>(layout.pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw config::Error(fmt::format("{} is not a valid regular expression: {}", where, e.what()));
  }
  return layout;
}

ValidationConfig ValidationConfig::From(config::Section& section) {
  ValidationConfig c;
  section.Read("min_join_age", c.min_join_age);
  section.Read("max_join_age", c.max_join_age);
  c.dev_number_required_from = ReadDate(section, "dev_number_required_from", c.dev_number_required_from);
  std::string pattern;
  std::string hint;
  section.Read("dev_number_tail_pattern", pattern);
  section.Read("dev_number_tail_hint", hint);
  section.RejectUnknown();
  if (c.min_join_age < 0 || c.max_join_age > 150 || c.min_join_age > c.max_join_age) {
    throw config::Error(fmt::format("{}: min_join_age ({}) and max_join_age ({}) must satisfy 0 <= min <= max <= 150",
                                    section.path(), c.min_join_age, c.max_join_age));
  }
  if (!pattern.empty()) {
    c.dev_number_layout = DevNumberLayout::Make(pattern, hint, section.path() + ".dev_number_tail_pattern");
  } else if (!hint.empty()) {
    throw config::Error(section.path() + ".dev_number_tail_hint is set without dev_number_tail_pattern");
  }
  return c;
}

}  // namespace archive::member
