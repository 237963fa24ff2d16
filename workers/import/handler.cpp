#include "workers/import/handler.hpp"

#include "common/log/log.hpp"

namespace archive::import {

namespace {

constexpr const char* kRowsHelp = "Rows of committed import batches by outcome: imported or failed (with a reason).";
constexpr const char* kBatchesHelp = "Committed import batches by final status.";

}  // namespace

Handler::Handler(Importer& importer, pg::Connection& progress_db, metrics::Registry& metrics)
    : importer_(importer),
      progress_db_(progress_db),
      metrics_(metrics),
      imported_(metrics.GetCounter("import_rows_total", kRowsHelp, {{"outcome", "imported"}})),
      failed_(metrics.GetCounter("import_rows_total", kRowsHelp, {{"outcome", "failed"}})) {}

worker::Outcome Handler::Handle(const worker::Message& message, pg::Tx& tx) {
  const std::string batch_id = message.event.payload.at("batch_id").get<std::string>();
  auto progress = [&](int done, int total) {
    try {
      progress_db_.InTransaction([&](pg::Tx& p) { p.Run("import_batch_progress", batch_id, total, done); });
    } catch (const archive::Unavailable& e) {
      log::Get("import")->warn("batch {}: progress not recorded: {}", batch_id, e.what());
    }
  };
  try {
    const Result result = importer_.Run(tx, batch_id, progress);
    log::Get("import")->info("batch {}: {} ({} rows, {} imported, {} failed)", batch_id, result.status, result.total,
                             result.imported, result.failed);
    if (!result.repeated) {
      // A dry run imports nothing: its batch counts under outcome "dry_run" and its rows not at all.
      auto& batches = metrics_.GetCounter("import_batches_total", kBatchesHelp,
                                          {{"outcome", result.dry_run ? "dry_run" : result.status}});
      const int imported = result.dry_run ? 0 : result.imported;
      const int failed = result.dry_run ? 0 : result.failed;
      tx.OnCommit([this, &batches, imported, failed] {
        batches.Inc();
        imported_.Inc(imported);
        failed_.Inc(failed);
      });
    }
    return worker::Outcome::Done();
  } catch (const std::invalid_argument& e) {
    return worker::Outcome::DeadLetter("BATCH_NOT_FOUND", e.what());
  }
}

}  // namespace archive::import
