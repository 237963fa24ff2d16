#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/base/clock.hpp"
#include "common/config/config.hpp"
#include "common/lifecycle/status.hpp"
#include "common/member/date.hpp"

namespace date {
class time_zone;
}

// The guide's limits and windows, read once from the top-level "policy" section of the configuration by the API,
// every worker and archivectl, so that no two processes can disagree on them (docs/rules.md R1, R2, R3).
namespace archive::lifecycle {

struct Policy {
  // R1: members admitted (入团时间) on or after this day need an e-archive; earlier members are exempt.
  member::Date e_archive_required_from{std::chrono::year{2020}, std::chrono::January, std::chrono::day{1}};
  // R2: the archive PDF is at most this many bytes.
  std::int64_t max_archive_bytes = 20L * 1024 * 1024;
  // R3: the archive is due this many days after the admission date.
  int upload_window_days = 30;
  // How long a branch upload may wait for its committee before the committee is reminded.
  int review_days = 7;
  // The calendar the League's dates are in: "today" and every deadline.
  std::string time_zone = "Asia/Shanghai";
  // How many times a day one user may be told that an ID number or development number is registered in an
  // organization outside their subtree; past it, every such lookup of theirs is refused until the next day
  // (common/lifecycle/registry.hpp).
  int registered_elsewhere_per_day = 100;

  // Reads the keys above from section ("YYYY-MM-DD" for the date, an IANA zone name), then rejects unknown keys.
  // Throws config::Error naming the key.
  static Policy From(config::Section& section);
  // The "policy" child of the whole configuration.
  static Policy FromSettings(config::Section& settings);

  // Today in time_zone, by clock.
  member::Date Today(const Clock& clock) const;
  // R1: whether a member admitted on joined_on needs an e-archive.
  bool NeedsArchive(const member::Date& joined_on) const;
  // R3: the upload deadline of a member admitted on joined_on; nullopt when they need no archive (R1).
  std::optional<member::Date> Deadline(const member::Date& joined_on) const;
  // The status of a new member: NOT_UPLOADED, or EXEMPT (R1).
  ArchiveStatus InitialStatus(const member::Date& joined_on) const;

 private:
  const date::time_zone* zone_ = nullptr;  // time_zone, resolved once by From
};

}  // namespace archive::lifecycle
