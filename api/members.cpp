#include "api/members.hpp"

#include <chrono>
#include <map>

#include <fmt/format.h>

#include "api/app.hpp"
#include "common/base/text.hpp"
#include "common/member/row.hpp"

namespace archive::api {

std::optional<MemberRow> LoadMember(pg::Tx& tx, std::int64_t id, bool lock) {
  const auto r = tx.Run(lock ? "api_member_lock" : "api_member_get", id);
  if (r.empty()) return std::nullopt;
  MemberRow m;
  m.place.member_id = r.Int(0, 0);
  m.place.org_id = r.Int(0, 1);
  if (!r.IsNull(0, 2)) m.place.parent_org_id = r.Int(0, 2);
  m.place.org_path = r.Text(0, 3);
  m.name = r.Text(0, 4);
  m.id_card = r.Text(0, 5);
  m.gender = r.At(0, 6);
  m.joined_on = r.Text(0, 7);
  m.dev_number = r.At(0, 8);
  m.status = r.Text(0, 9);
  m.deadline = r.At(0, 10);
  if (!r.IsNull(0, 11)) m.current_version_id = r.Int(0, 11);
  m.org_name = r.Text(0, 12);
  m.status_changed_at = r.Text(0, 13);
  return m;
}

std::string StatusText(std::string_view status) {
  if (status == "NOT_UPLOADED") return "档案未上传";
  if (status == "PENDING") return "尚未认证";
  if (status == "AUTHENTICATED") return "团员身份已认证";
  if (status == "REJECTED") return "认证不通过";
  if (status == "EXEMPT") return "无需上传电子档案";
  return std::string(status);
}

member::Date Today(const Clock& clock) {
  return member::Date{std::chrono::floor<std::chrono::days>(clock.Now() + std::chrono::hours(8))};
}

Response MemberNotFound() {
  return NotFound("MEMBER_NOT_FOUND", "团员不存在或不在本组织管理范围内");
}

std::variant<MemberRow, Response> ReadableMember(pg::Tx& tx, const Call& call, bool lock) {
  const auto id = IdParam(call, "id");
  if (!id) return BadParameter("id", "必须是正整数");
  auto m = LoadMember(tx, *id, lock);
  if (!m || !CanRead(call.caller, m->place)) return MemberNotFound();
  return std::move(*m);
}

nlohmann::json MemberJson(const MemberRow& m) {
  return {{"id", m.place.member_id},
          {"name", m.name},
          {"id_card_masked", MaskIdCard(m.id_card)},
          {"gender", m.gender ? nlohmann::json(*m.gender) : nlohmann::json()},
          {"joined_on", m.joined_on},
          {"dev_number", m.dev_number ? nlohmann::json(*m.dev_number) : nlohmann::json()},
          {"org", {{"id", m.place.org_id}, {"name", m.org_name}}},
          {"archive_status", m.status},
          {"archive_status_text", StatusText(m.status)},
          {"upload_deadline", m.deadline ? nlohmann::json(*m.deadline) : nlohmann::json()}};
}

void Api::AddMemberRoutes() {
  router_.Add(
      {.method = "POST",
       .pattern = "/v1/members",
       .operation = "createMember",
       .body = BodyKind::kJson,
       .handler = [this](Call& call) -> Response {
         bool bad = false;
         std::map<std::string, member::CellValue> cells;
         for (const auto& column : layout_.columns()) {
           if (auto text = TextField(call, column.key, bad)) cells[column.key] = member::CellValue::Text(*text);
           if (bad) return BadParameter(column.key, "必须是字符串");
         }
         const auto org_field = call.body.find("org_id");
         if (org_field == call.body.end() || !org_field->is_number_integer()) {
           return BadParameter("org_id", "必须是组织编号（整数）");
         }
         const std::int64_t org_id = org_field->get<std::int64_t>();
         const auto row = member::ValidateRow(layout_, cells, config_.validation, Today(clock_), false);
         if (!row.ok()) {
           nlohmann::json errors = nlohmann::json::array();
           for (const auto& f : row.failures) {
             errors.push_back({{"code", f.code}, {"field", f.column_key}, {"message", f.message}});
           }
           auto r = Json(400, {{"code", "INVALID_MEMBER"},
                               {"message", fmt::format("团员信息有 {} 处错误", row.failures.size())},
                               {"errors", errors}});
           return r;
         }
         const auto& mb = row.member;
         return call.db.InTransaction([&](pg::Tx& tx) -> Response {
           const auto org = tx.Run("api_org_get", org_id);
           if (org.empty() || !call.caller.Covers(org.Text(0, 5))) {
             return NotFound("ORG_NOT_FOUND", "组织不存在或不在本组织管理范围内");
           }
           MemberPlace place{0, org_id, org.At(0, 4) ? std::optional(org.Int(0, 4)) : std::nullopt, org.Text(0, 5)};
           if (!CanManage(call.caller, place)) return Forbidden();
           const auto taken = tx.Run("api_member_conflicts", mb.id_card, mb.dev_number);
           if (taken.Bool(0, 0)) return Error(409, "DUPLICATE_ID_CARD", "该身份证号码的团员已存在");
           if (taken.Bool(0, 1)) return Error(409, "DUPLICATE_DEV_NUMBER", "该发展团员编号已被使用");
           const bool needs = mb.needs_e_archive;
           std::optional<std::string> deadline;
           if (needs) {
             deadline = member::FormatDate(
                 member::Date{std::chrono::sys_days(*mb.joined_on) + std::chrono::days(config_.upload_window_days)});
           }
           const auto birth = mb.birth_date ? std::optional(member::FormatDate(*mb.birth_date)) : std::nullopt;
           const auto inserted = tx.Run("api_member_insert", org_id, mb.name, mb.id_card, mb.gender, mb.ethnicity,
                                        birth, member::FormatDate(*mb.joined_on), mb.dev_number, mb.phone, mb.education,
                                        needs ? "NOT_UPLOADED" : "EXEMPT", deadline);
           const auto id = inserted.Int(0, 0);
           Audit(tx, call, "member.create", "member", std::to_string(id), id, std::nullopt,
                 needs ? "NOT_UPLOADED" : "EXEMPT");
           auto m = LoadMember(tx, id, false);
           return Json(201, MemberJson(*m));
         });
       }});

  router_.Add(
      {.method = "GET", .pattern = "/v1/members/{id}", .operation = "getMember", .handler = [](Call& call) -> Response {
         return call.db.InTransaction([&](pg::Tx& tx) -> Response {
           auto found = ReadableMember(tx, call, false);
           if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
           const auto& m = std::get<MemberRow>(found);
           auto body = MemberJson(m);
           nlohmann::json findings = nlohmann::json::array();
           if (m.current_version_id) {
             const auto f = tx.Run("api_findings", *m.current_version_id);
             for (std::size_t i = 0; i < f.size(); ++i) {
               findings.push_back({{"code", f.Text(i, 1)}, {"severity", f.Text(i, 2)}, {"message", f.Text(i, 4)}});
             }
           }
           body["findings"] = findings;
           Audit(tx, call, "member.read", "member", std::to_string(m.place.member_id), m.place.member_id);
           return Json(200, body);
         });
       }});

  router_.Add({.method = "GET",
               .pattern = "/v1/members/{id}/id-card",
               .operation = "revealIdCard",
               .handler = [](Call& call) -> Response {
                 return call.db.InTransaction([&](pg::Tx& tx) -> Response {
                   auto found = ReadableMember(tx, call, false);
                   if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
                   const auto& m = std::get<MemberRow>(found);
                   Audit(tx, call, "member.reveal_id_card", "member", std::to_string(m.place.member_id),
                         m.place.member_id);
                   return Json(200, {{"id", m.place.member_id}, {"id_card", m.id_card}});
                 });
               }});

  router_.Add({.method = "PUT",
               .pattern = "/v1/members/{id}/dev-number",
               .operation = "correctDevNumber",
               .body = BodyKind::kJson,
               .handler = [this](Call& call) -> Response {
                 bool bad = false;
                 const auto number = TextField(call, "dev_number", bad);
                 if (bad || !number) return BadParameter("dev_number", "必须填写 12 位发展团员编号");
                 return call.db.InTransaction([&](pg::Tx& tx) -> Response {
                   auto found = ReadableMember(tx, call, true);
                   if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
                   const auto& m = std::get<MemberRow>(found);
                   if (!CanCorrectDevNumber(call.caller, m.place)) return Forbidden();
                   // The same field rules as the import (R9): 12 digits, the regional layout, the admission year.
                   std::map<std::string, member::CellValue> cells{{"name", member::CellValue::Text(m.name)},
                                                                  {"id_card", member::CellValue::Text(m.id_card)},
                                                                  {"joined_on", member::CellValue::Text(m.joined_on)},
                                                                  {"dev_number", member::CellValue::Text(*number)}};
                   const auto row = member::ValidateRow(layout_, cells, config_.validation, Today(clock_), false);
                   for (const auto& f : row.failures) {
                     if (f.column_key == "dev_number") return Error(400, f.code, f.message);
                   }
                   if (m.dev_number == row.member.dev_number) return Json(200, MemberJson(m));
                   const auto taken = tx.Run("api_member_conflicts", "", row.member.dev_number);
                   if (taken.Bool(0, 1)) return Error(409, "DUPLICATE_DEV_NUMBER", "该发展团员编号已被使用");
                   tx.Run("api_member_set_dev_number", m.place.member_id, row.member.dev_number);
                   Audit(tx, call, "member.correct_dev_number", "member", std::to_string(m.place.member_id),
                         m.place.member_id, std::nullopt, std::nullopt, std::nullopt,
                         {{"from", m.dev_number ? nlohmann::json(*m.dev_number) : nlohmann::json()},
                          {"to", *row.member.dev_number}});
                   auto updated = LoadMember(tx, m.place.member_id, false);
                   return Json(200, MemberJson(*updated));
                 });
               }});

  router_.Add({.method = "GET",
               .pattern = "/v1/members",
               .operation = "searchMembers",
               .handler = [this](Call& call) -> Response {
                 if (!call.caller.IsAdmin()) return Forbidden();
                 const std::pair<const char*, const char*> keys[] = {{"name", "api_search_by_name"},
                                                                     {"id_card", "api_search_by_id_card"},
                                                                     {"dev_number", "api_search_by_dev_number"}};
                 const char* query = nullptr;
                 std::string key;
                 std::string value;
                 for (const auto& [k, q] : keys) {
                   if (auto v = QueryParam(call, k)) {
                     if (query) return BadParameter(k, "每次只能按姓名、身份证号码或发展团员编号中的一项查询");
                     query = q;
                     key = k;
                     value = *v;
                   }
                 }
                 if (!query) return BadParameter("name", "请提供 name、id_card 或 dev_number 之一");
                 if (key == "id_card") {
                   for (auto& c : value) c = static_cast<char>(c == 'x' ? 'X' : c);
                 }
                 const auto r = call.db.Autocommit(
                     [&](pg::Tx& tx) { return tx.Run(query, call.caller.org_path, value, config_.list_limit); });
                 nlohmann::json items = nlohmann::json::array();
                 for (std::size_t i = 0; i < r.size(); ++i) {
                   items.push_back({{"id", r.Int(i, 0)},
                                    {"name", r.Text(i, 1)},
                                    {"id_card_masked", MaskIdCard(r.Text(i, 2))},
                                    {"dev_number", r.IsNull(i, 3) ? nlohmann::json() : nlohmann::json(r.Text(i, 3))},
                                    {"archive_status", r.Text(i, 4)},
                                    {"archive_status_text", StatusText(r.Text(i, 4))},
                                    {"org", {{"id", r.Int(i, 5)}, {"name", r.Text(i, 6)}}}});
                 }
                 // The answer leaves once its audit row is committed (in a batch with other reads'). The search
                 // value itself is personal data: the row keeps only its kind, and an ID number masked.
                 AuditRow audit = ReadAuditRow(
                     call, "member.search", "member_search", key, std::nullopt,
                     {{"by", key}, {"results", r.size()}, {"value", key == "id_card" ? MaskIdCard(value) : value}});
                 auto response = Json(200, {{"items", items}});
                 response.hold = [this, audit = std::move(audit)](AuditWriter::Done done) mutable {
                   reads_audit_.Submit(std::move(audit), std::move(done));
                 };
                 return response;
               }});

  router_.Add({.method = "GET",
               .pattern = "/v1/members/{id}/transfer-eligibility",
               .operation = "transferEligibility",
               .handler = [](Call& call) -> Response {
                 return call.db.Autocommit([&](pg::Tx& tx) -> Response {
                   auto found = ReadableMember(tx, call, false);
                   if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
                   const auto& m = std::get<MemberRow>(found);
                   // R8: an unauthenticated new member cannot start an organization transfer.
                   const bool ok = m.status == "AUTHENTICATED" || m.status == "EXEMPT";
                   nlohmann::json body{{"member_id", m.place.member_id}, {"eligible", ok}};
                   if (!ok) {
                     body["code"] = "NOT_AUTHENTICATED";
                     body["message"] =
                         fmt::format("团员身份尚未认证（当前状态：{}），不能办理组织关系转接", StatusText(m.status));
                   }
                   return Json(200, body);
                 });
               }});
}

}  // namespace archive::api
