#pragma once

#include <chrono>
#include <string>

#include "common/events/envelope.hpp"
#include "common/kafka/kafka.hpp"
#include "common/pg/pg.hpp"

namespace archive::worker {

// What became of one message. Small and closed: the consumer loop switches over Kind with no default.
class Outcome {
 public:
  enum class Kind { kDone, kRetry, kDeadLetter };

  static Outcome Done() { return Outcome(Kind::kDone, {}, {}, {}); }
  // The message is fine but something it needs is not ready yet: try it again after `after`.
  static Outcome Retry(std::chrono::milliseconds after, std::string reason) {
    return Outcome(Kind::kRetry, after, "RETRY", std::move(reason));
  }
  // The message can never succeed (its own fault): park it in the dead-letter topic and failed_jobs.
  // code is a stable machine code such as BAD_PAYLOAD; reason is for the operator and holds no personal data.
  static Outcome DeadLetter(std::string code, std::string reason) {
    return Outcome(Kind::kDeadLetter, {}, std::move(code), std::move(reason));
  }

  Kind kind() const { return kind_; }
  std::chrono::milliseconds after() const { return after_; }
  const std::string& code() const { return code_; }
  const std::string& reason() const { return reason_; }

 private:
  Outcome(Kind kind, std::chrono::milliseconds after, std::string code, std::string reason)
      : kind_(kind), after_(after), code_(std::move(code)), reason_(std::move(reason)) {}
  Kind kind_;
  std::chrono::milliseconds after_;
  std::string code_;
  std::string reason_;
};

// One delivered event: where it came from and what it says (already parsed and schema-checked).
struct Message {
  const kafka::Message& record;
  const events::Envelope& event;
};

// A worker is a function from a message to an Outcome. It knows nothing about polling, offsets or
// threads. Its effects go through tx, the consumer loop's transaction, which also records the event in
// the inbox; the loop commits the offset only after tx commits. The same event may be delivered again
// after a crash, but the inbox then skips it, and a batch may be re-run after a neighbour failed, so
// Handle must have no effect outside tx (use the outbox to emit events). Throwing archive::Unavailable
// means "infrastructure down, retry with back-off"; any other exception counts as a failed attempt and
// dead-letters the message after the configured number of attempts.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual Outcome Handle(const Message& message, pg::Tx& tx) = 0;
};

}  // namespace archive::worker
