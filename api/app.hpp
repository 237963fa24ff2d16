#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/audit_writer.hpp"
#include "api/http.hpp"
#include "api/router.hpp"
#include "api/server.hpp"
#include "common/base/clock.hpp"
#include "common/blob/blob.hpp"
#include "common/config/config.hpp"
#include "common/lifecycle/life.hpp"
#include "common/lifecycle/policy.hpp"
#include "common/member/template.hpp"
#include "common/member/validation_config.hpp"
#include "common/pg/pg.hpp"

// The archive-api application: authentication, the route table and the handlers. See docs/api.md for the
// routes and who may call them, and schemas/openapi.yaml for their contracts.
namespace archive::api {

struct ApiConfig {
  lifecycle::Policy policy;  // the top-level "policy" section: R1, R2 (the upload limit), R3, the time zone
  std::int64_t max_json_bytes = 1024 * 1024;
  member::ValidationConfig validation;  // the member rules (R9 layout, ages), key "member"; R1 from policy
  int list_limit = 100;                 // rows per list response
  int export_max_rows = 100'000;        // rows of an .xlsx member export at most
  // How long a token's caller is remembered; a revoked token or a disabled user stops working within this. 0: never.
  std::chrono::milliseconds token_cache{10'000};
  std::chrono::milliseconds rollup_fold_interval{2000};  // api/rollup.hpp
  int rollup_fold_batch = 50'000;
  int audit_threads = 3;  // api/audit_writer.hpp: threads (and connections) committing the audit rows of searches
  int imports_per_org_per_day = 50;  // POST /v1/imports per caller's organization and day (429 past it)

  static ApiConfig From(config::Section& section, const lifecycle::Policy& policy);
};

// A fixed set of database connections shared by the server threads. Thread-safe.
class DbPool {
 public:
  DbPool(const std::string& url, int size);

  const std::string& url() const { return url_; }

  // A connection held until the lease is destroyed; waits while all are lent out.
  class Lease {
   public:
    Lease(DbPool& pool, std::unique_ptr<pg::Connection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    ~Lease();
    Lease(Lease&&) = default;
    pg::Connection& operator*() { return *connection_; }
    pg::Connection* operator->() { return connection_.get(); }

   private:
    DbPool* pool_;
    std::unique_ptr<pg::Connection> connection_;
  };

  Lease Acquire();

 private:
  std::mutex mutex_;
  std::string url_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pg::Connection>> idle_;
};

// One call of a route: the request, the authenticated caller (empty for public routes), a database connection
// and, for an upload route, the stored file.
struct Call {
  Request& request;
  const Caller& caller;
  pg::Connection& db;
  const nlohmann::json& body;                  // the JSON object of a JSON route, else null
  const std::optional<blob::BlobRef>& upload;  // the stored file of an upload route
};

class Api final : public Application {
 public:
  // The server (api/server.hpp) counts every response in its metrics.
  Api(ApiConfig config, DbPool& db, blob::Store& blobs, const Clock& clock);

  const Router<Call>& router() const { return router_; }

  Admission Admit(Request& request) override;
  std::unique_ptr<blob::Writer> NewUpload() override;
  Response Handle(Request& request, Admission& admission, const std::optional<blob::BlobRef>& upload) override;

 private:
  std::optional<Caller> Authenticate(std::string_view authorization);
  void AddRoutes();
  void AddMemberRoutes();
  void AddArchiveRoutes();
  void AddApprovalRoutes();
  void AddOrganizationRoutes();
  void AddStatisticsRoutes();
  void AddImportRoutes();
  void AddNotificationRoutes();
  void AddMemberListRoutes();
  // In one transaction: the member {id} locked, when the caller may manage them (R5), and the lifecycle over the
  // transaction; act(life, member, tx) gives the response. Defined in api/members.hpp.
  template <typename F>
  Response ManageMember(Call& call, F&& act);
  // Named handlers of the archive's life (api/archives.cpp, api/approvals.cpp, api/members.cpp).
  Response Upload(Call& call, lifecycle::UploadKind kind);
  Response Withdraw(Call& call);
  Response DecideArchive(Call& call, lifecycle::Decision decision);
  Response DecideMany(Call& call);
  Response DecideChange(Call& call, lifecycle::Decision decision);
  Response RequestChange(Call& call);
  Response EditMember(Call& call);
  Response Me(Call& call);
  Response ApprovalQueue(Call& call);
  Response ListOrgMembers(Call& call);
  Response ExportOrgMembers(Call& call);
  Response OrgArchiveStatistics(Call& call, bool as_xlsx);

  ApiConfig config_;
  DbPool& db_;
  blob::Store& blobs_;
  const Clock& clock_;
  member::MemberTemplate layout_;
  std::string upload_too_large_;  // the 413 bodies, rendered once: Admit runs for every request
  std::string json_too_large_;
  struct CachedCaller {
    Caller caller;
    Clock::TimePoint until;
  };
  std::mutex token_mutex_;
  std::unordered_map<std::string, CachedCaller> token_cache_;  // SHA-256 of the secret -> caller
  AuditWriter reads_audit_;                                    // the audit rows of searches, committed in batches
  Router<Call> router_;
};

// Helpers shared by the handlers.

// text as a positive integer (at most 18 digits), or nullopt.
std::optional<std::int64_t> ParseId(std::string_view text);
// The path parameter name as a positive integer, or nullopt.
std::optional<std::int64_t> IdParam(const Call& call, const std::string& name);
// A query parameter, or nullopt when absent or empty.
std::optional<std::string> QueryParam(const Call& call, const std::string& name);
// A string field of the JSON body, or nullopt when absent, null or empty; a non-string sets bad.
std::optional<std::string> TextField(const Call& call, const std::string& name, bool& bad);
// 400 BAD_PARAMETER naming the parameter.
Response BadParameter(std::string_view name, std::string_view why);
Response NotFound(std::string_view code, std::string_view message);
Response Forbidden();
// One audit_log row for the caller's action.
void Audit(pg::Tx& tx, const Call& call, std::string_view action, std::string_view object_type,
           std::string_view object_id, std::optional<std::int64_t> member_id,
           std::optional<std::string> from_state = {}, std::optional<std::string> to_state = {},
           std::optional<std::string> reason = {}, const nlohmann::json& detail = nlohmann::json::object());
// The same row for AuditWriter (a read answered once its row is committed), with the caller's fields (user, login,
// remote address) from call.
AuditRow ReadAuditRow(const Call& call, std::string_view action, std::string_view object_type,
                      std::string_view object_id, std::optional<std::int64_t> member_id,
                      const nlohmann::json& detail = nlohmann::json::object());

}  // namespace archive::api
