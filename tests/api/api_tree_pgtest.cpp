#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/sheet/sheet.hpp"
#include "tests/api/api_fixture.hpp"

// The archive's life on an organization tree of the shape schools really have (docs/rules.md R4, R5): 团中央 → 省 →
// 市 → 区 → 学校团委 → 团总支 → 团支部, and a 团工委 beside the 学校团委 with a 团支部 of its own. For each level: who
// may upload, who sees the upload in the queue, who may approve or reject, who is told, and who gets 403 or 404.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:lxw_strdup\n";
}

namespace archive::api::testing {
namespace {

const char* const kNames[] = {"明", "华", "强", "伟", "芳", "娜", "敏", "静", "丽", "军"};

class ApiTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto center = f.AddOrg("团中央", "leading_body", std::nullopt);
    const auto province = f.AddOrg("省", "committee", center);
    const auto city = f.AddOrg("市", "committee", province);
    const auto district = f.AddOrg("区", "committee", city);
    const auto school = f.AddOrg("学校团委", "committee", district);
    const auto general = f.AddOrg("团总支", "general_branch", school);
    f.AddOrg("团支部", "branch", general);
    const auto works = f.AddOrg("团工委", "working_committee", district);
    f.AddOrg("工委支部", "branch", works);
    for (const auto* level : {"团中央", "省", "市", "区", "学校团委", "团工委"}) {
      f.AddUser(level, "committee_admin", f.org(level));
    }
    for (const auto* level : {"团总支", "团支部", "工委支部"}) f.AddUser(level, "branch_admin", f.org(level));
  }

  std::int64_t Member(const std::string& org) {
    const int n = ++n_;
    const auto r =
        Send(f.port(), "POST", "/v1/members", f.token(org),
             fmt::format(
                 R"({{"org_id": {}, "name": "李{}", "id_card": "{}", "joined_on": "2024-05-04", "ethnicity": "汉族", )"
                 R"("dev_number": "2024{:08}"}})",
                 f.org(org), std::string(kNames[n % 10]),
                 archive::testing::MakeIdCard("20080101", fmt::format("{:03}", n)), n));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["id"].get<std::int64_t>();
  }

  HttpResult Upload(const std::string& who, std::int64_t member) {
    return Send(f.port(), "POST", fmt::format("/v1/members/{}/archive", member), f.token(who), TinyPdf(who),
                "application/pdf");
  }

  // What the pre-review worker records, so a person may decide.
  void PreReviewed(std::int64_t version, const std::string& verdict = "PASS") {
    f.Count(fmt::format("UPDATE archive_versions SET verdict = '{}', prereviewed_at = now() WHERE id = {} RETURNING 1",
                        verdict, version));
  }

  std::vector<std::int64_t> Queue(const std::string& who) {
    const auto r = Send(f.port(), "GET", "/v1/approvals", f.token(who));
    std::vector<std::int64_t> ids;
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return ids;
    const auto body = r.json();
    for (const auto& item : body["items"]) ids.push_back(item["version_id"].get<std::int64_t>());
    return ids;
  }

  std::int64_t Told(const std::string& org, const std::string& kind) {
    return f.Count(
        fmt::format("SELECT count(*) FROM notifications WHERE org_id = {} AND kind = '{}'", f.org(org), kind));
  }

  ApiFixture f;
  int n_ = 0;
};

TEST_F(ApiTreeTest, TheBranchAndItsDirectSuperiorUploadAndNoOneElse) {
  const auto m = Member("团支部");
  EXPECT_EQ(Upload("学校团委", m).status, 403);
  EXPECT_EQ(Upload("区", m).status, 403);
  EXPECT_EQ(Upload("团工委", m).status, 404);
  EXPECT_EQ(Upload("工委支部", m).status, 404);
  EXPECT_EQ(Upload("团总支", m).status, 201);  // R5: the direct superior may upload for the branch
  EXPECT_EQ(Upload("团支部", m).status, 409);  // already waiting: a replacement, not a first upload
}

TEST_F(ApiTreeTest, TheNearestCommitteeAboveDecidesABranchUnderAGeneralBranch) {
  const auto m = Member("团支部");
  const auto up = Upload("团支部", m);
  ASSERT_EQ(up.status, 201) << up.body;
  const auto v = up.json()["version_id"].get<std::int64_t>();
  EXPECT_EQ(up.json()["uploader_kind"], "branch");
  PreReviewed(v);

  EXPECT_EQ(Queue("学校团委"), std::vector<std::int64_t>{v});
  for (const auto* other : {"团中央", "省", "市", "区", "团工委"}) EXPECT_TRUE(Queue(other).empty()) << other;
  EXPECT_EQ(Send(f.port(), "GET", "/v1/approvals", f.token("团总支")).status, 403);

  const std::string approve = fmt::format("/v1/approvals/{}/approve", v);
  EXPECT_EQ(Send(f.port(), "POST", approve, f.token("团总支")).status, 403);
  EXPECT_EQ(Send(f.port(), "POST", approve, f.token("团支部")).status, 403);
  EXPECT_EQ(Send(f.port(), "POST", approve, f.token("区")).status, 403);
  EXPECT_EQ(Send(f.port(), "POST", approve, f.token("团中央")).status, 403);
  EXPECT_EQ(Send(f.port(), "POST", approve, f.token("团工委")).status, 404);
  const auto ok = Send(f.port(), "POST", approve, f.token("学校团委"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["archive_status"], "AUTHENTICATED");
  EXPECT_TRUE(Queue("学校团委").empty());
  EXPECT_EQ(Told("团支部", "ARCHIVE_APPROVED"), 1);
  EXPECT_EQ(f.Count("SELECT count(*) FROM notifications WHERE jsonb_typeof(detail) <> 'object'"), 0);
  EXPECT_EQ(f.Count("SELECT count(*) FROM audit_log WHERE jsonb_typeof(detail) <> 'object'"), 0);
}

TEST_F(ApiTreeTest, ARejectionIsToldToTheBranchThatUploadedAndToTheMembersBranch) {
  const auto m = Member("团支部");
  const auto up = Upload("团总支", m);
  ASSERT_EQ(up.status, 201) << up.body;
  const auto v = up.json()["version_id"].get<std::int64_t>();
  PreReviewed(v, "FAIL");
  const auto no = Send(f.port(), "POST", fmt::format("/v1/approvals/{}/reject", v), f.token("学校团委"),
                       R"({"reason": "第1页印章不清晰"})");
  ASSERT_EQ(no.status, 200) << no.body;
  EXPECT_EQ(no.json()["archive_status"], "REJECTED");
  EXPECT_EQ(Told("团总支", "ARCHIVE_REJECTED"), 1);
  EXPECT_EQ(Told("团支部", "ARCHIVE_REJECTED"), 1);
  EXPECT_EQ(Told("学校团委", "ARCHIVE_REJECTED"), 0);
  const auto feed = Send(f.port(), "GET", "/v1/notifications?unread=true", f.token("团支部"));
  ASSERT_EQ(feed.status, 200) << feed.body;
  ASSERT_EQ(feed.json()["items"].size(), 1u);
  EXPECT_NE(feed.json()["items"][0]["text"].get<std::string>().find("第1页印章不清晰"), std::string::npos);
  EXPECT_EQ(Send(f.port(), "POST", "/v1/notifications/read", f.token("团支部"), R"({"all": true})").status, 200);
  EXPECT_EQ(Send(f.port(), "GET", "/v1/notifications", f.token("团支部")).json()["unread"], 0);
  EXPECT_EQ(Send(f.port(), "GET", "/v1/notifications", f.token("工委支部")).json()["items"].size(), 0u);
}

TEST_F(ApiTreeTest, TheCommitteeRejectsWithThePreReviewsReasonsInOneAction) {
  const auto m = Member("团支部");
  const auto up = Upload("团支部", m);
  ASSERT_EQ(up.status, 201) << up.body;
  const auto v = up.json()["version_id"].get<std::int64_t>();
  PreReviewed(v, "FAIL");
  f.Count(
      fmt::format("INSERT INTO prereview_findings (version_id, code, severity, message) VALUES "
                  "({0}, 'SEAL_MISSING', 'fail', '第1页未找到团组织公章'), "
                  "({0}, 'BLURRY_PAGE', 'warn', '第3页模糊') RETURNING 1",
                  v));
  const auto path = fmt::format("/v1/approvals/{}/reject", v);
  const auto r = Send(f.port(), "POST", path, f.token("学校团委"), R"({"reason_from_findings": true})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM archive_versions WHERE id = {} AND "
                                "decision_reason = '第1页未找到团组织公章；第3页模糊'",
                                v)),
            1);
  EXPECT_EQ(f.Count("SELECT count(*) FROM notifications WHERE kind = 'ARCHIVE_REJECTED' AND text LIKE "
                    "'%第1页未找到团组织公章%'"),
            1);
}

TEST_F(ApiTreeTest, AWorkingCommitteeDecidesItsOwnBranchesOnly) {
  const auto m = Member("工委支部");
  const auto up = Upload("工委支部", m);
  ASSERT_EQ(up.status, 201) << up.body;
  const auto v = up.json()["version_id"].get<std::int64_t>();
  PreReviewed(v);
  EXPECT_EQ(Queue("团工委"), std::vector<std::int64_t>{v});
  EXPECT_TRUE(Queue("学校团委").empty());
  EXPECT_TRUE(Queue("区").empty());
  EXPECT_EQ(Send(f.port(), "POST", fmt::format("/v1/approvals/{}/approve", v), f.token("学校团委")).status, 404);
  EXPECT_EQ(Send(f.port(), "POST", fmt::format("/v1/approvals/{}/approve", v), f.token("团工委")).status, 200);
}

TEST_F(ApiTreeTest, ACommitteesOwnUploadNeedsNoApproval) {
  const auto m = Member("学校团委");  // 本级 member of the committee (3.2.2)
  const auto up = Upload("学校团委", m);
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(up.json()["uploader_kind"], "committee");
  const auto v = up.json()["version_id"].get<std::int64_t>();
  PreReviewed(v);
  EXPECT_TRUE(Queue("区").empty());
  const auto r = Send(f.port(), "POST", fmt::format("/v1/approvals/{}/approve", v), f.token("区"));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["code"], "NO_APPROVAL_NEEDED");
}

TEST_F(ApiTreeTest, TheOverviewCountsThroughTheGeneralBranch) {
  Upload("团支部", Member("团支部"));
  Member("团支部");
  const auto r = Send(f.port(), "GET", "/v1/approvals/overview", f.token("学校团委"));
  ASSERT_EQ(r.status, 200) << r.body;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> counts;
  const auto body = r.json();
  for (const auto& item : body["items"]) {
    counts[item["org"]["name"].get<std::string>()] = {item["pending"].get<std::int64_t>(),
                                                      item["not_uploaded"].get<std::int64_t>()};
  }
  EXPECT_EQ(counts.at("组织团支部"), (std::pair<std::int64_t, std::int64_t>(1, 1)));
  EXPECT_TRUE(counts.count("组织团总支"));
  EXPECT_FALSE(counts.count("组织工委支部"));
}

TEST_F(ApiTreeTest, TheQueueListsOnlyWhatCanStillBeDecidedAndPagesWithACursor) {
  std::vector<std::int64_t> versions;
  for (int i = 0; i < 3; ++i) {
    const auto up = Upload("团支部", Member("团支部"));
    ASSERT_EQ(up.status, 201) << up.body;
    versions.push_back(up.json()["version_id"].get<std::int64_t>());
    PreReviewed(versions.back(), i == 1 ? "FAIL" : "PASS");
  }
  const auto page1 = Send(f.port(), "GET", "/v1/approvals?limit=2", f.token("学校团委"));
  ASSERT_EQ(page1.status, 200) << page1.body;
  ASSERT_EQ(page1.json()["items"].size(), 2u);
  const auto cursor = page1.json()["next_cursor"].get<std::string>();
  const auto page2 = Send(f.port(), "GET", "/v1/approvals?limit=2&cursor=" + cursor, f.token("学校团委"));
  ASSERT_EQ(page2.json()["items"].size(), 1u);
  EXPECT_EQ(page2.json()["items"][0]["version_id"], versions[2]);
  const auto fails = Send(f.port(), "GET", "/v1/approvals?verdict=FAIL", f.token("学校团委"));
  ASSERT_EQ(fails.json()["items"].size(), 1u);
  EXPECT_EQ(fails.json()["items"][0]["version_id"], versions[1]);

  // A withdrawn upload leaves the queue; bulk approve decides the rest, each on its own.
  const auto member = f.Count(fmt::format("SELECT member_id FROM archive_versions WHERE id = {}", versions[0]));
  const auto w = Send(f.port(), "POST", fmt::format("/v1/members/{}/archive/withdraw", member), f.token("团支部"));
  ASSERT_EQ(w.status, 200) << w.body;
  EXPECT_EQ(w.json()["archive_status"], "NOT_UPLOADED");
  EXPECT_EQ(Queue("学校团委"), (std::vector<std::int64_t>{versions[1], versions[2]}));
  const auto bulk = Send(f.port(), "POST", "/v1/approvals/approve", f.token("学校团委"),
                         fmt::format(R"({{"version_ids": [{}, {}, {}]}})", versions[0], versions[1], versions[2]));
  ASSERT_EQ(bulk.status, 200) << bulk.body;
  EXPECT_EQ(bulk.json()["approved"], 2);
  EXPECT_EQ(bulk.json()["items"][0]["status"], 409);
  EXPECT_EQ(bulk.json()["items"][0]["code"], "VERSION_SUPERSEDED");
  EXPECT_TRUE(Queue("学校团委").empty());
  EXPECT_EQ(f.Count("SELECT count(*) FROM audit_log WHERE action = 'archive.approve'"), 2);
}

TEST_F(ApiTreeTest, AnEditOfTheAdmissionDateIsConfirmedAndMovesTheDeadline) {
  const auto m = Member("团支部");  // born 2008-01-01: 14 on 2022-01-01
  const std::string path = fmt::format("/v1/members/{}", m);
  f.Count(fmt::format("UPDATE members SET id_card = '{}' WHERE id = {} RETURNING 1",
                      archive::testing::MakeIdCard("20040101", "990"), m));  // 15 on 2019-12-31
  const auto preview = Send(f.port(), "PATCH", path, f.token("团支部"), R"({"joined_on": "2019-12-31"})");
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(preview.json()["applied"], false);
  EXPECT_EQ(preview.json()["after"]["archive_status"], "EXEMPT");
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM members WHERE id = {} AND archive_status = 'NOT_UPLOADED'", m)),
            1);
  const auto done = Send(f.port(), "PATCH", path, f.token("团支部"), R"({"joined_on": "2019-12-31", "confirm": true})");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM members WHERE id = {} AND archive_status = 'EXEMPT' "
                                "AND upload_deadline IS NULL",
                                m)),
            1);
  const auto back = Send(f.port(), "PATCH", path, f.token("团支部"), R"({"joined_on": "2024-06-01", "confirm": true})");
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM members WHERE id = {} AND archive_status = 'NOT_UPLOADED' "
                                "AND upload_deadline = '2024-07-01'",
                                m)),
            1);
  EXPECT_EQ(Send(f.port(), "PATCH", path, f.token("学校团委"), R"({"name": "王五"})").status, 403);
}

TEST_F(ApiTreeTest, TheMemberDatabaseListsFiltersAndExportsTheSubtree) {
  const auto waiting = Member("团支部");
  const auto pending = Member("团支部");
  Upload("团支部", pending);
  Member("工委支部");
  f.Count(fmt::format("UPDATE members SET upload_deadline = '2024-06-03' WHERE id = {} RETURNING 1", waiting));

  const auto all =
      Send(f.port(), "GET", fmt::format("/v1/organizations/{}/members", f.org("学校团委")), f.token("学校团委"));
  ASSERT_EQ(all.status, 200) << all.body;
  const auto items = all.json()["items"];
  ASSERT_EQ(items.size(), 2u) << "the 团工委's branch is not in the 学校团委's subtree";
  EXPECT_EQ(items[0]["id_card_masked"].get<std::string>().find("********"), 6u);
  const auto overdue =
      Send(f.port(), "GET", fmt::format("/v1/organizations/{}/members?overdue=true", f.org("学校团委")),
           f.token("学校团委"))
          .json();
  ASSERT_EQ(overdue["items"].size(), 1u);
  EXPECT_EQ(overdue["items"][0]["id"], waiting);
  const auto by_status =
      Send(f.port(), "GET", fmt::format("/v1/organizations/{}/members?status=PENDING,REJECTED", f.org("团总支")),
           f.token("团总支"))
          .json();
  ASSERT_EQ(by_status["items"].size(), 1u);
  EXPECT_EQ(by_status["items"][0]["id"], pending);
  EXPECT_EQ(
      Send(f.port(), "GET", fmt::format("/v1/organizations/{}/members?status=LOST", f.org("团总支")), f.token("团总支"))
          .status,
      400);
  EXPECT_EQ(
      Send(f.port(), "GET", fmt::format("/v1/organizations/{}/members", f.org("学校团委")), f.token("团工委")).status,
      404);
  EXPECT_EQ(f.Count("SELECT count(*) FROM audit_log WHERE action = 'member.list'"), 3);

  // The export reads back, with the import's own reader, as the same members with their numbers masked
  const auto xlsx =
      Send(f.port(), "GET", fmt::format("/v1/organizations/{}/members/export", f.org("学校团委")), f.token("学校团委"));
  ASSERT_EQ(xlsx.status, 200);
  std::vector<std::vector<std::string>> rows;
  const auto read = sheet::Read(xlsx.body, sheet::Limits{}, [&](const sheet::SheetInfo&, const sheet::Row& row) {
    std::vector<std::string> texts;
    for (const auto& c : row.cells) texts.push_back(c.text);
    rows.push_back(texts);
    return true;
  });
  ASSERT_FALSE(read.error);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][1], "身份证号码");
  EXPECT_EQ(rows[1][1].find("********"), 6u);
  EXPECT_EQ(rows[1][8], "是");
  EXPECT_EQ(f.Count("SELECT count(*) FROM audit_log WHERE action = 'member.export'"), 1);

  // The statistics per subordinate: the 学校团委's own members, and the 团总支's subtree
  const auto stats = Send(f.port(), "GET", fmt::format("/v1/organizations/{}/archive-statistics", f.org("学校团委")),
                          f.token("学校团委"))
                         .json();
  ASSERT_EQ(stats["items"].size(), 2u) << stats.dump();
  EXPECT_EQ(stats["items"][0]["own_members_only"], true);
  EXPECT_EQ(stats["items"][1]["org"]["name"], "组织团总支");
  EXPECT_EQ(stats["items"][1]["total"], 2);
  EXPECT_EQ(stats["items"][1]["pending"], 1);
  EXPECT_EQ(stats["items"][1]["overdue"], 1);
  const auto stats_xlsx =
      Send(f.port(), "GET", fmt::format("/v1/organizations/{}/archive-statistics/export", f.org("学校团委")),
           f.token("学校团委"));
  EXPECT_EQ(stats_xlsx.status, 200);
  EXPECT_EQ(stats_xlsx.body.substr(0, 2), "PK");
}

}  // namespace
}  // namespace archive::api::testing
