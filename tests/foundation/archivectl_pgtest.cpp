#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "common/base/crypto.hpp"
#include "common/testing/testing.hpp"
#include "tools/archivectl/commands.hpp"

namespace archive::ctl {
namespace {

using testing::QueryInt;
using testing::TestSchema;

class ArchivectlTest : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("ARCHIVE_DB_URL", schema_.url().c_str(), 1); }

  int Ctl(const std::vector<std::string>& words) {
    out_.str("");
    err_.str("");
    return ctl::Run(words, out_, err_);
  }

  TestSchema schema_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(ArchivectlTest, MigrateOnAMigratedSchemaChangesNothing) {
  EXPECT_EQ(Ctl({"migrate"}), kOk) << err_.str();
  EXPECT_NE(out_.str().find("0 applied"), std::string::npos) << out_.str();
}

TEST_F(ArchivectlTest, BuildsAnOrganizationTreeAUserAndATokenStoredOnlyAsAHash) {
  ASSERT_EQ(Ctl({"org", "add", "--code", "GD", "--name", "广东团省委", "--kind", "leading_body"}), kOk) << err_.str();
  ASSERT_EQ(Ctl({"org", "add", "--code", "GD-SZ-01", "--name", "某中学团委", "--kind", "committee", "--parent", "GD"}),
            kOk)
      << err_.str();
  ASSERT_EQ(Ctl({"org", "add", "--code", "GD-SZ-01-B1", "--name", "高一(1)班团支部", "--kind", "branch",
                 "--parent=GD-SZ-01"}),
            kOk)
      << err_.str();
  EXPECT_EQ(Ctl({"org", "add", "--code", "X", "--name", "x", "--kind", "branch", "--parent", "GD-SZ-01-B1"}), kUsage)
      << "a branch must not get sub-organizations";
  EXPECT_EQ(Ctl({"org", "add", "--code", "Y", "--name", "y", "--kind", "branch", "--parent", "NOPE"}), kUsage);

  pg::Connection db(schema_.url());
  EXPECT_EQ(QueryInt(db, "SELECT nlevel(path) FROM organizations WHERE code = 'GD-SZ-01-B1'"), 3);
  EXPECT_EQ(QueryInt(db,
                     "SELECT count(*) FROM organizations o, organizations r "
                     "WHERE r.code = 'GD' AND o.path <@ r.path"),
            3);

  ASSERT_EQ(
      Ctl({"user", "add", "--login", "sec1", "--name", "张老师", "--role", "branch_admin", "--org", "GD-SZ-01-B1"}),
      kOk)
      << err_.str();
  ASSERT_EQ(Ctl({"token", "issue", "--login", "sec1", "--days", "30"}), kOk) << err_.str();
  const std::string token = out_.str().substr(0, out_.str().find('\n'));
  ASSERT_EQ(token.rfind("la_", 0), 0u) << token;
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM api_tokens WHERE token_sha256 = sha256('" + token + "'::bytea)"), 1);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM api_tokens WHERE encode(token_sha256, 'escape') LIKE '%" + token + "%'"),
            0);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM audit_log WHERE action IN ('org.create', 'user.create', 'token.issue')"),
            5);
}

TEST_F(ArchivectlTest, RefusesBadCommandLinesWithUsage) {
  EXPECT_EQ(Ctl({}), kUsage);
  EXPECT_EQ(Ctl({"frobnicate"}), kUsage);
  EXPECT_EQ(Ctl({"migrate", "--bogus", "1"}), kUsage);
  EXPECT_EQ(Ctl({"token", "issue"}), kUsage);
  EXPECT_EQ(Ctl({"token", "issue", "--login", "nobody"}), kUsage);
  EXPECT_EQ(Ctl({"token", "issue", "--login", "x", "--days", "many"}), kUsage);
  EXPECT_NE(err_.str().find("usage:"), std::string::npos);
  EXPECT_EQ(Ctl({"--help"}), kOk);
}

TEST_F(ArchivectlTest, SaysTheDatabaseIsUnavailableWithItsOwnExitCode) {
  ::setenv("ARCHIVE_DB_URL", "postgresql://archive@127.0.0.1:1/archive?connect_timeout=2", 1);
  EXPECT_EQ(Ctl({"migrate"}), kUnavailable);
  EXPECT_NE(err_.str().find("PostgreSQL"), std::string::npos) << err_.str();
}

}  // namespace
}  // namespace archive::ctl
