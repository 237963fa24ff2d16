#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/rollup.hpp"
#include "common/base/crypto.hpp"
#include "common/base/text.hpp"
#include "tests/api/api_fixture.hpp"
#include "tests/metrics/scrape.hpp"

namespace archive::api::testing {
namespace {

using ::testing::HasSubstr;

// How many responses the server counted for operation and status ("none": refused before any route matched).
double Counted(const ApiFixture& f, const std::string& operation, int status) {
  return metrics::test::Sample(f.Metrics(), fmt::format(R"(archive_http_requests_total{{operation="{}",status="{}"}})",
                                                        operation, status))
      .value_or(0);
}

void ExpectError(const HttpResult& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  const auto j = r.json();
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_EQ(j.value("code", ""), code) << r.body;
  EXPECT_FALSE(j.value("message", "").empty()) << r.body;
}

class ApiTest : public ::testing::Test {
 protected:
  static ApiConfig SmallUploads() {
    ApiConfig c;
    c.policy.max_archive_bytes = 256 * 1024;
    return c;
  }
  ApiFixture f{SmallUploads()};
};

TEST_F(ApiTest, MalformedRequestsGetTheRightJsonError) {
  const auto m = f.AddMember("G", "NOT_UPLOADED");
  const auto& own = f.token("own");
  ExpectError(Send(f.port(), "GET", "/v1/nothing-here", own), 404, "NOT_FOUND");
  ExpectError(Send(f.port(), "DELETE", fmt::format("/v1/members/{}", m), own), 405, "METHOD_NOT_ALLOWED");
  ExpectError(Send(f.port(), "GET", fmt::format("/v1/members/{}", m), ""), 401, "UNAUTHENTICATED");
  ExpectError(Send(f.port(), "GET", fmt::format("/v1/members/{}", m), "not-a-token"), 401, "UNAUTHENTICATED");
  ExpectError(Send(f.port(), "GET", "/v1/members/abc", own), 400, "BAD_PARAMETER");
  ExpectError(Send(f.port(), "PUT", fmt::format("/v1/members/{}/dev-number", m), own, "{not json"), 400, "BAD_JSON");
  ExpectError(Send(f.port(), "PUT", fmt::format("/v1/members/{}/dev-number", m), own, "[1,2]"), 400, "BAD_JSON");
  ExpectError(Send(f.port(), "PUT", fmt::format("/v1/members/{}/dev-number", m), own, R"({"dev_number":7})"), 400,
              "BAD_PARAMETER");
  ExpectError(Send(f.port(), "PUT", fmt::format("/v1/members/{}/dev-number", m), own, R"({"dev_number":"12345"})"), 400,
              "DEV_NUMBER_FORMAT");
  ExpectError(Send(f.port(), "GET", fmt::format("/v1/members/{}", m), own, R"({"x":1})"), 400, "BODY_NOT_ALLOWED");
  ExpectError(Send(f.port(), "GET", "/v1/members?name=%ZZ", own), 400, "BAD_PARAMETER");
  ExpectError(Send(f.port(), "GET", "/v1/members", own), 400, "BAD_PARAMETER");
  ExpectError(Send(f.port(), "POST", fmt::format("/v1/approvals/{}/reject", 1), f.token("parent"), "{}"), 400,
              "REASON_REQUIRED");
  ExpectError(Send(f.port(), "POST", "/v1/members", own, R"({"org_id":1,"name":"张三","id_card":"123"})"), 400,
              "INVALID_MEMBER");
  ExpectError(
      Send(f.port(), "PUT", fmt::format("/v1/members/{}/dev-number", m), own, std::string(2 * 1024 * 1024, ' ')), 413,
      "BODY_TOO_LARGE");
  const auto huge_header =
      SendRaw(f.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n");
  EXPECT_THAT(huge_header, HasSubstr("431"));
  EXPECT_THAT(huge_header, HasSubstr("HEADER_TOO_LARGE"));
  EXPECT_THAT(SendRaw(f.port(), "NOT HTTP AT ALL\r\n\r\n"), HasSubstr("BAD_REQUEST"));

  // And every refusal is counted, those given before any route matched included
  EXPECT_EQ(Counted(f, "none", 404), 1);
  EXPECT_EQ(Counted(f, "none", 405), 1);
  EXPECT_EQ(Counted(f, "none", 431), 1);
  EXPECT_EQ(Counted(f, "none", 400), 2) << "the malformed head and the badly encoded query";
  EXPECT_EQ(Counted(f, "correctDevNumber", 413), 1);
  EXPECT_EQ(Counted(f, "getMember", 401), 2);
  EXPECT_EQ(Counted(f, "getMember", 400), 2) << "the bad id and the body on a GET";
  EXPECT_THAT(f.Metrics(), HasSubstr(R"(archive_http_request_seconds_count{operation="none"} 5)"));
}

TEST_F(ApiTest, AnExpiredTokenIsRefused) {
  f.Count(fmt::format("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE user_id = {} RETURNING 1",
                      f.user("own")));
  ExpectError(Send(f.port(), "GET", "/v1/members?name=x", f.token("own")), 401, "UNAUTHENTICATED");
}

TEST_F(ApiTest, UploadStoresTheFileAndEmitsTheEventInOneTransaction) {
  const auto m = f.AddMember("G", "NOT_UPLOADED");
  const auto pdf = TinyPdf("upload");
  const auto r =
      Send(f.port(), "POST", fmt::format("/v1/members/{}/archive", m), f.token("own"), pdf, "application/pdf");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto j = r.json();
  EXPECT_EQ(j["sha256"], Sha256Hex(pdf));
  EXPECT_EQ(j["archive_status"], "PENDING");
  EXPECT_EQ(j["uploader_kind"], "branch");
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM outbox WHERE topic = 'archive.uploaded' AND key = '{}'", m)), 1);
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM audit_log WHERE action = 'archive.upload' AND member_id = {} "
                                "AND from_state = 'NOT_UPLOADED' AND to_state = 'PENDING'",
                                m)),
            1);
  const auto download =
      Send(f.port(), "GET", fmt::format("/v1/members/{}/archive/versions/1/file", m), f.token("parent"));
  EXPECT_EQ(download.status, 200);
  EXPECT_EQ(download.body, pdf);
  EXPECT_EQ(download.headers.at("content-type"), "application/pdf");
  EXPECT_EQ(
      f.Count(fmt::format("SELECT count(*) FROM audit_log WHERE action = 'archive.download' AND member_id = {}", m)),
      1);
  // A second first-upload is refused: the archive is pending.
  ExpectError(Send(f.port(), "POST", fmt::format("/v1/members/{}/archive", m), f.token("own"), pdf, "application/pdf"),
              409, "ARCHIVE_PENDING");
}

TEST_F(ApiTest, UploadOverTheLimitIs413AndStoresNothing) {
  const auto m = f.AddMember("G", "NOT_UPLOADED");
  const std::string big = "%PDF-1.4\n" + std::string(300 * 1024, 'x');
  const auto r =
      Send(f.port(), "POST", fmt::format("/v1/members/{}/archive", m), f.token("own"), big, "application/pdf");
  ExpectError(r, 413, "TOO_LARGE");
  EXPECT_THAT(r.json().value("message", ""), HasSubstr("MB"));
  EXPECT_EQ(f.Count("SELECT count(*) FROM archive_versions"), 0);
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM members WHERE id = {} AND archive_status = 'NOT_UPLOADED'", m)),
            1);
}

TEST_F(ApiTest, ADeclaredTwentyMegabyteBodyIsRefusedBeforeItIsSent) {
  ApiFixture full;  // the default 20 MB limit
  const auto m = full.AddMember("G", "NOT_UPLOADED");
  const auto reply = SendRaw(full.port(), fmt::format("POST /v1/members/{}/archive HTTP/1.1\r\nHost: x\r\n"
                                                      "Authorization: Bearer {}\r\nContent-Type: application/pdf\r\n"
                                                      "Content-Length: {}\r\nExpect: 100-continue\r\n\r\n",
                                                      m, full.token("own"), 20 * 1024 * 1024 + 1));
  EXPECT_THAT(reply, HasSubstr("413"));
  EXPECT_THAT(reply, HasSubstr("TOO_LARGE"));
  EXPECT_THAT(reply, HasSubstr("20 MB"));
  EXPECT_THAT(reply, ::testing::Not(HasSubstr("100 Continue")));
}

TEST_F(ApiTest, AFileThatIsNotAPdfIs415) {
  const auto m = f.AddMember("G", "NOT_UPLOADED");
  ExpectError(Send(f.port(), "POST", fmt::format("/v1/members/{}/archive", m), f.token("own"), "PK\x03\x04 a zip",
                   "application/pdf"),
              415, "NOT_PDF");
  ExpectError(
      Send(f.port(), "POST", fmt::format("/v1/members/{}/archive", m), f.token("own"), "%PD", "application/pdf"), 415,
      "NOT_PDF");
  EXPECT_EQ(f.Count("SELECT count(*) FROM archive_versions"), 0);
}

TEST_F(ApiTest, TwoConcurrentDecisionsOnOneArchiveExactlyOneWins) {
  for (int round = 0; round < 5; ++round) {
    const auto m = f.AddMember("G", "PENDING");
    const auto v = f.CurrentVersion(m);
    std::atomic<int> ready{0};
    HttpResult a;
    HttpResult b;
    auto decide = [&](HttpResult& out, const std::string& path, const std::string& body) {
      ++ready;
      while (ready.load() < 2) std::this_thread::yield();
      out = Send(f.port(), "POST", path, f.token("parent"), body);
    };
    std::thread t1(decide, std::ref(a), fmt::format("/v1/approvals/{}/approve", v), "");
    std::thread t2(decide, std::ref(b), fmt::format("/v1/approvals/{}/reject", v), R"({"reason":"印章缺失"})");
    t1.join();
    t2.join();
    std::vector<int> codes{a.status, b.status};
    std::sort(codes.begin(), codes.end());
    EXPECT_EQ(codes, (std::vector<int>{200, 409})) << a.body << " / " << b.body;
    const auto loser = a.status == 409 ? a : b;
    EXPECT_EQ(loser.json().value("code", ""), "ALREADY_DECIDED");
    EXPECT_EQ(
        f.Count(fmt::format("SELECT count(*) FROM audit_log WHERE member_id = {} AND action LIKE 'archive.%'", m)), 1);
  }
}

TEST_F(ApiTest, ListsMaskIdNumbersAndOnlyAnAuditedRevealShowsTheWholeNumber) {
  const auto m = f.AddMember("G", "NOT_UPLOADED");
  const auto full = f.db().InTransaction([&](pg::Tx& tx) {
    return tx.ExecScript(fmt::format("SELECT id_card FROM members WHERE id = {}", m)).Text(0, 0);
  });
  const auto search = Send(f.port(), "GET", "/v1/members?id_card=" + full, f.token("parent"));
  ASSERT_EQ(search.status, 200) << search.body;
  ASSERT_EQ(search.json()["items"].size(), 1u);
  EXPECT_EQ(search.json()["items"][0]["id_card_masked"], MaskIdCard(full));
  EXPECT_THAT(search.body, ::testing::Not(HasSubstr(full)));
  // The search's audit row was committed before the answer left, with the number masked.
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM audit_log WHERE action = 'member.search' AND actor_user_id = {} "
                                "AND remote_addr = '127.0.0.1' AND detail->>'by' = 'id_card' AND detail->>'value' = "
                                "'{}' AND (detail->>'results')::int = 1",
                                f.user("parent"), MaskIdCard(full))),
            1);
  const auto read = Send(f.port(), "GET", fmt::format("/v1/members/{}", m), f.token("parent"));
  EXPECT_THAT(read.body, ::testing::Not(HasSubstr(full)));
  // Outside the subtree the same search finds nothing.
  EXPECT_EQ(Send(f.port(), "GET", "/v1/members?id_card=" + full, f.token("sibling")).json()["items"].size(), 0u);

  const auto before = f.Count(
      fmt::format("SELECT count(*) FROM audit_log WHERE action = 'member.reveal_id_card' AND member_id = {}", m));
  const auto reveal = Send(f.port(), "GET", fmt::format("/v1/members/{}/id-card", m), f.token("parent"));
  EXPECT_EQ(reveal.json()["id_card"], full);
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM audit_log WHERE action = 'member.reveal_id_card' AND member_id = "
                                "{} AND actor_user_id = {} AND remote_addr = '127.0.0.1'",
                                m, f.user("parent"))),
            before + 1);
  // The audit trail of the search keeps the number masked too.
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM audit_log WHERE detail::text LIKE '%{}%'", full)), 0);
}

TEST_F(ApiTest, RejectThenReplaceThenApproveWalksTheStatusMachine) {
  const auto m = f.AddMember("G", "PENDING");
  const auto v1 = f.CurrentVersion(m);
  ASSERT_EQ(Send(f.port(), "POST", fmt::format("/v1/approvals/{}/reject", v1), f.token("parent"),
                 R"({"reason":"第 2 页模糊"})")
                .status,
            200);
  const auto member_token = f.AddMemberUser(m);
  auto status = Send(f.port(), "GET", fmt::format("/v1/members/{}/archive", m), member_token);
  EXPECT_EQ(status.json()["archive_status"], "REJECTED");
  EXPECT_EQ(status.json()["archive_status_text"], "认证不通过");
  EXPECT_EQ(status.json()["current_version"]["decision_reason"], "第 2 页模糊");
  EXPECT_EQ(
      Send(f.port(), "GET", fmt::format("/v1/members/{}/transfer-eligibility", m), member_token).json()["eligible"],
      false);
  const auto replaced = Send(f.port(), "PUT", fmt::format("/v1/members/{}/archive", m), f.token("own"),
                             TinyPdf("second"), "application/pdf");
  ASSERT_EQ(replaced.status, 201) << replaced.body;
  EXPECT_EQ(replaced.json()["version_no"], 2);
  const auto v2 = f.CurrentVersion(m);
  // The pre-review worker's verdict, which approval waits for.
  ExpectError(Send(f.port(), "POST", fmt::format("/v1/approvals/{}/approve", v2), f.token("parent")), 409,
              "PREREVIEW_RUNNING");
  f.Count(fmt::format("UPDATE archive_versions SET verdict = 'PASS', prereviewed_at = now() WHERE id = {} RETURNING 1",
                      v2));
  const auto queue = Send(f.port(), "GET", "/v1/approvals?status=PENDING", f.token("parent"));
  ASSERT_EQ(queue.json()["items"].size(), 1u) << queue.body;
  EXPECT_EQ(queue.json()["items"][0]["version_id"], v2);
  ASSERT_EQ(Send(f.port(), "POST", fmt::format("/v1/approvals/{}/approve", v2), f.token("parent")).status, 200);
  status = Send(f.port(), "GET", fmt::format("/v1/members/{}/archive", m), member_token);
  EXPECT_EQ(status.json()["archive_status_text"], "团员身份已认证");
  EXPECT_EQ(
      Send(f.port(), "GET", fmt::format("/v1/members/{}/transfer-eligibility", m), member_token).json()["eligible"],
      true);
  EXPECT_EQ(
      Send(f.port(), "GET", fmt::format("/v1/members/{}/archive/versions", m), f.token("own")).json()["items"].size(),
      2u);
  // R6: after authentication a new file needs an approved change request, which it then spends.
  ExpectError(Send(f.port(), "PUT", fmt::format("/v1/members/{}/archive", m), f.token("own"), TinyPdf("third"),
                   "application/pdf"),
              409, "CHANGE_REQUEST_REQUIRED");
  const auto cr = Send(f.port(), "POST", fmt::format("/v1/members/{}/change-requests", m), f.token("own"),
                       R"({"reason":"扫描件页序错误"})");
  ASSERT_EQ(cr.status, 201) << cr.body;
  ASSERT_EQ(Send(f.port(), "POST", fmt::format("/v1/change-requests/{}/approve", cr.json()["id"].get<int>()),
                 f.token("parent"))
                .status,
            200);
  ASSERT_EQ(Send(f.port(), "PUT", fmt::format("/v1/members/{}/archive", m), f.token("own"), TinyPdf("third"),
                 "application/pdf")
                .status,
            201);
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM change_requests WHERE member_id = {} AND status = 'USED'", m)),
            1);
}

TEST_F(ApiTest, DevNumberCorrectionIsAuditedWithOldAndNewValue) {
  const auto m = f.AddMember("G", "NOT_UPLOADED");
  const auto old_number = f.DevNumberOf(m);
  const auto r = Send(f.port(), "PUT", fmt::format("/v1/members/{}/dev-number", m), f.token("parent"),
                      R"({"dev_number":"202399990001"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(f.DevNumberOf(m), "202399990001");
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM audit_log WHERE action = 'member.correct_dev_number' AND "
                                "detail->>'from' = '{}' AND detail->>'to' = '202399990001'",
                                old_number)),
            1);
  ExpectError(Send(f.port(), "PUT", fmt::format("/v1/members/{}/dev-number", m), f.token("own"),
                   R"({"dev_number":"202499990001"})"),
              400, "DEV_NUMBER_YEAR");
}

}  // namespace
}  // namespace archive::api::testing

namespace archive::api::testing {
namespace {

TEST_F(ApiTest, StatisticsOfASubtreeCountOnlyAuthenticatedNewMembersAndAgreeWithACountAfterFolding) {
  // Given members in G (under C) and S (under C) in every state; two admitted in 2023-03, authenticated.
  f.AddMember("G", "AUTHENTICATED");
  f.AddMember("S", "AUTHENTICATED");
  f.AddMember("G", "PENDING");
  f.AddMember("G", "REJECTED");      // deadline 2023-03-31: overdue
  f.AddMember("D", "NOT_UPLOADED");  // overdue too
  f.AddMember("U", "NOT_UPLOADED");  // another tree
  const auto read = [&](const std::string& who, std::int64_t org) {
    return Send(f.port(), "GET", fmt::format("/v1/statistics?org_id={}&from=2023-01&to=2023-12", org), f.token(who))
        .json();
  };
  auto c = read("parent", f.org("C"));
  EXPECT_EQ(c["new_members_authenticated"], 2) << c;
  EXPECT_EQ(c["pending"], 1);
  EXPECT_EQ(c["rejected"], 1);
  EXPECT_EQ(c["not_uploaded"], 1);
  EXPECT_EQ(c["overdue"], 2);
  auto g = read("own", f.org("G"));
  EXPECT_EQ(g["new_members_authenticated"], 1) << g;
  EXPECT_EQ(g["overdue"], 2);
  // A period without those admissions counts none.
  EXPECT_EQ(Send(f.port(), "GET", fmt::format("/v1/statistics?org_id={}&from=2024-01&to=2024-12", f.org("C")),
                 f.token("parent"))
                .json()["new_members_authenticated"],
            0);

  // When an approval authenticates one more member, and the deltas are folded, the figures still agree.
  const auto m = f.AddMember("G", "PENDING");
  ASSERT_EQ(
      Send(f.port(), "POST", fmt::format("/v1/approvals/{}/approve", f.CurrentVersion(m)), f.token("parent")).status,
      200);
  f.db().InTransaction([](pg::Tx& tx) { FoldRollup(tx, 1'000'000); });
  EXPECT_EQ(f.Count("SELECT count(*) FROM org_rollup_delta"), 0);
  c = read("grand", f.org("C"));
  EXPECT_EQ(c["new_members_authenticated"], 3) << c;
  EXPECT_EQ(c["pending"], 1);
  EXPECT_EQ(c["authenticated"], f.Count("SELECT count(*) FROM members m JOIN organizations o ON o.id = m.org_id "
                                        "WHERE o.code IN ('ORG-C', 'ORG-G', 'ORG-D', 'ORG-S') "
                                        "AND m.archive_status = 'AUTHENTICATED'"));
}

}  // namespace
}  // namespace archive::api::testing

namespace archive::api::testing {
namespace {

TEST_F(ApiTest, AnUploadedSheetStartsAnImportBatchThroughTheOutbox) {
  const std::string csv = "姓名,身份证号码,民族,入团年月\n张三,110105200601010011,汉族,2024-05\n";
  const auto r =
      Send(f.port(), "POST", fmt::format("/v1/imports?org_id={}&filename=%E5%90%8D%E5%8D%95.csv", f.org("G")),
           f.token("own"), csv, "text/csv");
  ASSERT_EQ(r.status, 202) << r.body;
  const auto batch = r.json()["batch_id"].get<std::string>();
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM import_batches WHERE id = '{}' AND status = 'QUEUED' AND "
                                "format = 'csv' AND filename = '名单.csv' AND org_id = {}",
                                batch, f.org("G"))),
            1);
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM outbox WHERE topic = 'import.requested' AND key = '{}'", batch)),
            1);
  const auto status = Send(f.port(), "GET", fmt::format("/v1/imports/{}", batch), f.token("parent"));
  EXPECT_EQ(status.json()["status"], "QUEUED") << status.body;
  // A PDF is no member sheet.
  ExpectError(Send(f.port(), "POST", fmt::format("/v1/imports?org_id={}", f.org("G")), f.token("own"),
                   TinyPdf("not a sheet"), "application/pdf"),
              415, "NOT_A_SHEET");
  // A finished batch reads as R11 says, with its failure report.
  const auto done = f.AddImportBatch("G", true);
  const auto result = Send(f.port(), "GET", fmt::format("/v1/imports/{}", done), f.token("own")).json();
  EXPECT_EQ(result["summary"], "成功导入 2 位团员，1 位团员导入失败");
  ASSERT_EQ(result["failed_rows"].size(), 1u) << result;
  EXPECT_EQ(result["failed_rows"][0]["reason"], "身份证号码校验位错误");
  ASSERT_EQ(result["needs_upload"].size(), 1u) << result;
  EXPECT_EQ(result["needs_upload"][0]["row"], 2);
  EXPECT_EQ(Send(f.port(), "GET", result["report_url"].get<std::string>(), f.token("own")).body, "PK report");
  ExpectError(Send(f.port(), "GET", "/v1/imports/not-a-uuid", f.token("own")), 400, "BAD_PARAMETER");
}

}  // namespace
}  // namespace archive::api::testing

namespace archive::api::testing {
namespace {

TEST(ApiTimeouts, AClientThatStopsHalfwayThroughItsRequestHeadIsDisconnected) {
  ServerConfig server;
  server.header_timeout = std::chrono::milliseconds(200);
  ApiFixture f({}, server);
  // SendRaw waits up to 10 s for the server to close; the head never ends, so only the timeout can close it.
  const auto started = std::chrono::steady_clock::now();
  const auto reply = SendRaw(f.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n");
  EXPECT_EQ(reply, "");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(9)) << "closed by the client's bound";
  // Beast's timer closes the socket before the session resumes to count, so the client may ask first.
  EXPECT_TRUE(archive::testing::Eventually(
      [&] { return metrics::test::Sample(f.Metrics(), R"(archive_http_timeouts_total{phase="head"})") == 1; },
      std::chrono::seconds(5)))
      << f.Metrics();
}

TEST(ApiStopTest, StopsWithinItsBoundWhileASearchWaitsForAStuckAuditRow) {
  ServerConfig server_config;
  server_config.stop_timeout = std::chrono::milliseconds(200);
  auto f = std::make_unique<ApiFixture>(ApiConfig{}, server_config);
  // Given the audit log locked, so that the audit writer waits as on a database that does not answer
  pg::Tx lock = f->db().Begin();
  lock.ExecScript("LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE");
  HttpResult search;
  search.status = -1;
  std::thread client(
      [&, port = f->port(), token = f->token("parent")] { search = Send(port, "GET", "/v1/members?name=x", token); });
  pg::Connection watcher(config::RequireEnv("ARCHIVE_DB_URL"));
  ASSERT_TRUE(archive::testing::Eventually(
      [&] {
        return archive::testing::QueryInt(watcher,
                                          "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                                          "'archive-api-audit' AND wait_event_type = 'Lock'") > 0;
      },
      std::chrono::seconds(10)));
  // When the server stops, then Stop() returns while the row is still stuck (it used to wait until it was written)
  f->StopServer();
  // and the row written late finds the search dropped: it gets no answer, so no read without its audit row
  lock.Abort();
  f.reset();
  client.join();
  EXPECT_EQ(search.status, 0) << search.body;
}

}  // namespace
}  // namespace archive::api::testing
