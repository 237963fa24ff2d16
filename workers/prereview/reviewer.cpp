#include "workers/prereview/reviewer.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <sstream>

#include "common/events/envelope.hpp"
#include "common/lifecycle/life.hpp"
#include "common/lifecycle/pg_store.hpp"
#include "common/log/log.hpp"
#include "common/outbox/outbox.hpp"

namespace archive::prereview {
namespace {

constexpr const char* kActor = "prereview-worker";

std::string HashHex(std::uint64_t hash) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

// The findings that need the database.
void AddDatabaseFindings(pg::Tx& tx, std::int64_t version_id, std::int64_t member_id, const std::string& sha256,
                         int max_distance, Report& report) {
  const std::optional<std::string> fingerprint =
      report.page1_hash ? std::optional<std::string>(HashHex(*report.page1_hash)) : std::nullopt;
  const pg::Result duplicate =
      tx.Run("prereview_duplicate", version_id, member_id, sha256, fingerprint, max_distance, report.number_read);
  if (!duplicate.empty()) {
    const bool same_file = duplicate.Bool(0, 2);
    report.Add(Code::kDuplicateFile, same_file ? std::nullopt : std::optional<int>(1),
               same_file
                   ? "该文件与另一名团员已上传的档案完全相同，请确认是否传错了文件。"
                   : "该文件第1页与另一名团员已上传档案的第1页是同一页纸（同一次或重新扫描），请确认是否传错了文件。",
               {{"same_file", same_file},
                {"other_version_id", duplicate.Int(0, 0)},
                {"other_member_id", duplicate.Int(0, 1)},
                {"distance", duplicate.IsNull(0, 3) ? nlohmann::json() : nlohmann::json(duplicate.Int(0, 3))}});
  }
  for (auto& f : report.findings) {
    if (f.code != Code::kNumberMismatch || !f.values.contains("read")) continue;
    const pg::Result owner = tx.Run("prereview_number_owner", f.values["read"].get<std::string>(), member_id);
    if (owner.empty()) continue;
    f.values["cause"] = "other_member";
    f.values["other_member_id"] = owner.Int(0, 0);
    f.message += "该编号已登记在另一名团员名下，可能上传了别人的档案。";
  }
}

nlohmann::json EventFindings(const Report& report) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : report.findings) {
    out.push_back({{"code", CodeName(f.code)},
                   {"severity", SeverityName(f.severity)},
                   {"page", f.page ? nlohmann::json(*f.page) : nlohmann::json()}});
  }
  return out;
}

// The messages of a FAIL's findings, for the uploader's notice.
std::string FailReasons(const Report& report) {
  std::string reasons;
  for (const auto& f : report.findings) {
    if (f.severity != Severity::kFail) continue;
    if (!reasons.empty()) reasons += "；";
    reasons += f.message;
  }
  return reasons;
}

}  // namespace

Reviewer::Reviewer(FileChecks& checks, blob::Store& blobs, metrics::Registry& metrics, int duplicate_max_distance,
                   lifecycle::Policy policy)
    : checks_(checks),
      blobs_(blobs),
      metrics_(metrics),
      duplicate_max_distance_(duplicate_max_distance),
      policy_(std::move(policy)) {}

worker::Outcome Reviewer::Handle(const worker::Message& message, pg::Tx& tx) {
  const auto& payload = message.event.payload;
  const std::int64_t version_id = payload.at("version_id").get<std::int64_t>();
  if (message.event.type == "prereview.requested") {
    return Review(message, tx, version_id, payload.at("request_id").get<std::string>());
  }
  return Review(message, tx, version_id, std::nullopt);
}

worker::Outcome Reviewer::Review(const worker::Message& message, pg::Tx& tx, std::int64_t version_id,
                                 const std::optional<std::string>& rerun_request) {
  const pg::Result version = tx.Run("prereview_version_load", version_id);
  if (version.empty()) {
    return worker::Outcome::DeadLetter("VERSION_NOT_FOUND", fmt::format("no archive version {}", version_id));
  }
  const std::int64_t member_id = version.Int(0, 1);
  if (rerun_request) {
    const bool current = !version.IsNull(0, 10) && version.Int(0, 10) == version_id;
    const bool awaiting = version.Text(0, 9) == "PENDING" && version.IsNull(0, 11);
    auto& skipped =
        metrics_.GetCounter("prereview_reruns_total", "Pre-review re-runs by outcome.", {{"outcome", "skipped"}});
    if (!current || !awaiting) {
      log::Get("prereview")
          ->info("re-run {} of version {}: skipped, {}", *rerun_request, version_id,
                 current ? fmt::format("the member is {}, not awaiting a decision", version.Text(0, 9))
                         : "no longer the member's current version");
      tx.OnCommit([&skipped] { skipped.Inc(); });
      return worker::Outcome::Done();
    }
    const std::string requested_by = message.event.payload.at("requested_by").get<std::string>();
    if (tx.Run("prereview_rerun_claim", *rerun_request, version_id, requested_by).empty()) {
      log::Get("prereview")->info("re-run {} of version {} was done before; nothing to do", *rerun_request, version_id);
      return worker::Outcome::Done();
    }
    tx.Run("prereview_rerun_clear", version_id);
  } else if (!version.IsNull(0, 5)) {
    log::Get("prereview")->info("version {} already has a verdict; nothing to do", version_id);
    return worker::Outcome::Done();
  }
  const std::string uri = version.Text(0, 2);
  const std::string sha256 = version.Text(0, 3);
  const std::string uploader_kind = version.Text(0, 4);
  std::string bytes;
  try {
    const auto in = blobs_.Open(uri);
    std::ostringstream buffer;
    buffer << in->rdbuf();
    bytes = std::move(buffer).str();
  } catch (const blob::NotFound& e) {
    return worker::Outcome::DeadLetter("BLOB_NOT_FOUND", fmt::format("version {}: {}", version_id, e.what()));
  }

  Expectations expected;
  expected.name = version.Text(0, 6);
  if (!version.IsNull(0, 7)) expected.number = version.Text(0, 7);
  expected.admission_year = static_cast<int>(version.Int(0, 8));
  Report report = checks_.Check(bytes, expected);
  AddDatabaseFindings(tx, version_id, member_id, sha256, duplicate_max_distance_, report);

  const std::optional<std::string> fingerprint =
      report.page1_hash ? std::optional<std::string>(HashHex(*report.page1_hash)) : std::nullopt;
  if (tx.Run("prereview_verdict_record", version_id, std::string(VerdictName(report.verdict)), fingerprint).empty()) {
    return worker::Outcome::Done();
  }
  for (const auto& f : report.findings) {
    std::optional<std::string> evidence_uri;
    if (f.evidence) evidence_uri = blobs_.Put(f.evidence->png).uri;  // content-addressed: a retry writes nothing new
    tx.Run("prereview_finding_insert", version_id, std::string(CodeName(f.code)), std::string(SeverityName(f.severity)),
           f.page, f.message, f.values.dump(), evidence_uri);
  }

  // The machine advises and people decide: the lifecycle applies the verdict (a committee's upload that is not
  // FAIL needs no approval, 3.2.2; a FAIL tells the uploader and waits for the committee).
  lifecycle::PgStore store(tx);
  const auto member = lifecycle::ReadMember(tx, member_id, false);  // locked by prereview_version_load
  const auto reviewed = store.FindVersion(version_id);
  lifecycle::Actor worker{.name = kActor};
  if (!message.event.trace_id.empty()) worker.trace_id = message.event.trace_id;
  lifecycle::Life(store, policy_, clock_)
      .ApplyVerdict(worker, *member, *reviewed, VerdictName(report.verdict), FailReasons(report),
                    rerun_request.has_value());

  const nlohmann::json event{{"member_id", member_id},
                             {"version_id", version_id},
                             {"verdict", VerdictName(report.verdict)},
                             {"findings", EventFindings(report)}};
  outbox::Enqueue(tx, "archive.pre-reviewed",
                  events::MakeEnvelope("archive.pre-reviewed", 1, kActor, std::to_string(member_id), event,
                                       std::chrono::system_clock::now()));
  std::vector<metrics::Counter*> counted{&metrics_.GetCounter("prereview_verdicts_total", "Pre-review verdicts.",
                                                              {{"verdict", std::string(VerdictName(report.verdict))}})};
  for (const auto& f : report.findings) {
    counted.push_back(&metrics_.GetCounter("prereview_findings_total", "Pre-review findings by code.",
                                           {{"code", std::string(CodeName(f.code))}}));
  }
  if (rerun_request) {
    counted.push_back(
        &metrics_.GetCounter("prereview_reruns_total", "Pre-review re-runs by outcome.", {{"outcome", "applied"}}));
  }
  tx.OnCommit([counted = std::move(counted)] {
    for (auto* counter : counted) counter->Inc();
  });
  log::Get("prereview")
      ->info("{}version {}: {} with {} findings", rerun_request ? fmt::format("re-run {}: ", *rerun_request) : "",
             version_id, VerdictName(report.verdict), report.findings.size());
  return worker::Outcome::Done();
}

}  // namespace archive::prereview
