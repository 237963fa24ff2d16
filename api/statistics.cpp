#include <fmt/format.h>

#include "api/app.hpp"
#include "api/members.hpp"
#include "common/member/date.hpp"

// R8 statistics of an organization subtree, read from the rollup (0004_org_rollup.sql).
namespace archive::api {
namespace {

// "2024-05" -> "2024-05-01"; nullopt when malformed.
std::optional<std::string> MonthStart(const std::string& text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  const auto d = member::ParseIsoDate(text + "-01");
  if (!d) return std::nullopt;
  return member::FormatDate(*d);
}

}  // namespace

void Api::AddStatisticsRoutes() {
  router_.Add({.method = "GET",
               .pattern = "/v1/statistics",
               .operation = "getStatistics",
               .handler = [this](Call& call) -> Response {
                 if (!call.caller.IsAdmin()) return Forbidden();
                 const auto today = member::FormatDate(config_.policy.Today(clock_));
                 const auto from = MonthStart(QueryParam(call, "from").value_or(today.substr(0, 4) + "-01"));
                 if (!from) return BadParameter("from", "必须是年月，例如 2024-01");
                 const auto to = MonthStart(QueryParam(call, "to").value_or(today.substr(0, 7)));
                 if (!to) return BadParameter("to", "必须是年月，例如 2024-12");
                 if (*to < *from) return BadParameter("to", "不能早于 from");
                 std::int64_t org_id = *call.caller.org_id;
                 if (const auto o = QueryParam(call, "org_id")) {
                   call.request.params["org_id"] = *o;
                   const auto parsed = IdParam(call, "org_id");
                   if (!parsed) return BadParameter("org_id", "必须是正整数");
                   org_id = *parsed;
                 }
                 return call.db.InTransaction([&](pg::Tx& tx) -> Response {
                   const auto org = tx.Run("api_org_get", org_id);
                   if (org.empty() || !call.caller.Covers(org.Text(0, 5))) {
                     return NotFound("ORG_NOT_FOUND", "组织不存在或不在本组织管理范围内");
                   }
                   std::map<std::string, std::int64_t> status;
                   std::int64_t new_members = 0;
                   std::int64_t overdue = 0;
                   const auto r = tx.Run("api_statistics", org_id);
                   for (std::size_t i = 0; i < r.size(); ++i) {
                     const auto& metric = r.Text(i, 0);
                     const auto& bucket = r.Text(i, 1);
                     const auto n = r.Int(i, 2);
                     if (metric.rfind("status:", 0) == 0) {
                       status[metric.substr(7)] += n;
                     } else if (metric == "new_authenticated" && bucket >= *from && bucket <= *to) {
                       new_members += n;
                     } else if (metric == "waiting_deadline" && bucket < today) {
                       overdue += n;
                     }
                   }
                   return Json(200, {{"org", {{"id", org_id}, {"name", org.Text(0, 2)}}},
                                     {"period", {{"from", from->substr(0, 7)}, {"to", to->substr(0, 7)}}},
                                     {"new_members_authenticated", new_members},
                                     {"authenticated", status["AUTHENTICATED"]},
                                     {"pending", status["PENDING"]},
                                     {"rejected", status["REJECTED"]},
                                     {"not_uploaded", status["NOT_UPLOADED"]},
                                     {"overdue", overdue},
                                     {"exempt", status["EXEMPT"]}});
                 });
               }});
}

}  // namespace archive::api
