#include <signal.h>

#include <iostream>
#include <random>

#include "tests/e2e/pipeline_fixture.hpp"

namespace archive::e2e {
namespace {

TEST_F(PipelineTest, AppliesEveryEventExactlyOnceThroughTwentySigkills) {
  // Given 1,000 events arriving over about ten seconds
  constexpr int kEvents = 1000;
  ProduceInBackground(kEvents, 10ms);

  // When the worker is killed with SIGKILL at 20 random moments and restarted each time
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> pause_ms(50, 700);
  auto worker = StartWorker();
  int kills = 0;
  int kills_while_applying = 0;
  for (; kills < 20; ++kills) {
    const auto before = Count("SELECT count(*) FROM ledger_entries");
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    if (Count("SELECT count(*) FROM ledger_entries") > before) ++kills_while_applying;
    worker->Kill(SIGKILL);
    ASSERT_NE(worker->Wait(10s), -1);
    worker = StartWorker();
  }
  const auto applied = Count("SELECT count(*) FROM ledger_entries");
  std::cout << "chaos: " << kills << " SIGKILLs, " << kills_while_applying << " of them while the worker was applying; "
            << applied << " events applied before the last restart\n";
  EXPECT_GT(kills_while_applying, 0) << "no kill landed mid-stream: the test proves nothing";

  // Then every event's effect is in the database exactly once
  ExpectEveryEventAppliedExactlyOnce(kEvents);

  // And the worker stops cleanly on SIGTERM
  worker->Kill(SIGTERM);
  const int status = worker->Wait(30s);
  ASSERT_NE(status, -1) << "the worker did not stop within 30 s of SIGTERM";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace archive::e2e
