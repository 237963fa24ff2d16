#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/events/envelope.hpp"
#include "common/log/log.hpp"
#include "common/outbox/outbox.hpp"
#include "common/testing/testing.hpp"

namespace archive::outbox {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class OutboxTraceTest : public ::testing::Test {
 protected:
  std::string Enqueued(const events::Envelope& event) {
    db_.InTransaction([&](pg::Tx& tx) { Enqueue(tx, "t", event); });
    return db_.InTransaction([&](pg::Tx& tx) {
      return tx.ExecScript("SELECT convert_from(payload, 'UTF8') FROM outbox WHERE event_id = '" + event.id + "'")
          .Text(0, 0);
    });
  }

  events::Envelope Event() {
    return events::MakeEnvelope("ledger.entry", 1, "test", "k", {{"seq", 1}, {"produced_at_us", 0}},
                                std::chrono::system_clock::now());
  }

  testing::TestSchema schema_;
  pg::Connection db_{schema_.url()};
};

TEST_F(OutboxTraceTest, AnEventCausedByAnotherCarriesItsTraceId) {
  const log::ScopedContext handling("incoming-event", "trace-7");
  EXPECT_THAT(Enqueued(Event()), HasSubstr(R"("trace_id":"trace-7")"));
}

TEST_F(OutboxTraceTest, AnEventKeepsItsOwnTraceIdAndNoneIsInvented) {
  auto own = Event();
  own.trace_id = "own";
  {
    const log::ScopedContext handling("incoming-event", "trace-7");
    EXPECT_THAT(Enqueued(own), HasSubstr(R"("trace_id":"own")"));
  }
  EXPECT_THAT(Enqueued(Event()), Not(HasSubstr("trace_id")));
}

}  // namespace
}  // namespace archive::outbox
