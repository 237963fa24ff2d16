#include "tools/archivectl/sweep.hpp"

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "common/base/clock.hpp"
#include "common/base/text.hpp"
#include "common/config/config.hpp"
#include "common/events/envelope.hpp"
#include "common/outbox/outbox.hpp"
#include "common/pg/pg.hpp"
#include "common/reminder/reminder.hpp"
#include "tools/archivectl/commands.hpp"

namespace archive::ctl {
namespace {

// Polls fn every 100 ms for up to seconds; returns whether it held.
template <typename F>
bool WaitFor(long seconds, F&& fn) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!fn()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

long WaitSeconds(const Args& args) {
  const long seconds = args.Number("wait", 0);
  if (seconds < 0 || seconds > 3600) throw UsageError("--wait must be between 0 and 3600 seconds");
  return seconds;
}

}  // namespace

int Sweep(const Args& args, std::ostream& out) {
  args.Allow({"as-of", "by", "reason", "wait"});
  const long wait = WaitSeconds(args);
  const auto now = std::chrono::system_clock::now();
  const std::string as_of = args.Option("as-of").value_or(FormatUtc(now));
  pg::Connection db(config::RequireEnv("ARCHIVE_DB_URL"), "archivectl");
  nlohmann::json payload = {{"as_of", as_of}, {"requested_by", args.Option("by").value_or("archivectl")}};
  if (const auto reason = args.Option("reason")) payload["reason"] = *reason;
  const auto event = events::MakeEnvelope("deadline.sweep-requested", 1, "archivectl", "sweep", payload, now);
  db.InTransaction([&](pg::Tx& tx) {
    try {
      tx.Run("deadline_day", as_of, "UTC", FormatUtc(now), 0);
    } catch (const pg::SqlError&) {
      throw UsageError(fmt::format("--as-of {} is not a time; write e.g. 2026-11-27T01:00:00Z", as_of));
    }
    outbox::Enqueue(tx, "deadline.sweep-requested", event);
  });
  fmt::print(out, "sweep as of {} requested (event {})\n", as_of, event.id);
  if (wait == 0) return kOk;
  pg::Result sweep;
  const bool ran = WaitFor(wait, [&] {
    sweep = db.InTransaction([&](pg::Tx& tx) { return tx.Run("deadline_sweep_by_event", event.id); });
    return !sweep.empty();
  });
  if (!ran) {
    fmt::print(
        out, "the sweep has not run after {} s: are outbox-relay and deadline-worker running? See archivectl status.\n",
        wait);
    return kFailed;
  }
  fmt::print(out, "sweep {} for {}: {} reminders created, {} resolved\n", sweep.Int(0, 0), sweep.Text(0, 1),
             sweep.Int(0, 2), sweep.Int(0, 3));
  return kOk;
}

int Digest(const Args& args, std::ostream& out) {
  args.Allow({"org", "day", "wait"});
  const long wait = WaitSeconds(args);
  const std::string code = args.Require("org");
  const auto day = args.Option("day");
  pg::Connection db(config::RequireEnv("ARCHIVE_DB_URL"), "archivectl");
  const auto org = db.InTransaction([&](pg::Tx& tx) { return tx.Run("org_by_code", code); });
  if (org.empty()) throw UsageError(fmt::format("no organization with code {}", code));
  const std::int64_t org_id = org.Int(0, 0);
  pg::Result digest;
  WaitFor(wait, [&] {
    digest = db.InTransaction([&](pg::Tx& tx) { return tx.Run("reminder_digest_of_day", org_id, day); });
    return !digest.empty();
  });
  return db.InTransaction([&](pg::Tx& tx) {
    const auto banners = reminder::ReadBanners(tx, org_id);
    for (const auto& b : banners.Messages()) fmt::print(out, "横幅 {}：{}（{} 名）\n", b.code, b.text, b.count);
    if (banners.Messages().empty()) fmt::print(out, "横幅：无\n");
    if (digest.empty()) {
      fmt::print(out, "{} 没有{}提醒摘要\n", code, day ? *day + " 的" : "");
      return kFailed;
    }
    fmt::print(out, "{} 提醒摘要：{}\n", digest.Text(0, 1), digest.Text(0, 2));
    const auto members = tx.Run("reminder_digest_members", std::vector<std::int64_t>{org_id});
    for (std::size_t i = 0; i < members.size(); ++i) {
      fmt::print(out, "  {} {} {} 截止 {}\n", members.Text(i, 3), MaskIdCard(members.Text(i, 4)), members.Text(i, 5),
                 members.Text(i, 7));
    }
    tx.Run("audit_record", std::nullopt, "archivectl", "reminder.digest.show", "reminder_digest", digest.Text(0, 0),
           std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
           nlohmann::json({{"org_id", org_id}, {"members", members.size()}}).dump());
    return kOk;
  });
}

}  // namespace archive::ctl
