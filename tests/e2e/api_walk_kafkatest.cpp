#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <future>

#include <fmt/format.h>

#include "common/base/crypto.hpp"
#include "common/pdf/context.hpp"
#include "common/testing/testing.hpp"
#include "tests/api/api_fixture.hpp"
#include "tests/metrics/scrape.hpp"
#include "tools/formgen/corpus.hpp"

namespace archive::e2e {
namespace {

using namespace std::chrono_literals;
using api::testing::HttpResult;

// One member walked through every archive state over HTTP, with the real processes: archive-api, the outbox
// relay and the pre-review worker (with its sandbox), on a schema and a blob store of their own.
//
//   create -> NOT_UPLOADED -> upload -> PENDING (pre-review PASS) -> reject (reason) -> REJECTED
//          -> replace (替换档案) -> PENDING (pre-review PASS) -> approve (a concurrent second approval: 409)
//          -> AUTHENTICATED -> counted in the statistics of the branch and the committee -> transferable
class ApiWalkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Version and member ids far from other schemas' on the shared archive.uploaded topic, so that an event from
    // another run (tools/run on the same stack) never names one of this test's versions.
    const auto offset = std::to_string(1'000'000'000 + std::stoll(RandomHex(6), nullptr, 16));
    db_.InTransaction([&](pg::Tx& tx) {
      tx.ExecScript("ALTER SEQUENCE archive_versions_id_seq RESTART WITH " + offset +
                    "; ALTER SEQUENCE members_id_seq RESTART WITH " + offset + R"(;
          INSERT INTO organizations (id, code, name, kind, parent_id, path) VALUES
            (71, 'E2E-C', '示例团委', 'committee', NULL, '71'),
            (72, 'E2E-B', '高一(1)班团支部', 'branch', 71, '71.72'),
            (81, 'T-CENTER', '团中央', 'leading_body', NULL, '81'),
            (82, 'T-PROV', '省团委', 'committee', 81, '81.82'),
            (83, 'T-CITY', '市团委', 'committee', 82, '81.82.83'),
            (84, 'T-DIST', '区团委', 'committee', 83, '81.82.83.84'),
            (85, 'T-SCHOOL', '学校团委', 'committee', 84, '81.82.83.84.85'),
            (86, 'T-GENERAL', '高一年级团总支', 'general_branch', 85, '81.82.83.84.85.86'),
            (87, 'T-BRANCH', '高一(2)班团支部', 'branch', 86, '81.82.83.84.85.86.87'),
            (88, 'T-WORKS', '区教育团工委', 'working_committee', 84, '81.82.83.84.88'),
            (89, 'T-WBRANCH', '工委直属团支部', 'branch', 88, '81.82.83.84.88.89'))");
    });
    branch_token_ = AddUser("e2e-secretary", "branch_admin", 72);
    committee_token_ = AddUser("e2e-committee", "committee_admin", 71);
    for (const auto& [org, role] : std::map<std::int64_t, const char*>{{81, "committee_admin"},
                                                                       {82, "committee_admin"},
                                                                       {83, "committee_admin"},
                                                                       {84, "committee_admin"},
                                                                       {85, "committee_admin"},
                                                                       {86, "branch_admin"},
                                                                       {87, "branch_admin"},
                                                                       {88, "committee_admin"},
                                                                       {89, "branch_admin"}}) {
      tree_[org] = AddUser(fmt::format("e2e-tree-{}", org), role, org);
    }

    pdf::Context context;
    auto generator = std::get<formgen::Generator>(formgen::Generator::Create(context, formgen::FontFiles{}));
    // The same person scanned twice at different resolutions: the replacement is another file of the same form.
    first_ = std::get<formgen::GeneratedForm>(generator.Generate(formgen::Case::kClean, 0, 7, 200));
    second_ = std::get<formgen::GeneratedForm>(generator.Generate(formgen::Case::kClean, 0, 7, 250));
    ASSERT_EQ(first_.label["record_number"], second_.label["record_number"]);
    ASSERT_NE(first_.bytes, second_.bytes);
    other_ = std::get<formgen::GeneratedForm>(generator.Generate(formgen::Case::kClean, 1, 11, 200));
    ASSERT_NE(other_.label["record_number"], first_.label["record_number"]);

    const auto topics = testing::MakeTopics({"prereview-dlq"}, 1);
    const std::map<std::string, std::string> env{
        {"ARCHIVE_DB_URL", schema_.url()},
        {"ARCHIVE_KAFKA_BROKERS", testing::StackSetting("ARCHIVE_KAFKA_BROKERS")},
        {"ARCHIVE_BLOB_ROOT", blob_root_.string()},
        {"ARCHIVE_LOG_LEVEL", "warn"}};
    api_port_ = metrics::test::FreePort();
    // The archive.uploaded events come from the outbox as in production, so the worker reads the real topic, in a
    // group of its own; events of other schemas' versions are dead-lettered to this test's topic.
    Write("api", fmt::format(R"({{"server": {{"address": "127.0.0.1", "port": {}, "threads": 2}},
                                  "api": {{"rollup_fold_interval_ms": 200}},
                                  "metrics": {{"host": "127.0.0.1", "port": 0}}}})",
                             api_port_));
    Write("relay", R"({"metrics": {"host": "127.0.0.1", "port": 0}, "relay": {"idle_wait_ms": 100}})");
    Write("prereview", fmt::format(R"({{"metrics": {{"host": "127.0.0.1", "port": 0}},
        "kafka": {{"rdkafka": {{"session.timeout.ms": "6000"}}}},
        "consumer": {{"group": "{}", "topics": ["archive.uploaded"], "dead_letter_topic": "{}"}}}})",
                                   testing::UniqueName("prereview"), topics[0]));
    for (const auto* name : {"archive-api", "outbox-relay", "prereview-worker"}) {
      const std::string config = std::string(name) == "archive-api"    ? "api"
                                 : std::string(name) == "outbox-relay" ? "relay"
                                                                       : "prereview";
      processes_.push_back(std::make_unique<testing::ChildProcess>(testing::BinaryPath(std::string("bin/") + name),
                                                                   std::vector<std::string>{configs_.at(config)}, env));
    }
    ASSERT_TRUE(testing::Eventually([&] { return Get("/healthz").status == 200; }, 60s))
        << "archive-api did not answer on port " << api_port_;
  }

  void TearDown() override {
    for (auto& p : processes_) {
      p->Kill(SIGTERM);
      EXPECT_NE(p->Wait(30s), -1) << "a process did not stop within 30 s of SIGTERM";
    }
    for (const auto& [name, path] : configs_) std::filesystem::remove(path);
    std::error_code ec;
    std::filesystem::remove_all(blob_root_, ec);
  }

  std::string AddUser(const std::string& login, const std::string& role, std::int64_t org) {
    const std::string secret = RandomHex(24);
    db_.InTransaction([&](pg::Tx& tx) {
      const auto user = tx.Run("user_add", login, login, role, org, std::nullopt).Int(0, 0);
      tx.Run("token_issue", user, pg::ToBytea(Sha256Raw(secret)), "e2e", 1);
    });
    return secret;
  }

  void Write(const std::string& name, const std::string& json) {
    const auto path = ::testing::TempDir() + "/" + testing::UniqueName("api-walk-" + name) + ".json";
    std::ofstream(path) << json;
    configs_[name] = path;
  }

  HttpResult Get(const std::string& target, const std::string& token = "") {
    try {
      return api::testing::Send(api_port_, "GET", target, token);
    } catch (const std::exception&) {
      return {};  // not listening yet
    }
  }
  HttpResult Call(const std::string& method, const std::string& target, const std::string& token,
                  const std::string& body = "", const std::string& type = "application/json") {
    return api::testing::Send(api_port_, method, target, token, body, type);
  }

  // The archive status once the pre-review worker has given version_id its verdict, or the last status read.
  // token: a reader of the member; the branch of the first walk by default.
  nlohmann::json StatusAfterPrereview(std::int64_t member, std::int64_t version_id, const std::string& token = "") {
    nlohmann::json status;
    const bool reviewed = testing::Eventually(
        [&] {
          const auto r = Get(fmt::format("/v1/members/{}/archive", member), token.empty() ? branch_token_ : token);
          if (r.status != 200) return false;
          status = r.json();
          const auto& v = status["current_version"];
          return v.is_object() && v["id"] == version_id && !v["verdict"].is_null();
        },
        240s);
    EXPECT_TRUE(reviewed) << "no pre-review verdict for version " << version_id << ": " << status.dump();
    return status;
  }

  nlohmann::json Statistics(std::int64_t org) {
    return Get(fmt::format("/v1/statistics?org_id={}&from=2020-01&to=2030-12", org), committee_token_).json();
  }

  std::int64_t Count(const std::string& sql) { return testing::QueryInt(db_, sql); }

  testing::TestSchema schema_;
  pg::Connection db_{schema_.url()};
  std::filesystem::path blob_root_ = std::filesystem::temp_directory_path() / ("api-walk-" + RandomHex(4));
  std::map<std::string, std::string> configs_;
  std::vector<std::unique_ptr<testing::ChildProcess>> processes_;
  int api_port_ = 0;
  std::string branch_token_;
  std::string committee_token_;
  formgen::GeneratedForm first_;
  formgen::GeneratedForm second_;
  formgen::GeneratedForm other_;              // another person's form
  std::map<std::int64_t, std::string> tree_;  // organization id of the seven-level tree -> its admin's token

  // The member of form in organization org, entered by that organization's admin.
  std::int64_t Enter(const formgen::GeneratedForm& form, std::int64_t org, const std::string& serial) {
    const std::string number = form.label["record_number"];
    const std::string year = number.substr(0, 4);
    const auto created =
        Call("POST", "/v1/members", tree_.at(org),
             nlohmann::json{{"org_id", org},
                            {"name", form.label["record_name"]},
                            {"id_card", testing::MakeIdCard(std::to_string(std::stoi(year) - 16) + "0301", serial)},
                            {"ethnicity", "汉族"},
                            {"joined_on", year + "-09-01"},
                            {"dev_number", number}}
                 .dump());
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json().value("id", std::int64_t{0});
  }

  std::vector<std::int64_t> Queue(std::int64_t org) {
    const auto body = Get("/v1/approvals", tree_.at(org)).json();
    std::vector<std::int64_t> ids;
    for (const auto& item : body.value("items", nlohmann::json::array())) ids.push_back(item["version_id"]);
    return ids;
  }

  std::int64_t Told(std::int64_t org, const std::string& kind) {
    return Count(fmt::format("SELECT count(*) FROM notifications WHERE org_id = {} AND kind = '{}'", org, kind));
  }
};

TEST_F(ApiWalkTest, WalksOneMemberThroughEveryStateOverHttp) {
  // Given the member of the generated form, created by the branch admin
  const std::string number = first_.label["record_number"];
  const std::string name = first_.label["record_name"];
  const std::string year = number.substr(0, 4);
  const auto id_card = testing::MakeIdCard(std::to_string(std::stoi(year) - 16) + "0301", "021");
  const auto created = Call("POST", "/v1/members", branch_token_,
                            nlohmann::json{{"org_id", 72},
                                           {"name", name},
                                           {"id_card", id_card},
                                           {"ethnicity", "汉族"},
                                           {"joined_on", year + "-09-01"},
                                           {"dev_number", number}}
                                .dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t member = created.json()["id"];
  const auto path = fmt::format("/v1/members/{}/archive", member);
  EXPECT_EQ(Get(path, branch_token_).json()["archive_status"], "NOT_UPLOADED");
  EXPECT_EQ(Get(fmt::format("/v1/members/{}/transfer-eligibility", member), branch_token_).json()["eligible"], false);

  // When the branch uploads the scanned form
  const auto upload = Call("POST", path, branch_token_, first_.bytes, "application/pdf");
  ASSERT_EQ(upload.status, 201) << upload.body;
  const std::int64_t v1 = upload.json()["version_id"];

  // Then the pre-review worker passes it, and the archive waits for the committee
  auto status = StatusAfterPrereview(member, v1);
  EXPECT_EQ(status["archive_status"], "PENDING") << status.dump();
  EXPECT_EQ(status["current_version"]["verdict"], "PASS") << status.dump();
  const auto queue = Get("/v1/approvals?status=PENDING", committee_token_);
  ASSERT_EQ(queue.status, 200) << queue.body;
  EXPECT_NE(queue.body.find(fmt::format("{}", v1)), std::string::npos)
      << "not in the committee's queue: " << queue.body;

  // When the committee rejects it (a reason is required)
  EXPECT_EQ(Call("POST", fmt::format("/v1/approvals/{}/reject", v1), committee_token_, "{}").status, 400);
  const std::string reason = "第8页公章不清晰，请重新扫描";
  const auto rejected = Call("POST", fmt::format("/v1/approvals/{}/reject", v1), committee_token_,
                             nlohmann::json{{"reason", reason}}.dump());
  ASSERT_EQ(rejected.status, 200) << rejected.body;

  // Then the member reads 认证不通过 with the decision, its reason and the findings, and cannot be transferred
  status = Get(path, branch_token_).json();
  EXPECT_EQ(status["archive_status"], "REJECTED") << status.dump();
  EXPECT_EQ(status["current_version"]["decision"], "REJECTED");
  EXPECT_EQ(status["current_version"]["decision_reason"], reason);
  EXPECT_TRUE(status["current_version"]["findings"].is_array());
  EXPECT_EQ(Get(fmt::format("/v1/members/{}/transfer-eligibility", member), branch_token_).json()["code"],
            "NOT_AUTHENTICATED");

  // When the branch replaces the archive (替换档案) with a new scan
  const auto replaced = Call("PUT", path, branch_token_, second_.bytes, "application/pdf");
  ASSERT_EQ(replaced.status, 201) << replaced.body;
  const std::int64_t v2 = replaced.json()["version_id"];
  EXPECT_EQ(replaced.json()["version_no"], 2);

  // Then it is pre-reviewed again and waits for the committee
  status = StatusAfterPrereview(member, v2);
  EXPECT_EQ(status["archive_status"], "PENDING") << status.dump();
  EXPECT_EQ(status["current_version"]["verdict"], "PASS") << status.dump();

  // When two committee admins' approvals of it arrive at once
  auto a = std::async(std::launch::async,
                      [&] { return Call("POST", fmt::format("/v1/approvals/{}/approve", v2), committee_token_); });
  auto b = std::async(std::launch::async,
                      [&] { return Call("POST", fmt::format("/v1/approvals/{}/approve", v2), committee_token_); });
  const auto first = a.get();
  const auto second = b.get();

  // Then exactly one wins and the other gets 409
  std::vector<int> codes{first.status, second.status};
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(codes, (std::vector<int>{200, 409})) << first.body << " / " << second.body;

  // And the member is authenticated
  status = Get(path, branch_token_).json();
  EXPECT_EQ(status["archive_status"], "AUTHENTICATED") << status.dump();
  EXPECT_EQ(status["current_version"]["decision"], "APPROVED");

  // And counted among the new members of the branch and of its committee (R8), once the rollup folds
  nlohmann::json branch_stats;
  nlohmann::json committee_stats;
  EXPECT_TRUE(testing::Eventually(
      [&] {
        branch_stats = Statistics(72);
        committee_stats = Statistics(71);
        return branch_stats["new_members_authenticated"] == 1 && committee_stats["new_members_authenticated"] == 1;
      },
      60s))
      << branch_stats.dump() << " / " << committee_stats.dump();
  EXPECT_EQ(committee_stats["authenticated"], 1);
  EXPECT_EQ(committee_stats["pending"], 0);
  EXPECT_EQ(committee_stats["rejected"], 0);

  // And transferable
  const auto eligibility = Get(fmt::format("/v1/members/{}/transfer-eligibility", member), branch_token_);
  EXPECT_EQ(eligibility.status, 200) << eligibility.body;
  EXPECT_EQ(eligibility.json()["eligible"], true) << eligibility.body;

  // And every step left one audit row: two uploads, two pre-reviews, one rejection, one approval (not two)
  const auto audited = [&](const std::string& action) {
    return Count(fmt::format("SELECT count(*) FROM audit_log WHERE member_id = {} AND action = '{}'", member, action));
  };
  EXPECT_EQ(audited("archive.upload"), 1);
  EXPECT_EQ(audited("archive.replace"), 1);
  EXPECT_EQ(audited("archive.prereview"), 2);
  EXPECT_EQ(audited("archive.reject"), 1);
  EXPECT_EQ(audited("archive.approve"), 1);
  EXPECT_EQ(Count(fmt::format("SELECT count(*) FROM audit_log WHERE member_id = {} AND action = 'archive.reject' "
                              "AND reason = '{}' AND to_state = 'REJECTED'",
                              member, reason)),
            1);
  // (Events of other schemas' versions on the shared topic are dead-lettered as VERSION_NOT_FOUND; nothing else.)
  EXPECT_EQ(Count("SELECT count(*) FROM failed_jobs WHERE error_code <> 'VERSION_NOT_FOUND'"), 0);
}

// 团中央 → 省 → 市 → 区 → 学校团委 → 团总支 → 团支部, and a 团工委 beside the 学校团委, with the real workers: who may
// upload, who sees the upload in the queue, who may decide, who is told, and who gets 403 or 404 (docs/rules.md R4,
// R5). The machine advises: a pre-review FAIL leaves the member PENDING and tells the uploader; people decide.
TEST_F(ApiWalkTest, OnASevenLevelTreeTheNearestCommitteeAboveDecides) {
  // Given a member of the 团支部 under the 团总支, uploaded by the 团总支 (R5: the direct superior)
  const auto member = Enter(first_, 87, "031");
  const auto path = fmt::format("/v1/members/{}/archive", member);
  EXPECT_EQ(Call("POST", path, tree_.at(85), first_.bytes, "application/pdf").status, 403);
  EXPECT_EQ(Call("POST", path, tree_.at(88), first_.bytes, "application/pdf").status, 404);
  const auto upload = Call("POST", path, tree_.at(86), first_.bytes, "application/pdf");
  ASSERT_EQ(upload.status, 201) << upload.body;
  const std::int64_t version = upload.json()["version_id"];
  EXPECT_EQ(StatusAfterPrereview(member, version, tree_.at(87))["archive_status"], "PENDING");

  // Then only the 学校团委 has it in its queue, and only it may decide
  EXPECT_EQ(Queue(85), std::vector<std::int64_t>{version});
  for (const std::int64_t org : {81, 82, 83, 84, 88}) EXPECT_TRUE(Queue(org).empty()) << org;
  EXPECT_EQ(Get("/v1/approvals", tree_.at(86)).status, 403);
  const auto approve = fmt::format("/v1/approvals/{}/approve", version);
  EXPECT_EQ(Call("POST", approve, tree_.at(86)).status, 403);
  EXPECT_EQ(Call("POST", approve, tree_.at(87)).status, 403);
  EXPECT_EQ(Call("POST", approve, tree_.at(84)).status, 403);
  EXPECT_EQ(Call("POST", approve, tree_.at(81)).status, 403);
  EXPECT_EQ(Call("POST", approve, tree_.at(88)).status, 404);
  const auto approved = Call("POST", approve, tree_.at(85));
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()["archive_status"], "AUTHENTICATED");
  EXPECT_EQ(Told(86, "ARCHIVE_APPROVED"), 1);
  EXPECT_EQ(Told(87, "ARCHIVE_APPROVED"), 1);

  // When the 团支部 uploads a file that is not a form, the pre-review fails it, tells the branch at once, and the
  // member still waits for the 学校团委, who rejects it with a reason the branch reads in its 操作中心
  const auto second = Enter(other_, 87, "032");
  const auto bad = Call("POST", fmt::format("/v1/members/{}/archive", second), tree_.at(87),
                        api::testing::TinyPdf("not a form"), "application/pdf");
  ASSERT_EQ(bad.status, 201) << bad.body;
  const std::int64_t bad_version = bad.json()["version_id"];
  const auto failed = StatusAfterPrereview(second, bad_version, tree_.at(87));
  EXPECT_EQ(failed["current_version"]["verdict"], "FAIL") << failed.dump();
  EXPECT_EQ(failed["archive_status"], "PENDING");
  EXPECT_EQ(Told(87, "PREREVIEW_FAILED"), 1);
  EXPECT_EQ(Queue(85), std::vector<std::int64_t>{bad_version});
  const auto rejected = Call("POST", fmt::format("/v1/approvals/{}/reject", bad_version), tree_.at(85),
                             R"({"reason": "上传的不是入团志愿书，请重新扫描上传"})");
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.json()["archive_status"], "REJECTED");
  const auto feed = Get("/v1/notifications?unread=true", tree_.at(87)).json();
  ASSERT_FALSE(feed["items"].empty()) << feed.dump();
  EXPECT_EQ(feed["items"][0]["kind"], "ARCHIVE_REJECTED");
  EXPECT_EQ(Get("/v1/notifications", tree_.at(89)).json()["items"].size(), 0u);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE to_state = 'REJECTED' AND actor_user_id IS NULL"), 0);
}

// A committee's upload for its own 本级 member needs no approval (3.2.2): the pre-review's PASS or WARN
// authenticates it, and it never reaches a queue.
TEST_F(ApiWalkTest, ACommitteesOwnUploadIsAuthenticatedWithoutApproval) {
  const auto member = Enter(first_, 85, "041");
  const auto upload =
      Call("POST", fmt::format("/v1/members/{}/archive", member), tree_.at(85), first_.bytes, "application/pdf");
  ASSERT_EQ(upload.status, 201) << upload.body;
  EXPECT_EQ(upload.json()["uploader_kind"], "committee");
  const std::int64_t version = upload.json()["version_id"];
  ASSERT_TRUE(testing::Eventually(
      [&] {
        return Count(fmt::format("SELECT count(*) FROM members WHERE id = {} AND archive_status = "
                                 "'AUTHENTICATED'",
                                 member)) == 1;
      },
      240s))
      << Get(fmt::format("/v1/members/{}/archive", member), tree_.at(85)).body;
  EXPECT_TRUE(Queue(84).empty());
  EXPECT_EQ(Count(fmt::format("SELECT count(*) FROM archive_versions WHERE id = {} AND decision IS NULL", version)), 1);
}

}  // namespace
}  // namespace archive::e2e
