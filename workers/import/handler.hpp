#pragma once

#include "common/metrics/metrics.hpp"
#include "common/worker/handler.hpp"
#include "workers/import/importer.hpp"

namespace archive::import {

// Consumes import.requested: runs the batch in the consumer loop's transaction. Progress goes to the
// batch row through a connection of its own, so that it is visible while the batch runs. Once the loop's
// transaction commits, counts import_batches_total{outcome} (the batch's final status DONE or FAILED, or dry_run)
// and import_rows_total{outcome="imported"|"failed"} (not for a dry run) into metrics, which must outlive it: a batch
// redone after a failure, or delivered again, is counted once.
class Handler final : public worker::Handler {
 public:
  Handler(Importer& importer, pg::Connection& progress_db, metrics::Registry& metrics);
  worker::Outcome Handle(const worker::Message& message, pg::Tx& tx) override;

 private:
  Importer& importer_;
  pg::Connection& progress_db_;
  metrics::Registry& metrics_;
  metrics::Counter& imported_;
  metrics::Counter& failed_;
};

}  // namespace archive::import
