#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/base/text.hpp"
#include "tests/api/api_fixture.hpp"

// No membership oracle (docs/security.md): a number registered in an organization outside the caller's subtree is
// told without naming it, audited, and counted against the caller's allowance of the day; and the import quota.
namespace archive::api::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class RegistryTest : public ::testing::Test {
 protected:
  static ApiConfig Limits() {
    ApiConfig c;
    c.policy.registered_elsewhere_per_day = 2;
    c.imports_per_org_per_day = 2;
    return c;
  }

  void SetUp() override {
    f.Count(fmt::format("UPDATE organizations SET name = '另一所中学团委' WHERE id = {} RETURNING 1", f.org("U")));
  }

  std::string IdCardOf(std::int64_t member) {
    return f.db().InTransaction([&](pg::Tx& tx) {
      return tx.ExecScript(fmt::format("SELECT id_card FROM members WHERE id = {}", member)).Text(0, 0);
    });
  }

  HttpResult Create(const std::string& who, const std::string& org, const std::string& id_card,
                    const std::string& dev_number) {
    return Send(f.port(), "POST", "/v1/members", f.token(who),
                nlohmann::json{{"org_id", f.org(org)},
                               {"name", "新团员"},
                               {"id_card", id_card},
                               {"joined_on", "2024-05-04"},
                               {"ethnicity", "汉族"},
                               {"dev_number", dev_number}}
                    .dump());
  }

  std::string FreshId() { return archive::testing::MakeIdCard("20060202", fmt::format("{:03}", 700 + ++fresh_)); }
  // A development number nobody holds, of admission year year (R9).
  std::string FreshNumber(int year = 2024) { return fmt::format("{}{:08}", year, 9000 + ++fresh_); }

  std::int64_t Hits(const std::string& who) {
    return f.Count(
        fmt::format("SELECT COALESCE(sum(used), 0) FROM daily_counts WHERE rule = 'registered_elsewhere' "
                    "AND subject = {}",
                    f.user(who)));
  }

  ApiFixture f{Limits()};
  int fresh_ = 0;
};

TEST_F(RegistryTest, AnIdNumberRegisteredElsewhereIsToldWithoutTheOrganizationAndAudited) {
  // Given a member of an unrelated committee
  const auto holder = f.AddMember("U", "NOT_UPLOADED");
  const auto id_card = IdCardOf(holder);

  // When a branch admin enters a member with that ID number
  const auto r = Create("own", "G", id_card, FreshNumber());

  // Then the answer says it is registered elsewhere and that a transfer is the way, and nothing about where
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["code"], "DUPLICATE_ID_CARD");
  const auto message = r.json()["message"].get<std::string>();
  EXPECT_THAT(message, HasSubstr("已在其他组织登记"));
  EXPECT_THAT(message, HasSubstr("组织关系转接"));
  EXPECT_THAT(r.body, Not(HasSubstr("另一所")));
  EXPECT_THAT(r.body, Not(HasSubstr("中学")));

  // And the hit is audited (who, the holder, the number masked) and counted; the full number is nowhere in the log
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM audit_log WHERE action = 'member.registered_elsewhere' AND "
                                "actor_user_id = {} AND member_id = {} AND detail->>'by' = 'id_card' AND "
                                "detail->>'value' = '{}' AND detail->>'context' = 'member.create'",
                                f.user("own"), holder, MaskIdCard(id_card))),
            1);
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM audit_log WHERE detail::text LIKE '%{}%'", id_card)), 0);
  EXPECT_EQ(Hits("own"), 1);
}

TEST_F(RegistryTest, ANumberHeldInsideTheCallersSubtreeIsNeitherCountedNorAudited) {
  // Given a member of a branch below the caller's organization
  const auto holder = f.AddMember("D", "NOT_UPLOADED");

  // When the caller enters that ID number again
  const auto r = Create("own", "G", IdCardOf(holder), FreshNumber());

  // Then it is a plain duplicate
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["code"], "DUPLICATE_ID_CARD");
  EXPECT_EQ(f.Count("SELECT count(*) FROM audit_log WHERE action = 'member.registered_elsewhere'"), 0);
  EXPECT_EQ(Hits("own"), 0);
}

TEST_F(RegistryTest, ADevelopmentNumberCorrectionToANumberHeldElsewhereIsMaskedAndAudited) {
  // Given a member of the caller's branch and one of an unrelated committee
  const auto own = f.AddMember("G", "NOT_UPLOADED");
  const auto holder = f.AddMember("U", "NOT_UPLOADED");
  const auto number = f.DevNumberOf(holder);

  // When the caller corrects the development number to the other member's
  const auto r = Send(f.port(), "PUT", fmt::format("/v1/members/{}/dev-number", own), f.token("own"),
                      nlohmann::json{{"dev_number", number}}.dump());

  // Then the answer says registered elsewhere, without where, and the hit is audited and counted
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["code"], "DUPLICATE_DEV_NUMBER");
  EXPECT_THAT(r.json()["message"].get<std::string>(), HasSubstr("已在其他组织登记"));
  EXPECT_THAT(r.body, Not(HasSubstr("中学")));
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM audit_log WHERE action = 'member.registered_elsewhere' AND "
                                "member_id = {} AND detail->>'by' = 'dev_number'",
                                holder)),
            1);
  EXPECT_EQ(Hits("own"), 1);
  EXPECT_NE(f.DevNumberOf(own), number);
}

TEST_F(RegistryTest, PastTheDailyAllowanceEveryLookupOfThatCallerIs429WhetherOrNotTheNumberIsHeld) {
  // Given a caller told twice (the allowance) that a number is registered elsewhere
  for (int i = 0; i < 2; ++i) {
    const auto holder = f.AddMember("U", "NOT_UPLOADED");
    ASSERT_EQ(Create("own", "G", IdCardOf(holder), FreshNumber()).status, 409);
  }
  ASSERT_EQ(Hits("own"), 2);

  // When they enter a member whose numbers nobody holds, or correct a number, or edit an ID number
  const auto fresh = Create("own", "G", FreshId(), FreshNumber());
  const auto own = f.AddMember("G", "NOT_UPLOADED");
  const auto correction = Send(f.port(), "PUT", fmt::format("/v1/members/{}/dev-number", own), f.token("own"),
                               nlohmann::json{{"dev_number", FreshNumber(2023)}}.dump());
  const auto edit = Send(f.port(), "PATCH", fmt::format("/v1/members/{}", own), f.token("own"),
                         nlohmann::json{{"id_card", FreshId()}}.dump());
  const auto upload = Send(f.port(), "POST", fmt::format("/v1/imports?org_id={}", f.org("G")), f.token("own"),
                           "姓名,身份证号码,民族,入团年月\n张三,110105200601010011,汉族,2024-05\n", "text/csv");

  // Then each is refused with 429 and a Chinese message, and nothing is written
  for (const auto* r : {&fresh, &correction, &edit, &upload}) {
    EXPECT_EQ(r->status, 429) << r->body;
    EXPECT_EQ(r->json()["code"], "LOOKUP_LIMIT_REACHED") << r->body;
    EXPECT_THAT(r->json()["message"].get<std::string>(), HasSubstr("明天")) << r->body;
  }
  EXPECT_EQ(f.Count("SELECT count(*) FROM members WHERE name = '新团员'"), 0);
  EXPECT_EQ(f.Count("SELECT count(*) FROM import_batches"), 0);

  // And another caller is not affected
  EXPECT_EQ(Create("parent", "G", FreshId(), FreshNumber()).status, 201);
}

TEST_F(RegistryTest, AnOrganizationStartsAtMostItsQuotaOfImportsADay) {
  const std::string csv = "姓名,身份证号码,民族,入团年月\n张三,110105200601010011,汉族,2024-05\n";
  const auto start = [&](const std::string& who, const std::string& org) {
    return Send(f.port(), "POST", fmt::format("/v1/imports?org_id={}", f.org(org)), f.token(who), csv, "text/csv");
  };
  // Given two imports started by the branch today
  ASSERT_EQ(start("own", "G").status, 202);
  ASSERT_EQ(start("own", "G").status, 202);

  // When it starts a third
  const auto third = start("own", "G");

  // Then it is refused with 429 and a Chinese message, and no batch is made
  EXPECT_EQ(third.status, 429) << third.body;
  EXPECT_EQ(third.json()["code"], "IMPORT_QUOTA_REACHED");
  EXPECT_THAT(third.json()["message"].get<std::string>(), HasSubstr("明天"));
  EXPECT_EQ(f.Count(fmt::format("SELECT count(*) FROM import_batches WHERE requested_by = {}", f.user("own"))), 2);

  // And another organization still may
  EXPECT_EQ(start("parent", "G").status, 202);
}

}  // namespace
}  // namespace archive::api::testing
