#include "api/members.hpp"

#include <chrono>
#include <map>

#include <fmt/format.h>

#include "api/app.hpp"
#include "common/base/text.hpp"
#include "common/lifecycle/registry.hpp"
#include "common/member/row.hpp"

namespace archive::api {

Response MemberNotFound() {
  return NotFound("MEMBER_NOT_FOUND", "团员不存在或不在本组织管理范围内");
}

std::variant<MemberRow, Response> ReadableMember(pg::Tx& tx, const Call& call, bool lock) {
  const auto id = IdParam(call, "id");
  if (!id) return BadParameter("id", "必须是正整数");
  auto m = lifecycle::ReadMember(tx, *id, lock);
  if (!m || !CanRead(call.caller, m->place)) return MemberNotFound();
  return std::move(*m);
}

Response Refused(const lifecycle::Refusal& refusal) {
  return Error(refusal.status, refusal.code, refusal.message);
}

lifecycle::Asker AskerOf(const Call& call) {
  return {.user_id = call.caller.user_id,
          .actor = call.caller.login,
          .subtree = call.caller.org_path,
          .remote_addr = call.request.remote_addr};
}

lifecycle::Actor ActorOf(const Call& call) {
  return {.user_id = call.caller.user_id,
          .name = call.caller.login,
          .org_id = call.caller.org_id,
          .kind = call.caller.UploaderKind(),
          .remote_addr = call.request.remote_addr};
}

std::string StatusTextOf(std::string_view name) {
  const auto status = lifecycle::ParseStatus(name);
  return std::string(status ? lifecycle::StatusText(*status) : name);
}

nlohmann::json MemberJson(const MemberRow& m) {
  return {{"id", m.place.member_id},
          {"name", m.name},
          {"id_card_masked", MaskIdCard(m.id_card)},
          {"gender", m.gender ? nlohmann::json(*m.gender) : nlohmann::json()},
          {"joined_on", member::FormatDate(m.joined_on)},
          {"dev_number", m.dev_number ? nlohmann::json(*m.dev_number) : nlohmann::json()},
          {"org", {{"id", m.place.org_id}, {"name", m.org_name}}},
          {"archive_status", lifecycle::StatusName(m.status)},
          {"archive_status_text", lifecycle::StatusText(m.status)},
          {"upload_deadline", m.deadline ? nlohmann::json(member::FormatDate(*m.deadline)) : nlohmann::json()}};
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
         const auto row = member::ValidateRow(layout_, cells, config_.validation, config_.policy.Today(clock_), false);
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
           const MemberPlace place{.org_id = org_id,
                                   .parent_org_id = org.IsNull(0, 4) ? std::nullopt : std::optional(org.Int(0, 4)),
                                   .org_path = org.Text(0, 5)};
           if (!CanManage(call.caller, place)) return Forbidden();
           // Across the country, told without naming another organization (common/lifecycle/registry.hpp).
           lifecycle::Registry registry(tx, config_.policy, clock_);
           if (const auto refusal =
                   registry.Check(AskerOf(call), mb.id_card, mb.dev_number, std::nullopt, "member.create")) {
             return Refused(*refusal);
           }
           const auto status = config_.policy.InitialStatus(*mb.joined_on);
           const auto deadline = config_.policy.Deadline(*mb.joined_on);
           const auto birth = mb.birth_date ? std::optional(member::FormatDate(*mb.birth_date)) : std::nullopt;
           const auto inserted = tx.Run("api_member_insert", org_id, mb.name, mb.id_card, mb.gender, mb.ethnicity,
                                        birth, member::FormatDate(*mb.joined_on), mb.dev_number, mb.phone, mb.education,
                                        std::string(lifecycle::StatusName(status)),
                                        deadline ? std::optional(member::FormatDate(*deadline)) : std::nullopt);
           const auto id = inserted.Int(0, 0);
           Audit(tx, call, "member.create", "member", std::to_string(id), id, std::nullopt,
                 std::string(lifecycle::StatusName(status)));
           auto m = lifecycle::ReadMember(tx, id, false);
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
                   std::map<std::string, member::CellValue> cells{
                       {"name", member::CellValue::Text(m.name)},
                       {"id_card", member::CellValue::Text(m.id_card)},
                       {"joined_on", member::CellValue::Text(member::FormatDate(m.joined_on))},
                       {"dev_number", member::CellValue::Text(*number)}};
                   const auto row =
                       member::ValidateRow(layout_, cells, config_.validation, config_.policy.Today(clock_), false);
                   for (const auto& f : row.failures) {
                     if (f.column_key == "dev_number") return Error(400, f.code, f.message);
                   }
                   if (m.dev_number != row.member.dev_number) {
                     lifecycle::Registry registry(tx, config_.policy, clock_);
                     if (const auto refusal = registry.Check(AskerOf(call), std::nullopt, row.member.dev_number,
                                                             m.place.member_id, "member.correct_dev_number")) {
                       return Refused(*refusal);
                     }
                   }
                   lifecycle::PgStore store(tx);
                   lifecycle::Life life(store, config_.policy, clock_);
                   const auto done = life.CorrectNumber(ActorOf(call), m, *row.member.dev_number);
                   if (const auto* refusal = std::get_if<lifecycle::Refusal>(&done)) return Refused(*refusal);
                   auto updated = lifecycle::ReadMember(tx, m.place.member_id, false);
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
                                    {"archive_status_text", StatusTextOf(r.Text(i, 4))},
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

  router_.Add({.method = "PATCH",
               .pattern = "/v1/members/{id}",
               .operation = "editMember",
               .body = BodyKind::kJson,
               .handler = [this](Call& call) { return EditMember(call); }});
  router_.Add(
      {.method = "GET", .pattern = "/v1/me", .operation = "getMe", .handler = [this](Call& call) { return Me(call); }});

  router_.Add({.method = "GET",
               .pattern = "/v1/members/{id}/transfer-eligibility",
               .operation = "transferEligibility",
               .handler = [](Call& call) -> Response {
                 return call.db.Autocommit([&](pg::Tx& tx) -> Response {
                   auto found = ReadableMember(tx, call, false);
                   if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
                   const auto& m = std::get<MemberRow>(found);
                   // R8: an unauthenticated new member cannot start an organization transfer.
                   const bool ok = m.status == lifecycle::ArchiveStatus::kAuthenticated ||
                                   m.status == lifecycle::ArchiveStatus::kExempt;
                   nlohmann::json body{{"member_id", m.place.member_id}, {"eligible", ok}};
                   if (!ok) {
                     body["code"] = "NOT_AUTHENTICATED";
                     body["message"] = fmt::format("团员身份尚未认证（当前状态：{}），不能办理组织关系转接",
                                                   lifecycle::StatusText(m.status));
                   }
                   return Json(200, body);
                 });
               }});
}

Response Api::EditMember(Call& call) {
  bool bad = false;
  std::map<std::string, std::optional<std::string>> fields;
  for (const char* key : {"name", "id_card", "joined_on"}) {
    fields[key] = TextField(call, key, bad);
    if (bad) return BadParameter(key, "必须是字符串");
  }
  const auto confirm = call.body.find("confirm");
  if (confirm != call.body.end() && !confirm->is_boolean()) return BadParameter("confirm", "只能是 true 或 false");
  const bool confirmed = confirm != call.body.end() && confirm->get<bool>();
  return ManageMember(call, [&](lifecycle::Life& life, const MemberRow& m, pg::Tx& tx) -> Response {
    // The same field rules as a new member: the ID check digit, the age at admission, the date's form.
    std::map<std::string, member::CellValue> cells{
        {"name", member::CellValue::Text(fields["name"].value_or(m.name))},
        {"id_card", member::CellValue::Text(fields["id_card"].value_or(m.id_card))},
        {"joined_on", member::CellValue::Text(fields["joined_on"].value_or(member::FormatDate(m.joined_on)))}};
    if (m.dev_number) cells["dev_number"] = member::CellValue::Text(*m.dev_number);
    const auto row = member::ValidateRow(layout_, cells, config_.validation, config_.policy.Today(clock_), false);
    // Only the fields the caller sent are judged: the others were accepted when the member was entered (an import
    // may predate a rule), and a development number that no longer fits a new admission year is corrected on its
    // own route (R9).
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& f : row.failures) {
      const auto sent = fields.find(f.column_key);
      if (sent == fields.end() || !sent->second) continue;
      errors.push_back({{"code", f.code}, {"field", f.column_key}, {"message", f.message}});
    }
    if (!errors.empty()) {
      return Json(400, {{"code", "INVALID_MEMBER"},
                        {"message", fmt::format("团员信息有 {} 处错误", errors.size())},
                        {"errors", errors}});
    }
    if (fields["id_card"] && row.member.id_card != m.id_card) {
      lifecycle::Registry registry(tx, config_.policy, clock_);
      if (const auto refusal =
              registry.Check(AskerOf(call), row.member.id_card, std::nullopt, m.place.member_id, "member.edit")) {
        return Refused(*refusal);
      }
    }
    const auto done = life.EditMember(ActorOf(call), m, fields["name"] ? row.member.name : m.name,
                                      fields["id_card"] ? row.member.id_card : m.id_card,
                                      fields["joined_on"] ? *row.member.joined_on : m.joined_on, confirmed);
    if (const auto* refusal = std::get_if<lifecycle::Refusal>(&done)) return Refused(*refusal);
    const auto& out = std::get<lifecycle::EditOutcome>(done);
    const auto& e = out.edit;
    const nlohmann::json after{
        {"name", e.name},
        {"id_card_masked", MaskIdCard(e.id_card)},
        {"joined_on", member::FormatDate(e.joined_on)},
        {"archive_status", lifecycle::StatusName(e.status)},
        {"archive_status_text", lifecycle::StatusText(e.status)},
        {"upload_deadline", e.deadline ? nlohmann::json(member::FormatDate(*e.deadline)) : nlohmann::json()}};
    nlohmann::json body{{"applied", out.applied}, {"after", after}};
    if (!out.applied) {
      body["before"] = MemberJson(m);
      body["message"] = "请核对修改后的信息，确认无误后以 \"confirm\": true 再次提交（信息确认）";
    }
    return Json(200, body);
  });
}

Response Api::Me(Call& call) {
  nlohmann::json body{{"login", call.caller.login}, {"role", RoleName(call.caller.role)}};
  if (call.caller.org_id) body["org_id"] = *call.caller.org_id;
  if (!call.caller.member_id) return Json(200, body);
  return call.db.InTransaction([&](pg::Tx& tx) -> Response {
    const auto m = lifecycle::ReadMember(tx, *call.caller.member_id, false);
    if (!m) return MemberNotFound();
    body["member"] = MemberJson(*m);
    body["member"]["id_card_masked"] = MaskIdCard(m->id_card);
    nlohmann::json findings = nlohmann::json::array();
    if (m->current_version_id) {
      const auto f = tx.Run("api_findings", *m->current_version_id);
      for (std::size_t i = 0; i < f.size(); ++i) {
        findings.push_back({{"code", f.Text(i, 1)}, {"severity", f.Text(i, 2)}, {"message", f.Text(i, 4)}});
      }
    }
    body["member"]["findings"] = findings;
    Audit(tx, call, "member.read_own", "member", std::to_string(m->place.member_id), m->place.member_id);
    return Json(200, body);
  });
}

}  // namespace archive::api
