#include "common/worker/process.hpp"
#include "workers/deadline/handler.hpp"

// deadline-worker [CONFIG.json]: consumes deadline.sweep-requested (see workers/deadline/sweeper.hpp).
int main(int argc, char** argv) {
  using namespace archive;
  return worker::RunWorker(argc, argv, "deadline-worker",
                           {.group = "deadline", .topics = {"deadline.sweep-requested"}, .max_batch = 1},
                           [](worker::Process& process) {
                             auto deadline_section = process.settings().Child("deadline");
                             const auto policy = lifecycle::Policy::FromSettings(process.settings());
                             const auto deadline_config = deadline::Config::From(deadline_section, policy);
                             SystemClock clock;
                             deadline::Sweeper sweeper(deadline_config, clock);
                             deadline::Handler handler(sweeper, clock, process.metrics());
                             process.Run(handler);
                           });
}
