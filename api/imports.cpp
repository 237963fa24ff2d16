#include <fmt/format.h>

#include "api/app.hpp"
#include "api/members.hpp"
#include "common/base/crypto.hpp"
#include "common/base/text.hpp"
#include "common/events/envelope.hpp"
#include "common/member/date.hpp"
#include "common/member/workbooks.hpp"
#include "common/outbox/outbox.hpp"
#include "common/sheet/sheet.hpp"

// Batch import over HTTP (R11): the upload starts a batch that the import worker runs (import.requested, through
// the outbox); the batch's progress, result and failure report; the template. The same library code as
// `archivectl import --queue`.
namespace archive::api {
namespace {

bool IsUuid(const std::string& text) {
  static const std::string kShape = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
  if (text.size() != kShape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (kShape[i] == '-' ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Response BatchNotFound() {
  return NotFound("IMPORT_NOT_FOUND", "导入批次不存在或不在本组织管理范围内");
}

// The batch named by {id}, when the caller's subtree holds its organization.
std::variant<pg::Result, Response> BatchFor(pg::Tx& tx, const Call& call) {
  const auto it = call.request.params.find("id");
  if (it == call.request.params.end() || !IsUuid(it->second)) return BadParameter("id", "必须是导入批次编号（UUID）");
  if (!call.caller.IsAdmin()) return Forbidden();
  auto b = tx.Run("api_import_batch", it->second);
  if (b.empty() || !call.caller.Covers(b.Text(0, 2))) return BatchNotFound();
  return b;
}

// 429 IMPORT_QUOTA_REACHED: the caller's organization started api.imports_per_org_per_day imports today.
Response ImportQuotaReached(int per_day) {
  return Error(429, "IMPORT_QUOTA_REACHED",
               fmt::format("本组织今天已提交 {} 次导入，已达每日上限，请明天再导入。如需导入的团员较多，"
                           "请把他们填在同一个表格中一次导入。",
                           per_day));
}

nlohmann::json Nullable(const pg::Result& r, std::size_t col) {
  return r.IsNull(0, col) ? nlohmann::json() : nlohmann::json(r.Text(0, col));
}

}  // namespace

void Api::AddImportRoutes() {
  router_.Add(
      {.method = "POST",
       .pattern = "/v1/imports",
       .operation = "startImport",
       .body = BodyKind::kUpload,
       .handler = [this](Call& call) -> Response {
         const auto& ref = *call.upload;
         std::string head(4096, '\0');
         {
           auto in = blobs_.Open(ref.uri);
           in->read(head.data(), static_cast<std::streamsize>(head.size()));
           head.resize(static_cast<std::size_t>(in->gcount()));
         }
         const auto sniffed = sheet::Sniff(head);
         if (!sniffed) return Error(415, "NOT_A_SHEET", "导入文件必须是 .xlsx、.xls 或 .csv 格式的团员信息表");
         const std::string format = *sniffed == sheet::Format::kXls   ? "xls"
                                    : *sniffed == sheet::Format::kCsv ? "csv"
                                                                      : "xlsx";
         const auto filename = QueryParam(call, "filename").value_or("团员信息." + format);
         const bool dry_run = QueryParam(call, "dry_run") == "true";
         const std::int64_t org_id = std::stoll(call.request.params.at("org_id_checked"));
         const std::string batch_id = RandomUuid();
         return call.db.InTransaction([&](pg::Tx& tx) -> Response {
           // The day's quota of the caller's organization, taken for good: a refused file is swept by
           // `archivectl blobs gc`.
           if (tx.Run("daily_count_take", "import", *call.caller.org_id,
                      member::FormatDate(config_.policy.Today(clock_)), config_.imports_per_org_per_day)
                   .empty()) {
             return ImportQuotaReached(config_.imports_per_org_per_day);
           }
           tx.Run("import_batch_create", batch_id, org_id, call.caller.user_id, filename, format, ref.uri, ref.sha256,
                  ref.size, dry_run);
           const nlohmann::json payload{{"batch_id", batch_id},
                                        {"org_id", org_id},
                                        {"requested_by", call.caller.user_id},
                                        {"blob", {{"uri", ref.uri}, {"sha256", ref.sha256}, {"size", ref.size}}},
                                        {"filename", filename},
                                        {"format", format},
                                        {"dry_run", dry_run}};
           outbox::Enqueue(tx, "import.requested",
                           events::MakeEnvelope("import.requested", 1, "archive-api", batch_id, payload, clock_.Now()));
           Audit(tx, call, "import.start", "import_batch", batch_id, std::nullopt, std::nullopt, "QUEUED", std::nullopt,
                 {{"org_id", org_id}, {"format", format}, {"size", ref.size}, {"dry_run", dry_run}});
           return Json(
               202,
               {{"batch_id", batch_id}, {"status", "QUEUED"}, {"status_url", fmt::format("/v1/imports/{}", batch_id)}});
         });
       },
       .admit = [this](Call& call) -> std::optional<Response> {
         const auto org = QueryParam(call, "org_id");
         call.request.params["org_id"] = org.value_or("");
         const auto org_id = IdParam(call, "org_id");
         if (!org_id) return BadParameter("org_id", "必须是导入目标组织的编号（正整数）");
         if (!call.caller.IsAdmin()) return Forbidden();
         return call.db.InTransaction([&](pg::Tx& tx) -> std::optional<Response> {
           const auto o = tx.Run("api_org_get", *org_id);
           if (o.empty() || !call.caller.Covers(o.Text(0, 5))) {
             return NotFound("ORG_NOT_FOUND", "组织不存在或不在本组织管理范围内");
           }
           // Refused before the file is read when the quota is used up (the handler takes it for good).
           const auto used = tx.Run("daily_count_get", "import", *call.caller.org_id,
                                    member::FormatDate(config_.policy.Today(clock_)));
           if (used.Int(0, 0) >= config_.imports_per_org_per_day) {
             return ImportQuotaReached(config_.imports_per_org_per_day);
           }
           // A caller who may not be told about numbers registered elsewhere today cannot import either (the
           // import worker would refuse the batch the same way).
           lifecycle::Registry registry(tx, config_.policy, clock_);
           if (const auto left = registry.Remaining(AskerOf(call)); left && *left <= 0) {
             const auto refusal = lifecycle::LookupLimitReached(config_.policy.registered_elsewhere_per_day);
             return Error(refusal.status, refusal.code, refusal.message);
           }
           call.request.params["org_id_checked"] = std::to_string(*org_id);
           return std::nullopt;
         });
       }});

  router_.Add({.method = "GET",
               .pattern = "/v1/imports/{id}",
               .operation = "getImport",
               .handler = [this](Call& call) -> Response {
                 return call.db.InTransaction([&](pg::Tx& tx) -> Response {
                   auto found = BatchFor(tx, call);
                   if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
                   const auto& b = std::get<pg::Result>(found);
                   const auto& status = b.Text(0, 4);
                   nlohmann::json body{{"batch_id", b.Text(0, 0)},
                                       {"org_id", b.Int(0, 1)},
                                       {"filename", b.Text(0, 3)},
                                       {"status", status},
                                       {"dry_run", b.Bool(0, 12)},
                                       {"total_rows", b.IsNull(0, 5) ? nlohmann::json() : nlohmann::json(b.Int(0, 5))},
                                       {"done_rows", b.Int(0, 6)},
                                       {"imported", b.Int(0, 7)},
                                       {"failed", b.Int(0, 8)},
                                       {"error_code", Nullable(b, 10)},
                                       {"error_message", Nullable(b, 11)},
                                       {"created_at", b.Text(0, 13)},
                                       {"finished_at", Nullable(b, 15)},
                                       {"report_url", nullptr}};
                   if (status == "DONE") {
                     // R11: the result line the admin sees.
                     body["summary"] = fmt::format("成功导入 {} 位团员，{} 位团员导入失败", b.Int(0, 7), b.Int(0, 8));
                     if (!b.IsNull(0, 9)) body["report_url"] = fmt::format("/v1/imports/{}/report", b.Text(0, 0));
                     nlohmann::json failed = nlohmann::json::array();
                     const auto f = tx.Run("import_failed_rows", b.Text(0, 0));
                     for (std::size_t i = 0; i < f.size() && i < static_cast<std::size_t>(config_.list_limit); ++i) {
                       failed.push_back({{"row", f.Int(i, 0)}, {"reason", f.Text(i, 2)}});
                     }
                     // R11: the new members of this batch who still need their e-archive uploaded.
                     nlohmann::json needs = nlohmann::json::array();
                     const auto n = tx.Run("api_import_needs_upload", b.Text(0, 0), config_.list_limit);
                     for (std::size_t i = 0; i < n.size(); ++i) {
                       needs.push_back(
                           {{"member_id", n.Int(i, 0)},
                            {"row", n.Int(i, 1)},
                            {"name", n.Text(i, 2)},
                            {"id_card_masked", MaskIdCard(n.Text(i, 3))},
                            {"upload_deadline", n.IsNull(i, 4) ? nlohmann::json() : nlohmann::json(n.Text(i, 4))}});
                     }
                     body["failed_rows"] = failed;
                     body["needs_upload"] = needs;
                   }
                   return Json(200, body);
                 });
               }});

  router_.Add({.method = "GET",
               .pattern = "/v1/imports/{id}/report",
               .operation = "downloadImportReport",
               .handler = [this](Call& call) -> Response {
                 auto found = call.db.InTransaction([&](pg::Tx& tx) -> std::variant<pg::Result, Response> {
                   auto b = BatchFor(tx, call);
                   if (auto* r = std::get_if<pg::Result>(&b); r && !r->IsNull(0, 9)) {
                     Audit(tx, call, "import.report_download", "import_batch", r->Text(0, 0), std::nullopt);
                   }
                   return b;
                 });
                 if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
                 const auto& b = std::get<pg::Result>(found);
                 if (b.IsNull(0, 9)) return NotFound("NO_REPORT", "该批次没有失败记录表（尚未完成或全部导入成功）");
                 Response out;
                 out.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                 auto in = blobs_.Open(b.Text(0, 9));
                 out.body.assign(std::istreambuf_iterator<char>(*in), std::istreambuf_iterator<char>());
                 out.headers.emplace_back("Content-Disposition", "attachment; filename=\"import-failures.xlsx\"");
                 return out;
               }});

  router_.Add({.method = "GET",
               .pattern = "/v1/import-template",
               .operation = "downloadImportTemplate",
               .handler = [this](Call& call) -> Response {
                 if (!call.caller.IsAdmin()) return Forbidden();
                 Response out;
                 out.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                 out.body = member::WriteTemplate(layout_);
                 out.headers.emplace_back("Content-Disposition", "attachment; filename=\"member-template.xlsx\"");
                 return out;
               }});
}

}  // namespace archive::api
