#include "common/worker/process.hpp"
#include "workers/ledger/ledger.hpp"

// ledger-worker [CONFIG.json]: consumes ledger.entry (see workers/ledger/ledger.hpp).
int main(int argc, char** argv) {
  using namespace archive;
  return worker::RunWorker(argc, argv, "ledger-worker", {.group = "ledger", .topics = {"ledger.entry"}},
                           [](worker::Process& process) {
                             auto ledger_section = process.settings().Child("ledger");
                             ledger::Handler handler(ledger::Config::From(ledger_section));
                             process.Run(handler);
                           });
}
