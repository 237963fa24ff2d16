#include "tests/api/api_fixture.hpp"

#include <fmt/format.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/base/crypto.hpp"

namespace archive::api::testing {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

HttpResult Send(int port, const std::string& method, const std::string& target, const std::string& token,
                const std::string& body, const std::string& content_type,
                const std::map<std::string, std::string>& extra_headers) {
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) req.set(http::field::content_type, content_type);
  for (const auto& [k, v] : extra_headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  stream.expires_after(std::chrono::seconds(60));
  beast::error_code ec;
  http::write(stream, req, ec);
  // A refused upload may be answered before the whole body was sent; the answer is still there to read.
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buffer, parser, ec);
  HttpResult r;
  if (ec && !parser.is_header_done()) return r;
  r.status = static_cast<int>(parser.get().result_int());
  r.body = parser.get().body();
  for (const auto& f : parser.get()) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(f.value());
  }
  return r;
}

std::string SendRaw(int port, const std::string& bytes) {
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  stream.expires_after(std::chrono::seconds(10));
  beast::error_code ec;
  net::write(stream, net::buffer(bytes), ec);
  std::string out;
  char chunk[4096];
  for (;;) {
    const auto n = stream.read_some(net::buffer(chunk), ec);
    out.append(chunk, n);
    if (ec) break;
  }
  return out;
}

std::string TinyPdf(const std::string& marker) {
  return "%PDF-1.4\n% " + marker + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
}

ApiFixture::ApiFixture(ApiConfig config, ServerConfig server_config) : db_(schema_.url()) {
  blob_root_ = std::filesystem::temp_directory_path() / archive::testing::UniqueName("api_blobs");
  blobs_ = std::make_unique<blob::FileStore>(blob_root_);
  const auto r = AddOrg("R", "leading_body", std::nullopt);
  const auto c = AddOrg("C", "committee", r);
  const auto g = AddOrg("G", "general_branch", c);
  AddOrg("D", "branch", g);
  AddOrg("S", "branch", c);
  AddOrg("U", "committee", std::nullopt);
  AddUser("grand", "committee_admin", org("R"));
  AddUser("parent", "committee_admin", org("C"));
  AddUser("own", "branch_admin", org("G"));
  AddUser("desc", "branch_admin", org("D"));
  AddUser("sibling", "branch_admin", org("S"));
  AddUser("unrelated", "committee_admin", org("U"));
  server_config.port = 0;
  server_config.threads = 2;
  pool_ = std::make_unique<DbPool>(schema_.url(), server_config.threads);
  api_ = std::make_unique<Api>(std::move(config), *pool_, *blobs_, clock_);
  server_ = std::make_unique<Server>(server_config, *api_, metrics_);
  server_->Start();
}

ApiFixture::~ApiFixture() {
  server_->Stop();
  std::error_code ec;
  std::filesystem::remove_all(blob_root_, ec);
}

std::int64_t ApiFixture::AddOrg(const std::string& name, const std::string& kind, std::optional<std::int64_t> parent) {
  const auto id = db_.InTransaction(
      [&](pg::Tx& tx) { return tx.Run("org_add", "ORG-" + name, "组织" + name, kind, parent).Int(0, 0); });
  orgs_[name] = id;
  return id;
}

std::string ApiFixture::IssueToken(std::int64_t user_id) {
  const std::string secret = RandomHex(24);
  db_.InTransaction([&](pg::Tx& tx) { tx.Run("token_issue", user_id, pg::ToBytea(Sha256Raw(secret)), "test", 1); });
  return secret;
}

void ApiFixture::AddUser(const std::string& who, const std::string& role, std::int64_t org) {
  const auto id = db_.InTransaction(
      [&](pg::Tx& tx) { return tx.Run("user_add", "user-" + who, "用户" + who, role, org, std::nullopt).Int(0, 0); });
  users_[who] = id;
  tokens_[who] = IssueToken(id);
}

std::string ApiFixture::AddMemberUser(std::int64_t member_id) {
  const std::string login = NextCode("member-");
  const auto id = db_.InTransaction([&](pg::Tx& tx) {
    const auto org = tx.ExecScript(fmt::format("SELECT org_id FROM members WHERE id = {}", member_id)).Int(0, 0);
    return tx.Run("user_add", login, "团员", "member", org, member_id).Int(0, 0);
  });
  return IssueToken(id);
}

std::int64_t ApiFixture::AddMember(const std::string& org_name, const std::string& status) {
  const int n = ++sequence_;
  const std::string id_card = archive::testing::MakeIdCard("20050101", fmt::format("{:03}", n % 1000));
  const std::string dev = fmt::format("2023{:08}", n);
  return db_.InTransaction([&](pg::Tx& tx) {
    const auto id =
        tx.ExecScript(fmt::format("INSERT INTO members (org_id, name, id_card, joined_on, dev_number, "
                                  "archive_status, upload_deadline) VALUES ({}, '团员{}', '{}', '2023-03-01', "
                                  "'{}', '{}', '2023-03-31') RETURNING id",
                                  org(org_name), n, id_card, dev, status))
            .Int(0, 0);
    if (status == "PENDING" || status == "REJECTED" || status == "AUTHENTICATED") {
      const auto ref = blobs_->Put(TinyPdf(fmt::format("member {}", id)));
      const std::string decision = status == "PENDING" ? "NULL" : status == "REJECTED" ? "'REJECTED'" : "'APPROVED'";
      const auto v =
          tx.ExecScript(fmt::format("INSERT INTO archive_versions (member_id, version_no, blob_uri, sha256, "
                                    "size_bytes, uploaded_by, uploader_org_id, uploader_kind, verdict, "
                                    "prereviewed_at, decision, decision_reason) VALUES ({}, 1, '{}', '{}', {}, {}, "
                                    "{}, 'branch', 'PASS', now(), {}, {}) RETURNING id",
                                    id, ref.uri, ref.sha256, ref.size, user("own"), org("G"), decision,
                                    status == "REJECTED" ? "'页面模糊'" : "NULL"))
              .Int(0, 0);
      tx.ExecScript(fmt::format("UPDATE members SET current_version_id = {} WHERE id = {}", v, id));
    }
    return id;
  });
}

std::int64_t ApiFixture::CurrentVersion(std::int64_t member_id) {
  return Count(fmt::format("SELECT current_version_id FROM members WHERE id = {}", member_id));
}

std::int64_t ApiFixture::AddChangeRequest(std::int64_t member_id, const std::string& status) {
  return Count(
      fmt::format("INSERT INTO change_requests (member_id, requested_by, reason, status) VALUES ({}, {}, "
                  "'姓名有误', '{}') RETURNING id",
                  member_id, user("own"), status));
}

std::int64_t ApiFixture::AddFinding(std::int64_t member_id) {
  const auto ref = blobs_->Put("\x89PNG evidence");
  return Count(
      fmt::format("INSERT INTO prereview_findings (version_id, code, severity, page, message, evidence_uri) "
                  "VALUES ({}, 'BLURRY_PAGE', 'warn', 2, '第 2 页模糊', '{}') RETURNING id",
                  CurrentVersion(member_id), ref.uri));
}

std::string ApiFixture::AddImportBatch(const std::string& org_name, bool with_report) {
  const std::string id = RandomUuid();
  const auto sheet = blobs_->Put("姓名\n");
  const auto report = blobs_->Put("PK report");
  db_.InTransaction([&](pg::Tx& tx) {
    tx.Run("import_batch_create", id, org(org_name), user("own"), "members.csv", "csv", sheet.uri, sheet.sha256,
           sheet.size, false);
    tx.ExecScript(
        fmt::format("UPDATE import_batches SET status = 'DONE', total_rows = 3, done_rows = 3, ok_rows = 2, "
                    "failed_rows = 1, report_uri = {}, finished_at = now() WHERE id = '{}'",
                    with_report ? "'" + report.uri + "'" : "NULL", id));
    // Row 2 imported a member who needs an upload (R11), row 3 failed.
    const auto m = tx.ExecScript(fmt::format(
        "INSERT INTO members (org_id, name, id_card, joined_on, archive_status, upload_deadline, import_batch_id, "
        "import_row_no) VALUES ({}, '导入团员', '{}', '2024-05-04', 'NOT_UPLOADED', '2024-06-03', '{}', 2) RETURNING "
        "id",
        org(org_name), archive::testing::MakeIdCard("20060303", fmt::format("{:03}", ++sequence_ % 1000)), id));
    tx.ExecScript(
        fmt::format("UPDATE import_batches SET first_member_id = {1}, last_member_id = {1} WHERE id = '{0}';"
                    "INSERT INTO import_rows (batch_id, row_no, outcome, codes, reasons) VALUES "
                    "('{0}', 3, 'FAILED', '{{ID_CHECKSUM}}', '{{身份证号码校验位错误}}')",
                    id, m.Int(0, 0)));
  });
  return id;
}

std::string ApiFixture::DevNumberOf(std::int64_t member_id) {
  return db_.InTransaction([&](pg::Tx& tx) {
    return tx.ExecScript(fmt::format("SELECT dev_number FROM members WHERE id = {}", member_id)).Text(0, 0);
  });
}

}  // namespace archive::api::testing
