#include "workers/reminder/notifier.hpp"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "common/base/text.hpp"
#include "common/events/envelope.hpp"
#include "common/outbox/outbox.hpp"
#include "common/reminder/reminder.hpp"

namespace archive::reminder {

Config Config::From(config::Section& section) {
  Config c;
  section.Read("escalate_after_days", c.escalate_after_days);
  section.Read("title", c.title);
  section.Read("max_members_per_digest", c.max_members_per_digest);
  section.RejectUnknown();
  if (c.escalate_after_days < 0) throw config::Error("reminder.escalate_after_days must not be negative");
  if (c.max_members_per_digest < 1) throw config::Error("reminder.max_members_per_digest must be at least 1");
  return c;
}

Notifier::Notifier(Config config, const Clock& clock) : config_(std::move(config)), clock_(clock) {}

NotifyResult Notifier::Run(pg::Tx& tx, const std::string& day, std::int64_t sweep_id) {
  NotifyResult result;
  const auto now = clock_.Now();
  std::set<std::int64_t> orgs;
  const auto fanned = tx.Run("reminder_fan_out", FormatUtc(now), day, config_.escalate_after_days, sweep_id);
  for (std::size_t i = 0; i < fanned.size(); ++i) orgs.insert(fanned.Int(i, 0));
  result.organizations = static_cast<std::int64_t>(orgs.size());
  const auto backlog = tx.Run("reminder_digest_backlog");
  for (std::size_t i = 0; i < backlog.size(); ++i) orgs.insert(backlog.Int(i, 0));
  if (orgs.empty()) return result;
  const std::vector<std::int64_t> org_ids(orgs.begin(), orgs.end());

  struct Digest {
    DigestCounts counts;
    std::int64_t total = 0;
    nlohmann::json members = nlohmann::json::array();
  };
  std::map<std::int64_t, Digest> digests;
  const auto rows = tx.Run("reminder_digest_members", org_ids);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Digest& d = digests[rows.Int(i, 0)];
    const std::string& deadline = rows.Text(i, 7);
    if (rows.Text(i, 6) == "UPLOAD") {
      ++d.counts.not_uploaded;
      if (deadline < day) ++d.counts.overdue;
    } else {
      ++d.counts.awaiting;
    }
    ++d.total;
    if (d.members.size() >= static_cast<std::size_t>(config_.max_members_per_digest)) continue;
    d.members.push_back({{"member_id", rows.Int(i, 2)},
                         {"name", rows.Text(i, 3)},
                         {"id_card_masked", MaskIdCard(rows.Text(i, 4))},
                         {"deadline", deadline},
                         {"state", rows.Text(i, 5)}});
  }
  std::vector<std::int64_t> ids;
  std::vector<std::string> texts;
  for (const auto& [org_id, d] : digests) {
    ids.push_back(org_id);
    texts.push_back(DigestText(d.counts));
  }
  const auto inserted = tx.Run("reminder_digest_insert", ids, day, texts, "reminder-worker", config_.title);
  for (std::size_t i = 0; i < inserted.size(); ++i) {
    const std::int64_t org_id = inserted.Int(i, 0);
    Digest& d = digests.at(org_id);
    result.members += d.total;
    const nlohmann::json payload = {{"org_id", org_id},
                                    {"day", day},
                                    {"title", config_.title},
                                    {"text", DigestText(d.counts)},
                                    {"members", std::move(d.members)},
                                    {"members_total", d.total}};
    outbox::EnqueueBatched(
        tx, "archive.notifications",
        events::MakeEnvelope("archive.notifications", 1, "reminder-worker", std::to_string(org_id), payload, now));
    // Metric point: reminder_digests_published_total.
    ++result.digests;
  }
  return result;
}

}  // namespace archive::reminder
