#pragma once

#include <cstdint>
#include <string>

#include "common/base/clock.hpp"
#include "common/config/config.hpp"
#include "common/pg/pg.hpp"

// The reminder worker's work after each sweep: fans the new reminders out to their recipients (the branch
// admin and the direct superior's admin; one level further up when a member is overdue by more than
// escalate_after_days), then writes each recipient organization's daily digest, at most one per
// organization and day, and publishes it as an archive.notifications event through the outbox.
namespace archive::reminder {

struct Config {
  int escalate_after_days = 14;
  std::string title = "新发展团员电子档案提醒";
  // Members listed in one digest, the most urgent first; the text always counts them all. A provincial
  // committee's digest would otherwise outgrow a Kafka message.
  int max_members_per_digest = 200;

  static Config From(config::Section& section);
};

struct NotifyResult {
  std::int64_t organizations = 0;  // organizations that received new reminders
  std::int64_t digests = 0;        // digests published
  std::int64_t members = 0;        // member entries across those digests
};

class Notifier {
 public:
  Notifier(Config config, const Clock& clock);

  // Fans out the reminders of every sweep up to sweep_id not fanned out yet, and writes the digests of
  // day (YYYY-MM-DD) in tx. Idempotent: a second run publishes nothing new. An organization whose digest
  // for the day was sent already waits in the backlog for the next day. Throws pg::Unavailable when the
  // database is gone.
  NotifyResult Run(pg::Tx& tx, const std::string& day, std::int64_t sweep_id);

 private:
  Config config_;
  const Clock& clock_;
};

}  // namespace archive::reminder
