#pragma once

#include "common/worker/handler.hpp"
#include "workers/reminder/notifier.hpp"

namespace archive::reminder {

// Consumes deadline.swept: runs the Notifier for the sweep's day in the loop's transaction.
class Handler final : public worker::Handler {
 public:
  explicit Handler(Notifier& notifier);
  worker::Outcome Handle(const worker::Message& message, pg::Tx& tx) override;

 private:
  Notifier& notifier_;
};

}  // namespace archive::reminder
