#include <fmt/format.h>

#include "api/app.hpp"
#include "api/members.hpp"
#include "common/base/text.hpp"
#include "common/xlsx/workbook.hpp"

// The member database of an organization's subtree (团员库), as admins expect one: the members filtered by archive
// status and overdue, paged, and the same list and the statistics per subordinate organization as .xlsx. Every
// answer is a read of personal data and is audited; ID numbers are masked (first 6 + last 4).
namespace archive::api {
namespace {

constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

struct MemberFilter {
  std::string org_path;
  std::optional<std::vector<std::string>> statuses;  // none: any
  bool overdue = false;
};

// The organization {id} inside the caller's subtree and the filters of the query, or the response to send.
std::variant<MemberFilter, Response> ReadFilter(pg::Tx& tx, const Call& call) {
  if (!call.caller.IsAdmin()) return Forbidden();
  const auto id = IdParam(call, "id");
  if (!id) return BadParameter("id", "必须是正整数");
  MemberFilter f;
  if (const auto text = QueryParam(call, "status")) {
    f.statuses.emplace();
    std::string_view rest = *text;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto name = rest.substr(0, comma);
      if (!lifecycle::ParseStatus(name)) {
        return BadParameter("status", "只能是 NOT_UPLOADED、PENDING、AUTHENTICATED、REJECTED、EXEMPT，多个用逗号分隔");
      }
      f.statuses->emplace_back(name);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  const auto overdue = QueryParam(call, "overdue").value_or("false");
  if (overdue != "true" && overdue != "false") return BadParameter("overdue", "只能是 true 或 false");
  f.overdue = overdue == "true";
  const auto org = tx.Run("api_org_get", *id);
  if (org.empty() || !call.caller.Covers(org.Text(0, 5))) {
    return NotFound("ORG_NOT_FOUND", "组织不存在或不在本组织管理范围内");
  }
  f.org_path = org.Text(0, 5);
  return f;
}

pg::Result ReadMembers(pg::Tx& tx, const MemberFilter& f, const std::string& today, std::optional<std::int64_t> after,
                       int limit) {
  const pg::Value statuses = f.statuses ? pg::ToValue(*f.statuses) : pg::Value();
  return tx.Run("api_org_members", f.org_path, statuses, f.overdue, today, after, limit);
}

nlohmann::json Nullable(const pg::Result& r, std::size_t row, std::size_t col) {
  return r.IsNull(row, col) ? nlohmann::json() : nlohmann::json(r.Text(row, col));
}

Response Xlsx(std::string bytes, const std::string& filename) {
  Response out;
  out.content_type = kXlsxType;
  out.body = std::move(bytes);
  out.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"", filename));
  return out;
}

}  // namespace

Response Api::ListOrgMembers(Call& call) {
  std::optional<std::int64_t> cursor;
  if (const auto text = QueryParam(call, "cursor")) {
    cursor = ParseId(*text);
    if (!cursor) return BadParameter("cursor", "请使用上一页返回的 next_cursor");
  }
  return call.db.InTransaction([&](pg::Tx& tx) -> Response {
    auto parsed = ReadFilter(tx, call);
    if (auto* r = std::get_if<Response>(&parsed)) return std::move(*r);
    const auto& f = std::get<MemberFilter>(parsed);
    const auto today = member::FormatDate(config_.policy.Today(clock_));
    const auto r = ReadMembers(tx, f, today, cursor, config_.list_limit);
    nlohmann::json items = nlohmann::json::array();
    for (std::size_t i = 0; i < r.size(); ++i) {
      items.push_back({{"id", r.Int(i, 0)},
                       {"name", r.Text(i, 1)},
                       {"id_card_masked", MaskIdCard(r.Text(i, 2))},
                       {"gender", Nullable(r, i, 3)},
                       {"joined_on", r.Text(i, 4)},
                       {"dev_number", Nullable(r, i, 5)},
                       {"org", {{"id", r.Int(i, 6)}, {"name", r.Text(i, 7)}}},
                       {"archive_status", r.Text(i, 8)},
                       {"archive_status_text", StatusTextOf(r.Text(i, 8))},
                       {"upload_deadline", Nullable(r, i, 9)},
                       {"overdue", r.Bool(i, 10)}});
    }
    Audit(tx, call, "member.list", "organization", std::string(call.request.params.at("id")), std::nullopt,
          std::nullopt, std::nullopt, std::nullopt, {{"results", r.size()}});
    nlohmann::json next;
    if (static_cast<int>(r.size()) == config_.list_limit) next = std::to_string(r.Int(r.size() - 1, 0));
    return Json(200, {{"items", items}, {"next_cursor", next}});
  });
}

Response Api::ExportOrgMembers(Call& call) {
  return call.db.InTransaction([&](pg::Tx& tx) -> Response {
    auto parsed = ReadFilter(tx, call);
    if (auto* r = std::get_if<Response>(&parsed)) return std::move(*r);
    const auto& f = std::get<MemberFilter>(parsed);
    const auto today = member::FormatDate(config_.policy.Today(clock_));
    xlsx::Workbook book({.constant_memory = true});
    const auto header = book.AddFormat({.bold = true, .fill = 0xD9E1F2});
    const auto text = book.AddFormat({.text = true});
    auto sheet = book.AddSheet("团员名单");
    sheet.SetColumns(0, 9, 16, text);
    sheet.WriteRow(0,
                   {"姓名", "身份证号码", "性别", "入团时间", "发展团员编号", "所在组织", "档案状态", "上传截止日期",
                    "是否逾期", "团员编号"},
                   header);
    sheet.FreezeRows(1);
    int rows = 0;
    std::optional<std::int64_t> after;
    constexpr int kPage = 5000;
    while (rows < config_.export_max_rows) {
      const auto r = ReadMembers(tx, f, today, after, std::min(kPage, config_.export_max_rows - rows));
      for (std::size_t i = 0; i < r.size(); ++i) {
        sheet.WriteRow(++rows, {r.Text(i, 1), MaskIdCard(r.Text(i, 2)), r.At(i, 3).value_or(""), r.Text(i, 4),
                                r.At(i, 5).value_or(""), r.Text(i, 7), StatusTextOf(r.Text(i, 8)),
                                r.At(i, 9).value_or(""), r.Bool(i, 10) ? "是" : "否", r.Text(i, 0)});
      }
      if (r.size() < static_cast<std::size_t>(kPage)) break;
      after = r.Int(r.size() - 1, 0);
    }
    Audit(tx, call, "member.export", "organization", std::string(call.request.params.at("id")), std::nullopt,
          std::nullopt, std::nullopt, std::nullopt, {{"rows", rows}, {"limit", config_.export_max_rows}});
    return Xlsx(book.Close(), "members.xlsx");
  });
}

Response Api::OrgArchiveStatistics(Call& call, bool as_xlsx) {
  if (!call.caller.IsAdmin()) return Forbidden();
  const auto id = IdParam(call, "id");
  if (!id) return BadParameter("id", "必须是正整数");
  return call.db.InTransaction([&](pg::Tx& tx) -> Response {
    const auto org = tx.Run("api_org_get", *id);
    if (org.empty() || !call.caller.Covers(org.Text(0, 5))) {
      return NotFound("ORG_NOT_FOUND", "组织不存在或不在本组织管理范围内");
    }
    const auto r = tx.Run("api_org_archive_statistics", *id, member::FormatDate(config_.policy.Today(clock_)));
    const char* const columns[] = {"total",    "not_uploaded", "pending", "authenticated",
                                   "rejected", "exempt",       "overdue"};
    if (!as_xlsx) {
      nlohmann::json items = nlohmann::json::array();
      for (std::size_t i = 0; i < r.size(); ++i) {
        nlohmann::json item{
            {"org", {{"id", r.Int(i, 0)}, {"code", r.Text(i, 1)}, {"name", r.Text(i, 2)}, {"kind", r.Text(i, 3)}}},
            {"own_members_only", r.Bool(i, 4)}};
        for (std::size_t c = 0; c < std::size(columns); ++c) item[columns[c]] = r.Int(i, 5 + c);
        items.push_back(std::move(item));
      }
      return Json(200, {{"org_id", *id}, {"items", items}});
    }
    xlsx::Workbook book;
    const auto header = book.AddFormat({.bold = true, .fill = 0xD9E1F2});
    auto sheet = book.AddSheet("电子档案统计");
    sheet.SetColumns(0, 0, 28);
    sheet.SetColumns(1, 7, 12);
    sheet.WriteRow(0, {"组织", "团员总数", "档案未上传", "尚未认证", "已认证", "认证不通过", "无需上传", "已逾期"},
                   header);
    sheet.FreezeRows(1);
    for (std::size_t i = 0; i < r.size(); ++i) {
      std::vector<std::string> cells{r.Bool(i, 4) ? r.Text(i, 2) + "（本级）" : r.Text(i, 2)};
      for (std::size_t c = 0; c < std::size(columns); ++c) cells.push_back(r.Text(i, 5 + c));
      sheet.WriteRow(static_cast<int>(i) + 1, cells);
    }
    return Xlsx(book.Close(), "archive-statistics.xlsx");
  });
}

void Api::AddMemberListRoutes() {
  router_.Add({.method = "GET",
               .pattern = "/v1/organizations/{id}/members",
               .operation = "listOrganizationMembers",
               .handler = [this](Call& call) { return ListOrgMembers(call); }});
  router_.Add({.method = "GET",
               .pattern = "/v1/organizations/{id}/members/export",
               .operation = "exportOrganizationMembers",
               .handler = [this](Call& call) { return ExportOrgMembers(call); }});
  router_.Add({.method = "GET",
               .pattern = "/v1/organizations/{id}/archive-statistics",
               .operation = "organizationArchiveStatistics",
               .handler = [this](Call& call) { return OrgArchiveStatistics(call, false); }});
  router_.Add({.method = "GET",
               .pattern = "/v1/organizations/{id}/archive-statistics/export",
               .operation = "exportOrganizationArchiveStatistics",
               .handler = [this](Call& call) { return OrgArchiveStatistics(call, true); }});
}

}  // namespace archive::api
