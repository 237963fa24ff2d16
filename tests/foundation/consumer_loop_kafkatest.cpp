#include "common/worker/consumer_loop.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "common/events/builtin.hpp"
#include "common/outbox/relay.hpp"
#include "common/testing/testing.hpp"

namespace archive::worker {
namespace {

using namespace std::chrono_literals;
using testing::QueryInt;

std::string Entry(int seq, const std::string& id = "") {
  auto e = events::MakeEnvelope("ledger.entry", 1, "loop-test", "k" + std::to_string(seq % 5),
                                {{"seq", seq}, {"produced_at_us", 0}}, std::chrono::system_clock::now());
  if (!id.empty()) e.id = id;
  return events::Serialize(e);
}

// Records each entry like the ledger worker, but misbehaves on the sequence numbers a test picks.
class ScriptedHandler final : public Handler {
 public:
  std::set<int> throw_on;       // throws every time
  std::set<int> reject_on;      // returns DeadLetter
  std::set<int> retry_once_on;  // returns Retry the first time
  std::set<int> slow_on;        // takes longer than the consumer's max.poll.interval.ms
  std::set<int> late_fail_on;   // queues a write that fails only when the batch is flushed
  std::atomic<int> calls{0};

  Outcome Handle(const Message& m, pg::Tx& tx) override {
    ++calls;
    const int seq = m.event.payload.at("seq");
    if (throw_on.count(seq)) throw std::runtime_error("scripted failure");
    if (reject_on.count(seq)) return Outcome::DeadLetter("SCRIPTED_REJECT", "the test rejects it");
    if (retry_once_on.erase(seq)) return Outcome::Retry(50ms, "not yet");
    if (slow_on.count(seq)) std::this_thread::sleep_for(9s);
    if (late_fail_on.count(seq)) {
      tx.Append("ledger_append", std::nullopt, seq, 0);  // event_id is NOT NULL
      return Outcome::Done();
    }
    tx.Append("ledger_append", m.event.id, seq, 0);
    return Outcome::Done();
  }
};

// A consumer loop and an outbox relay running on threads against a fresh schema and fresh topics.
class LoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto topics = testing::MakeTopics({"in", "dlq"}, 3);
    topic_ = topics[0];
    dlq_ = topics[1];
    group_ = testing::UniqueName("group");
  }

  void Start(ScriptedHandler& handler, std::map<std::string, std::string> rdkafka = {}) {
    kafka_.rdkafka = std::move(rdkafka);
    LoopConfig config{.group = group_,
                      .topics = {topic_},
                      .dead_letter_topic = dlq_,
                      .max_batch = 50,
                      .pause_after = 300ms,
                      .max_attempts = 3,
                      .retry_initial = 10ms,
                      .retry_max = 200ms};
    loop_ = std::make_unique<ConsumerLoop>(
        config, [this] { return std::make_unique<kafka::Consumer>(kafka_, group_, std::vector<std::string>{topic_}); },
        db_, handler, registry_);
    loop_thread_ = std::thread([this] { loop_->Run(); });
    relay_thread_ = std::thread([this] { relay_.Run(); });
  }

  void Stop() {
    loop_->Stop();
    relay_.Stop();
    loop_thread_.join();
    relay_thread_.join();
    loop_.reset();
  }

  void TearDown() override {
    if (loop_) Stop();
  }

  void Produce(const std::vector<std::string>& payloads) {
    kafka::Producer producer(kafka_);
    for (std::size_t i = 0; i < payloads.size(); ++i)
      producer.Produce(topic_, "k" + std::to_string(i % 5), payloads[i]);
    producer.Flush(10s);
  }

  std::int64_t Count(const std::string& sql) { return QueryInt(check_, sql); }

  testing::TestSchema schema_;
  kafka::Config kafka_ = testing::TestKafka();
  std::string topic_, dlq_, group_;
  events::Registry registry_ = events::BuiltinRegistry();
  pg::Connection db_{schema_.url()};
  pg::Connection relay_db_{schema_.url()};
  pg::Connection check_{schema_.url()};
  kafka::Producer relay_producer_{kafka_};
  outbox::Relay relay_{outbox::RelayConfig{.idle_wait = 100ms}, relay_db_, relay_producer_};
  std::unique_ptr<ConsumerLoop> loop_;
  std::thread loop_thread_, relay_thread_;
};

TEST_F(LoopTest, DeadLettersMalformedAndFailingMessagesAndKeepsTheStreamFlowing) {
  // Given malformed messages, a message its handler keeps throwing on, and one it rejects, among good ones
  ScriptedHandler handler;
  handler.throw_on = {13};
  handler.reject_on = {21};
  std::vector<std::string> payloads = {
      "this is not JSON",
      R"({"id":"6f1c1d2e-7a1b-4c3d-9e8f-0a1b2c3d4e5f","type":"no.such-type","version":1,)"
      R"("occurred_at":"2026-11-27T00:00:00.000Z","producer":"t","key":"k","payload":{}})",
      R"({"id":"6f1c1d2e-7a1b-4c3d-9e8f-0a1b2c3d4e60","type":"ledger.entry","version":9,)"
      R"("occurred_at":"2026-11-27T00:00:00.000Z","producer":"t","key":"k","payload":{"seq":1,"produced_at_us":0}})",
      R"({"id":"6f1c1d2e-7a1b-4c3d-9e8f-0a1b2c3d4e61","type":"ledger.entry","version":1,)"
      R"("occurred_at":"2026-11-27T00:00:00.000Z","producer":"t","key":"k","payload":{"produced_at_us":0}})",
      R"({"type":"ledger.entry"})",
  };
  for (int seq = 0; seq < 30; ++seq) payloads.push_back(Entry(seq));

  // When the loop consumes them
  Start(handler);
  Produce(payloads);

  // Then every good message has its effect, and each bad one is in failed_jobs and the dead-letter topic
  EXPECT_TRUE(testing::Eventually([&] { return Count("SELECT count(*) FROM ledger_entries") == 28; }, 60s));
  EXPECT_TRUE(testing::Eventually([&] { return Count("SELECT count(*) FROM failed_jobs") == 7; }, 30s));
  for (const char* code : {"NOT_JSON", "UNKNOWN_TYPE", "UNKNOWN_VERSION", "BAD_PAYLOAD", "BAD_ENVELOPE",
                           "HANDLER_FAILED", "SCRIPTED_REJECT"}) {
    EXPECT_EQ(Count(std::string("SELECT count(*) FROM failed_jobs WHERE error_code = '") + code + "'"), 1) << code;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM failed_jobs WHERE error_code = 'HANDLER_FAILED' AND attempts = 3"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM failed_jobs WHERE error = ''"), 0) << "every dead letter says why";
  const auto dead = testing::ReadTopic(dlq_, 8, 5s);
  ASSERT_EQ(dead.size(), 7u);
  std::set<std::string> codes;
  for (const auto& m : dead) {
    codes.insert(std::string(m.Header("x-dead-letter-code").value_or("")));
    EXPECT_EQ(m.Header("x-original-topic").value_or(""), topic_);
    EXPECT_FALSE(m.Header("x-dead-letter-reason").value_or("").empty());
  }
  EXPECT_EQ(codes.size(), 7u);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger_entries WHERE seq IN (13, 21)"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 0);

  // And a restarted consumer finds nothing left to do: the offsets were committed
  Stop();
  const int calls_before = handler.calls;
  Start(handler);
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(handler.calls, calls_before);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger_entries"), 28);
}

TEST_F(LoopTest, AppliesARedeliveredEventOnce) {
  ScriptedHandler handler;
  const std::string twice = Entry(7, "0b9a3c7e-1d2f-4e5a-8b6c-7d8e9f0a1b2c");
  Start(handler);
  Produce({twice, Entry(8), twice, twice});
  EXPECT_TRUE(testing::Eventually([&] { return Count("SELECT count(*) FROM inbox") == 2; }, 30s));
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger_entries"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger_entries WHERE seq = 7"), 1);
  EXPECT_EQ(loop_->stats().duplicates, 2);
  EXPECT_EQ(loop_->stats().done, 2);
}

TEST_F(LoopTest, RetriesAMessageThatAsksForItWithoutReorderingOrLosingAny) {
  ScriptedHandler handler;
  handler.retry_once_on = {5};
  std::vector<std::string> payloads;
  for (int seq = 0; seq < 20; ++seq) payloads.push_back(Entry(seq));
  Start(handler);
  Produce(payloads);
  EXPECT_TRUE(testing::Eventually([&] { return Count("SELECT count(*) FROM ledger_entries") == 20; }, 30s));
  EXPECT_EQ(Count("SELECT count(DISTINCT seq) FROM ledger_entries"), 20);
  EXPECT_EQ(Count("SELECT count(*) FROM failed_jobs"), 0);
}

TEST_F(LoopTest, KeepsItsGroupMembershipThroughAHandlerLongerThanThePollInterval) {
  // Given a handler that takes 9 s on one message while max.poll.interval.ms is 7 s
  ScriptedHandler handler;
  handler.slow_on = {1};
  Start(handler, {{"session.timeout.ms", "6000"}, {"max.poll.interval.ms", "7000"}});
  Produce({Entry(0), Entry(1), Entry(2)});
  EXPECT_TRUE(testing::Eventually([&] { return Count("SELECT count(*) FROM ledger_entries") == 3; }, 60s));

  // Then the offsets of that batch were committed by the same member: nothing is redelivered
  EXPECT_TRUE(testing::Eventually(
      [&] {
        std::int64_t lag = 0;
        for (const auto& p : kafka::GroupLag(kafka_, group_, {topic_})) lag += p.lag();
        return lag == 0;
      },
      20s));
  Produce({Entry(3)});
  EXPECT_TRUE(testing::Eventually([&] { return Count("SELECT count(*) FROM ledger_entries") == 4; }, 30s));
  EXPECT_EQ(handler.calls, 4);
  EXPECT_EQ(loop_->stats().duplicates, 0) << "the batch was delivered again: the member lost its partitions";
  EXPECT_EQ(loop_->stats().done, 4);
}

}  // namespace
}  // namespace archive::worker

namespace archive::worker {
namespace {

TEST_F(LoopTest, ChargesAWriteThatFailsAtCommitToTheMessageThatQueuedIt) {
  // Given a batch in which one message queues a write that the database refuses only at commit
  ScriptedHandler handler;
  handler.late_fail_on = {17};
  std::vector<std::string> payloads;
  for (int seq = 0; seq < 40; ++seq) payloads.push_back(Entry(seq));
  Start(handler);
  Produce(payloads);

  // Then the batch is redone one by one: that message alone is dead-lettered, every other applied once
  EXPECT_TRUE(testing::Eventually([&] { return Count("SELECT count(*) FROM failed_jobs") == 1; }, 60s));
  EXPECT_TRUE(testing::Eventually([&] { return Count("SELECT count(*) FROM ledger_entries") == 39; }, 30s));
  EXPECT_EQ(Count("SELECT count(DISTINCT seq) FROM ledger_entries"), 39);
  EXPECT_EQ(Count("SELECT count(*) FROM failed_jobs WHERE error_code = 'HANDLER_FAILED' AND attempts = 3"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger_entries WHERE seq = 17"), 0);
}

}  // namespace
}  // namespace archive::worker
