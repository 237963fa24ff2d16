#include <variant>

#include <fmt/format.h>

#include "api/app.hpp"
#include "api/members.hpp"
#include "common/base/text.hpp"

// Decisions of the direct superior: archive approvals (R4) and change requests (R6). Two admins deciding the
// same thing at once queue on the member's row lock; the second finds it decided and gets 409.
namespace archive::api {
namespace {

enum class Decision { kApprove, kReject };

// The reason of a rejection (required) or an approval (optional), or the 400 to answer.
std::variant<std::optional<std::string>, Response> DecisionReason(const Call& call, Decision d) {
  bool bad = false;
  std::optional<std::string> reason;
  if (call.body.is_object()) reason = TextField(call, "reason", bad);
  if (bad) return BadParameter("reason", "必须是字符串");
  if (d == Decision::kReject && !reason) return Error(400, "REASON_REQUIRED", "退回时必须填写原因");
  if (reason && reason->size() > 2000) return BadParameter("reason", "不能超过 2000 字节");
  return reason;
}

Response DecideArchive(const Call& call, Decision d) {
  const auto id = IdParam(call, "id");
  if (!id) return BadParameter("id", "必须是正整数");
  auto parsed = DecisionReason(call, d);
  if (auto* r = std::get_if<Response>(&parsed)) return std::move(*r);
  const auto reason = std::get<std::optional<std::string>>(parsed);
  return call.db.InTransaction([&](pg::Tx& tx) -> Response {
    const auto not_found = [] { return NotFound("VERSION_NOT_FOUND", "该档案版本不存在或不在本组织管理范围内"); };
    const auto first = tx.Run("api_version_get", *id);
    if (first.empty()) return not_found();
    const auto m = LoadMember(tx, first.Int(0, 1), true);  // decisions on one member queue here
    if (!m || !CanRead(call.caller, m->place)) return not_found();
    if (!CanDecide(call.caller, m->place)) return Forbidden();
    const auto v = tx.Run("api_version_get", *id);
    if (v.Text(0, 6) != "branch") return Error(409, "NO_APPROVAL_NEEDED", "上级组织上传的档案无需审批");
    if (!v.IsNull(0, 8)) return Error(409, "ALREADY_DECIDED", "该档案已被审批，请刷新后查看");
    if (m->current_version_id != *id || m->status != "PENDING") {
      return Error(409, "VERSION_SUPERSEDED", "该档案版本已被替换或状态已变化，请刷新后查看");
    }
    if (v.IsNull(0, 7)) return Error(409, "PREREVIEW_RUNNING", "档案预审尚未完成，请稍后再审批");
    const bool approve = d == Decision::kApprove;
    const auto decided =
        tx.Run("api_version_decide", *id, approve ? "APPROVED" : "REJECTED", call.caller.user_id, reason);
    if (decided.empty()) return Error(409, "ALREADY_DECIDED", "该档案已被审批，请刷新后查看");
    const std::string to = approve ? "AUTHENTICATED" : "REJECTED";
    tx.Run("api_member_set_status", m->place.member_id, to, std::nullopt);
    Audit(tx, call, approve ? "archive.approve" : "archive.reject", "archive_version", std::to_string(*id),
          m->place.member_id, m->status, to, reason);
    return Json(200, {{"version_id", *id},
                      {"member_id", m->place.member_id},
                      {"decision", approve ? "APPROVED" : "REJECTED"},
                      {"archive_status", to},
                      {"archive_status_text", StatusText(to)}});
  });
}

Response DecideChange(const Call& call, Decision d) {
  const auto id = IdParam(call, "id");
  if (!id) return BadParameter("id", "必须是正整数");
  auto parsed = DecisionReason(call, d);
  if (auto* r = std::get_if<Response>(&parsed)) return std::move(*r);
  const auto reason = std::get<std::optional<std::string>>(parsed);
  return call.db.InTransaction([&](pg::Tx& tx) -> Response {
    const auto not_found = [] {
      return NotFound("CHANGE_REQUEST_NOT_FOUND", "该变更申请不存在或不在本组织管理范围内");
    };
    const auto c = tx.Run("api_change_request_get", *id);
    if (c.empty()) return not_found();
    const auto m = LoadMember(tx, c.Int(0, 1), true);
    if (!m || !CanRead(call.caller, m->place)) return not_found();
    if (!CanDecide(call.caller, m->place)) return Forbidden();
    const bool approve = d == Decision::kApprove;
    const auto decided =
        tx.Run("api_change_request_decide", *id, approve ? "APPROVED" : "REJECTED", call.caller.user_id, reason);
    if (decided.empty()) return Error(409, "ALREADY_DECIDED", "该变更申请已被处理，请刷新后查看");
    Audit(tx, call, approve ? "change_request.approve" : "change_request.reject", "change_request", std::to_string(*id),
          m->place.member_id, "PENDING", approve ? "APPROVED" : "REJECTED", reason);
    return Json(200, {{"id", *id}, {"member_id", m->place.member_id}, {"status", approve ? "APPROVED" : "REJECTED"}});
  });
}

std::optional<std::string> StatusFilter(const Call& call, const std::vector<std::string>& allowed) {
  const auto s = QueryParam(call, "status").value_or("PENDING");
  for (const auto& a : allowed) {
    if (a == s) return s;
  }
  return std::nullopt;
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

}  // namespace

void Api::AddApprovalRoutes() {
  router_.Add({.method = "GET",
               .pattern = "/v1/approvals",
               .operation = "listApprovals",
               .handler = [this](Call& call) -> Response {
                 if (call.caller.role != Role::kCommitteeAdmin) return Forbidden();
                 const auto type = QueryParam(call, "type").value_or("archive");
                 if (type != "archive" && type != "change_request") {
                   return BadParameter("type", "只能是 archive 或 change_request");
                 }
                 const auto status = StatusFilter(call, {"PENDING", "APPROVED", "REJECTED", "ALL"});
                 if (!status) return BadParameter("status", "只能是 PENDING、APPROVED、REJECTED 或 ALL");
                 return call.db.InTransaction([&](pg::Tx& tx) -> Response {
                   nlohmann::json items = nlohmann::json::array();
                   if (type == "archive") {
                     const auto r = tx.Run("api_approval_queue", *call.caller.org_id, *status, config_.list_limit);
                     for (std::size_t i = 0; i < r.size(); ++i) {
                       auto item = QueueItem(r, i, "archive", "version_id");
                       item["version_no"] = r.Int(i, 6);
                       item["uploaded_at"] = r.Text(i, 7);
                       item["verdict"] = NullableText(r, i, 8);
                       item["decision"] = NullableText(r, i, 9);
                       item["decided_at"] = NullableText(r, i, 10);
                       item["decision_reason"] = NullableText(r, i, 11);
                       items.push_back(std::move(item));
                     }
                   } else {
                     const auto r =
                         tx.Run("api_change_request_queue", *call.caller.org_id, *status, config_.list_limit);
                     for (std::size_t i = 0; i < r.size(); ++i) {
                       auto item = QueueItem(r, i, "change_request", "id");
                       item["status"] = r.Text(i, 6);
                       item["reason"] = r.Text(i, 7);
                       item["created_at"] = r.Text(i, 8);
                       item["decided_at"] = NullableText(r, i, 9);
                       item["decision_reason"] = NullableText(r, i, 10);
                       items.push_back(std::move(item));
                     }
                   }
                   return Json(200, {{"items", items}});
                 });
               }});
  router_.Add(
      {.method = "GET",
       .pattern = "/v1/approvals/overview",
       .operation = "approvalOverview",
       .handler = [this](Call& call) -> Response {
         if (call.caller.role != Role::kCommitteeAdmin) return Forbidden();
         return call.db.InTransaction([&](pg::Tx& tx) -> Response {
           const auto r = tx.Run("api_approval_overview", *call.caller.org_id, config_.list_limit);
           nlohmann::json items = nlohmann::json::array();
           for (std::size_t i = 0; i < r.size(); ++i) {
             items.push_back(
                 {{"org",
                   {{"id", r.Int(i, 0)}, {"code", r.Text(i, 1)}, {"name", r.Text(i, 2)}, {"kind", r.Text(i, 3)}}},
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
               .handler = [](Call& call) { return DecideArchive(call, Decision::kApprove); }});
  router_.Add({.method = "POST",
               .pattern = "/v1/approvals/{id}/reject",
               .operation = "rejectArchive",
               .body = BodyKind::kJson,
               .handler = [](Call& call) { return DecideArchive(call, Decision::kReject); }});

  router_.Add({.method = "POST",
               .pattern = "/v1/members/{id}/change-requests",
               .operation = "requestChange",
               .body = BodyKind::kJson,
               .handler = [](Call& call) -> Response {
                 bool bad = false;
                 const auto reason = TextField(call, "reason", bad);
                 if (bad || !reason) return Error(400, "REASON_REQUIRED", "申请变更档案时必须填写原因");
                 return call.db.InTransaction([&](pg::Tx& tx) -> Response {
                   auto found = ReadableMember(tx, call, true);
                   if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
                   const auto& m = std::get<MemberRow>(found);
                   if (!CanManage(call.caller, m.place)) return Forbidden();
                   if (m.status != "AUTHENTICATED") {
                     return Error(409, "NOT_AUTHENTICATED", "只有已认证的档案需要通过变更申请修改");
                   }
                   if (!tx.Run("api_change_request_open", m.place.member_id).empty()) {
                     return Error(409, "CHANGE_REQUEST_OPEN", "该团员已有未完成的变更申请");
                   }
                   const auto c = tx.Run("api_change_request_insert", m.place.member_id, call.caller.user_id, *reason);
                   Audit(tx, call, "change_request.create", "change_request", c.Text(0, 0), m.place.member_id,
                         std::nullopt, "PENDING", reason);
                   return Json(201, {{"id", c.Int(0, 0)}, {"member_id", m.place.member_id}, {"status", "PENDING"}});
                 });
               }});
  router_.Add({.method = "POST",
               .pattern = "/v1/change-requests/{id}/approve",
               .operation = "approveChangeRequest",
               .handler = [](Call& call) { return DecideChange(call, Decision::kApprove); }});
  router_.Add({.method = "POST",
               .pattern = "/v1/change-requests/{id}/reject",
               .operation = "rejectChangeRequest",
               .body = BodyKind::kJson,
               .handler = [](Call& call) { return DecideChange(call, Decision::kReject); }});
}

}  // namespace archive::api
