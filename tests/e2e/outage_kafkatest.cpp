#include "tests/e2e/pipeline_fixture.hpp"

namespace archive::e2e {
namespace {

TEST_F(PipelineTest, WaitsOutATenSecondDatabaseOutageAndLosesNothing) {
  // Given a stream of events being consumed
  constexpr int kEvents = 1000;
  auto worker = StartWorker();
  ProduceInBackground(kEvents, 15ms);
  ASSERT_TRUE(testing::Eventually([&] { return Count("SELECT count(*) FROM ledger_entries") > 50; }, 60s));

  // When PostgreSQL is stopped for 10 s in the middle of it
  testing::Devstack("stop pg");
  std::this_thread::sleep_for(10s);
  EXPECT_TRUE(worker->Running()) << "the worker died while the database was down";
  testing::Devstack("start pg");

  // Then the worker resumes, and every event is applied exactly once
  ExpectEveryEventAppliedExactlyOnce(kEvents);
  EXPECT_TRUE(worker->Running());
}

TEST_F(PipelineTest, RidesOutABrokerRestartAndLosesNothing) {
  constexpr int kEvents = 1000;
  auto worker = StartWorker();
  ProduceInBackground(kEvents, 15ms);
  ASSERT_TRUE(testing::Eventually([&] { return Count("SELECT count(*) FROM ledger_entries") > 50; }, 60s));

  testing::Devstack("stop kafka");
  std::this_thread::sleep_for(2s);
  testing::Devstack("start kafka");

  ExpectEveryEventAppliedExactlyOnce(kEvents);
  EXPECT_TRUE(worker->Running());
}

}  // namespace
}  // namespace archive::e2e
