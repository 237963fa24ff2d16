#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "common/pg/pg.hpp"

// Folds org_rollup_delta into org_rollup (schemas/sql/migrations/0004_org_rollup.sql) on a thread of its own,
// so that statistics reads stay a few rows however many changes came in. Reads are exact without it; it only
// keeps them fast. Several API processes may fold at once.
namespace archive::api {

// Folds up to batch deltas; returns how many rows of org_rollup it touched.
std::int64_t FoldRollup(pg::Tx& tx, int batch);

class RollupFolder {
 public:
  // Starts the thread. interval: the pause after a fold that found fewer than batch deltas.
  RollupFolder(std::string db_url, std::chrono::milliseconds interval, int batch);
  // Stops and joins the thread.
  ~RollupFolder();
  RollupFolder(const RollupFolder&) = delete;
  RollupFolder& operator=(const RollupFolder&) = delete;

 private:
  void Run();

  pg::Connection db_;
  std::chrono::milliseconds interval_;
  int batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace archive::api
