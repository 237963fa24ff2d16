#include "workers/import/handler.hpp"

#include "common/log/log.hpp"

namespace archive::import {

Handler::Handler(Importer& importer, pg::Connection& progress_db) : importer_(importer), progress_db_(progress_db) {}

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
    return worker::Outcome::Done();
  } catch (const std::invalid_argument& e) {
    return worker::Outcome::DeadLetter("BATCH_NOT_FOUND", e.what());
  }
}

}  // namespace archive::import
