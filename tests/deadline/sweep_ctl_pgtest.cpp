#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "common/testing/testing.hpp"
#include "tools/archivectl/commands.hpp"

namespace archive::ctl {
namespace {

using testing::QueryInt;

class SweepCtlTest : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("ARCHIVE_DB_URL", schema_.url().c_str(), 1); }

  int Ctl(const std::vector<std::string>& words) {
    out_.str("");
    err_.str("");
    return ctl::Run(words, out_, err_);
  }

  testing::TestSchema schema_;
  pg::Connection db_{schema_.url()};
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(SweepCtlTest, SweepQueuesASweepRequestThroughTheOutbox) {
  ASSERT_EQ(Ctl({"sweep", "--as-of", "2026-03-01T01:00:00Z", "--reason", "补扫"}), kOk) << err_.str();
  EXPECT_EQ(QueryInt(db_,
                     "SELECT count(*) FROM outbox WHERE topic = 'deadline.sweep-requested'"
                     " AND convert_from(payload, 'UTF8')::jsonb #>> '{payload,as_of}' = '2026-03-01T01:00:00Z'"
                     " AND convert_from(payload, 'UTF8')::jsonb #>> '{payload,requested_by}' = 'archivectl'"),
            1);
}

TEST_F(SweepCtlTest, SweepRefusesATimeThatIsNotOneAndQueuesNothing) {
  EXPECT_EQ(Ctl({"sweep", "--as-of", "yesterday-ish"}), kUsage);
  EXPECT_NE(err_.str().find("--as-of"), std::string::npos) << err_.str();
  EXPECT_EQ(QueryInt(db_, "SELECT count(*) FROM outbox"), 0);
}

TEST_F(SweepCtlTest, DigestShowsTheBannersAndTheDigestWithMaskedIdsAndIsAudited) {
  const std::string id_card = testing::MakeIdCard("20080101", "011");
  db_.InTransaction([&](pg::Tx& tx) {
    tx.ExecScript(
        "INSERT INTO organizations (id, code, name, kind, parent_id, path) VALUES"
        " (1, 'S', '示例中学团委', 'committee', NULL, '1'), (2, 'B1', '高一(1)班团支部', 'branch', 1, '1.2');"
        "INSERT INTO members (id, org_id, name, id_card, joined_on, archive_status) VALUES"
        " (7, 2, '张伟', '" +
        id_card +
        "', '2026-01-01', 'NOT_UPLOADED');"
        "INSERT INTO reminders (id, member_id, recipient_org_id, situation, milestone, due_on)"
        " VALUES (1, 7, 2, 'NOT_UPLOADED', 'T+29', '2026-01-31');"
        "INSERT INTO reminder_recipients VALUES (1, 1, 'superior');"
        "INSERT INTO reminder_digests (org_id, day, text) VALUES (1, '2026-03-01', '组织内有 1 "
        "名团员档案尚未上传，其中 1 "
        "名已逾期');");
  });
  ASSERT_EQ(Ctl({"digest", "--org", "S"}), kOk) << err_.str();
  EXPECT_NE(out_.str().find("组织内有团员档案尚未上传（1 名）"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("2026-03-01 提醒摘要：组织内有 1 名团员档案尚未上传，其中 1 名已逾期"), std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("张伟 110105********"), std::string::npos) << out_.str();
  EXPECT_EQ(out_.str().find(id_card), std::string::npos) << "a full ID number was printed";
  EXPECT_EQ(QueryInt(db_, "SELECT count(*) FROM audit_log WHERE action = 'reminder.digest.show'"), 1);
  EXPECT_EQ(Ctl({"digest", "--org", "B1", "--day", "2026-03-02"}), kFailed);
  EXPECT_EQ(Ctl({"digest", "--org", "NOPE"}), kUsage);
}

}  // namespace
}  // namespace archive::ctl
