#include <string>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "tools/archivectl/commands.hpp"
#include "tools/archivectl/ops.hpp"
#include "tools/archivectl/ops_common.hpp"

namespace archive::ctl {
namespace {

int List(const Args& args, std::ostream& out) {
  args.Allow({"status", "org", "since", "limit", "json"});
  const long limit = args.Number("limit", 50);
  if (limit < 1 || limit > 100000) throw UsageError("--limit must be between 1 and 100000");
  const auto status = args.Option("status");
  if (status && *status != "QUEUED" && *status != "RUNNING" && *status != "DONE" && *status != "FAILED") {
    throw UsageError("--status is one of QUEUED, RUNNING, DONE or FAILED");
  }
  const auto since = ops::TimeOption(args, "since");
  auto db = ops::Database();
  const auto r = db.InTransaction(
      [&](pg::Tx& tx) { return tx.Run("ops_batch_list", status, args.Option("org"), since, std::int64_t{limit}); });
  if (args.Flag("json")) {
    nlohmann::json list = nlohmann::json::array();
    for (std::size_t i = 0; i < r.size(); ++i) {
      list.push_back({{"batch_id", r.Text(i, 0)},
                      {"org", r.Text(i, 1)},
                      {"status", r.Text(i, 2)},
                      {"dry_run", r.Bool(i, 3)},
                      {"total", r.Int(i, 4)},
                      {"imported", r.Int(i, 5)},
                      {"failed", r.Int(i, 6)},
                      {"created_at", r.Text(i, 7)},
                      {"filename", r.Text(i, 8)}});
    }
    out << list.dump(2) << "\n";
    return kOk;
  }
  fmt::print(out, "{:<36}  {:<20}  {:<12}  {:<8}  {:>7}  {:>7}  {:>7}  {}\n", "BATCH", "CREATED AT", "ORG", "STATUS",
             "ROWS", "OK", "FAILED", "FILE");
  for (std::size_t i = 0; i < r.size(); ++i) {
    fmt::print(out, "{:<36}  {:<20}  {:<12}  {:<8}  {:>7}  {:>7}  {:>7}  {}{}\n", r.Text(i, 0), r.Text(i, 7),
               r.Text(i, 1), r.Text(i, 2), r.Int(i, 4), r.Int(i, 5), r.Int(i, 6), r.Text(i, 8),
               r.Bool(i, 3) ? " (dry run)" : "");
  }
  fmt::print(out, "{} batches\n", r.size());
  return kOk;
}

int Show(const Args& args, std::ostream& out, std::ostream& err) {
  args.Allow({"json"});
  if (args.positional().size() != 3) throw UsageError("batch show BATCH");
  const std::string& id = args.positional()[2];
  auto db = ops::Database();
  const auto r = db.InTransaction([&](pg::Tx& tx) { return tx.Run("ops_batch_show", id); });
  if (r.empty()) {
    fmt::print(err, "archivectl: no import batch {}\n", id);
    return kFailed;
  }
  const nlohmann::json shown = {
      {"batch_id", r.Text(0, 0)},    {"org", r.Text(0, 1)},          {"status", r.Text(0, 2)},
      {"dry_run", r.Bool(0, 3)},     {"filename", r.Text(0, 4)},     {"format", r.Text(0, 5)},
      {"size_bytes", r.Int(0, 6)},   {"total", r.Int(0, 7)},         {"done", r.Int(0, 8)},
      {"imported", r.Int(0, 9)},     {"failed", r.Int(0, 10)},       {"report_uri", r.Text(0, 11)},
      {"error_code", r.Text(0, 12)}, {"error", r.Text(0, 13)},       {"created_at", r.Text(0, 14)},
      {"started_at", r.Text(0, 15)}, {"finished_at", r.Text(0, 16)}, {"dead_letters", r.Int(0, 17)}};
  if (args.Flag("json")) {
    out << shown.dump(2) << "\n";
    return kOk;
  }
  fmt::print(out, "batch {}  {}{}\n", r.Text(0, 0), r.Text(0, 2), r.Bool(0, 3) ? " (dry run)" : "");
  fmt::print(out, "  org         {}\n  file        {} ({}, {} bytes)\n", r.Text(0, 1), r.Text(0, 4), r.Text(0, 5),
             r.Text(0, 6));
  fmt::print(out, "  rows        {} of {} read; 成功导入 {} 位团员，{} 位团员导入失败\n", r.Text(0, 8), r.Text(0, 7),
             r.Text(0, 9), r.Text(0, 10));
  if (!r.Text(0, 11).empty()) fmt::print(out, "  report      {}\n", r.Text(0, 11));
  if (!r.Text(0, 12).empty()) fmt::print(out, "  error       {}: {}\n", r.Text(0, 12), r.Text(0, 13));
  fmt::print(out, "  created     {}\n  started     {}\n  finished    {}\n", r.Text(0, 14), r.Text(0, 15),
             r.Text(0, 16));
  if (r.Int(0, 17) > 0) {
    fmt::print(out, "  dead letters {} (archivectl dlq list --batch {})\n", r.Int(0, 17), r.Text(0, 0));
  }
  return kOk;
}

}  // namespace

int Batch(const Args& args, std::ostream& out, std::ostream& err) {
  const std::string sub = args.positional().size() > 1 ? args.positional()[1] : "";
  if (sub == "list") return List(args, out);
  if (sub == "show") return Show(args, out, err);
  if (sub == "replay") {
    // The same as `import replay BATCH`: one way to queue a batch again, with its audit row.
    args.Allow({});
    if (args.positional().size() != 3) throw UsageError("batch replay BATCH");
    return Run({"import", "replay", args.positional()[2]}, out, err);
  }
  throw UsageError("batch list|show|replay");
}

}  // namespace archive::ctl
