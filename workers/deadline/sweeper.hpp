#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/base/clock.hpp"
#include "common/config/config.hpp"
#include "common/lifecycle/policy.hpp"
#include "common/pg/pg.hpp"

// The deadline sweep (R1, R3, R7): finds members whose archive is late or about to be, and records one
// reminder per (member, situation, milestone, first recipient). The situations:
//   NOT_UPLOADED      no upload yet                                    -> the branch
//   REJECTED          rejected by the superior and not replaced yet     -> the branch
//   PENDING_REVIEW    a branch upload waits for its approver longer than review_days -> the approver (R4)
//   PREREVIEW_FAILED  the current upload failed the pre-review (FAIL), no new upload yet -> the branch
// Milestones are days relative to the deadline (members.upload_deadline; for PENDING_REVIEW the day the upload
// became pending + policy.review_days, from T0 on), then one every repeat_every_days after the last.
// A sweep records every milestone that fell due since the day of the previous sweep (that day included, so
// a second sweep on one day sees members who entered a situation since the first; at most catch_up_days
// back), so a sweep after a downtime catches up; the unique key of reminders makes every re-run a no-op.
namespace archive::deadline {

struct Config {
  lifecycle::Policy policy;  // the "policy" section: the time zone and review_days; deadlines are stored (R1, R3)
  std::vector<std::string> milestones = {"T-7", "T-3", "T-1", "T0", "T+1"};
  int repeat_every_days = 7;  // after the last milestone, while the situation lasts
  int catch_up_days = 31;     // how far back a sweep looks, at most, for milestones it has not recorded
  std::chrono::milliseconds busy_retry{5000};  // when another sweep holds the lock
  int max_clock_skew_seconds = 3600;           // a sweep as of later than now + this is refused

  // Milestone offsets in days, ascending ("T-7" -> -7, "T0" -> 0, "T+1" -> 1).
  std::vector<int> Offsets() const;

  // Reads the "deadline" section; throws config::Error naming a bad milestone or number.
  static Config From(config::Section& section, const lifecycle::Policy& policy);
};

struct SweepResult {
  std::int64_t sweep_id = 0;
  std::string day;  // the sweep's calendar day in the configured time zone, YYYY-MM-DD
  std::int64_t created = 0;
  std::int64_t resolved = 0;
};

class Sweeper {
 public:
  Sweeper(Config config, const Clock& clock);

  // Takes the sweep lock for tx's transaction, without waiting: the wall-clock time it was taken, or
  // nullopt when another sweep holds it.
  std::optional<std::string> TryLock(pg::Tx& tx);

  // Runs one sweep as of as_of (RFC 3339) in tx, which must hold the lock (locked_at from TryLock).
  // Throws pg::Unavailable when the database is gone.
  SweepResult Run(pg::Tx& tx, const std::string& as_of, const std::string& requested_by, const std::string& event_id,
                  const std::string& locked_at);

  // The day of as_of in the configured time zone, and whether as_of is too far in the future by the clock.
  std::pair<std::string, bool> Day(pg::Tx& tx, const std::string& as_of);

  const Config& config() const { return config_; }

 private:
  Config config_;
  std::vector<std::int64_t> offsets_;
  const Clock& clock_;
};

}  // namespace archive::deadline
