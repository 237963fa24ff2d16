#pragma once

#include "common/worker/handler.hpp"

namespace archive::ledger {

// The pipeline self-test worker: each ledger.entry event appends one row to ledger_entries. It has no
// business effect; the exactly-once chaos test and the pipeline benchmark drive the real runtime with it.
class Handler final : public worker::Handler {
 public:
  worker::Outcome Handle(const worker::Message& message, pg::Tx& tx) override;
};

}  // namespace archive::ledger
