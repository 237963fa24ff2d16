#include <gtest/gtest.h>

#include "api/access.hpp"
#include "api/http.hpp"
#include "api/router.hpp"

namespace archive::api {
namespace {

Caller Admin(Role role, std::int64_t org, std::string path, std::string kind) {
  Caller c;
  c.role = role;
  c.org_id = org;
  c.org_path = std::move(path);
  c.org_decides = kind != "branch" && kind != "general_branch";  // as org_kinds.decides says
  c.org_kind = std::move(kind);
  return c;
}

// The member lives in organization 3 (path 1.2.3), whose direct superior is 2.
const MemberPlace kMember{.member_id = 9, .org_id = 3, .parent_org_id = 2, .approver_org_id = 2, .org_path = "1.2.3"};

TEST(Access, SubtreeMatchesWholeLabelsOnly) {
  EXPECT_TRUE(InSubtree("1.2.3", "1.2"));
  EXPECT_TRUE(InSubtree("1.2", "1.2"));
  EXPECT_FALSE(InSubtree("1.23", "1.2"));
  EXPECT_FALSE(InSubtree("1", "1.2"));
  EXPECT_FALSE(InSubtree("1.2", ""));
}

TEST(Access, TheBranchAndItsDirectSuperiorManageButOnlyTheSuperiorCommitteeDecides) {
  const auto own = Admin(Role::kBranchAdmin, 3, "1.2.3", "branch");
  const auto parent = Admin(Role::kCommitteeAdmin, 2, "1.2", "committee");
  const auto grand = Admin(Role::kCommitteeAdmin, 1, "1", "leading_body");
  const auto sibling = Admin(Role::kBranchAdmin, 4, "1.2.4", "branch");
  for (const auto* c : {&own, &parent, &grand}) EXPECT_TRUE(CanRead(*c, kMember));
  EXPECT_FALSE(CanRead(sibling, kMember));
  EXPECT_TRUE(CanManage(own, kMember));
  EXPECT_TRUE(CanManage(parent, kMember));
  EXPECT_FALSE(CanManage(grand, kMember));
  EXPECT_FALSE(CanDecide(own, kMember));
  EXPECT_TRUE(CanDecide(parent, kMember));
  EXPECT_FALSE(CanDecide(grand, kMember));
  EXPECT_EQ(own.UploaderKind(), lifecycle::UploaderKind::kBranch);
  EXPECT_EQ(parent.UploaderKind(), lifecycle::UploaderKind::kCommittee);
}

TEST(Access, UnderAGeneralBranchTheNearestCommitteeAboveDecidesNotTheParent) {
  // 学校团委 (2, path 1.2) -> 团总支 (3) -> 团支部 (5): the member's parent is the 团总支, its approver the 学校团委.
  const MemberPlace member{
      .member_id = 9, .org_id = 5, .parent_org_id = 3, .approver_org_id = 2, .org_path = "1.2.3.5"};
  const auto general = Admin(Role::kBranchAdmin, 3, "1.2.3", "general_branch");
  const auto school = Admin(Role::kCommitteeAdmin, 2, "1.2", "committee");
  EXPECT_TRUE(CanManage(general, member));
  EXPECT_FALSE(CanDecide(general, member));
  EXPECT_EQ(general.UploaderKind(), lifecycle::UploaderKind::kBranch);
  EXPECT_FALSE(CanManage(school, member));
  EXPECT_TRUE(CanDecide(school, member));
}

TEST(Access, AMemberReadsAndCorrectsOnlyThemself) {
  Caller self;
  self.role = Role::kMember;
  self.member_id = 9;
  self.org_id = 3;
  self.org_path = "1.2.3";
  EXPECT_TRUE(CanRead(self, kMember));
  EXPECT_TRUE(CanCorrectDevNumber(self, kMember));
  EXPECT_FALSE(CanManage(self, kMember));
  EXPECT_FALSE(self.Covers("1.2.3"));
  self.member_id = 10;
  EXPECT_FALSE(CanRead(self, kMember));
  EXPECT_FALSE(CanCorrectDevNumber(self, kMember));
}

TEST(Router, MatchesParametersAndTellsAnUnknownPathFromAWrongMethod) {
  struct Nothing {};
  Router<Nothing> router;
  router.Add({.method = "GET", .pattern = "/v1/members/{id}", .operation = "get"});
  router.Add({.method = "GET", .pattern = "/v1/members/{id}/archive", .operation = "archive"});
  auto m = router.Find("GET", "/v1/members/42/archive");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->operation, "archive");
  EXPECT_EQ(m.params.at("id"), "42");
  m = router.Find("POST", "/v1/members/42");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_known);
  m = router.Find("GET", "/v1/members/42/other");
  EXPECT_FALSE(m.path_known);
  EXPECT_FALSE(router.Find("GET", "/v1/members/42/").path_known);
  EXPECT_FALSE(router.Find("GET", "/v1/members").path_known);
  EXPECT_FALSE(router.Find("GET", "/v1").path_known);
}

TEST(Router, TakesEveryParameterOfAPatternAndNothingFromAMismatch) {
  std::map<std::string, std::string> params;
  EXPECT_TRUE(
      MatchPattern("/v1/members/{id}/archive/versions/{no}/file", "/v1/members/7/archive/versions/2/file", params));
  EXPECT_EQ(params, (std::map<std::string, std::string>{{"id", "7"}, {"no", "2"}}));
  params.clear();
  EXPECT_FALSE(MatchPattern("/v1/members/{id}/archive", "/v1/members/7/versions", params));
  EXPECT_TRUE(params.empty());
  EXPECT_TRUE(MatchPattern("/healthz", "/healthz", params));
  EXPECT_FALSE(MatchPattern("/healthz", "/", params));
  EXPECT_FALSE(MatchPattern("/v1/members/{id}", "/v1/members/7/x", params));
}

TEST(Http, QueryStringsAreDecodedAndBadEscapesRefused) {
  std::map<std::string, std::string> q;
  ASSERT_TRUE(ParseQuery("name=%E5%9B%A2%E5%91%98&a=b+c&flag", q));
  EXPECT_EQ(q["name"], "团员");
  EXPECT_EQ(q["a"], "b c");
  EXPECT_EQ(q["flag"], "");
  EXPECT_FALSE(ParseQuery("x=%G1", q));
  EXPECT_FALSE(ParseQuery("x=%4", q));
}

TEST(Http, LogTextNeverCarriesAWholeIdNumber) {
  EXPECT_EQ(ScrubIdNumbers("Failing row contains (7, 110105200601010011, 2024)"),
            "Failing row contains (7, 110105********0011, 2024)");
  EXPECT_EQ(ScrubIdNumbers("x 11010520060101001X."), "x 110105********001X.");
  EXPECT_EQ(ScrubIdNumbers("dev 202400000001 and 1234567890123456789"), "dev 202400000001 and 1234567890123456789");
}

}  // namespace
}  // namespace archive::api
