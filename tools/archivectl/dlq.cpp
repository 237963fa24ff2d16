#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "common/outbox/outbox.hpp"
#include "tools/archivectl/commands.hpp"
#include "tools/archivectl/ops.hpp"
#include "tools/archivectl/ops_common.hpp"

namespace archive::ctl {
namespace {

constexpr long kPage = 500;
constexpr long kDefaultMaxReplays = 3;

// The filters that dlq list and dlq replay share, as the parameters of ops_dlq_list.sql.
struct Filter {
  pg::Value topic;
  pg::Value code;
  pg::Value key;  // --member or --batch: both are the Kafka message key of their events
  pg::Value since;
  pg::Value until;
  pg::Value status;
  pg::Value consumer;
};

Filter ReadFilter(const Args& args, const std::string& default_status) {
  Filter f;
  f.topic = args.Option("topic");
  f.code = args.Option("code");
  f.consumer = args.Option("consumer");
  const auto member = args.Option("member");
  const auto batch = args.Option("batch");
  if (member && batch) throw UsageError("give --member or --batch, not both");
  f.key = member ? member : batch;
  f.since = ops::TimeOption(args, "since");
  f.until = ops::TimeOption(args, "until");
  const std::string status = args.Option("status").value_or(default_status);
  if (status != "all" && status != "DEAD" && status != "REPLAYED" && status != "RESOLVED") {
    throw UsageError("--status is one of DEAD, REPLAYED, RESOLVED or all");
  }
  if (status != "all") f.status = status;
  return f;
}

struct Row {
  std::int64_t id;
  std::string consumer, topic, code, key, type;
  std::int64_t attempts, replays;
  std::string status, failed_at, error;
};

std::vector<Row> Page(pg::Tx& tx, const Filter& f, std::int64_t after, long limit) {
  const auto r = tx.Run("ops_dlq_list", f.topic, f.code, f.key, f.since, f.until, f.status, f.consumer, after, limit);
  std::vector<Row> rows;
  for (std::size_t i = 0; i < r.size(); ++i) {
    rows.push_back({r.Int(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4), r.Text(i, 5), r.Int(i, 6),
                    r.Int(i, 7), r.Text(i, 8), r.Text(i, 9), r.Text(i, 10)});
  }
  return rows;
}

const std::set<std::string> kFilterOptions = {"topic", "code",  "member", "batch",
                                              "since", "until", "status", "consumer"};

std::set<std::string> With(std::set<std::string> base, std::initializer_list<std::string> more) {
  base.insert(more);
  return base;
}

int List(const Args& args, std::ostream& out) {
  args.Allow(With(kFilterOptions, {"limit", "json"}));
  const long limit = args.Number("limit", 100);
  if (limit < 1 || limit > 100000) throw UsageError("--limit must be between 1 and 100000");
  const Filter filter = ReadFilter(args, "DEAD");
  auto db = ops::Database();
  const auto rows = db.InTransaction([&](pg::Tx& tx) { return Page(tx, filter, 0, limit); });
  if (args.Flag("json")) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : rows) {
      list.push_back({{"id", r.id},
                      {"consumer", r.consumer},
                      {"topic", r.topic},
                      {"code", r.code},
                      {"key", r.key},
                      {"event_type", r.type},
                      {"attempts", r.attempts},
                      {"replays", r.replays},
                      {"status", r.status},
                      {"failed_at", r.failed_at},
                      {"error", r.error}});
    }
    out << list.dump(2) << "\n";
    return kOk;
  }
  fmt::print(out, "{:>8}  {:<20}  {:<12}  {:<24}  {:<20}  {:<12}  {:>3}  {:>3}  {}\n", "ID", "FAILED AT", "CONSUMER",
             "TOPIC", "CODE", "KEY", "TRY", "REP", "STATUS");
  for (const auto& r : rows) {
    fmt::print(out, "{:>8}  {:<20}  {:<12}  {:<24}  {:<20}  {:<12}  {:>3}  {:>3}  {}\n", r.id, r.failed_at, r.consumer,
               r.topic, r.code, r.key, r.attempts, r.replays, r.status);
  }
  fmt::print(out, "{} dead letters{}\n", rows.size(),
             static_cast<long>(rows.size()) == limit ? fmt::format(" (the first {}; use --limit)", limit) : "");
  return kOk;
}

int Show(const Args& args, std::ostream& out, std::ostream& err) {
  args.Allow({"json"});
  if (args.positional().size() != 3) throw UsageError("dlq show ID");
  const std::string& id = args.positional()[2];
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos || id.size() > 18) {
    throw UsageError("dlq show ID: ID is the number in the first column of dlq list");
  }
  auto db = ops::Database();
  return db.InTransaction([&](pg::Tx& tx) {
    const auto r = tx.Run("ops_dlq_show", static_cast<std::int64_t>(std::stoll(id)));
    if (r.empty()) {
      fmt::print(err, "archivectl: no dead letter {}\n", id);
      return static_cast<int>(kFailed);
    }
    // The original event may carry personal data: reading it is audited like any other read.
    tx.Run("audit_record", std::nullopt, ops::Actor(), "dlq.show", "failed_job", id, std::nullopt, std::nullopt,
           std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
    const std::string payload = pg::FromBytea(r.Text(0, 11));
    const auto parsed = nlohmann::json::parse(payload, nullptr, false);
    const nlohmann::json headers = nlohmann::json::parse(r.Text(0, 12), nullptr, false);
    const nlohmann::json shown = {{"id", r.Int(0, 0)},
                                  {"consumer", r.Text(0, 1)},
                                  {"event_key", r.Text(0, 2)},
                                  {"topic", r.Text(0, 3)},
                                  {"partition", r.Int(0, 4)},
                                  {"offset", r.Int(0, 5)},
                                  {"event_type", r.Text(0, 6)},
                                  {"key", r.Text(0, 7)},
                                  {"code", r.Text(0, 8)},
                                  {"error", r.Text(0, 9)},
                                  {"attempts", r.Int(0, 10)},
                                  {"status", r.Text(0, 13)},
                                  {"replays", r.Int(0, 14)},
                                  {"failed_at", r.Text(0, 15)},
                                  {"replayed_at", r.Text(0, 16)},
                                  {"headers", headers},
                                  {"event", parsed.is_discarded() ? nlohmann::json(payload) : parsed}};
    if (args.Flag("json")) {
      out << shown.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return static_cast<int>(kOk);
    }
    fmt::print(out, "dead letter {}  ({})\n", r.Text(0, 0), r.Text(0, 13));
    fmt::print(out, "  consumer    {}\n  from        {} partition {} offset {}\n", r.Text(0, 1), r.Text(0, 3),
               r.Text(0, 4), r.Text(0, 5));
    fmt::print(out, "  event       {} {}  key {}\n", r.Text(0, 2), r.Text(0, 6), r.Text(0, 7));
    fmt::print(out, "  error       {}: {}\n", r.Text(0, 8), r.Text(0, 9));
    fmt::print(out, "  attempts    {}   replays {}\n", r.Text(0, 10), r.Text(0, 14));
    fmt::print(out, "  failed at   {}{}\n", r.Text(0, 15),
               r.Text(0, 16).empty() ? "" : "   last replayed at " + r.Text(0, 16));
    fmt::print(out, "  headers     {}\n", headers.is_discarded() ? r.Text(0, 12) : headers.dump());
    fmt::print(out, "original event\n{}\n",
               parsed.is_discarded() ? payload : parsed.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return static_cast<int>(kOk);
  });
}

// The rows a replay would take: the positional ids, or every DEAD one matching the filters.
std::vector<Row> Selected(pg::Connection& db, const Args& args) {
  std::vector<Row> rows;
  if (args.positional().size() > 2) {
    Filter by_id;
    for (std::size_t i = 2; i < args.positional().size(); ++i) {
      const std::string& id = args.positional()[i];
      if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos || id.size() > 18) {
        throw UsageError("dlq replay [ID...]: IDs are the numbers in the first column of dlq list");
      }
      const auto one = db.InTransaction([&](pg::Tx& tx) { return Page(tx, by_id, std::stoll(id) - 1, 1); });
      if (one.empty() || one[0].id != std::stoll(id)) throw UsageError("no dead letter " + id);
      rows.push_back(one[0]);
    }
    return rows;
  }
  const Filter filter = ReadFilter(args, "DEAD");
  if (filter.status != pg::Value("DEAD")) throw UsageError("dlq replay takes only DEAD letters (drop --status)");
  std::int64_t after = 0;
  for (;;) {
    const auto page = db.InTransaction([&](pg::Tx& tx) { return Page(tx, filter, after, kPage); });
    rows.insert(rows.end(), page.begin(), page.end());
    if (static_cast<long>(page.size()) < kPage) return rows;
    after = page.back().id;
  }
}

int DryRun(const std::vector<Row>& rows, long max_replays, std::ostream& out) {
  std::map<std::pair<std::string, std::string>, long> reasons;  // (consumer, code)
  std::map<std::string, long> topics;
  long refused = 0;
  long not_dead = 0;
  for (const auto& r : rows) {
    ++reasons[{r.consumer, r.code}];
    if (r.status != "DEAD") {
      ++not_dead;
    } else if (r.replays >= max_replays) {
      ++refused;
    } else {
      ++topics[r.topic];
    }
  }
  fmt::print(out, "{} dead letters match; reasons:\n", rows.size());
  for (const auto& [reason, count] : reasons) {
    fmt::print(out, "  {:>7}  {:<14} {}\n", count, reason.first, reason.second);
  }
  fmt::print(out, "plan (dry run, nothing changed):\n");
  long total = 0;
  for (const auto& [topic, count] : topics) {
    fmt::print(out, "  re-publish {:>7} to {}\n", count, topic);
    total += count;
  }
  if (refused > 0)
    fmt::print(out, "  refuse     {:>7} already replayed {} times (--max-replays)\n", refused, max_replays);
  if (not_dead > 0) fmt::print(out, "  skip       {:>7} no longer DEAD\n", not_dead);
  fmt::print(out, "would replay {}, refuse {}\n", total, refused);
  return kOk;
}

// One dead letter back to its topic through the outbox, in one transaction with its status change and its
// audit row, so a crash or a second run can neither lose nor double it.
enum class Replayed { kDone, kRefused, kSkipped };

Replayed ReplayOne(pg::Connection& db, const Row& row, long max_replays, const std::string& reason) {
  return db.InTransaction([&](pg::Tx& tx) {
    const auto r = tx.Run("ops_dlq_replay", row.id, static_cast<std::int64_t>(max_replays));
    if (r.empty()) return row.replays >= max_replays ? Replayed::kRefused : Replayed::kSkipped;
    const std::string topic = r.Text(0, 0);
    const std::int64_t replay_count = r.Int(0, 5);
    kafka::Headers headers;
    const auto stored = nlohmann::json::parse(r.Text(0, 4), nullptr, false);
    if (stored.is_object()) {
      for (const auto& [k, v] : stored.items()) {
        if (k.starts_with("x-replay") || !v.is_string()) continue;
        headers.emplace_back(k, v.get<std::string>());
      }
    }
    headers.emplace_back("x-replay-count", std::to_string(replay_count));
    headers.emplace_back("x-replay-of", std::to_string(row.id));
    outbox::EnqueueRaw(tx, topic, r.Text(0, 1), r.Text(0, 2), pg::FromBytea(r.Text(0, 3)), headers);
    const nlohmann::json detail = {
        {"topic", topic}, {"consumer", r.Text(0, 6)}, {"code", r.Text(0, 7)}, {"replay_count", replay_count}};
    tx.Run("audit_record", std::nullopt, ops::Actor(), "dlq.replay", "failed_job", std::to_string(row.id), std::nullopt,
           "DEAD", "REPLAYED", reason.empty() ? pg::Value() : pg::Value(reason), std::nullopt, std::nullopt,
           detail.dump());
    return Replayed::kDone;
  });
}

int Replay(const Args& args, std::ostream& out, std::ostream& err) {
  args.Allow(With(kFilterOptions, {"dry-run", "max-replays", "reason"}));
  const long max_replays = args.Number("max-replays", kDefaultMaxReplays);
  if (max_replays < 1 || max_replays > 100) throw UsageError("--max-replays must be between 1 and 100");
  auto db = ops::Database();
  const auto rows = Selected(db, args);
  if (args.Flag("dry-run")) return DryRun(rows, max_replays, out);
  const std::string reason = args.Option("reason").value_or("");
  long done = 0;
  long refused = 0;
  long skipped = 0;
  {
    ops::Progress progress(err, "replaying");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      switch (ReplayOne(db, rows[i], max_replays, reason)) {
        case Replayed::kDone:
          ++done;
          break;
        case Replayed::kRefused:
          ++refused;
          fmt::print(err,
                     "archivectl: refused to replay dead letter {}: replayed {} times already (--max-replays {}); "
                     "fix the cause or resolve it by hand\n",
                     rows[i].id, rows[i].replays, max_replays);
          break;
        case Replayed::kSkipped:
          ++skipped;
          break;
      }
      progress.Update(static_cast<long>(i + 1), static_cast<long>(rows.size()));
    }
  }
  fmt::print(out, "replayed {}, refused {}, skipped {} (no longer DEAD)\n", done, refused, skipped);
  return refused > 0 ? kFailed : kOk;
}

}  // namespace

int Dlq(const Args& args, std::ostream& out, std::ostream& err) {
  const std::string sub = args.positional().size() > 1 ? args.positional()[1] : "";
  if (sub == "list") return List(args, out);
  if (sub == "show") return Show(args, out, err);
  if (sub == "replay") return Replay(args, out, err);
  throw UsageError("dlq list|show|replay");
}

}  // namespace archive::ctl
