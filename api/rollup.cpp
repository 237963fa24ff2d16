#include "api/rollup.hpp"

#include "common/base/errors.hpp"
#include "common/log/log.hpp"

namespace archive::api {

std::int64_t FoldRollup(pg::Tx& tx, int batch) {
  return tx.Run("api_rollup_fold", batch).affected();
}

RollupFolder::RollupFolder(std::string db_url, std::chrono::milliseconds interval, int batch)
    : db_(std::move(db_url), "archive-api-rollup"), interval_(interval), batch_(batch) {
  thread_ = std::thread([this] { Run(); });
}

RollupFolder::~RollupFolder() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RollupFolder::Run() {
  const auto logger = log::Get("rollup");
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    bool more = false;
    try {
      more = db_.InTransaction([&](pg::Tx& tx) { return FoldRollup(tx, batch_); }) >= batch_;
    } catch (const archive::Unavailable& e) {
      logger->warn("cannot fold the statistics rollup, retrying in {} ms: {}", interval_.count(), e.what());
    } catch (const std::exception& e) {
      logger->error("folding the statistics rollup failed, retrying in {} ms: {}", interval_.count(), e.what());
    }
    lock.lock();
    if (!more) wake_.wait_for(lock, interval_, [&] { return stop_; });
  }
}

}  // namespace archive::api
