#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "common/testing/testing.hpp"
#include "tools/archivectl/commands.hpp"

namespace archive::ctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::QueryInt;

// archivectl's operations commands against a real schema, with dead letters written as the consumer
// loop writes them (failed_jobs rows).
class OpsCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("ARCHIVE_DB_URL", schema_.url().c_str(), 1); }

  int Ctl(const std::vector<std::string>& words) {
    out_.str("");
    err_.str("");
    return ctl::Run(words, out_, err_);
  }

  // A dead letter of consumer "ledger" for an event on topic, keyed by key, failed with code.
  void DeadLetter(const std::string& event_id, const std::string& topic, const std::string& key,
                  const std::string& code, int replays = 0) {
    db_.InTransaction([&](pg::Tx& tx) {
      tx.ExecScript(
          "INSERT INTO failed_jobs (consumer, event_key, topic, kafka_partition, kafka_offset, event_type, "
          "message_key, error_code, error, attempts, payload, headers, replay_count) VALUES ('ledger', '" +
          event_id + "', '" + topic + "', 0, 7, 'ledger.entry', '" + key + "', '" + code +
          "', 'it broke', 1, convert_to('{\"id\":\"" + event_id +
          "\"}', 'UTF8'), '{\"traceparent\":\"t-1\",\"x-replay-count\":\"9\"}', " + std::to_string(replays) + ")");
    });
  }

  std::int64_t Count(const std::string& sql) { return QueryInt(db_, sql); }

  testing::TestSchema schema_;
  pg::Connection db_{schema_.url()};
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(OpsCommandsTest, ListsDeadLettersByTopicCodeAndKey) {
  DeadLetter("e1", "ledger.entry", "m1", "DRILL_REJECTED");
  DeadLetter("e2", "ledger.entry", "m2", "BAD_PAYLOAD");
  DeadLetter("e3", "import.requested", "b1", "DRILL_REJECTED");

  ASSERT_EQ(Ctl({"dlq", "list", "--code", "DRILL_REJECTED"}), kOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("2 dead letters"));
  ASSERT_EQ(Ctl({"dlq", "list", "--topic", "ledger.entry", "--member", "m2"}), kOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("1 dead letters"));
  EXPECT_THAT(out_.str(), HasSubstr("BAD_PAYLOAD"));
  ASSERT_EQ(Ctl({"dlq", "list", "--batch", "b1", "--since", "1h", "--json"}), kOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\"key\": \"b1\""));
  ASSERT_EQ(Ctl({"dlq", "list", "--until", "2000-01-01"}), kOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("0 dead letters"));
}

TEST_F(OpsCommandsTest, RefusesABadTimeOrFilter) {
  EXPECT_EQ(Ctl({"dlq", "list", "--since", "yesterday"}), kUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--since yesterday"));
  EXPECT_EQ(Ctl({"dlq", "list", "--member", "m", "--batch", "b"}), kUsage);
  EXPECT_EQ(Ctl({"dlq", "list", "--colour", "red"}), kUsage);
  EXPECT_EQ(Ctl({"dlq", "frobnicate"}), kUsage);
}

TEST_F(OpsCommandsTest, ShowsTheErrorTheAttemptsAndTheOriginalEventAndAuditsTheRead) {
  DeadLetter("e1", "ledger.entry", "m1", "DRILL_REJECTED");
  const auto id = std::to_string(Count("SELECT id FROM failed_jobs"));

  ASSERT_EQ(Ctl({"dlq", "show", id}), kOk) << err_.str();

  EXPECT_THAT(out_.str(), HasSubstr("DRILL_REJECTED: it broke"));
  EXPECT_THAT(out_.str(), HasSubstr("attempts    1"));
  EXPECT_THAT(out_.str(), HasSubstr("\"id\": \"e1\""));
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'dlq.show' AND object_id = '" + id + "'"), 1);
  EXPECT_EQ(Ctl({"dlq", "show", "999999"}), kFailed);
}

TEST_F(OpsCommandsTest, ADryRunPrintsTheReasonsAndThePlanAndChangesNothing) {
  DeadLetter("e1", "ledger.entry", "m1", "DRILL_REJECTED");
  DeadLetter("e2", "ledger.entry", "m2", "DRILL_REJECTED");
  DeadLetter("e3", "ledger.entry", "m3", "BAD_PAYLOAD", 3);

  ASSERT_EQ(Ctl({"dlq", "replay", "--dry-run"}), kOk) << err_.str();

  EXPECT_THAT(out_.str(), HasSubstr("3 dead letters match"));
  EXPECT_THAT(out_.str(), HasSubstr("      2  ledger         DRILL_REJECTED"));
  EXPECT_THAT(out_.str(), HasSubstr("re-publish       2 to ledger.entry"));
  EXPECT_THAT(out_.str(), HasSubstr("would replay 2, refuse 1"));
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM failed_jobs WHERE status = 'DEAD'"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log"), 0);
}

TEST_F(OpsCommandsTest, ReplaysOnceWithAReplayCountAndAnAuditRowEach) {
  DeadLetter("e1", "ledger.entry", "m1", "DRILL_REJECTED");
  DeadLetter("e2", "ledger.entry", "m2", "DRILL_REJECTED");

  // When the dead letters are replayed twice
  ASSERT_EQ(Ctl({"dlq", "replay", "--code", "DRILL_REJECTED", "--reason", "drill over"}), kOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("replayed 2, refused 0"));
  ASSERT_EQ(Ctl({"dlq", "replay", "--code", "DRILL_REJECTED"}), kOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("replayed 0, refused 0"));

  // Then each went back to its topic once, under its own event id, with the replay count as a header
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'ledger.entry'"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_id IN ('e1', 'e2') AND headers->>'x-replay-count' = '1' "
                  "AND headers->>'traceparent' = 't-1' AND convert_from(payload, 'UTF8') LIKE '%\"id\":\"e_\"%'"),
            2);
  EXPECT_EQ(Count("SELECT count(*) FROM failed_jobs WHERE status = 'REPLAYED' AND replay_count = 1"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'dlq.replay' AND reason = 'drill over' "
                  "AND from_state = 'DEAD' AND to_state = 'REPLAYED'"),
            2);
}

TEST_F(OpsCommandsTest, RefusesToReplayAboveTheLimit) {
  DeadLetter("e1", "ledger.entry", "m1", "HANDLER_FAILED", 2);
  const auto id = std::to_string(Count("SELECT id FROM failed_jobs"));

  EXPECT_EQ(Ctl({"dlq", "replay", id, "--max-replays", "2"}), kFailed);

  EXPECT_THAT(err_.str(), HasSubstr("refused to replay dead letter " + id));
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM failed_jobs WHERE status = 'DEAD'"), 1);

  ASSERT_EQ(Ctl({"dlq", "replay", id, "--max-replays", "3"}), kOk) << err_.str();
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE headers->>'x-replay-count' = '3'"), 1);
}

TEST_F(OpsCommandsTest, TracesAMemberInTimeOrderWithoutTheFullIdNumber) {
  ASSERT_EQ(Ctl({"org", "add", "--code", "T", "--name", "测试团委", "--kind", "committee"}), kOk) << err_.str();
  const std::string id_card = testing::MakeIdCard("20080101", "123");
  db_.InTransaction([&](pg::Tx& tx) {
    tx.ExecScript(
        "INSERT INTO members (org_id, name, id_card, dev_number, joined_on, archive_status, created_at) "
        "SELECT id, '张三', '" +
        id_card +
        "', '202400000001', '2024-09-01', 'NOT_UPLOADED', '2024-09-01T00:00:00Z' FROM organizations "
        "WHERE code = 'T'");
  });
  const auto member_id = std::to_string(Count("SELECT id FROM members"));
  DeadLetter("e1", "archive.uploaded", member_id, "BAD_PAYLOAD");

  ASSERT_EQ(Ctl({"trace", "--member", id_card}), kOk) << err_.str();

  EXPECT_THAT(out_.str(), HasSubstr("member " + member_id + "  NOT_UPLOADED"));
  EXPECT_THAT(out_.str(), Not(HasSubstr(id_card)));
  EXPECT_THAT(out_.str(), Not(HasSubstr("张三")));
  const auto created = out_.str().find("member          created");
  const auto dead = out_.str().find("dead-letter");
  ASSERT_NE(created, std::string::npos) << out_.str();
  ASSERT_NE(dead, std::string::npos) << out_.str();
  EXPECT_LT(created, dead) << "not in time order";
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'member.trace' AND member_id = " + member_id), 1);
  EXPECT_EQ(Ctl({"trace", "--member", "999999"}), kFailed);
  EXPECT_EQ(Ctl({"trace", "--member", "11010520080101123X"}), kFailed) << err_.str();
  EXPECT_THAT(err_.str(), Not(HasSubstr("11010520080101123X")));
  ASSERT_EQ(Ctl({"trace", "--member", "202400000001", "--json"}), kOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\"member_id\": " + member_id));
  ASSERT_EQ(Ctl({"trace", "--member", member_id}), kOk) << err_.str();
}

TEST_F(OpsCommandsTest, ListsAndShowsImportBatches) {
  ASSERT_EQ(Ctl({"org", "add", "--code", "T", "--name", "测试团委", "--kind", "committee"}), kOk) << err_.str();
  db_.InTransaction([&](pg::Tx& tx) {
    tx.ExecScript(
        "INSERT INTO import_batches (id, org_id, filename, format, blob_uri, sha256, size_bytes, status, total_rows, "
        "done_rows, ok_rows, failed_rows) SELECT '00000000-0000-4000-8000-000000000001', id, 'a.xlsx', 'xlsx', "
        "'file:///x', 'abc', 10, 'DONE', 10, 10, 7, 3 FROM organizations WHERE code = 'T'");
  });

  ASSERT_EQ(Ctl({"batch", "list", "--org", "T"}), kOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("00000000-0000-4000-8000-000000000001"));
  EXPECT_THAT(out_.str(), HasSubstr("1 batches"));
  ASSERT_EQ(Ctl({"batch", "show", "00000000-0000-4000-8000-000000000001"}), kOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("成功导入 7 位团员，3 位团员导入失败"));
  EXPECT_EQ(Ctl({"batch", "show", "nope"}), kFailed);
  EXPECT_EQ(Ctl({"batch", "replay", "00000000-0000-4000-8000-000000000001"}), kUsage) << "a DONE batch stays done";
}

}  // namespace
}  // namespace archive::ctl
