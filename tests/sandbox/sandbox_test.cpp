#include "common/sandbox/sandbox.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

namespace archive::sandbox {
namespace {

using namespace std::chrono_literals;

Limits TestLimits() {
  Limits l;
  l.address_space_bytes = 256LL << 20;
  l.cpu_per_job = std::chrono::seconds(2);
  l.wall_per_job = 3000ms;
  l.max_reply_bytes = 1 << 20;
  l.max_jobs_per_child = 3;
  return l;
}

class SandboxTest : public ::testing::Test {
 protected:
  Pool pool_{SANDBOX_TEST_CHILD, {}, TestLimits(), 2};
};

// Points this process's fd 2 at `fd` (which it takes) until destroyed, as a service manager that logs to a
// file or a pipe does; children started meanwhile inherit it.
class StderrTo {
 public:
  explicit StderrTo(int fd) : saved_(::dup(2)) {
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~StderrTo() {
    ::dup2(saved_, 2);
    ::close(saved_);
  }
  StderrTo(const StderrTo&) = delete;
  StderrTo& operator=(const StderrTo&) = delete;

 private:
  int saved_;
};

TEST_F(SandboxTest, RepliesToARequest) {
  const Reply r = pool_.Call("echo:你好");
  ASSERT_TRUE(r.bytes) << r.detail;
  EXPECT_EQ(*r.bytes, "你好");
}

TEST_F(SandboxTest, ReportsACrashAndServesTheNextRequest) {
  for (const char* request : {"abort", "segv"}) {
    const Reply r = pool_.Call(request);
    ASSERT_TRUE(r.failure) << request;
    EXPECT_EQ(*r.failure, Failure::kCrashed) << r.detail;
    EXPECT_FALSE(r.detail.empty());
  }
  EXPECT_EQ(pool_.Call("echo:ok").bytes.value_or(""), "ok");
}

TEST_F(SandboxTest, KillsAChildThatHangsPastTheWallLimit) {
  const auto start = std::chrono::steady_clock::now();
  const Reply r = pool_.Call("sleep");
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, Failure::kTimedOut);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s) << "the wall limit did not hold at all";
  EXPECT_EQ(pool_.Call("echo:after").bytes.value_or(""), "after");
}

TEST_F(SandboxTest, StopsAChildThatSpinsTheCpu) {
  const Reply r = pool_.Call("spin");
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, Failure::kTimedOut) << r.detail;
}

TEST_F(SandboxTest, ContainsAMemoryBomb) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan builds run children without RLIMIT_AS";
#endif
  const Reply r = pool_.Call("alloc");
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, Failure::kMemoryLimit) << r.detail;
  EXPECT_EQ(pool_.Call("echo:still here").bytes.value_or(""), "still here");
}

TEST_F(SandboxTest, RefusesFileWrites) {
  const Reply r = pool_.Call("write");
  // seccomp refuses to open a file for writing (and RLIMIT_FSIZE 0 would stop any data on other machines).
  ASSERT_TRUE(r.bytes) << r.detail;
  EXPECT_NE(r.bytes->find("open failed"), std::string::npos) << *r.bytes;
  EXPECT_FALSE(std::filesystem::exists("sandbox-write-probe.txt")) << "the child created a file";
}

TEST(SandboxStderrTest, AChildThatWritesToStderrSurvivesAWorkerLoggingToAFile) {
  // Given a worker whose stderr is a regular file (RLIMIT_FSIZE 0 in the child turns a write there into SIGXFSZ)
  const auto path = std::filesystem::temp_directory_path() / ("sandbox-stderr-" + std::to_string(::getpid()));
  const int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(file, 0);
  Reply r;
  {
    const StderrTo redirect(file);
    Pool pool(SANDBOX_TEST_CHILD, {}, TestLimits(), 1);
    // When its child prints a warning, then the job goes on and succeeds
    r = pool.Call("stderr:Warning: Invalid resolution 0 dpi");
  }
  std::filesystem::remove(path);
  ASSERT_TRUE(r.bytes) << r.detail;
  EXPECT_EQ(*r.bytes, "said it");
}

TEST(SandboxStderrTest, WhatAChildWritesToStderrReachesAPipe) {
  // Given a worker whose stderr is a pipe (a terminal, journald, a container runtime)
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  Reply r;
  {
    const StderrTo redirect(fds[1]);
    Pool pool(SANDBOX_TEST_CHILD, {}, TestLimits(), 1);
    r = pool.Call("stderr:tesseract says hello");
  }
  // Then the line is there, as before
  std::string said(4096, '\0');
  const ssize_t n = ::read(fds[0], said.data(), said.size());
  ::close(fds[0]);
  ASSERT_TRUE(r.bytes) << r.detail;
  ASSERT_GT(n, 0);
  said.resize(static_cast<std::size_t>(n));
  EXPECT_NE(said.find("tesseract says hello"), std::string::npos) << said;
}

TEST_F(SandboxTest, HasNoNetworkWhereTheKernelAllowsANamespace) {
  if (::geteuid() != 0) GTEST_SKIP() << "network namespaces need root here";
  const Reply r = pool_.Call("net");
  ASSERT_TRUE(r.bytes) << r.detail;
  EXPECT_NE(r.bytes->find("connect failed"), std::string::npos) << *r.bytes;
}

TEST_F(SandboxTest, RefusesAnOversizedReply) {
  const Reply r = pool_.Call("huge");
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, Failure::kProtocol) << r.detail;
}

TEST_F(SandboxTest, PassesPartsInOrderBeforeTheReply) {
  std::vector<std::string> parts;
  const Reply r = pool_.Call("parts:3", [&](std::string_view part) {
    parts.emplace_back(part);
    return true;
  });
  ASSERT_TRUE(r.bytes) << r.detail;
  EXPECT_EQ(*r.bytes, "done");
  EXPECT_EQ(parts, (std::vector<std::string>{"part 1", "part 2", "part 3"}));
}

TEST_F(SandboxTest, StopsAChildWhosePartIsRefusedOrUnexpected) {
  int seen = 0;
  Reply r = pool_.Call("parts:5", [&](std::string_view) { return ++seen < 2; });
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, Failure::kProtocol) << r.detail;
  EXPECT_EQ(seen, 2) << "nothing after the refused part";
  r = pool_.Call("parts:1");  // a caller that expects no parts
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, Failure::kProtocol) << r.detail;
  EXPECT_EQ(pool_.Call("echo:ok").bytes.value_or(""), "ok");
}

TEST_F(SandboxTest, ServesCallsFromManyThreadsAndRecyclesChildren) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string payload = std::to_string(t) + "-" + std::to_string(i);
        if (pool_.Call("echo:" + payload).bytes.value_or("") == payload) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 40);
}

}  // namespace
}  // namespace archive::sandbox
