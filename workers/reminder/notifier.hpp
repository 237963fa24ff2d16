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

  static Config From(config::Section& section);
};

struct NotifyResult {
  std::int64_t recipients = 0;  // recipient rows added
  std::int64_t digests = 0;     // digests published
  std::int64_t members = 0;     // member entries across those digests
};

class Notifier {
 public:
  Notifier(Config config, const Clock& clock);

  // Does it for day (YYYY-MM-DD) in tx. Idempotent: a second run on the same day publishes nothing new.
  // Throws pg::Unavailable when the database is gone.
  NotifyResult Run(pg::Tx& tx, const std::string& day);

 private:
  Config config_;
  const Clock& clock_;
};

}  // namespace archive::reminder
