#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "common/events/envelope.hpp"
#include "common/testing/testing.hpp"

namespace archive::e2e {

using namespace std::chrono_literals;

// The ledger worker as a real process, on a fresh schema and fresh topics, fed by a producer thread.
class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto topics = testing::MakeTopics({"ledger", "dlq"}, 6);
    topic_ = topics[0];
    config_path_ = ::testing::TempDir() + "/" + testing::UniqueName("ledger-config") + ".json";
    std::ofstream(config_path_)
        << R"({"kafka": {"rdkafka": {"group.instance.id": "ledger-1", "session.timeout.ms": "6000",
                                                          "statistics.interval.ms": "0"}},
                                       "consumer": {"group": ")"
        << testing::UniqueName("ledger") << R"(", "topics": [")" << topic_ << R"("], "dead_letter_topic": ")"
        << topics[1] << R"(", "max_batch": 100}})";
  }

  void TearDown() override {
    if (producer_thread_.joinable()) producer_thread_.join();
    std::remove(config_path_.c_str());
  }

  std::unique_ptr<testing::ChildProcess> StartWorker() {
    return std::make_unique<testing::ChildProcess>(
        testing::BinaryPath("bin/ledger-worker"), std::vector<std::string>{config_path_},
        std::map<std::string, std::string>{{"ARCHIVE_DB_URL", schema_.url()},
                                           {"ARCHIVE_KAFKA_BROKERS", testing::StackSetting("ARCHIVE_KAFKA_BROKERS")},
                                           {"ARCHIVE_LOG_LEVEL", "warn"}});
  }

  // Produces count ledger events, one every interval, on a thread of its own.
  void ProduceInBackground(int count, std::chrono::milliseconds interval) {
    producer_thread_ = std::thread([this, count, interval] {
      auto config = testing::TestKafka();
      config.rdkafka["message.timeout.ms"] = "300000";  // outlive a broker restart
      kafka::Producer producer(config);
      for (int seq = 0; seq < count; ++seq) {
        const auto event =
            events::MakeEnvelope("ledger.entry", 1, "e2e", "m" + std::to_string(seq % 97),
                                 {{"seq", seq}, {"produced_at_us", 0}}, std::chrono::system_clock::now());
        producer.Produce(topic_, event.key, events::Serialize(event));
        if (interval.count() > 0) std::this_thread::sleep_for(interval);
      }
      producer.Flush(300s);
      produced_ = count;
    });
  }

  // Ledger counts, or -1 while the database is unreachable.
  std::int64_t Count(const std::string& sql) {
    try {
      return testing::QueryInt(check_, sql);
    } catch (const archive::Unavailable&) {
      return -1;
    }
  }

  void ExpectEveryEventAppliedExactlyOnce(int count) {
    EXPECT_TRUE(testing::Eventually([&] { return produced_ == count; }, 300s)) << "the producer did not finish";
    EXPECT_TRUE(
        testing::Eventually([&] { return Count("SELECT count(DISTINCT seq) FROM ledger_entries") == count; }, 240s))
        << "missing effects: " << count - Count("SELECT count(DISTINCT seq) FROM ledger_entries");
    EXPECT_EQ(Count("SELECT count(*) FROM ledger_entries"), count) << "some effect was applied twice";
    EXPECT_EQ(Count("SELECT count(*) FROM (SELECT seq FROM ledger_entries GROUP BY seq HAVING count(*) > 1) d"), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM failed_jobs"), 0);
  }

  testing::TestSchema schema_;
  pg::Connection check_{schema_.url()};
  std::string topic_;
  std::string config_path_;
  std::thread producer_thread_;
  std::atomic<int> produced_{0};
};

}  // namespace archive::e2e
