#include "common/outbox/relay.hpp"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "common/events/builtin.hpp"
#include "common/outbox/outbox.hpp"
#include "common/testing/testing.hpp"

namespace archive::outbox {
namespace {

using namespace std::chrono_literals;

events::Envelope Entry(int seq, const std::string& key) {
  return events::MakeEnvelope("ledger.entry", 1, "relay-test", key, {{"seq", seq}, {"produced_at_us", 0}},
                              std::chrono::system_clock::now());
}

TEST(Relay, PublishesCommittedEventsInOrderAndEmptiesTheOutbox) {
  // Given 200 events committed in two transactions, and 50 in a transaction that rolled back
  testing::TestSchema schema;
  const std::string topic = testing::MakeTopics({"relay"}, 3)[0];
  pg::Connection db(schema.url());
  db.InTransaction([&](pg::Tx& tx) {
    for (int i = 0; i < 100; ++i) Enqueue(tx, topic, Entry(i, "k" + std::to_string(i % 7)));
  });
  {
    pg::Tx doomed = db.Begin();
    for (int i = 1000; i < 1050; ++i) Enqueue(doomed, topic, Entry(i, "k0"));
    doomed.Abort();
  }
  db.InTransaction([&](pg::Tx& tx) {
    for (int i = 100; i < 200; ++i) Enqueue(tx, topic, Entry(i, "k" + std::to_string(i % 7)));
  });

  // When the relay runs
  pg::Connection relay_db(schema.url());
  kafka::Producer producer(testing::TestKafka());
  Relay relay(RelayConfig{.batch = 64}, relay_db, producer);
  std::thread runner([&] { relay.Run(); });
  const auto messages = testing::ReadTopic(topic, 201, 8s);
  relay.Stop();
  runner.join();

  // Then exactly the committed events arrive, in order for each key, and the outbox is empty
  ASSERT_EQ(messages.size(), 200u);
  const auto registry = events::BuiltinRegistry();
  std::map<std::string, int> last_seq;
  for (const auto& m : messages) {
    const auto parsed = registry.Parse(m.payload);
    ASSERT_TRUE(std::holds_alternative<events::Envelope>(parsed));
    const auto& event = std::get<events::Envelope>(parsed);
    EXPECT_EQ(m.key, event.key);
    const int seq = event.payload["seq"];
    EXPECT_LT(seq, 1000) << "an event of a rolled-back transaction was published";
    auto [it, fresh] = last_seq.emplace(m.key, seq);
    if (!fresh) {
      EXPECT_GT(seq, it->second) << "key " << m.key << " out of order";
      it->second = seq;
    }
  }
  EXPECT_EQ(testing::QueryInt(db, "SELECT count(*) FROM outbox"), 0);
}

TEST(Relay, LetsOnlyOneRelayPublishAtATime) {
  testing::TestSchema schema;
  const std::string name = testing::UniqueName("relay");
  pg::Connection first(schema.url(), name);
  pg::Connection second(schema.url());
  kafka::Producer producer(testing::TestKafka());
  Relay a(RelayConfig{}, first, producer);
  std::thread ra([&] { a.Run(); });
  EXPECT_TRUE(testing::Eventually(
      [&] {
        return testing::QueryInt(second,
                                 "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                                 "WHERE l.locktype = 'advisory' AND a.application_name = '" +
                                     name + "'") == 1;
      },
      10s));
  EXPECT_FALSE(second.TryLock("outbox-relay")) << "the standby could take the leader's lock";
  a.Stop();
  ra.join();
  first.Reset();
  EXPECT_TRUE(second.TryLock("outbox-relay")) << "the lock was not released with the leader's session";
}

}  // namespace
}  // namespace archive::outbox
