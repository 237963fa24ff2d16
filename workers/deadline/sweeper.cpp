#include "workers/deadline/sweeper.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "common/log/log.hpp"

namespace archive::deadline {
namespace {

int ParseMilestone(const std::string& text) {
  int value = 0;
  bool valid = text == "T0";
  if (text.size() >= 3 && text[0] == 'T' && (text[1] == '+' || text[1] == '-') && text[2] >= '0' && text[2] <= '9') {
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data() + 2, end, value);
    valid = ec == std::errc() && ptr == end && value <= 365;
    if (text[1] == '-') value = -value;
  }
  if (!valid) {
    throw config::Error(fmt::format(
        "deadline.milestones: \"{}\" is not a milestone; write days from the deadline as T-7, T0 or T+1", text));
  }
  return value;
}

}  // namespace

std::vector<int> Config::Offsets() const {
  std::vector<int> offsets;
  for (const auto& m : milestones) offsets.push_back(ParseMilestone(m));
  return offsets;
}

Config Config::From(config::Section& section, const lifecycle::Policy& policy) {
  Config c;
  c.policy = policy;
  section.Read("milestones", c.milestones);
  section.Read("repeat_every_days", c.repeat_every_days);
  section.Read("catch_up_days", c.catch_up_days);
  section.Read("busy_retry_ms", c.busy_retry);
  section.Read("max_clock_skew_seconds", c.max_clock_skew_seconds);
  section.RejectUnknown();
  const auto offsets = c.Offsets();
  if (offsets.empty() || !std::is_sorted(offsets.begin(), offsets.end()) ||
      std::adjacent_find(offsets.begin(), offsets.end()) != offsets.end()) {
    throw config::Error("deadline.milestones: list distinct milestones in order, e.g. [\"T-7\", \"T0\", \"T+1\"]");
  }
  if (c.repeat_every_days < 1) throw config::Error("deadline.repeat_every_days must be at least 1");
  if (c.catch_up_days < 1) throw config::Error("deadline.catch_up_days must be at least 1");
  return c;
}

Sweeper::Sweeper(Config config, const Clock& clock) : config_(std::move(config)), clock_(clock) {
  for (const int o : config_.Offsets()) offsets_.push_back(o);
}

std::pair<std::string, bool> Sweeper::Day(pg::Tx& tx, const std::string& as_of) {
  const auto r =
      tx.Run("deadline_day", as_of, config_.policy.time_zone, FormatUtc(clock_.Now()), config_.max_clock_skew_seconds);
  return {r.Text(0, 0), r.Bool(0, 1)};
}

std::optional<std::string> Sweeper::TryLock(pg::Tx& tx) {
  const auto r = tx.Run("deadline_try_lock");
  return r.Bool(0, 0) ? std::optional(r.Text(0, 1)) : std::nullopt;
}

SweepResult Sweeper::Run(pg::Tx& tx, const std::string& as_of, const std::string& requested_by,
                         const std::string& event_id, const std::string& locked_at) {
  SweepResult result;
  result.day = Day(tx, as_of).first;
  result.sweep_id = tx.Run("deadline_sweep_begin", event_id, as_of, result.day, requested_by, locked_at).Int(0, 0);
  result.resolved = tx.Run("deadline_resolve", FormatUtc(clock_.Now())).affected();
  result.created = tx.Run("deadline_sweep", as_of, config_.policy.time_zone, offsets_, config_.repeat_every_days,
                          config_.catch_up_days, config_.policy.review_days, result.sweep_id)
                       .affected();
  tx.Run("deadline_sweep_finish", result.sweep_id, result.created, result.resolved);
  return result;
}

}  // namespace archive::deadline
