#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>

#include "common/events/envelope.hpp"
#include "common/testing/testing.hpp"

namespace archive::e2e {
namespace {

using namespace std::chrono_literals;

// Two deadline-worker processes, each in a consumer group of its own, so both receive every sweep request
// at the same moment. The sweep lock lets one sweep run at a time: no two recorded sweeps overlap in wall
// time, every request is swept once per worker, and the reminders exist once, as after a single sweep.
TEST(DeadlineWorker, TwoWorkersNeverSweepAtTheSameTime) {
  testing::TestSchema schema;
  pg::Connection db(schema.url());
  db.InTransaction([](pg::Tx& tx) {
    tx.ExecScript(
        "INSERT INTO organizations (id, code, name, kind, parent_id, path) VALUES"
        " (1, 'SCHOOL', '示例中学团委', 'committee', NULL, '1'), (2, 'B1', '高一(1)班团支部', 'branch', 1, '1.2');"
        // 30,000 members waiting, with deadlines spread over the 40 days around today: sweeps of some length.
        // The deadline is the admission date plus the default window (lifecycle::Policy::Deadline).
        "INSERT INTO members (org_id, name, id_card, joined_on, upload_deadline, archive_status)"
        " SELECT 2, '团员', lpad(i::text, 18, '0'), current_date - 50 + i % 40, current_date - 20 + i % 40,"
        "        'NOT_UPLOADED'"
        " FROM generate_series(1, 30000) i;"
        "ANALYZE members;");
  });
  const auto topics = testing::MakeTopics({"sweep", "dlq"}, 1);
  std::vector<std::unique_ptr<testing::ChildProcess>> workers;
  for (int i = 0; i < 2; ++i) {
    const std::string config = ::testing::TempDir() + "/" + testing::UniqueName("deadline") + ".json";
    std::ofstream(config) << R"({"consumer": {"group": ")" << testing::UniqueName("deadline") << R"(", "topics": [")"
                          << topics[0] << R"("], "dead_letter_topic": ")" << topics[1]
                          << R"("}, "deadline": {"busy_retry_ms": 100}})";
    workers.push_back(std::make_unique<testing::ChildProcess>(
        testing::BinaryPath("bin/deadline-worker"), std::vector<std::string>{config},
        std::map<std::string, std::string>{{"ARCHIVE_DB_URL", schema.url()},
                                           {"ARCHIVE_KAFKA_BROKERS", testing::StackSetting("ARCHIVE_KAFKA_BROKERS")},
                                           {"ARCHIVE_LOG_LEVEL", "warn"}}));
  }

  kafka::Producer producer(testing::TestKafka());
  constexpr int kRequests = 3;
  for (int i = 0; i < kRequests; ++i) {
    const auto now = std::chrono::system_clock::now();
    const auto event = events::MakeEnvelope("deadline.sweep-requested", 1, "e2e", "sweep",
                                            {{"as_of", FormatUtc(now)}, {"requested_by", "e2e"}}, now);
    producer.Produce(topics[0], event.key, events::Serialize(event));
  }
  producer.Flush(10s);

  EXPECT_TRUE(testing::Eventually(
      [&] { return testing::QueryInt(db, "SELECT count(*) FROM deadline_sweeps") == 2 * kRequests; }, 180s));
  EXPECT_EQ(testing::QueryInt(db,
                              "SELECT count(*) FROM deadline_sweeps a JOIN deadline_sweeps b ON a.id < b.id"
                              " AND a.started_at < b.finished_at AND b.started_at < a.finished_at"),
            0)
      << "two sweeps overlapped";
  EXPECT_EQ(testing::QueryInt(db, "SELECT count(DISTINCT event_id) FROM deadline_sweeps"), kRequests);
  EXPECT_GT(testing::QueryInt(db, "SELECT count(*) FROM reminders"), 30000);
  EXPECT_EQ(testing::QueryInt(db, "SELECT sum(created) FROM deadline_sweeps"),
            testing::QueryInt(db, "SELECT count(*) FROM reminders"));
  EXPECT_EQ(testing::QueryInt(db, "SELECT count(*) FROM failed_jobs"), 0);
  for (auto& w : workers) {
    w->Kill(SIGTERM);
    EXPECT_NE(w->Wait(30s), -1);
  }
}

}  // namespace
}  // namespace archive::e2e
