#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/base/clock.hpp"
#include "common/kafka/kafka.hpp"
#include "common/pg/pg.hpp"

// Support for tests that need the real servers of tools/devstack. Every test gets its own PostgreSQL
// schema (with all migrations) and its own Kafka topics, so tests never see each other's data.
namespace archive::testing {

// A setting of the local stack: the environment first, then the devstack env file. Fails the test
// (ADD_FAILURE and throws) with "run tools/devstack up" when neither has it.
std::string StackSetting(const std::string& name);

// A name no other test uses, e.g. UniqueName("ledger") -> "ledger_5f2c9a1e".
std::string UniqueName(const std::string& prefix);

// A fresh schema with every migration applied, dropped again by the destructor.
class TestSchema {
 public:
  // migrate = false leaves the schema empty, for tests of the migrations themselves.
  explicit TestSchema(bool migrate = true);
  ~TestSchema();
  TestSchema(const TestSchema&) = delete;
  TestSchema& operator=(const TestSchema&) = delete;

  // A connection URL whose search_path is this schema (then public).
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string url_;
};

// Kafka settings for the local broker, with short timeouts that suit tests.
kafka::Config TestKafka();

// Creates topics (partitions each) that no other test uses; returns their names in the same order.
std::vector<std::string> MakeTopics(const std::vector<std::string>& prefixes, int partitions);

// A child process (a worker binary under test). The destructor kills it with SIGKILL.
class ChildProcess {
 public:
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void Kill(int signal);
  // Waits for the exit; returns the exit status as waitpid encodes it, or -1 after timeout.
  int Wait(std::chrono::milliseconds timeout);
  bool Running();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// Runs `tools/devstack <args>` (e.g. "stop pg") and fails the test if it fails.
void Devstack(const std::string& args);

// Polls predicate every 50 ms until it holds or timeout passes; returns whether it held. A bound for
// waiting on other processes, not a timing assertion: choose generous timeouts.
bool Eventually(const std::function<bool()>& predicate, std::chrono::milliseconds timeout);

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_(start) {}
  TimePoint Now() const override { return now_.load(); }
  void Advance(std::chrono::system_clock::duration d) { now_ = now_.load() + d; }
  void Set(TimePoint t) { now_ = t; }

 private:
  std::atomic<TimePoint> now_;
};

// The first column of the first row of an ad-hoc query, as an integer (a count, an id).
std::int64_t QueryInt(pg::Connection& db, const std::string& sql);

// Reads up to count messages of topic from the beginning (a throw-away consumer group), waiting at
// most timeout for them.
std::vector<kafka::Message> ReadTopic(const std::string& topic, std::size_t count, std::chrono::milliseconds timeout);

// An invented, valid 18-digit ID card number: region 110105, the birth date (YYYYMMDD), a 3-digit sequence
// (its last digit odd for 男, even for 女) and the GB 11643 check digit. Never a real person's.
std::string MakeIdCard(const std::string& birth, const std::string& sequence);

// A path in the source or build tree.
std::string SourcePath(const std::string& relative);
std::string BinaryPath(const std::string& relative);

}  // namespace archive::testing
