#include <charconv>

#include <fmt/format.h>

#include "api/app.hpp"
#include "api/members.hpp"

// The 操作中心 feed (GET /v1/notifications): what the caller's organization is told of its members' archives, written
// by the transitions of common/lifecycle/life.hpp and by the reminder worker's daily digests. Reading the feed is a
// read of personal data (names) and is audited.
namespace archive::api {

void Api::AddNotificationRoutes() {
  router_.Add({.method = "GET",
               .pattern = "/v1/notifications",
               .operation = "listNotifications",
               .handler = [this](Call& call) -> Response {
                 if (!call.caller.IsAdmin()) return Forbidden();
                 const auto unread = QueryParam(call, "unread").value_or("false");
                 if (unread != "true" && unread != "false") return BadParameter("unread", "只能是 true 或 false");
                 std::optional<std::int64_t> cursor;
                 if (const auto text = QueryParam(call, "cursor")) {
                   cursor = ParseId(*text);
                   if (!cursor) return BadParameter("cursor", "请使用上一页返回的 next_cursor");
                 }
                 return call.db.InTransaction([&](pg::Tx& tx) -> Response {
                   const auto r =
                       tx.Run("notification_list", *call.caller.org_id, unread == "true", cursor, config_.list_limit);
                   nlohmann::json items = nlohmann::json::array();
                   for (std::size_t i = 0; i < r.size(); ++i) {
                     items.push_back({{"id", r.Int(i, 0)},
                                      {"kind", r.Text(i, 1)},
                                      {"member_id", r.IsNull(i, 2) ? nlohmann::json() : nlohmann::json(r.Int(i, 2))},
                                      {"version_id", r.IsNull(i, 3) ? nlohmann::json() : nlohmann::json(r.Int(i, 3))},
                                      {"title", r.Text(i, 4)},
                                      {"text", r.Text(i, 5)},
                                      {"detail", nlohmann::json::parse(r.Text(i, 6))},
                                      {"created_at", r.Text(i, 7)},
                                      {"read_at", r.IsNull(i, 8) ? nlohmann::json() : nlohmann::json(r.Text(i, 8))}});
                   }
                   const auto count = tx.Run("notification_unread", *call.caller.org_id).Int(0, 0);
                   Audit(tx, call, "notification.list", "organization", std::to_string(*call.caller.org_id),
                         std::nullopt, std::nullopt, std::nullopt, std::nullopt, {{"items", r.size()}});
                   nlohmann::json next;
                   if (static_cast<int>(r.size()) == config_.list_limit) next = std::to_string(r.Int(r.size() - 1, 0));
                   return Json(200, {{"items", items}, {"unread", count}, {"next_cursor", next}});
                 });
               }});
  router_.Add({.method = "POST",
               .pattern = "/v1/notifications/read",
               .operation = "markNotificationsRead",
               .body = BodyKind::kJson,
               .handler = [](Call& call) -> Response {
                 if (!call.caller.IsAdmin()) return Forbidden();
                 const auto all = call.body.find("all");
                 const bool every = all != call.body.end() && all->is_boolean() && all->get<bool>();
                 std::vector<std::int64_t> ids;
                 if (const auto list = call.body.find("ids"); list != call.body.end()) {
                   if (!list->is_array()) return BadParameter("ids", "必须是通知编号数组");
                   for (const auto& id : *list) {
                     if (!id.is_number_integer() || id.get<std::int64_t>() < 1) {
                       return BadParameter("ids", "必须是正整数");
                     }
                     ids.push_back(id.get<std::int64_t>());
                   }
                 }
                 if (!every && ids.empty()) return BadParameter("ids", "请提供 ids，或 \"all\": true");
                 return call.db.InTransaction([&](pg::Tx& tx) -> Response {
                   const auto r =
                       tx.Run("notification_mark_read", *call.caller.org_id, call.caller.user_id, ids, every);
                   return Json(200, {{"marked", r.size()}});
                 });
               }});
}

}  // namespace archive::api
