#include "common/worker/process.hpp"
#include "workers/reminder/handler.hpp"

// reminder-worker [CONFIG.json]: consumes deadline.swept (see workers/reminder/notifier.hpp).
int main(int argc, char** argv) {
  using namespace archive;
  return worker::RunWorker(argc, argv, "reminder-worker",
                           {.group = "reminder", .topics = {"deadline.swept"}, .max_batch = 1},
                           [](worker::Process& process) {
                             auto reminder_section = process.settings().Child("reminder");
                             const auto reminder_config = reminder::Config::From(reminder_section);
                             SystemClock clock;
                             reminder::Notifier notifier(reminder_config, clock);
                             reminder::Handler handler(notifier, process.metrics());
                             process.Run(handler);
                           });
}
