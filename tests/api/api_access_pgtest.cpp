#include <functional>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/api/api_fixture.hpp"

// The access matrix: every route, tried as a caller from the target's own organization, a descendant, the direct
// superior, a further ancestor, a sibling, an unrelated organization, the member themself and another member.
// Each cell is the exact status the rules allow (docs/api.md): 404 when the caller may not even see the target,
// 403 when they see it but may not act, and the success code otherwise.
// Debian's libxlsxwriter (1.1.5) leaks a few strings it strdup()s for each workbook that the import template
// writes (downloadImportTemplate below); the leak is the library's, not the API's.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:lxw_strdup\n";
}

namespace archive::api::testing {
namespace {

const std::vector<std::string> kCallers = {"own", "desc", "parent", "grand", "sibling", "unrelated", "self", "other"};

struct Target {
  std::string method;
  std::string path;
  std::string body;
  std::string content_type = "application/json";
};

struct Row {
  std::string operation;
  // Builds a fresh target for one attempt (a new member in the state the route needs), so attempts never
  // depend on each other.
  std::function<Target(ApiFixture&, std::int64_t member)> make;
  std::string member_status;        // of the fresh member
  std::map<std::string, int> want;  // caller -> status
};

std::map<std::string, int> Expect(int read, int manage, int decide_or_other, const std::string& rule) {
  std::map<std::string, int> w;
  for (const auto& c : kCallers) w[c] = 404;
  if (rule == "read") {
    for (const auto* c : {"own", "parent", "grand", "self"}) w[c] = read;
  } else if (rule == "manage") {  // R5: own organization and direct superior
    w["own"] = w["parent"] = manage;
    w["grand"] = w["self"] = 403;
  } else if (rule == "dev_number") {  // R9: R5 plus the member themself
    w["own"] = w["parent"] = w["self"] = manage;
    w["grand"] = 403;
  } else if (rule == "decide") {  // R4/R6: the direct superior committee only
    w["parent"] = decide_or_other;
    w["own"] = w["grand"] = w["self"] = 403;
  }
  return w;
}

std::string Pdf() {
  return TinyPdf("matrix");
}

TEST(ApiAccessMatrix, EveryRouteGivesExactlyTheAccessTheRulesAllow) {
  ApiFixture f;
  std::vector<Row> rows = {
      {"health",
       [](ApiFixture&, std::int64_t) {
         return Target{"GET", "/healthz"};
       },
       "NOT_UPLOADED",
       {}},
      {"ready",
       [](ApiFixture&, std::int64_t) {
         return Target{"GET", "/readyz"};
       },
       "NOT_UPLOADED",
       {}},
      {"getMember",
       [](ApiFixture&, std::int64_t m) {
         return Target{"GET", fmt::format("/v1/members/{}", m)};
       },
       "NOT_UPLOADED", Expect(200, 0, 0, "read")},
      {"revealIdCard",
       [](ApiFixture&, std::int64_t m) {
         return Target{"GET", fmt::format("/v1/members/{}/id-card", m)};
       },
       "NOT_UPLOADED", Expect(200, 0, 0, "read")},
      {"correctDevNumber",
       [](ApiFixture& fx, std::int64_t m) {
         return Target{
             "PUT", fmt::format("/v1/members/{}/dev-number", m),
             fmt::format(R"({{"dev_number":"2023{:08}"}})", 50000000 + fx.Count("SELECT nextval('members_id_seq')"))};
       },
       "NOT_UPLOADED", Expect(0, 200, 0, "dev_number")},
      {"uploadArchive",
       [](ApiFixture&, std::int64_t m) {
         return Target{"POST", fmt::format("/v1/members/{}/archive", m), Pdf(), "application/pdf"};
       },
       "NOT_UPLOADED", Expect(0, 201, 0, "manage")},
      {"replaceArchive",
       [](ApiFixture&, std::int64_t m) {
         return Target{"PUT", fmt::format("/v1/members/{}/archive", m), Pdf(), "application/pdf"};
       },
       "REJECTED", Expect(0, 201, 0, "manage")},
      {"withdrawArchive",
       [](ApiFixture&, std::int64_t m) {
         return Target{"POST", fmt::format("/v1/members/{}/archive/withdraw", m)};
       },
       "PENDING", Expect(0, 200, 0, "manage")},
      {"editMember",
       [](ApiFixture&, std::int64_t m) {
         return Target{"PATCH", fmt::format("/v1/members/{}", m), R"({"joined_on": "2023-03-02"})"};
       },
       "NOT_UPLOADED", Expect(0, 200, 0, "manage")},
      {"getArchiveStatus",
       [](ApiFixture&, std::int64_t m) {
         return Target{"GET", fmt::format("/v1/members/{}/archive", m)};
       },
       "PENDING", Expect(200, 0, 0, "read")},
      {"listArchiveVersions",
       [](ApiFixture&, std::int64_t m) {
         return Target{"GET", fmt::format("/v1/members/{}/archive/versions", m)};
       },
       "PENDING", Expect(200, 0, 0, "read")},
      {"downloadArchiveVersion",
       [](ApiFixture&, std::int64_t m) {
         return Target{"GET", fmt::format("/v1/members/{}/archive/versions/1/file", m)};
       },
       "PENDING", Expect(200, 0, 0, "read")},
      {"downloadEvidence",
       [](ApiFixture& fx, std::int64_t m) {
         return Target{"GET", fmt::format("/v1/findings/{}/evidence", fx.AddFinding(m))};
       },
       "PENDING", Expect(200, 0, 0, "read")},
      {"transferEligibility",
       [](ApiFixture&, std::int64_t m) {
         return Target{"GET", fmt::format("/v1/members/{}/transfer-eligibility", m)};
       },
       "AUTHENTICATED", Expect(200, 0, 0, "read")},
      {"approveArchive",
       [](ApiFixture& fx, std::int64_t m) {
         return Target{"POST", fmt::format("/v1/approvals/{}/approve", fx.CurrentVersion(m))};
       },
       "PENDING", Expect(0, 0, 200, "decide")},
      {"rejectArchive",
       [](ApiFixture& fx, std::int64_t m) {
         return Target{"POST", fmt::format("/v1/approvals/{}/reject", fx.CurrentVersion(m)),
                       R"({"reason":"第 3 页缺失"})"};
       },
       "PENDING", Expect(0, 0, 200, "decide")},
      {"requestChange",
       [](ApiFixture&, std::int64_t m) {
         return Target{"POST", fmt::format("/v1/members/{}/change-requests", m), R"({"reason":"姓名有误"})"};
       },
       "AUTHENTICATED", Expect(0, 201, 0, "manage")},
      {"approveChangeRequest",
       [](ApiFixture& fx, std::int64_t m) {
         return Target{"POST", fmt::format("/v1/change-requests/{}/approve", fx.AddChangeRequest(m))};
       },
       "AUTHENTICATED", Expect(0, 0, 200, "decide")},
      {"rejectChangeRequest",
       [](ApiFixture& fx, std::int64_t m) {
         return Target{"POST", fmt::format("/v1/change-requests/{}/reject", fx.AddChangeRequest(m)),
                       R"({"reason":"理由不充分"})"};
       },
       "AUTHENTICATED", Expect(0, 0, 200, "decide")},
  };
  // Routes on an organization (G) rather than a member: the member role is no admin and gets 403; admins
  // outside G's subtree get 404.
  auto org_rule = [](int ok, std::set<std::string> allowed) {
    std::map<std::string, int> w;
    for (const auto& c : kCallers) w[c] = allowed.count(c) ? ok : 404;
    w["self"] = w["other"] = 403;
    return w;
  };
  std::map<std::string, int> create_member = org_rule(201, {"own", "parent"});
  create_member["grand"] = 403;
  create_member["self"] = create_member["other"] = 404;  // a member covers no organization
  rows.push_back({"createMember",
                  [](ApiFixture& fx, std::int64_t) {
                    const auto n = fx.Count("SELECT nextval('members_id_seq')");
                    return Target{"POST", "/v1/members",
                                  nlohmann::json{{"org_id", fx.org("G")},
                                                 {"name", "新团员"},
                                                 {"id_card", archive::testing::MakeIdCard(
                                                                 "20060202", fmt::format("{:03}", 500 + n % 400))},
                                                 {"joined_on", "2024-05-04"},
                                                 {"ethnicity", "汉族"},
                                                 {"dev_number", fmt::format("2024{:08}", n)}}
                                      .dump()};
                  },
                  "NOT_UPLOADED", create_member});
  rows.push_back({"createOrganization",
                  [](ApiFixture& fx, std::int64_t) {
                    return Target{"POST", "/v1/organizations",
                                  nlohmann::json{{"parent_id", fx.org("G")},
                                                 {"code", fx.NextCode("NEW-")},
                                                 {"name", "新团支部"},
                                                 {"kind", "branch"}}
                                      .dump()};
                  },
                  "NOT_UPLOADED", org_rule(201, {"own", "parent", "grand"})});
  rows.push_back({"createBranches",
                  [](ApiFixture& fx, std::int64_t) {
                    return Target{"POST", fmt::format("/v1/organizations/{}/branches", fx.org("G")),
                                  nlohmann::json{{"branches",
                                                  {{{"code", fx.NextCode("BULK-")}, {"name", "一支部"}},
                                                   {{"code", fx.NextCode("BULK-")}, {"name", "二支部"}}}}}
                                      .dump()};
                  },
                  "NOT_UPLOADED", org_rule(201, {"own", "parent", "grand"})});
  rows.push_back({"listSubtree",
                  [](ApiFixture& fx, std::int64_t) {
                    return Target{"GET", fmt::format("/v1/organizations/{}/subtree", fx.org("G"))};
                  },
                  "NOT_UPLOADED", org_rule(200, {"own", "parent", "grand"})});
  rows.push_back({"getReminders",
                  [](ApiFixture& fx, std::int64_t) {
                    return Target{"GET", fmt::format("/v1/organizations/{}/reminders", fx.org("G"))};
                  },
                  "NOT_UPLOADED", org_rule(200, {"own", "parent", "grand"})});
  // Lists answer 200 to every admin, scoped to the caller: checked by content in the tests below. The member
  // role gets 403; approvals are for committee admins only.
  std::map<std::string, int> search;
  for (const auto& c : kCallers) search[c] = 200;
  search["self"] = search["other"] = 403;
  rows.push_back({"searchMembers",
                  [](ApiFixture&, std::int64_t) {
                    return Target{"GET", "/v1/members?name=%E5%9B%A2%E5%91%98"};
                  },
                  "NOT_UPLOADED", search});
  rows.push_back({"getStatistics",
                  [](ApiFixture& fx, std::int64_t) {
                    return Target{"GET", fmt::format("/v1/statistics?org_id={}", fx.org("G"))};
                  },
                  "NOT_UPLOADED", org_rule(200, {"own", "parent", "grand"})});
  rows.push_back({"startImport",
                  [](ApiFixture& fx, std::int64_t) {
                    return Target{"POST", fmt::format("/v1/imports?org_id={}", fx.org("G")),
                                  "姓名,身份证号码,民族,入团年月\n张三,110105200601010011,汉族,2024-05\n", "text/csv"};
                  },
                  "NOT_UPLOADED", org_rule(202, {"own", "parent", "grand"})});
  auto batch_rule = org_rule(200, {"own", "parent", "grand"});
  rows.push_back({"getImport",
                  [](ApiFixture& fx, std::int64_t) {
                    return Target{"GET", fmt::format("/v1/imports/{}", fx.AddImportBatch("G", true))};
                  },
                  "NOT_UPLOADED", batch_rule});
  rows.push_back({"downloadImportReport",
                  [](ApiFixture& fx, std::int64_t) {
                    return Target{"GET", fmt::format("/v1/imports/{}/report", fx.AddImportBatch("G", true))};
                  },
                  "NOT_UPLOADED", batch_rule});
  std::map<std::string, int> any_admin;
  for (const auto& c : kCallers) any_admin[c] = 200;
  any_admin["self"] = any_admin["other"] = 403;
  rows.push_back({"downloadImportTemplate",
                  [](ApiFixture&, std::int64_t) {
                    return Target{"GET", "/v1/import-template"};
                  },
                  "NOT_UPLOADED", any_admin});
  std::map<std::string, int> committees;
  for (const auto& c : kCallers) committees[c] = 403;
  committees["parent"] = committees["grand"] = committees["unrelated"] = 200;
  rows.push_back({"listApprovals",
                  [](ApiFixture&, std::int64_t) {
                    return Target{"GET", "/v1/approvals"};
                  },
                  "NOT_UPLOADED", committees});
  rows.push_back({"approveArchives",
                  [](ApiFixture& fx, std::int64_t m) {
                    return Target{"POST", "/v1/approvals/approve",
                                  fmt::format(R"({{"version_ids": [{}]}})", fx.CurrentVersion(m))};
                  },
                  "PENDING", committees});
  rows.push_back({"listNotifications",
                  [](ApiFixture&, std::int64_t) {
                    return Target{"GET", "/v1/notifications"};
                  },
                  "NOT_UPLOADED", any_admin});
  rows.push_back({"markNotificationsRead",
                  [](ApiFixture&, std::int64_t) {
                    return Target{"POST", "/v1/notifications/read", R"({"all": true})"};
                  },
                  "NOT_UPLOADED", any_admin});
  std::map<std::string, int> anyone;
  for (const auto& c : kCallers) anyone[c] = 200;
  for (const auto& [operation, suffix] : std::vector<std::pair<std::string, std::string>>{
           {"listOrganizationMembers", "members"},
           {"exportOrganizationMembers", "members/export"},
           {"organizationArchiveStatistics", "archive-statistics"},
           {"exportOrganizationArchiveStatistics", "archive-statistics/export"}}) {
    rows.push_back({operation,
                    [suffix](ApiFixture& fx, std::int64_t) {
                      return Target{"GET", fmt::format("/v1/organizations/{}/{}", fx.org("G"), suffix)};
                    },
                    "NOT_UPLOADED", org_rule(200, {"own", "parent", "grand"})});
  }
  rows.push_back({"getMe", [](ApiFixture&, std::int64_t) { return Target{"GET", "/v1/me"}; }, "NOT_UPLOADED", anyone});
  rows.push_back({"approvalOverview",
                  [](ApiFixture&, std::int64_t) {
                    return Target{"GET", "/v1/approvals/overview"};
                  },
                  "NOT_UPLOADED", committees});

  std::set<std::string> covered;
  for (const auto& row : rows) covered.insert(row.operation);
  std::set<std::string> routes;
  for (const auto& r : f.Operations()) routes.insert(r);
  EXPECT_EQ(covered, routes) << "every route of the router must have a row in the access matrix";

  for (const auto& row : rows) {
    for (const auto& caller : kCallers) {
      const auto member = f.AddMember("G", row.member_status);
      const auto other = f.AddMember("S", "NOT_UPLOADED");
      std::string token;
      if (caller == "self") {
        token = f.AddMemberUser(member);
      } else if (caller == "other") {
        token = f.AddMemberUser(other);
      } else {
        token = f.token(caller);
      }
      const auto t = row.make(f, member);
      const int want = row.want.empty() ? 200 : row.want.at(caller);
      const auto got = Send(f.port(), t.method, t.path, token, t.body, t.content_type);
      EXPECT_EQ(got.status, want) << row.operation << " as " << caller << ": " << t.method << " " << t.path << " -> "
                                  << got.body;
    }
  }
}

}  // namespace
}  // namespace archive::api::testing
