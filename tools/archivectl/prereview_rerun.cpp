#include <fmt/format.h>
#include <fmt/ostream.h>

#include <chrono>
#include <vector>

#include "common/base/crypto.hpp"
#include "common/events/envelope.hpp"
#include "common/outbox/outbox.hpp"
#include "tools/archivectl/commands.hpp"
#include "tools/archivectl/ops_common.hpp"
#include "tools/archivectl/prereview.hpp"

namespace archive::ctl {
namespace {

struct Version {
  std::int64_t id;
  std::int64_t member_id;
  std::string verdict;  // empty: not pre-reviewed yet
  std::string uploaded_at;
};

void RequestOne(pg::Connection& db, const Version& v, const std::string& request_id, const std::string& actor,
                const std::string& reason) {
  db.InTransaction([&](pg::Tx& tx) {
    nlohmann::json payload{
        {"member_id", v.member_id}, {"version_id", v.id}, {"request_id", request_id}, {"requested_by", actor}};
    if (!reason.empty()) payload["reason"] = reason;
    outbox::Enqueue(tx, "prereview.requested",
                    events::MakeEnvelope("prereview.requested", 1, "archivectl", std::to_string(v.member_id), payload,
                                         std::chrono::system_clock::now()));
    const nlohmann::json detail{{"request_id", request_id}, {"previous_verdict", v.verdict}};
    tx.Run("audit_record", std::nullopt, actor, "prereview.rerun", "archive_version", std::to_string(v.id), v.member_id,
           std::nullopt, std::nullopt, reason.empty() ? pg::Value() : pg::Value(reason), std::nullopt, std::nullopt,
           detail.dump());
  });
}

}  // namespace

int PrereviewRerun(const Args& args, std::ostream& out, std::ostream& err) {
  constexpr const char* kUsage = "prereview rerun --member ID | --since TIME [--reason TEXT] [--dry-run]";
  if (args.positional().size() != 2) throw UsageError(kUsage);
  args.Allow({"member", "since", "reason", "dry-run"});
  const auto member = args.Option("member");
  const auto since = ops::TimeOption(args, "since");
  if (member.has_value() == since.has_value())
    throw UsageError(std::string("give one of --member and --since: ") + kUsage);
  std::optional<std::int64_t> member_id;
  if (member) member_id = args.Number("member", 0);
  if (member_id && *member_id < 1) throw UsageError("--member must be a member id");

  auto db = ops::Database();
  std::vector<Version> versions;
  db.InTransaction([&](pg::Tx& tx) {
    const auto r = tx.Run("prereview_rerun_select", member_id, since);
    for (std::size_t i = 0; i < r.size(); ++i) {
      versions.push_back({r.Int(i, 0), r.Int(i, 1), r.IsNull(i, 2) ? "" : r.Text(i, 2), r.Text(i, 3)});
    }
  });
  if (args.Flag("dry-run")) {
    for (const auto& v : versions) {
      fmt::print(out, "would re-run member {} version {} (uploaded {}, verdict {})\n", v.member_id, v.id, v.uploaded_at,
                 v.verdict.empty() ? "none yet" : v.verdict);
    }
    fmt::print(out, "would re-run {} versions awaiting a decision (dry run, nothing changed)\n", versions.size());
    return kOk;
  }
  if (versions.empty()) {
    fmt::print(out, "no version awaiting a decision in scope; nothing requested\n");
    return kOk;
  }
  const std::string request_id = "rerun-" + RandomHex(8);
  const std::string actor = ops::Actor();
  const std::string reason = args.Option("reason").value_or("");
  {
    ops::Progress progress(err, "requesting");
    for (std::size_t i = 0; i < versions.size(); ++i) {
      RequestOne(db, versions[i], request_id, actor, reason);
      progress.Update(static_cast<long>(i + 1), static_cast<long>(versions.size()));
    }
  }
  fmt::print(out, "requested a pre-review re-run of {} versions (request {}); the pre-review worker applies it\n",
             versions.size(), request_id);
  return kOk;
}

}  // namespace archive::ctl
