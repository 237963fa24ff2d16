// The deadline sweep benchmark (issue 6). On the local stack (tools/devstack up) it loads N members into a
// schema of its own (generate_series; 0.2 % waiting for an upload with deadlines spread over two months,
// 0.05 % pending at the superior, the rest authenticated), then times, on the day D = 2026-06-01:
//   - the catch-up sweep on D after 7 missed days (the last sweep ran on D-8),
//   - the reminder worker's fan-out and digests for the reminders that sweep created, committed to the
//     outbox, and the relay publishing those digests to Kafka,
//   - the daily sweep on D+1, and its re-run (a no-op),
//   - the R7 banners for the whole tree and for one branch.
// Each sweep is also run as a naive peer in the same process, on a second connection whose planner may not
// use indexes (a full scan of members, as a sweep without the partial indexes would do), in a transaction
// that is rolled back so the real run starts from the same state.
//
//   sweep-bench [--members 10000000] [--branches 5000]
#include <chrono>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "common/kafka/kafka.hpp"
#include "common/log/log.hpp"
#include "common/outbox/relay.hpp"
#include "common/reminder/reminder.hpp"
#include "common/testing/testing.hpp"
#include "tools/archivectl/args.hpp"
#include "workers/deadline/sweeper.hpp"
#include "workers/reminder/notifier.hpp"

namespace archive::bench {
namespace {

using Steady = std::chrono::steady_clock;
const auto kDay = std::chrono::sys_days(std::chrono::year(2026) / std::chrono::June / 1);

Clock::TimePoint Morning(int offset) {
  return kDay + std::chrono::days(offset) + std::chrono::hours(1);  // 09:00 in Beijing
}

template <typename F>
double Seconds(F&& fn) {
  const auto start = Steady::now();
  fn();
  return std::chrono::duration<double>(Steady::now() - start).count();
}

void Load(pg::Connection& db, long members, long branches) {
  db.InTransaction([&](pg::Tx& tx) {
    tx.ExecScript(fmt::format(
        "SET LOCAL session_replication_role = replica;"  // the bench's own rows: skip the foreign-key triggers
        "INSERT INTO organizations (id, code, name, kind, parent_id, path) VALUES (1, 'P', '省团委', 'leading_body', "
        "NULL, '1');"
        "INSERT INTO organizations (id, code, name, kind, parent_id, path)"
        " SELECT 1 + c, 'C' || c, '团委' || c, 'committee', 1, ('1.' || 1 + c)::ltree FROM generate_series(1, 50) c;"
        "INSERT INTO organizations (id, code, name, kind, parent_id, path)"
        " SELECT 100 + b, 'B' || b, '团支部' || b, 'branch', 2 + b % 50, ('1.' || 2 + b % 50 || '.' || 100 + b)::ltree"
        " FROM generate_series(0, {} - 1) b;",
        branches));
  });
  const long chunk = 1000000;
  for (long from = 1; from <= members; from += chunk) {
    const long to = std::min(members, from + chunk - 1);
    db.InTransaction([&](pg::Tx& tx) {
      tx.ExecScript(fmt::format(
          "SET LOCAL session_replication_role = replica;"
          "INSERT INTO members (org_id, name, id_card, joined_on, archive_status, upload_deadline, status_changed_at)"
          " SELECT 100 + (i / 500) % {2}, '团员' || i % 1000, lpad(i::text, 18, '0'), j, s, j + 30,"
          "  CASE WHEN s = 'PENDING' THEN timestamptz '2026-05-12' + (i % 20) * interval '1 day'"
          "  ELSE timestamptz '2024-01-01' END"
          " FROM generate_series({0}, {1}) i,"
          " LATERAL (SELECT CASE WHEN i % 500 = 0 THEN 'NOT_UPLOADED' WHEN i % 2000 = 1 THEN 'PENDING'"
          "                 ELSE 'AUTHENTICATED' END AS s,"
          "         CASE WHEN i % 500 = 0 THEN date '2026-06-01' - 60 + (i / 500) % 60"
          "              ELSE date '2020-01-01' + i % 2300 END AS j) x",
          from, to, branches));
    });
    fmt::print(stderr, "sweep-bench: {} members loaded\n", to);
  }
  db.InTransaction([&](pg::Tx& tx) { tx.ExecScript("ANALYZE members; ANALYZE organizations;"); });
}

struct Timed {
  double seconds = 0;
  std::int64_t rows = 0;
};

// One sweep as of Morning(offset), committed (or rolled back, for the naive peer).
Timed Sweep(pg::Connection& db, deadline::Sweeper& sweeper, testing::FakeClock& clock, int offset, bool commit) {
  clock.Set(Morning(offset));
  Timed t;
  t.seconds = Seconds([&] {
    auto tx = db.Begin();
    const auto locked_at = sweeper.TryLock(tx);
    if (!locked_at) throw std::runtime_error("sweep lock busy");
    t.rows = sweeper.Run(tx, FormatUtc(clock.Now()), "sweep-bench", "bench", *locked_at).created;
    if (commit)
      tx.Commit();
    else
      tx.Abort();
  });
  return t;
}

int Main(const std::vector<std::string>& words) {
  const ctl::Args args(words, {});
  args.Allow({"members", "branches"});
  const long members = args.Number("members", 10000000);
  const long branches = args.Number("branches", 5000);
  testing::TestSchema schema;
  pg::Connection db(schema.url(), "sweep-bench");
  pg::Connection naive(schema.url(), "sweep-bench-naive");
  naive.InTransaction([](pg::Tx& tx) { tx.ExecScript("SET enable_indexscan = off; SET enable_bitmapscan = off;"); });
  const double load = Seconds([&] { Load(db, members, branches); });
  const auto waiting =
      testing::QueryInt(db, "SELECT count(*) FROM members WHERE archive_status IN ('NOT_UPLOADED', 'REJECTED')");
  const auto pending = testing::QueryInt(db, "SELECT count(*) FROM members WHERE archive_status = 'PENDING'");

  testing::FakeClock clock(Morning(-8));
  deadline::Sweeper sweeper(deadline::Config{}, clock);
  reminder::Notifier notifier(reminder::Config{}, clock);
  const auto notify = [&](int offset) {
    clock.Set(Morning(offset));
    reminder::NotifyResult r;
    const double s = Seconds([&] {
      r = db.InTransaction([&](pg::Tx& tx) {
        return notifier.Run(tx, FormatUtc(clock.Now()).substr(0, 10), std::numeric_limits<std::int64_t>::max());
      });
    });
    return std::pair(s, r);
  };

  const Timed first = Sweep(db, sweeper, clock, -8, true);  // a first sweep ever: backfills catch_up_days
  notify(-8);
  db.InTransaction([](pg::Tx& tx) {
    // What autovacuum does on a live system between two days: statistics for the tables that just grew.
    tx.ExecScript("DELETE FROM outbox; ANALYZE reminders; ANALYZE reminder_recipients; ANALYZE reminder_digests;");
  });

  const Timed catch_up_naive = Sweep(naive, sweeper, clock, 0, false);
  const Timed catch_up = Sweep(db, sweeper, clock, 0, true);
  const auto new_reminders = catch_up.rows;
  const auto [notify_s, notified] = notify(0);

  auto kafka_config = testing::TestKafka();
  std::ifstream topics_file(testing::SourcePath("deploy/kafka/topics.conf"));
  std::stringstream topics;
  topics << topics_file.rdbuf();
  auto topic_specs = kafka::ParseTopics(topics.str());
  topic_specs.push_back({.name = "bench.warm-up", .retention_ms = 3600000});
  kafka::EnsureTopics(kafka_config, topic_specs);
  kafka::Producer producer(kafka_config);
  // A running relay's producer is connected and holds its idempotent-producer id; a new one spends its first
  // second getting them. Warm it on a topic of the benchmark's own first, so that the figure is the publishing.
  producer.Produce("bench.warm-up", "warm-up", "{}");
  producer.Flush(std::chrono::seconds(30));
  outbox::Relay relay(outbox::RelayConfig{}, db, producer);
  std::size_t published = 0;
  const double publish_s = Seconds([&] {
    while (const std::size_t n = relay.PublishOnce()) published += n;
  });

  const Timed daily_naive = Sweep(naive, sweeper, clock, 1, false);
  const Timed daily = Sweep(db, sweeper, clock, 1, true);
  const Timed rerun = Sweep(db, sweeper, clock, 1, true);

  reminder::Banners root;
  reminder::Banners branch;
  const double banner_root_s =
      Seconds([&] { root = db.InTransaction([](pg::Tx& tx) { return reminder::ReadBanners(tx, 1); }); });
  const double banner_branch_s =
      Seconds([&] { branch = db.InTransaction([](pg::Tx& tx) { return reminder::ReadBanners(tx, 100); }); });

  fmt::print("sweep-bench: {} members ({} waiting, {} pending) in {} branches, loaded in {:.0f} s, {} cores (shared)\n",
             members, waiting, pending, branches, load, std::thread::hardware_concurrency());
  fmt::print("| step | rows | partial indexes | naive full scan | ratio |\n|---|---|---|---|---|\n");
  fmt::print("| first sweep ever (31-day backfill), D-8 | {} reminders | {:.2f} s | | |\n", first.rows, first.seconds);
  fmt::print("| catch-up sweep after 7 missed days, D | {} reminders | {:.2f} s | {:.2f} s | {:.1f}x |\n",
             catch_up.rows, catch_up.seconds, catch_up_naive.seconds, catch_up_naive.seconds / catch_up.seconds);
  fmt::print("| daily sweep, D+1 | {} reminders | {:.2f} s | {:.2f} s | {:.1f}x |\n", daily.rows, daily.seconds,
             daily_naive.seconds, daily_naive.seconds / daily.seconds);
  fmt::print("| re-run of the daily sweep (no-op) | {} reminders | {:.2f} s | | |\n", rerun.rows, rerun.seconds);
  fmt::print(
      "| reminder worker: fan-out + digests + outbox, D | {} reminders -> {} organizations, {} digests | {:.2f} s | | "
      "|\n",
      new_reminders, notified.organizations, notified.digests, notify_s);
  fmt::print("| relay: digests published to Kafka | {} events | {:.2f} s | | |\n", published, publish_s);
  fmt::print("| R7 banners, whole tree | {} / {} | {:.3f} s | | |\n", root.not_uploaded, root.unauthenticated,
             banner_root_s);
  fmt::print("| R7 banners, one branch | {} / {} | {:.3f} s | | |\n", branch.not_uploaded, branch.unauthenticated,
             banner_branch_s);
  return 0;
}

}  // namespace
}  // namespace archive::bench

int main(int argc, char** argv) {
  archive::log::Setup(archive::log::Format::kText, spdlog::level::warn);
  return archive::bench::Main(std::vector<std::string>(argv + 1, argv + argc));
}
