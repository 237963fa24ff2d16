#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/pg/pg.hpp"

// The audit rows of reads (searches), committed in batches by threads of their own: a free thread takes everything
// queued, as one statement and one commit. A read may not be answered before its audit row is durable; this way one
// WAL flush serves every read that waited for it, instead of each read paying a flush of its own. With several threads
// a row need not wait for the batch being committed before its own can start.
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

  // Starts the threads, each with a connection of its own, made when its first batch comes.
  explicit AuditWriter(const std::string& db_url, int threads = 3, std::size_t max_batch = 2000);
  // Writes what is queued, then stops and joins the threads.
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
  void Run(pg::Connection& db);

  std::vector<std::unique_ptr<pg::Connection>> connections_;
  std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace archive::api
