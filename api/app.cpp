#include "api/app.hpp"

#include <fmt/format.h>

#include "common/base/crypto.hpp"
#include "common/log/log.hpp"

namespace archive::api {
namespace {

struct CallState {
  const RouteOf<Call>* route = nullptr;
  Caller caller;
};

std::string Megabytes(std::int64_t bytes) {
  return bytes % (1024 * 1024) == 0 ? fmt::format("{} MB", bytes / (1024 * 1024))
                                    : fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024 * 1024));
}

// A JSON response whose body is already rendered.
Response Rendered(int status, const std::string& body) {
  Response r;
  r.status = status;
  r.body = body;
  return r;
}

}  // namespace

ApiConfig ApiConfig::From(config::Section& section, const lifecycle::Policy& policy) {
  ApiConfig c;
  c.policy = policy;
  long json = c.max_json_bytes;
  section.Read("max_json_bytes", json);
  auto member_section = section.Child("member");
  c.validation = member::ValidationConfig::From(member_section);
  c.validation.e_archive_required_from = policy.e_archive_required_from;
  section.Read("list_limit", c.list_limit);
  section.Read("export_max_rows", c.export_max_rows);
  section.Read("token_cache_ms", c.token_cache);
  section.Read("rollup_fold_interval_ms", c.rollup_fold_interval);
  section.Read("rollup_fold_batch", c.rollup_fold_batch);
  section.Read("audit_threads", c.audit_threads);
  section.Read("imports_per_org_per_day", c.imports_per_org_per_day);
  section.RejectUnknown();
  c.max_json_bytes = json;
  if (c.max_json_bytes < 1 || c.list_limit < 1 || c.export_max_rows < 1 || c.rollup_fold_batch < 1 ||
      c.audit_threads < 1 || c.imports_per_org_per_day < 1) {
    throw config::Error(
        fmt::format("{}: max_json_bytes, list_limit, export_max_rows, rollup_fold_batch, audit_threads and "
                    "imports_per_org_per_day must be positive",
                    section.path()));
  }
  return c;
}

DbPool::DbPool(const std::string& url, int size) : url_(url) {
  for (int i = 0; i < size; ++i) idle_.push_back(std::make_unique<pg::Connection>(url, "archive-api"));
}

DbPool::Lease::~Lease() {
  if (!connection_) return;
  std::lock_guard lock(pool_->mutex_);
  pool_->idle_.push_back(std::move(connection_));
  pool_->available_.notify_one();
}

DbPool::Lease DbPool::Acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty(); });
  auto connection = std::move(idle_.back());
  idle_.pop_back();
  return Lease(*this, std::move(connection));
}

Api::Api(ApiConfig config, DbPool& db, blob::Store& blobs, const Clock& clock)
    : config_(std::move(config)),
      db_(db),
      blobs_(blobs),
      clock_(clock),
      layout_(member::BuiltinMemberTemplate()),
      upload_too_large_(
          Error(413, "TOO_LARGE", fmt::format("文件不能超过 {}", Megabytes(config_.policy.max_archive_bytes))).body),
      json_too_large_(
          Error(413, "BODY_TOO_LARGE", fmt::format("请求体不能超过 {}", Megabytes(config_.max_json_bytes))).body),
      reads_audit_(db.url(), config_.audit_threads) {
  AddRoutes();
}

std::optional<Caller> Api::Authenticate(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size() || authorization.substr(0, kScheme.size()) != kScheme) {
    return std::nullopt;
  }
  const std::string hash = Sha256Raw(authorization.substr(kScheme.size()));
  const auto now = clock_.Now();
  {
    std::lock_guard lock(token_mutex_);
    const auto it = token_cache_.find(hash);
    if (it != token_cache_.end() && now < it->second.until) return it->second.caller;
  }
  // A connection only when the token is not remembered: most requests never wait for the pool here.
  const auto r = db_.Acquire()->Autocommit([&](pg::Tx& tx) { return tx.Run("api_caller", pg::ToBytea(hash)); });
  if (r.empty()) return std::nullopt;
  const auto role = ParseRole(r.Text(0, 2));
  if (!role) return std::nullopt;
  Caller c;
  c.user_id = r.Int(0, 0);
  c.login = r.Text(0, 1);
  c.role = *role;
  if (!r.IsNull(0, 3)) {
    c.org_id = r.Int(0, 3);
    c.org_path = r.Text(0, 4);
    c.org_kind = r.Text(0, 5);
    c.org_decides = r.Bool(0, 8);
  }
  if (!r.IsNull(0, 6)) c.member_id = r.Int(0, 6);
  if (config_.token_cache.count() > 0) {
    const Clock::TimePoint expires{std::chrono::milliseconds(r.Int(0, 7))};
    std::lock_guard lock(token_mutex_);
    if (token_cache_.size() >= 100'000) token_cache_.clear();  // a bound, not an eviction policy
    token_cache_[hash] = {c, std::min(expires, now + config_.token_cache)};
  }
  return c;
}

Admission Api::Admit(Request& request) {
  Admission a;
  auto match = router_.Find(request.method, request.path);
  if (!match.route) {
    a.reject = match.path_known ? Error(405, "METHOD_NOT_ALLOWED", "该接口不支持此请求方法")
                                : Error(404, "NOT_FOUND", "请求的接口不存在");
    return a;
  }
  request.params = std::move(match.params);
  const auto& route = *match.route;
  a.operation = route.operation;
  auto state = std::make_shared<CallState>();
  state->route = &route;
  a.state = state;
  a.body = route.body;
  // A route without a body never reads one (BODY_NOT_ALLOWED), so it needs no 413.
  if (route.body == BodyKind::kUpload) {
    a.body_limit = config_.policy.max_archive_bytes;
    a.too_large = Rendered(413, upload_too_large_);
    a.required_prefix = route.required_prefix;
    a.wrong_content = Error(415, route.wrong_content_code, route.wrong_content_message);
  } else if (route.body == BodyKind::kJson) {
    a.body_limit = config_.max_json_bytes;
    a.too_large = Rendered(413, json_too_large_);
  }
  if (route.access == Access::kPublic) return a;
  auto caller = Authenticate(request.authorization);
  if (!caller) {
    a.reject = Error(401, "UNAUTHENTICATED", "未登录或登录已过期，请重新登录");
    a.reject->headers.emplace_back("WWW-Authenticate", "Bearer");
    return a;
  }
  state->caller = std::move(*caller);
  if (route.admit) {
    auto lease = db_.Acquire();
    const nlohmann::json no_body;
    const std::optional<blob::BlobRef> no_upload;
    Call call{request, state->caller, *lease, no_body, no_upload};
    a.reject = route.admit(call);
  }
  return a;
}

std::unique_ptr<blob::Writer> Api::NewUpload() {
  return blobs_.Create();
}

Response Api::Handle(Request& request, Admission& admission, const std::optional<blob::BlobRef>& upload) {
  const auto& state = *static_cast<const CallState*>(admission.state.get());
  nlohmann::json body;
  if (state.route->body == BodyKind::kJson) {
    body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return Error(400, "BAD_JSON", "请求体必须是 JSON 对象");
  }
  auto lease = db_.Acquire();
  Call call{request, state.caller, *lease, body, upload};
  try {
    return state.route->handler(call);
  } catch (const pg::SqlError& e) {
    // A constraint the handler did not check first (a concurrent writer won): the request conflicts with the
    // data as it now is. The message is for the operator; the user gets a stable code.
    if (e.IsUniqueViolation()) {
      log::Get("http")->info("{} {}: unique violation, answering 409", request.method, request.path);
      return Error(409, "CONFLICT", "数据已存在或已被他人修改，请刷新后重试");
    }
    if (e.sqlstate() == "23514") {
      log::Get("http")->info("{} {}: check violation, answering 409", request.method, request.path);
      return Error(409, "INVALID_STATE", "当前状态不允许此操作，请刷新后重试");
    }
    throw;
  }
}

void Api::AddRoutes() {
  router_.Add(
      {.method = "GET", .pattern = "/healthz", .operation = "health", .access = Access::kPublic, .handler = [](Call&) {
         return Json(200, {{"status", "ok"}});
       }});
  router_.Add({.method = "GET",
               .pattern = "/readyz",
               .operation = "ready",
               .access = Access::kPublic,
               .handler = [](Call& call) {
                 call.db.InTransaction([](pg::Tx& tx) { tx.Run("api_ping"); });
                 return Json(200, {{"status", "ready"}});
               }});
  AddMemberRoutes();
  AddArchiveRoutes();
  AddApprovalRoutes();
  AddOrganizationRoutes();
  AddStatisticsRoutes();
  AddImportRoutes();
  AddNotificationRoutes();
  AddMemberListRoutes();
}

std::optional<std::int64_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v > 0 ? std::optional(v) : std::nullopt;
}

std::optional<std::int64_t> IdParam(const Call& call, const std::string& name) {
  const auto it = call.request.params.find(name);
  return it == call.request.params.end() ? std::nullopt : ParseId(it->second);
}

std::optional<std::string> QueryParam(const Call& call, const std::string& name) {
  const auto it = call.request.query.find(name);
  if (it == call.request.query.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::optional<std::string> TextField(const Call& call, const std::string& name, bool& bad) {
  const auto it = call.body.find(name);
  if (it == call.body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    bad = true;
    return std::nullopt;
  }
  auto text = it->get<std::string>();
  if (text.empty()) return std::nullopt;
  return text;
}

Response BadParameter(std::string_view name, std::string_view why) {
  auto r = Error(400, "BAD_PARAMETER", fmt::format("参数 {} 无效：{}", name, why));
  return r;
}

Response NotFound(std::string_view code, std::string_view message) {
  return Error(404, code, message);
}

Response Forbidden() {
  return Error(403, "FORBIDDEN", "无权执行此操作");
}

void Audit(pg::Tx& tx, const Call& call, std::string_view action, std::string_view object_type,
           std::string_view object_id, std::optional<std::int64_t> member_id, std::optional<std::string> from_state,
           std::optional<std::string> to_state, std::optional<std::string> reason, const nlohmann::json& detail) {
  tx.Run("audit_record", call.caller.user_id, call.caller.login, action, object_type, object_id, member_id, from_state,
         to_state, reason, call.request.remote_addr, std::nullopt, detail.dump());
}

AuditRow ReadAuditRow(const Call& call, std::string_view action, std::string_view object_type,
                      std::string_view object_id, std::optional<std::int64_t> member_id, const nlohmann::json& detail) {
  return AuditRow{.user_id = call.caller.user_id,
                  .actor = call.caller.login,
                  .action = std::string(action),
                  .object_type = std::string(object_type),
                  .object_id = std::string(object_id),
                  .member_id = member_id,
                  .remote_addr = call.request.remote_addr,
                  .detail = detail.dump()};
}

}  // namespace archive::api
