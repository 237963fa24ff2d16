#pragma once

#include "common/worker/handler.hpp"
#include "workers/import/importer.hpp"

namespace archive::import {

// Consumes import.requested: runs the batch in the consumer loop's transaction. Progress goes to the
// batch row through a connection of its own, so that it is visible while the batch runs.
class Handler final : public worker::Handler {
 public:
  Handler(Importer& importer, pg::Connection& progress_db);
  worker::Outcome Handle(const worker::Message& message, pg::Tx& tx) override;

 private:
  Importer& importer_;
  pg::Connection& progress_db_;
};

}  // namespace archive::import
