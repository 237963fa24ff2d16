#include <charconv>
#include <variant>

#include <fmt/format.h>

#include "api/app.hpp"
#include "api/members.hpp"
#include "common/base/text.hpp"

// Decisions of the member's approver, the nearest committee above (R4, R6): the queue, approve and reject one upload
// or many, and change requests. Two admins deciding the same thing at once queue on the member's row lock; the
// second finds it decided and gets 409. The transitions themselves are common/lifecycle/life.hpp's.
namespace archive::api {
namespace {

using lifecycle::Decision;

// Whether a rejection takes the pre-review's findings as its reason ("reason_from_findings": true), in one action.
bool ReasonFromFindings(const Call& call) {
  const auto it = call.body.is_object() ? call.body.find("reason_from_findings") : call.body.end();
  return it != call.body.end() && it->is_boolean() && it->get<bool>();
}

// The reason of a rejection (required, or taken from the findings) or an approval (optional), or the 400 to answer.
std::variant<std::optional<std::string>, Response> DecisionReason(const Call& call, Decision d) {
  bool bad = false;
  std::optional<std::string> reason;
  if (call.body.is_object()) reason = TextField(call, "reason", bad);
  if (bad) return BadParameter("reason", "必须是字符串");
  if (d == Decision::kRejected && !reason && !ReasonFromFindings(call)) {
    return Error(400, "REASON_REQUIRED", "退回时必须填写原因");
  }
  if (reason && reason->size() > 2000) return BadParameter("reason", "不能超过 2000 字节");
  return reason;
}

nlohmann::json NullableText(const pg::Result& r, std::size_t row, std::size_t col) {
  return r.IsNull(row, col) ? nlohmann::json() : nlohmann::json(r.Text(row, col));
}

// What an item of the superior's queue holds whatever its kind, from the first six columns of both queue queries:
// its kind and id, the member (the ID number masked) and the member's organization.
nlohmann::json QueueItem(const pg::Result& r, std::size_t i, const char* type, const char* id_key) {
  return {{"type", type},
          {id_key, r.Int(i, 0)},
          {"member", {{"id", r.Int(i, 1)}, {"name", r.Text(i, 2)}, {"id_card_masked", MaskIdCard(r.Text(i, 3))}}},
          {"org", {{"id", r.Int(i, 4)}, {"name", r.Text(i, 5)}}}};
}

// A queue cursor, "<uploaded_at in µs>.<version id>", as next_cursor gave it.
std::optional<std::pair<std::int64_t, std::int64_t>> ParseCursor(const std::string& text) {
  const auto dot = text.find('.');
  if (dot == std::string::npos) return std::nullopt;
  std::int64_t at = 0;
  std::int64_t id = 0;
  const char* end = text.data() + text.size();
  const auto a = std::from_chars(text.data(), text.data() + dot, at);
  const auto b = std::from_chars(text.data() + dot + 1, end, id);
  if (a.ec != std::errc() || a.ptr != text.data() + dot || b.ec != std::errc() || b.ptr != end) return std::nullopt;
  return std::pair(at, id);
}

std::optional<std::string> DateParam(const Call& call, const std::string& name, bool& bad) {
  auto value = QueryParam(call, name);
  if (value && !member::ParseIsoDate(*value)) bad = true;
  return value;
}

// One decision on version id in a transaction of its own: the response of the single route, and one item of the
// bulk route.
Response DecideOne(Call& call, const lifecycle::Policy& policy, const Clock& clock, std::int64_t id, Decision d,
                   const std::optional<std::string>& reason) {
  return call.db.InTransaction([&](pg::Tx& tx) -> Response {
    const auto not_found = [] { return NotFound("VERSION_NOT_FOUND", "该档案版本不存在或不在本组织管理范围内"); };
    lifecycle::PgStore store(tx);
    const auto version = store.FindVersion(id);
    if (!version) return not_found();
    const auto m = store.LockMember(version->member_id);  // decisions on one member queue here
    if (!m || !CanRead(call.caller, m->place)) return not_found();
    if (!CanDecide(call.caller, m->place)) return Forbidden();
    auto why = reason;
    if (d == Decision::kRejected && !why) {
      // The pre-review's findings, worst first, as the uploader will read them.
      const auto f = tx.Run("api_findings", id);
      for (const char* severity : {"fail", "warn"}) {
        for (std::size_t i = 0; i < f.size(); ++i) {
          if (f.Text(i, 2) != severity) continue;
          why = why ? *why + "；" + f.Text(i, 4) : f.Text(i, 4);
        }
      }
      if (!why) return Error(400, "REASON_REQUIRED", "预审没有发现问题，退回时请填写原因");
    }
    const auto done = lifecycle::Life(store, policy, clock).Decide(ActorOf(call), *m, id, d, why);
    if (const auto* refusal = std::get_if<lifecycle::Refusal>(&done)) return Refused(*refusal);
    const auto to = std::get<lifecycle::ArchiveStatus>(done);
    return Json(200, {{"version_id", id},
                      {"member_id", m->place.member_id},
                      {"decision", lifecycle::DecisionName(d)},
                      {"archive_status", lifecycle::StatusName(to)},
                      {"archive_status_text", lifecycle::StatusText(to)}});
  });
}

}  // namespace

Response Api::DecideArchive(Call& call, Decision d) {
  const auto id = IdParam(call, "id");
  if (!id) return BadParameter("id", "必须是正整数");
  auto parsed = DecisionReason(call, d);
  if (auto* r = std::get_if<Response>(&parsed)) return std::move(*r);
  return DecideOne(call, config_.policy, clock_, *id, d, std::get<std::optional<std::string>>(parsed));
}

Response Api::DecideMany(Call& call) {
  if (call.caller.role != Role::kCommitteeAdmin) return Forbidden();
  const auto ids = call.body.find("version_ids");
  if (ids == call.body.end() || !ids->is_array() || ids->empty()) {
    return BadParameter("version_ids", "必须是非空的档案版本编号数组");
  }
  if (ids->size() > static_cast<std::size_t>(config_.list_limit)) {
    return BadParameter("version_ids", fmt::format("每次最多 {} 个", config_.list_limit));
  }
  for (const auto& id : *ids) {
    if (!id.is_number_integer() || id.get<std::int64_t>() < 1) return BadParameter("version_ids", "必须是正整数");
  }
  auto parsed = DecisionReason(call, Decision::kApproved);
  if (auto* r = std::get_if<Response>(&parsed)) return std::move(*r);
  const auto reason = std::get<std::optional<std::string>>(parsed);
  // Each item is decided in its own transaction: one lost race is that item's 409, never the others'.
  nlohmann::json results = nlohmann::json::array();
  int approved = 0;
  for (const auto& id : *ids) {
    const auto version_id = id.get<std::int64_t>();
    const auto r = DecideOne(call, config_.policy, clock_, version_id, Decision::kApproved, reason);
    auto item = nlohmann::json::parse(r.body);
    item["status"] = r.status;
    item["version_id"] = version_id;
    if (r.status == 200) ++approved;
    results.push_back(std::move(item));
  }
  return Json(200, {{"approved", approved}, {"failed", ids->size() - approved}, {"items", results}});
}

Response Api::DecideChange(Call& call, Decision d) {
  const auto id = IdParam(call, "id");
  if (!id) return BadParameter("id", "必须是正整数");
  auto parsed = DecisionReason(call, d);
  if (auto* r = std::get_if<Response>(&parsed)) return std::move(*r);
  const auto reason = std::get<std::optional<std::string>>(parsed);
  return call.db.InTransaction([&](pg::Tx& tx) -> Response {
    const auto not_found = [] {
      return NotFound("CHANGE_REQUEST_NOT_FOUND", "该变更申请不存在或不在本组织管理范围内");
    };
    lifecycle::PgStore store(tx);
    const auto c = store.FindChangeRequest(*id);
    if (!c) return not_found();
    const auto m = store.LockMember(c->member_id);
    if (!m || !CanRead(call.caller, m->place)) return not_found();
    if (!CanDecide(call.caller, m->place)) return Forbidden();
    const auto done = lifecycle::Life(store, config_.policy, clock_).DecideChange(ActorOf(call), *m, *id, d, reason);
    if (const auto* refusal = std::get_if<lifecycle::Refusal>(&done)) return Refused(*refusal);
    return Json(200, {{"id", *id}, {"member_id", m->place.member_id}, {"status", lifecycle::DecisionName(d)}});
  });
}

Response Api::RequestChange(Call& call) {
  bool bad = false;
  const auto reason = TextField(call, "reason", bad);
  if (bad || !reason) return Error(400, "REASON_REQUIRED", "申请变更档案时必须填写原因");
  return ManageMember(call, [&](lifecycle::Life& life, const MemberRow& m, pg::Tx&) -> Response {
    const auto done = life.RequestChange(ActorOf(call), m, *reason);
    if (const auto* refusal = std::get_if<lifecycle::Refusal>(&done)) return Refused(*refusal);
    return Json(201, {{"id", std::get<std::int64_t>(done)}, {"member_id", m.place.member_id}, {"status", "PENDING"}});
  });
}

Response Api::ApprovalQueue(Call& call) {
  if (call.caller.role != Role::kCommitteeAdmin) return Forbidden();
  const auto type = QueryParam(call, "type").value_or("archive");
  if (type != "archive" && type != "change_request") return BadParameter("type", "只能是 archive 或 change_request");
  const auto status = QueryParam(call, "status").value_or("PENDING");
  if (status != "PENDING" && status != "APPROVED" && status != "REJECTED" && status != "ALL" &&
      !(type == "change_request" && status == "USED")) {
    return BadParameter("status", "只能是 PENDING、APPROVED、REJECTED 或 ALL");
  }
  const auto verdict = QueryParam(call, "verdict");
  if (verdict && *verdict != "PASS" && *verdict != "WARN" && *verdict != "FAIL" && *verdict != "NONE") {
    return BadParameter("verdict", "只能是 PASS、WARN、FAIL 或 NONE（预审中）");
  }
  bool bad_date = false;
  const auto from = DateParam(call, "uploaded_from", bad_date);
  const auto to = DateParam(call, "uploaded_to", bad_date);
  if (bad_date) return BadParameter("uploaded_from/uploaded_to", "日期格式应为 YYYY-MM-DD");
  std::optional<std::pair<std::int64_t, std::int64_t>> cursor;
  if (const auto text = QueryParam(call, "cursor")) {
    cursor = ParseCursor(*text);
    if (!cursor) return BadParameter("cursor", "请使用上一页返回的 next_cursor");
  }
  int limit = config_.list_limit;
  if (const auto text = QueryParam(call, "limit")) {
    const auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (ec != std::errc() || ptr != text->data() + text->size() || limit < 1 || limit > config_.list_limit) {
      return BadParameter("limit", fmt::format("必须是 1 到 {} 之间的整数", config_.list_limit));
    }
  }
  return call.db.Autocommit([&](pg::Tx& tx) -> Response {
    nlohmann::json items = nlohmann::json::array();
    if (type == "change_request") {
      const auto r = tx.Run("api_change_request_queue", *call.caller.org_id, status, limit);
      for (std::size_t i = 0; i < r.size(); ++i) {
        auto item = QueueItem(r, i, "change_request", "id");
        item["status"] = r.Text(i, 6);
        item["reason"] = r.Text(i, 7);
        item["created_at"] = r.Text(i, 8);
        item["decided_at"] = NullableText(r, i, 9);
        item["decision_reason"] = NullableText(r, i, 10);
        items.push_back(std::move(item));
      }
      return Json(200, {{"items", items}, {"next_cursor", nullptr}});
    }
    std::optional<std::string> org_path;
    if (const auto org = QueryParam(call, "org_id")) {
      const auto id = ParseId(*org);
      if (!id) return BadParameter("org_id", "必须是正整数");
      const auto o = tx.Run("api_org_get", *id);
      if (o.empty() || !call.caller.Covers(o.Text(0, 5))) {
        return NotFound("ORG_NOT_FOUND", "组织不存在或不在本组织管理范围内");
      }
      org_path = o.Text(0, 5);
    }
    const auto r = tx.Run("api_approval_queue", *call.caller.org_id, status, verdict, org_path, from, to,
                          config_.policy.time_zone, cursor ? std::optional(cursor->first) : std::nullopt,
                          cursor ? std::optional(cursor->second) : std::nullopt, limit);
    for (std::size_t i = 0; i < r.size(); ++i) {
      auto item = QueueItem(r, i, "archive", "version_id");
      item["version_no"] = r.Int(i, 6);
      item["uploaded_at"] = r.Text(i, 7);
      item["verdict"] = NullableText(r, i, 8);
      item["decision"] = NullableText(r, i, 9);
      item["decided_at"] = NullableText(r, i, 10);
      item["decision_reason"] = NullableText(r, i, 11);
      item["member"]["dev_number"] = NullableText(r, i, 12);
      items.push_back(std::move(item));
    }
    nlohmann::json next;
    if (static_cast<int>(r.size()) == limit) {
      next = fmt::format("{}.{}", r.Int(r.size() - 1, 13), r.Int(r.size() - 1, 0));
    }
    return Json(200, {{"items", items}, {"next_cursor", next}});
  });
}

void Api::AddApprovalRoutes() {
  router_.Add(
      {.method = "GET", .pattern = "/v1/approvals", .operation = "listApprovals", .handler = [this](Call& call) {
         return ApprovalQueue(call);
       }});
  router_.Add({.method = "GET",
               .pattern = "/v1/approvals/overview",
               .operation = "approvalOverview",
               .handler = [this](Call& call) -> Response {
                 if (call.caller.role != Role::kCommitteeAdmin) return Forbidden();
                 return call.db.Autocommit([&](pg::Tx& tx) -> Response {
                   const auto r = tx.Run("api_approval_overview", *call.caller.org_id, config_.list_limit);
                   nlohmann::json items = nlohmann::json::array();
                   for (std::size_t i = 0; i < r.size(); ++i) {
                     items.push_back({{"org",
                                       {{"id", r.Int(i, 0)},
                                        {"code", r.Text(i, 1)},
                                        {"name", r.Text(i, 2)},
                                        {"kind", r.Text(i, 3)},
                                        {"parent_id", r.Int(i, 8)}}},
                                      {"pending", r.Int(i, 4)},
                                      {"rejected", r.Int(i, 5)},
                                      {"not_uploaded", r.Int(i, 6)},
                                      {"authenticated", r.Int(i, 7)}});
                   }
                   return Json(200, {{"items", items}});
                 });
               }});
  router_.Add({.method = "POST",
               .pattern = "/v1/approvals/{id}/approve",
               .operation = "approveArchive",
               .handler = [this](Call& call) { return DecideArchive(call, Decision::kApproved); }});
  router_.Add({.method = "POST",
               .pattern = "/v1/approvals/{id}/reject",
               .operation = "rejectArchive",
               .body = BodyKind::kJson,
               .handler = [this](Call& call) { return DecideArchive(call, Decision::kRejected); }});
  router_.Add({.method = "POST",
               .pattern = "/v1/approvals/approve",
               .operation = "approveArchives",
               .body = BodyKind::kJson,
               .handler = [this](Call& call) { return DecideMany(call); }});
  router_.Add({.method = "POST",
               .pattern = "/v1/members/{id}/change-requests",
               .operation = "requestChange",
               .body = BodyKind::kJson,
               .handler = [this](Call& call) { return RequestChange(call); }});
  router_.Add({.method = "POST",
               .pattern = "/v1/change-requests/{id}/approve",
               .operation = "approveChangeRequest",
               .handler = [this](Call& call) { return DecideChange(call, Decision::kApproved); }});
  router_.Add({.method = "POST",
               .pattern = "/v1/change-requests/{id}/reject",
               .operation = "rejectChangeRequest",
               .body = BodyKind::kJson,
               .handler = [this](Call& call) { return DecideChange(call, Decision::kRejected); }});
}

}  // namespace archive::api
