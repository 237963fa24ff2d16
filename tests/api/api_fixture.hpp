#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/app.hpp"
#include "api/server.hpp"
#include "common/base/clock.hpp"
#include "common/blob/blob.hpp"
#include "common/pg/pg.hpp"
#include "common/testing/testing.hpp"

// A running archive-api on a free loopback port over a schema of its own, with an organization tree and one
// user (and bearer token) per place in it:
//
//   R (leading_body, committee_admin "grand")
//   +-- C (committee, committee_admin "parent")
//   |   +-- G (general_branch, branch_admin "own")   <- the members under test live here
//   |   |   +-- D (branch, branch_admin "desc")
//   |   +-- S (branch, branch_admin "sibling")
//   U (committee, committee_admin "unrelated")
namespace archive::api::testing {

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

// One blocking HTTP/1.1 request on a new connection.
HttpResult Send(int port, const std::string& method, const std::string& target, const std::string& token,
                const std::string& body = "", const std::string& content_type = "application/json",
                const std::map<std::string, std::string>& extra_headers = {});

// Raw bytes to the port; returns what came back until the server closed (or 10 s passed).
std::string SendRaw(int port, const std::string& bytes);

// The smallest file the API takes as a PDF.
std::string TinyPdf(const std::string& marker);

class ApiFixture {
 public:
  explicit ApiFixture(ApiConfig config = {}, ServerConfig server_config = {});
  ~ApiFixture();

  int port() const { return server_->port(); }
  // Server::Stop, before the fixture goes (which stops it anyway).
  void StopServer() { server_->Stop(); }
  pg::Connection& db() { return db_; }
  blob::Store& blobs() { return *blobs_; }
  // What the server counted (archive_http_*), in the Prometheus text format.
  std::string Metrics() const { return metrics_.Render(); }

  std::int64_t org(const std::string& name) const { return orgs_.at(name); }
  const std::string& token(const std::string& who) const { return tokens_.at(who); }
  std::int64_t user(const std::string& who) const { return users_.at(who); }

  // A member of organization `org` in `status`. PENDING, REJECTED and AUTHENTICATED members get a version 1
  // uploaded by the "own" branch admin (PENDING: pre-reviewed PASS, undecided). Returns the member id.
  std::int64_t AddMember(const std::string& org, const std::string& status);
  // A login of role member for member_id, with a token; returns the token.
  std::string AddMemberUser(std::int64_t member_id);
  // The current version id of a member.
  std::int64_t CurrentVersion(std::int64_t member_id);
  // A pending change request of member_id, by the "own" admin.
  std::int64_t AddChangeRequest(std::int64_t member_id, const std::string& status = "PENDING");
  // A finding with an evidence PNG on the member's current version.
  std::int64_t AddFinding(std::int64_t member_id);
  // A finished import batch of organization org, with a failure report when with_report; returns its id.
  std::string AddImportBatch(const std::string& org, bool with_report);
  std::int64_t Count(const std::string& sql) { return archive::testing::QueryInt(db_, sql); }
  std::string DevNumberOf(std::int64_t member_id);

  // The operationId of every route in the router.
  std::vector<std::string> Operations() const {
    std::vector<std::string> out;
    for (const auto& r : api_->router().routes()) out.push_back(r.operation);
    return out;
  }

  std::string NextCode(const std::string& prefix) { return prefix + std::to_string(++sequence_); }

  // An organization named name (org(name) finds it) and a user who (token(who)) of role in an organization.
  std::int64_t AddOrg(const std::string& name, const std::string& kind, std::optional<std::int64_t> parent);
  void AddUser(const std::string& who, const std::string& role, std::int64_t org);

 private:
  std::string IssueToken(std::int64_t user_id);

  archive::testing::TestSchema schema_;
  pg::Connection db_;
  std::filesystem::path blob_root_;
  std::unique_ptr<blob::FileStore> blobs_;
  SystemClock clock_;
  metrics::Registry metrics_;
  std::unique_ptr<DbPool> pool_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<Server> server_;
  std::map<std::string, std::int64_t> orgs_;
  std::map<std::string, std::int64_t> users_;
  std::map<std::string, std::string> tokens_;
  int sequence_ = 0;
};

}  // namespace archive::api::testing
