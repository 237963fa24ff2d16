#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <regex>
#include <string>

#include "common/config/config.hpp"
#include "common/member/date.hpp"

namespace archive::member {

// The regional layout of digits 5..12 of the development number (R9): the first 4 digits are always the
// admission year, the rest varies by province.
struct DevNumberLayout {
  std::string pattern;  // ECMAScript regex that the 8 digits after the year must match as a whole
  std::string hint;  // Chinese description of the layout for messages, e.g. "第5-10位为团组织代码，后2位为序号"
  std::shared_ptr<const std::regex> regex;

  // Throws config::Error naming `where` when the pattern does not compile.
  static DevNumberLayout Make(std::string pattern, std::string hint, const std::string& where = "dev_number_layout");
};

// The member rules' settings. Copyable; read-only while rows are validated, so one instance may serve many threads.
struct ValidationConfig {
  // Age at admission in full years (周岁), inclusive: the League constitution's 14 to 28.
  int min_join_age = 14;
  int max_join_age = 28;
  // R1: members admitted on or after this date need an e-archive (Member::needs_e_archive). Not a key of this
  // section: the caller copies it from the "policy" section (common/lifecycle/policy.hpp), its one place.
  Date e_archive_required_from{std::chrono::year{2020}, std::chrono::January, std::chrono::day{1}};
  // Members admitted on or after this date must have a development number. Defaults to the R1 date, because the
  // e-archive's page-1 check (R9) needs it; the national system itself demands it from 2017-01-01 for most regions,
  // so a deployment may set this earlier.
  Date dev_number_required_from{std::chrono::year{2020}, std::chrono::January, std::chrono::day{1}};
  std::optional<DevNumberLayout> dev_number_layout;  // none: any 8 digits
  // Set per batch by the import worker: rows must name their 团支部 (the importing organization is not a branch).
  bool require_branch = false;

  // Reads min_join_age, max_join_age, dev_number_required_from ("YYYY-MM-DD"),
  // dev_number_tail_pattern and dev_number_tail_hint, then rejects unknown keys. Throws config::Error.
  static ValidationConfig From(config::Section& section);
};

}  // namespace archive::member
