#include <variant>

#include <fmt/format.h>

#include "api/app.hpp"
#include "api/members.hpp"
#include "common/events/envelope.hpp"
#include "common/member/date.hpp"
#include "common/outbox/outbox.hpp"

// Archive routes: upload, replace (替换档案), status with the pre-review findings, history and downloads.
namespace archive::api {
namespace {

enum class UploadKind { kFirst, kReplace };

// Whether the caller may store a new version now. The same check runs before the body is read (with no lock)
// and again in the transaction that records the version (with the member row locked).
std::optional<Response> UploadRefusal(pg::Tx& tx, const Call& call, const MemberRow& m, UploadKind kind) {
  if (!CanManage(call.caller, m.place)) return Forbidden();
  const auto& s = m.status;
  if (s == "EXEMPT") return Error(409, "NOT_REQUIRED", "该团员入团时间早于电子档案启用日期，无需上传电子档案");
  if (s == "PENDING") return Error(409, "ARCHIVE_PENDING", "档案正在审核中，暂不能上传或替换");
  if (kind == UploadKind::kFirst) {
    if (s != "NOT_UPLOADED") return Error(409, "ARCHIVE_EXISTS", "档案已上传；认证不通过时请使用替换档案");
    return std::nullopt;
  }
  if (s == "NOT_UPLOADED") return Error(409, "NOTHING_TO_REPLACE", "档案尚未上传，请先上传档案");
  if (s == "AUTHENTICATED") {
    const auto open = tx.Run("api_change_request_open", m.place.member_id);
    if (open.empty() || open.Text(0, 1) != "APPROVED") {
      return Error(409, "CHANGE_REQUEST_REQUIRED", "团员身份已认证，修改档案需先提交变更申请并经上级批准");
    }
  }
  return std::nullopt;
}

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
                 .handler = [this, kind, first](Call& call) -> Response {
                   return call.db.InTransaction([&](pg::Tx& tx) -> Response {
                     auto found = ReadableMember(tx, call, true);
                     if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
                     const auto& m = std::get<MemberRow>(found);
                     if (auto refusal = UploadRefusal(tx, call, m, kind)) return std::move(*refusal);
                     const auto& ref = *call.upload;
                     const std::string uploader_kind = call.caller.UploaderKind();
                     const auto v = tx.Run("api_version_insert", m.place.member_id, ref.uri, ref.sha256, ref.size,
                                           call.caller.user_id, *call.caller.org_id, uploader_kind);
                     const auto version_id = v.Int(0, 0);
                     const auto version_no = v.Int(0, 1);
                     if (m.status == "AUTHENTICATED") tx.Run("api_change_request_use", m.place.member_id);
                     tx.Run("api_member_set_status", m.place.member_id, "PENDING", version_id);
                     const nlohmann::json payload{
                         {"member_id", m.place.member_id},
                         {"version_id", version_id},
                         {"version_no", version_no},
                         {"blob", {{"uri", ref.uri}, {"sha256", ref.sha256}, {"size", ref.size}}},
                         {"uploaded_by", call.caller.user_id},
                         {"uploader_org_id", *call.caller.org_id},
                         {"uploader_kind", uploader_kind}};
                     outbox::Enqueue(tx, "archive.uploaded",
                                     events::MakeEnvelope("archive.uploaded", 1, "archive-api",
                                                          std::to_string(m.place.member_id), payload, clock_.Now()));
                     Audit(tx, call, first ? "archive.upload" : "archive.replace", "archive_version",
                           std::to_string(version_id), m.place.member_id, m.status, "PENDING", std::nullopt,
                           {{"version_no", version_no}, {"sha256", ref.sha256}, {"size", ref.size}});
                     return Json(201, {{"member_id", m.place.member_id},
                                       {"version_id", version_id},
                                       {"version_no", version_no},
                                       {"sha256", ref.sha256},
                                       {"size", ref.size},
                                       {"uploader_kind", uploader_kind},
                                       {"archive_status", "PENDING"},
                                       {"archive_status_text", StatusText("PENDING")}});
                   });
                 },
                 .admit = [kind](Call& call) -> std::optional<Response> {
                   return call.db.InTransaction([&](pg::Tx& tx) -> std::optional<Response> {
                     auto found = ReadableMember(tx, call, false);
                     if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
                     return UploadRefusal(tx, call, std::get<MemberRow>(found), kind);
                   });
                 },
                 .required_prefix = "%PDF-",
                 .wrong_content_code = "NOT_PDF",
                 .wrong_content_message = "档案必须是 PDF 文件"});
  }

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
                   const auto today = member::FormatDate(Today(clock_));
                   const bool waiting = m.status == "NOT_UPLOADED" || m.status == "REJECTED";
                   nlohmann::json body{{"member_id", m.place.member_id},
                                       {"archive_status", m.status},
                                       {"archive_status_text", StatusText(m.status)},
                                       {"upload_deadline", m.deadline ? nlohmann::json(*m.deadline) : nlohmann::json()},
                                       {"overdue", waiting && m.deadline && *m.deadline < today},
                                       {"current_version", nullptr}};
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
                     // api_versions lists the newest first, and the current version is the newest.
                     body["current_version"] = {{"id", v.Int(0, 0)},
                                                {"version_no", v.Int(0, 1)},
                                                {"uploaded_at", v.Text(0, 4)},
                                                {"uploader_kind", v.Text(0, 5)},
                                                {"verdict", NullableText(v, 0, 6)},
                                                {"prereviewed_at", NullableText(v, 0, 7)},
                                                {"decision", NullableText(v, 0, 8)},
                                                {"decision_reason", NullableText(v, 0, 10)},
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
                   auto m = LoadMember(tx, f.Int(0, 1), false);
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

}  // namespace archive::api
