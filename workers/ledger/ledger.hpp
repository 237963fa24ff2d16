#pragma once

#include "common/config/config.hpp"
#include "common/worker/handler.hpp"

namespace archive::ledger {

// The "ledger" section of the ledger worker's configuration.
struct Config {
  // A dead-letter drill for rehearsing the runbook on a live pipeline: when above 0, every entry whose seq is a
  // multiple of it is dead-lettered with the code DRILL_REJECTED instead of applied. Set it, watch the
  // dead letters and the metrics, set it back to 0, restart, and replay them with archivectl dlq replay.
  long drill_reject_every = 0;

  static Config From(config::Section& section);
};

// The pipeline self-test worker: each ledger.entry event appends one row to ledger_entries. It has no
// business effect; the exactly-once chaos test, the pipeline benchmark and the dead-letter drill drive the
// real runtime with it.
class Handler final : public worker::Handler {
 public:
  explicit Handler(Config config = {}) : config_(config) {}
  worker::Outcome Handle(const worker::Message& message, pg::Tx& tx) override;

 private:
  Config config_;
};

}  // namespace archive::ledger
