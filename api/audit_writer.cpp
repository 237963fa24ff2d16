#include "api/audit_writer.hpp"

#include <chrono>
#include <vector>

#include "api/http.hpp"
#include "common/log/log.hpp"

namespace archive::api {

AuditWriter::AuditWriter(const std::string& db_url, int threads, std::size_t max_batch) : max_batch_(max_batch) {
  for (int i = 0; i < threads; ++i) {
    connections_.push_back(std::make_unique<pg::Connection>(db_url, "archive-api-audit"));
  }
  for (auto& db : connections_) threads_.emplace_back([this, &db = *db] { Run(db); });
}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void AuditWriter::Submit(AuditRow row, Done done) {
  const auto at =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch());
  {
    std::lock_guard lock(mutex_);
    if (!stop_) {
      queue_.push_back({std::move(row), at.count(), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(false);
}

void AuditWriter::Run(pg::Connection& db) {
  const auto logger = log::Get("audit");
  for (;;) {
    std::vector<Item> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopped, and everything queued was written
      const auto n = std::min(queue_.size(), max_batch_);
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + n));
      queue_.erase(queue_.begin(), queue_.begin() + n);
    }
    bool committed = false;
    try {
      db.InTransaction([&](pg::Tx& tx) {
        for (const auto& [row, at_us, done] : batch) {
          tx.Append("audit_append", row.user_id, row.actor, row.action, row.object_type, row.object_id, row.member_id,
                    row.remote_addr, row.detail, at_us);
        }
      });
      committed = true;
    } catch (const std::exception& e) {
      logger->warn("cannot write {} audit rows; their reads are refused: {}", batch.size(), ScrubIdNumbers(e.what()));
    }
    for (auto& item : batch) item.done(committed);
  }
}

}  // namespace archive::api
