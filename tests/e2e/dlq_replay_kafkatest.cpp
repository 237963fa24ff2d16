#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/events/envelope.hpp"
#include "common/testing/testing.hpp"
#include "tests/metrics/scrape.hpp"
#include "tools/archivectl/commands.hpp"

namespace archive::e2e {
namespace {

using namespace std::chrono_literals;
using metrics::test::FreePort;
using metrics::test::HttpGet;
using metrics::test::Sample;
using ::testing::HasSubstr;

// The dead-letter drill end to end: the ledger worker is told to reject some entries, they reach the
// dead-letter topic and failed_jobs, the worker is fixed, archivectl replays them, and every entry ends up
// applied exactly once; the metrics endpoint counts along.
class DeadLetterReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto topics = testing::MakeTopics({"ledger", "dlq"}, 3);
    topic_ = topics[0];
    dlq_topic_ = topics[1];
    group_ = testing::UniqueName("ledger");
    ::setenv("ARCHIVE_DB_URL", schema_.url().c_str(), 1);
  }

  void TearDown() override {
    std::remove(worker_config_.c_str());
    std::remove(relay_config_.c_str());
  }

  // Writes the worker's configuration: every entry whose seq is a multiple of reject_every is dead-lettered.
  void ConfigureWorker(long reject_every) {
    std::ofstream(worker_config_) << R"({"kafka": {"rdkafka": {"session.timeout.ms": "6000"}},
        "metrics": {"host": "127.0.0.1", "port": )"
                                  << worker_port_ << R"(},
        "ledger": {"drill_reject_every": )"
                                  << reject_every << R"(},
        "consumer": {"group": ")" << group_
                                  << R"(", "topics": [")" << topic_ << R"("], "dead_letter_topic": ")" << dlq_topic_
                                  << R"(", "max_batch": 20}})";
  }

  std::unique_ptr<testing::ChildProcess> Start(const std::string& binary, const std::string& config) {
    return std::make_unique<testing::ChildProcess>(
        testing::BinaryPath("bin/" + binary), std::vector<std::string>{config},
        std::map<std::string, std::string>{{"ARCHIVE_DB_URL", schema_.url()},
                                           {"ARCHIVE_KAFKA_BROKERS", testing::StackSetting("ARCHIVE_KAFKA_BROKERS")},
                                           {"ARCHIVE_LOG_LEVEL", "warn"}});
  }

  void Produce(int count) {
    kafka::Producer producer(testing::TestKafka());
    for (int seq = 0; seq < count; ++seq) {
      const auto event = events::MakeEnvelope("ledger.entry", 1, "e2e", "m" + std::to_string(seq % 7),
                                              {{"seq", seq}, {"produced_at_us", 0}}, std::chrono::system_clock::now());
      producer.Produce(topic_, event.key, events::Serialize(event));
    }
    producer.Flush(60s);
  }

  std::int64_t Count(const std::string& sql) { return testing::QueryInt(check_, sql); }

  // The value of one of the worker's per-topic series, or -1 while the endpoint does not answer yet.
  double WorkerSample(const std::string& name, const std::string& extra_labels = "") {
    try {
      const auto text = HttpGet(worker_port_, "/metrics").body;
      return Sample(text, name + "{" + extra_labels + "group=\"" + group_ + "\",topic=\"" + topic_ + "\"}").value_or(0);
    } catch (const std::exception&) {
      return -1;
    }
  }

  int Ctl(const std::vector<std::string>& words) {
    out_.str("");
    err_.str("");
    return ctl::Run(words, out_, err_);
  }

  testing::TestSchema schema_;
  pg::Connection check_{schema_.url()};
  std::string topic_;
  std::string dlq_topic_;
  std::string group_;
  std::uint16_t worker_port_ = FreePort();
  std::string worker_config_ = ::testing::TempDir() + "/" + testing::UniqueName("ledger-config") + ".json";
  std::string relay_config_ = ::testing::TempDir() + "/" + testing::UniqueName("relay-config") + ".json";
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(DeadLetterReplayTest, DeadLettersAReplayAppliesOnceAndTheMetricsCount) {
  constexpr int kEvents = 60;
  constexpr int kRejected = kEvents / 5;  // seq 0, 5, 10, ...
  const auto relay_port = FreePort();
  std::ofstream(relay_config_) << R"({"metrics": {"host": "127.0.0.1", "port": )" << relay_port << "}}";
  auto relay = Start("outbox-relay", relay_config_);

  // Given a ledger worker running the dead-letter drill (every fifth entry rejected)
  ConfigureWorker(5);
  auto worker = Start("ledger-worker", worker_config_);
  Produce(kEvents);

  // Then the rejected entries reach failed_jobs and the dead-letter topic, and the rest is applied
  ASSERT_TRUE(
      testing::Eventually([&] { return Count("SELECT count(*) FROM ledger_entries") == kEvents - kRejected; }, 120s))
      << Count("SELECT count(*) FROM ledger_entries") << " applied";
  ASSERT_TRUE(testing::Eventually([&] { return Count("SELECT count(*) FROM failed_jobs") == kRejected; }, 60s));
  EXPECT_EQ(Count("SELECT count(*) FROM failed_jobs WHERE error_code = 'DRILL_REJECTED' AND status = 'DEAD'"),
            kRejected);
  const auto parked = testing::ReadTopic(dlq_topic_, kRejected, 60s);
  ASSERT_EQ(parked.size(), static_cast<std::size_t>(kRejected));
  for (const auto& message : parked) {
    EXPECT_EQ(message.Header("x-dead-letter-code").value_or(""), "DRILL_REJECTED");
    EXPECT_EQ(message.Header("x-original-topic").value_or(""), topic_);
  }

  // And the worker's metrics count what happened, per topic
  EXPECT_TRUE(
      testing::Eventually([&] { return WorkerSample("archive_messages_done_total") == kEvents - kRejected; }, 30s));
  EXPECT_EQ(WorkerSample("archive_messages_consumed_total"), kEvents);
  EXPECT_EQ(WorkerSample("archive_messages_dead_lettered_total", "code=\"DRILL_REJECTED\","), kRejected);
  // A batch with a dead letter runs again without it, so the handler ran at least once per applied entry.
  EXPECT_GE(WorkerSample("archive_handler_duration_seconds_count"), kEvents);
  EXPECT_EQ(HttpGet(worker_port_, "/readyz").status, 200);
  EXPECT_THAT(HttpGet(relay_port, "/metrics").body, HasSubstr("archive_outbox_published_total"));

  // When the drill ends (the worker restarts with the rejection off) and the dead letters are replayed
  worker->Kill(SIGTERM);
  ASSERT_NE(worker->Wait(30s), -1);
  ConfigureWorker(0);
  worker = Start("ledger-worker", worker_config_);
  ASSERT_EQ(Ctl({"dlq", "replay", "--code", "DRILL_REJECTED", "--dry-run"}), ctl::kOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("would replay " + std::to_string(kRejected) + ", refuse 0"));
  ASSERT_EQ(Ctl({"dlq", "replay", "--code", "DRILL_REJECTED", "--reason", "drill over"}), ctl::kOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("replayed " + std::to_string(kRejected)));
  ASSERT_EQ(Ctl({"dlq", "replay", "--code", "DRILL_REJECTED"}), ctl::kOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("replayed 0")) << "a second replay must have no effect";

  // Then every entry is applied exactly once
  EXPECT_TRUE(
      testing::Eventually([&] { return Count("SELECT count(DISTINCT seq) FROM ledger_entries") == kEvents; }, 120s))
      << Count("SELECT count(DISTINCT seq) FROM ledger_entries") << " distinct entries applied";
  EXPECT_EQ(Count("SELECT count(*) FROM ledger_entries"), kEvents) << "an entry was applied twice";
  EXPECT_EQ(Count("SELECT count(*) FROM failed_jobs WHERE status = 'REPLAYED' AND replay_count = 1"), kRejected);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'dlq.replay'"), kRejected);

  // And the restarted worker's counters moved by the replayed entries
  EXPECT_TRUE(testing::Eventually([&] { return WorkerSample("archive_messages_done_total") == kRejected; }, 30s))
      << WorkerSample("archive_messages_done_total");
  EXPECT_EQ(WorkerSample("archive_messages_dead_lettered_total", "code=\"DRILL_REJECTED\","), 0);

  worker->Kill(SIGTERM);
  relay->Kill(SIGTERM);
  EXPECT_NE(worker->Wait(30s), -1);
  EXPECT_NE(relay->Wait(30s), -1);
}

}  // namespace
}  // namespace archive::e2e
