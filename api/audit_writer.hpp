#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/pg/pg.hpp"

// The audit rows of reads (searches, single reads), committed in batches by a thread of its own: each row goes in
// with whatever else is queued when the previous batch finishes, as one statement and one commit. A read may not be
// answered before its audit row is durable; this way one WAL flush serves every read that waited for it, instead of
// each read paying a flush of its own.
namespace archive::api {

struct AuditRow {
  std::optional<std::int64_t> user_id;  // none for a worker or ops
  std::string actor;
  std::string action;
  std::string object_type;
  std::string object_id;
  std::optional<std::int64_t> member_id;
  std::string remote_addr;
  std::string detail = "{}";  // a JSON object
};

class AuditWriter {
 public:
  // Called exactly once per row, on the writer's thread (or on the caller's, when the writer has stopped):
  // true once the row is committed, false when its batch failed (the read must then not be answered).
  using Done = std::function<void(bool committed)>;

  // Starts the thread; the connection is made when the first row comes.
  explicit AuditWriter(std::string db_url, std::size_t max_batch = 2000);
  // Writes what is queued, then stops and joins the thread.
  ~AuditWriter();
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  // Queues row, stamped with the time of this call. Thread-safe.
  void Submit(AuditRow row, Done done);

 private:
  struct Item {
    AuditRow row;
    std::int64_t at_us;  // microseconds since the epoch
    Done done;
  };
  void Run();

  pg::Connection db_;
  std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace archive::api
