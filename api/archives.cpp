#include <variant>

#include <fmt/format.h>

#include "api/app.hpp"
#include "api/members.hpp"
#include "common/member/date.hpp"

// Archive routes: upload, replace (替换档案), status with the pre-review findings, history and downloads.
namespace archive::api {
namespace {

using lifecycle::UploadKind;

nlohmann::json NullableText(const pg::Result& r, std::size_t row, std::size_t col) {
  return r.IsNull(row, col) ? nlohmann::json() : nlohmann::json(r.Text(row, col));
}

}  // namespace

void Api::AddArchiveRoutes() {
  for (const auto kind : {UploadKind::kFirst, UploadKind::kReplace}) {
    const bool first = kind == UploadKind::kFirst;
    router_.Add({.method = first ? "POST" : "PUT",
                 .pattern = "/v1/members/{id}/archive",
                 .operation = first ? "uploadArchive" : "replaceArchive",
                 .body = BodyKind::kUpload,
                 .handler = [this, kind](Call& call) { return Upload(call, kind); },
                 .admit = [this, kind](Call& call) -> std::optional<Response> {
                   return call.db.InTransaction([&](pg::Tx& tx) -> std::optional<Response> {
                     auto found = ReadableMember(tx, call, false);
                     if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
                     const auto& m = std::get<MemberRow>(found);
                     if (!CanManage(call.caller, m.place)) return Forbidden();
                     lifecycle::PgStore store(tx);
                     const auto refusal = lifecycle::Life(store, config_.policy, clock_).UploadRefusal(m, kind);
                     return refusal ? std::optional(Refused(*refusal)) : std::nullopt;
                   });
                 },
                 .required_prefix = "%PDF-",
                 .wrong_content_code = "NOT_PDF",
                 .wrong_content_message = "档案必须是 PDF 文件"});
  }
  router_.Add({.method = "POST",
               .pattern = "/v1/members/{id}/archive/withdraw",
               .operation = "withdrawArchive",
               .handler = [this](Call& call) { return Withdraw(call); }});

  router_.Add({.method = "GET",
               .pattern = "/v1/members/{id}/archive",
               .operation = "getArchiveStatus",
               .handler = [this](Call& call) -> Response {
                 // Reads only: each statement on its own (no BEGIN/COMMIT round trips). The versions and the
                 // findings are read after the member, so they are at least as new as its current version.
                 return call.db.Autocommit([&](pg::Tx& tx) -> Response {
                   auto found = ReadableMember(tx, call, false);
                   if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
                   const auto& m = std::get<MemberRow>(found);
                   const bool waiting = m.status == lifecycle::ArchiveStatus::kNotUploaded ||
                                        m.status == lifecycle::ArchiveStatus::kRejected;
                   auto body = MemberJson(m);
                   body.erase("id");
                   body["member_id"] = m.place.member_id;
                   body["overdue"] = waiting && m.deadline && *m.deadline < config_.policy.Today(clock_);
                   body["current_version"] = nullptr;
                   if (m.current_version_id) {
                     const auto v = tx.Run("api_versions", m.place.member_id);
                     const auto f = tx.Run("api_findings", *m.current_version_id);
                     nlohmann::json findings = nlohmann::json::array();
                     for (std::size_t i = 0; i < f.size(); ++i) {
                       nlohmann::json finding{{"id", f.Int(i, 0)},
                                              {"code", f.Text(i, 1)},
                                              {"severity", f.Text(i, 2)},
                                              {"page", f.IsNull(i, 3) ? nlohmann::json() : nlohmann::json(f.Int(i, 3))},
                                              {"message", f.Text(i, 4)},
                                              {"evidence", nlohmann::json::parse(f.Text(i, 5))},
                                              {"evidence_url", nullptr}};
                       if (!f.IsNull(i, 6))
                         finding["evidence_url"] = fmt::format("/v1/findings/{}/evidence", f.Int(i, 0));
                       findings.push_back(std::move(finding));
                     }
                     // The current version is the newest one that was not withdrawn.
                     std::size_t c = 0;
                     while (c + 1 < v.size() && v.Int(c, 0) != *m.current_version_id) ++c;
                     body["current_version"] = {{"id", v.Int(c, 0)},
                                                {"version_no", v.Int(c, 1)},
                                                {"uploaded_at", v.Text(c, 4)},
                                                {"uploader_kind", v.Text(c, 5)},
                                                {"verdict", NullableText(v, c, 6)},
                                                {"prereviewed_at", NullableText(v, c, 7)},
                                                {"decision", NullableText(v, c, 8)},
                                                {"decision_reason", NullableText(v, c, 10)},
                                                {"findings", findings}};
                   }
                   return Json(200, body);
                 });
               }});

  router_.Add({.method = "GET",
               .pattern = "/v1/members/{id}/archive/versions",
               .operation = "listArchiveVersions",
               .handler = [](Call& call) -> Response {
                 return call.db.InTransaction([&](pg::Tx& tx) -> Response {
                   auto found = ReadableMember(tx, call, false);
                   if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
                   const auto& m = std::get<MemberRow>(found);
                   const auto v = tx.Run("api_versions", m.place.member_id);
                   Audit(tx, call, "archive.versions_read", "member", std::to_string(m.place.member_id),
                         m.place.member_id);
                   nlohmann::json items = nlohmann::json::array();
                   for (std::size_t i = 0; i < v.size(); ++i) {
                     items.push_back({{"id", v.Int(i, 0)},
                                      {"version_no", v.Int(i, 1)},
                                      {"sha256", v.Text(i, 2)},
                                      {"size", v.Int(i, 3)},
                                      {"uploaded_at", v.Text(i, 4)},
                                      {"uploader_kind", v.Text(i, 5)},
                                      {"uploaded_by", v.Text(i, 11)},
                                      {"verdict", NullableText(v, i, 6)},
                                      {"decision", NullableText(v, i, 8)},
                                      {"decided_at", NullableText(v, i, 9)},
                                      {"decision_reason", NullableText(v, i, 10)},
                                      {"withdrawn_at", NullableText(v, i, 12)},
                                      {"download_url", fmt::format("/v1/members/{}/archive/versions/{}/file",
                                                                   m.place.member_id, v.Int(i, 1))}});
                   }
                   return Json(200, {{"member_id", m.place.member_id}, {"items", items}});
                 });
               }});

  router_.Add({.method = "GET",
               .pattern = "/v1/members/{id}/archive/versions/{no}/file",
               .operation = "downloadArchiveVersion",
               .handler = [this](Call& call) -> Response {
                 const auto no = IdParam(call, "no");
                 if (!no) return BadParameter("no", "必须是正整数");
                 auto found = call.db.InTransaction([&](pg::Tx& tx) -> std::variant<pg::Result, Response> {
                   auto member = ReadableMember(tx, call, false);
                   if (auto* r = std::get_if<Response>(&member)) return std::move(*r);
                   const auto& m = std::get<MemberRow>(member);
                   auto v = tx.Run("api_version_by_no", m.place.member_id, *no);
                   if (v.empty()) return NotFound("VERSION_NOT_FOUND", "该档案版本不存在");
                   Audit(tx, call, "archive.download", "archive_version", v.Text(0, 0), m.place.member_id, std::nullopt,
                         std::nullopt, std::nullopt, {{"version_no", *no}});
                   return v;
                 });
                 if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
                 const auto& v = std::get<pg::Result>(found);
                 Response out;
                 out.content_type = "application/pdf";
                 out.file = blobs_.Open(v.Text(0, 3));
                 out.file_size = v.Int(0, 5);
                 out.headers.emplace_back(
                     "Content-Disposition",
                     fmt::format("attachment; filename=\"archive-{}-v{}.pdf\"", v.Text(0, 1), *no));
                 out.headers.emplace_back("X-Content-SHA256", v.Text(0, 4));
                 return out;
               }});

  router_.Add({.method = "GET",
               .pattern = "/v1/findings/{id}/evidence",
               .operation = "downloadEvidence",
               .handler = [this](Call& call) -> Response {
                 const auto id = IdParam(call, "id");
                 if (!id) return BadParameter("id", "必须是正整数");
                 std::optional<std::string> uri;
                 auto refusal = call.db.InTransaction([&](pg::Tx& tx) -> std::optional<Response> {
                   const auto f = tx.Run("api_finding_get", *id);
                   if (f.empty()) return NotFound("FINDING_NOT_FOUND", "该审查结果不存在");
                   auto m = lifecycle::ReadMember(tx, f.Int(0, 1), false);
                   if (!m || !CanRead(call.caller, m->place)) return NotFound("FINDING_NOT_FOUND", "该审查结果不存在");
                   if (f.IsNull(0, 2)) return NotFound("NO_EVIDENCE", "该审查结果没有证据图片");
                   uri = f.Text(0, 2);
                   Audit(tx, call, "finding.evidence_download", "prereview_finding", std::to_string(*id),
                         m->place.member_id);
                   return std::nullopt;
                 });
                 if (refusal) return std::move(*refusal);
                 // Evidence crops are small PNGs: read whole.
                 auto in = blobs_.Open(*uri);
                 Response out;
                 out.content_type = "image/png";
                 out.body.assign(std::istreambuf_iterator<char>(*in), std::istreambuf_iterator<char>());
                 return out;
               }});
}

Response Api::Upload(Call& call, UploadKind kind) {
  return ManageMember(call, [&](lifecycle::Life& life, const MemberRow& m, pg::Tx&) -> Response {
    const auto& ref = *call.upload;
    const auto done = life.Upload(ActorOf(call), m, kind, {ref.uri, ref.sha256, ref.size});
    if (const auto* refusal = std::get_if<lifecycle::Refusal>(&done)) return Refused(*refusal);
    const auto& v = std::get<lifecycle::VersionRecord>(done);
    return Json(201, {{"member_id", m.place.member_id},
                      {"version_id", v.id},
                      {"version_no", v.version_no},
                      {"sha256", v.sha256},
                      {"size", v.size},
                      {"uploader_kind", lifecycle::UploaderKindName(v.uploader_kind)},
                      {"archive_status", "PENDING"},
                      {"archive_status_text", lifecycle::StatusText(lifecycle::ArchiveStatus::kPending)}});
  });
}

Response Api::Withdraw(Call& call) {
  return ManageMember(call, [&](lifecycle::Life& life, const MemberRow& m, pg::Tx& tx) -> Response {
    const auto done = life.Withdraw(ActorOf(call), m);
    if (const auto* refusal = std::get_if<lifecycle::Refusal>(&done)) return Refused(*refusal);
    return Json(200, MemberJson(*lifecycle::ReadMember(tx, m.place.member_id, false)));
  });
}

}  // namespace archive::api
