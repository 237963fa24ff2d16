#include <variant>

#include <fmt/format.h>

#include "api/app.hpp"
#include "common/reminder/reminder.hpp"

// Organizations (R12): create one, create many branches under a parent, list a subtree.
namespace archive::api {
namespace {

nlohmann::json OrgJson(const pg::Result& r, std::size_t i) {
  return {{"id", r.Int(i, 0)},
          {"code", r.Text(i, 1)},
          {"name", r.Text(i, 2)},
          {"kind", r.Text(i, 3)},
          {"parent_id", r.IsNull(i, 4) ? nlohmann::json() : nlohmann::json(r.Int(i, 4))},
          {"path", r.Text(i, 5)}};
}

Response OrgNotFound() {
  return NotFound("ORG_NOT_FOUND", "组织不存在或不在本组织管理范围内");
}

bool KnownKind(std::string_view kind) {
  return kind == "committee" || kind == "working_committee" || kind == "general_branch" || kind == "branch";
}

struct NewOrg {
  std::string code;
  std::string name;
  std::string kind;
};

// Checks one organization of a request body; the field names are prefixed with where for the message.
std::optional<Response> CheckNewOrg(const nlohmann::json& o, const std::string& where, NewOrg& out) {
  for (const auto* key : {"code", "name"}) {
    const auto it = o.find(key);
    if (it == o.end() || !it->is_string() || it->get<std::string>().empty() || it->get<std::string>().size() > 200) {
      return BadParameter(where + key, "必须是非空字符串（不超过 200 字节）");
    }
  }
  out.code = o["code"].get<std::string>();
  out.name = o["name"].get<std::string>();
  out.kind = o.contains("kind") && o["kind"].is_string() ? o["kind"].get<std::string>() : "branch";
  if (!KnownKind(out.kind)) {
    return BadParameter(where + "kind", "只能是 committee、working_committee、general_branch 或 branch");
  }
  return std::nullopt;
}

// The parent organization for a create, when the caller may create under it; else the response to give.
std::variant<pg::Result, Response> ParentFor(pg::Tx& tx, const Call& call, std::int64_t parent_id) {
  if (!call.caller.IsAdmin()) return Forbidden();
  auto p = tx.Run("api_org_get", parent_id);
  if (p.empty() || !call.caller.Covers(p.Text(0, 5))) return OrgNotFound();
  if (p.Text(0, 3) == "branch") return Error(409, "PARENT_IS_BRANCH", "团支部下不能再设立下级组织");
  return p;
}

}  // namespace

void Api::AddOrganizationRoutes() {
  router_.Add({.method = "POST",
               .pattern = "/v1/organizations",
               .operation = "createOrganization",
               .body = BodyKind::kJson,
               .handler = [](Call& call) -> Response {
                 NewOrg o;
                 if (auto bad = CheckNewOrg(call.body, "", o)) return std::move(*bad);
                 const auto parent = call.body.find("parent_id");
                 if (parent == call.body.end() || !parent->is_number_integer()) {
                   return BadParameter("parent_id", "必须是上级组织编号（整数）");
                 }
                 return call.db.InTransaction([&](pg::Tx& tx) -> Response {
                   auto p = ParentFor(tx, call, parent->get<std::int64_t>());
                   if (auto* r = std::get_if<Response>(&p)) return std::move(*r);
                   if (!tx.Run("org_by_code", o.code).empty()) {
                     return Error(409, "DUPLICATE_ORG_CODE", fmt::format("组织代码 {} 已存在", o.code));
                   }
                   const auto r = tx.Run("org_add", o.code, o.name, o.kind, parent->get<std::int64_t>());
                   Audit(tx, call, "org.create", "organization", r.Text(0, 0), std::nullopt);
                   return Json(201, OrgJson(tx.Run("api_org_get", r.Int(0, 0)), 0));
                 });
               }});

  router_.Add({.method = "POST",
               .pattern = "/v1/organizations/{id}/branches",
               .operation = "createBranches",
               .body = BodyKind::kJson,
               .handler = [this](Call& call) -> Response {
                 const auto id = IdParam(call, "id");
                 if (!id) return BadParameter("id", "必须是正整数");
                 const auto list = call.body.find("branches");
                 if (list == call.body.end() || !list->is_array() || list->empty() ||
                     list->size() > static_cast<std::size_t>(config_.list_limit) * 10) {
                   return BadParameter("branches", fmt::format("必须是 1 到 {} 个组织的数组", config_.list_limit * 10));
                 }
                 std::vector<NewOrg> orgs;
                 for (std::size_t i = 0; i < list->size(); ++i) {
                   NewOrg o;
                   if (!(*list)[i].is_object()) return BadParameter(fmt::format("branches[{}]", i), "必须是对象");
                   if (auto bad = CheckNewOrg((*list)[i], fmt::format("branches[{}].", i), o)) return std::move(*bad);
                   orgs.push_back(std::move(o));
                 }
                 return call.db.InTransaction([&](pg::Tx& tx) -> Response {
                   auto p = ParentFor(tx, call, *id);
                   if (auto* r = std::get_if<Response>(&p)) return std::move(*r);
                   // All or nothing: one taken code refuses the whole list, naming every taken code.
                   nlohmann::json taken = nlohmann::json::array();
                   for (const auto& o : orgs) {
                     if (!tx.Run("org_by_code", o.code).empty()) taken.push_back(o.code);
                   }
                   if (!taken.empty()) {
                     auto r =
                         Json(409, {{"code", "DUPLICATE_ORG_CODE"},
                                    {"message", fmt::format("有 {} 个组织代码已存在，未创建任何组织", taken.size())},
                                    {"codes", taken}});
                     return r;
                   }
                   nlohmann::json created = nlohmann::json::array();
                   for (const auto& o : orgs) {
                     const auto r = tx.Run("org_add", o.code, o.name, o.kind, *id);
                     created.push_back({{"id", r.Int(0, 0)}, {"code", o.code}, {"path", r.Text(0, 1)}});
                   }
                   Audit(tx, call, "org.create_bulk", "organization", std::to_string(*id), std::nullopt, std::nullopt,
                         std::nullopt, std::nullopt, {{"created", created.size()}});
                   return Json(201, {{"parent_id", *id}, {"created", created}});
                 });
               }});

  router_.Add({.method = "GET",
               .pattern = "/v1/organizations/{id}/subtree",
               .operation = "listSubtree",
               .handler = [this](Call& call) -> Response {
                 const auto id = IdParam(call, "id");
                 if (!id) return BadParameter("id", "必须是正整数");
                 int depth = 1;
                 if (const auto d = QueryParam(call, "depth")) {
                   if (d->size() != 1 || (*d)[0] < '0' || (*d)[0] > '6') return BadParameter("depth", "必须是 0 到 6");
                   depth = (*d)[0] - '0';
                 }
                 if (!call.caller.IsAdmin()) return Forbidden();
                 return call.db.InTransaction([&](pg::Tx& tx) -> Response {
                   const auto root = tx.Run("api_org_get", *id);
                   if (root.empty() || !call.caller.Covers(root.Text(0, 5))) return OrgNotFound();
                   const auto r = tx.Run("api_org_subtree", root.Text(0, 5), depth, config_.list_limit);
                   nlohmann::json items = nlohmann::json::array();
                   for (std::size_t i = 0; i < r.size(); ++i) items.push_back(OrgJson(r, i));
                   return Json(200, {{"items", items},
                                     {"truncated", r.size() == static_cast<std::size_t>(config_.list_limit)}});
                 });
               }});
  router_.Add({.method = "GET",
               .pattern = "/v1/organizations/{id}/reminders",
               .operation = "getReminders",
               .handler = [](Call& call) -> Response {
                 const auto id = IdParam(call, "id");
                 if (!id) return BadParameter("id", "必须是正整数");
                 if (!call.caller.IsAdmin()) return Forbidden();
                 return call.db.InTransaction([&](pg::Tx& tx) -> Response {
                   const auto org = tx.Run("api_org_get", *id);
                   if (org.empty() || !call.caller.Covers(org.Text(0, 5))) return OrgNotFound();
                   const reminder::Banners banners = reminder::ReadBanners(tx, *id);
                   nlohmann::json items = nlohmann::json::array();
                   for (const auto& b : banners.Messages()) {
                     items.push_back({{"code", b.code}, {"message", b.text}, {"count", b.count}});
                   }
                   return Json(200, {{"org_id", *id},
                                     {"not_uploaded", banners.not_uploaded},
                                     {"unauthenticated", banners.unauthenticated},
                                     {"banners", items}});
                 });
               }});
}

}  // namespace archive::api
