#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Untrusted files (PDFs, spreadsheets) are parsed in a child process with memory, CPU and wall-time
// limits, no network and no file writes, so a hostile file costs one child, never the worker. A Pool
// keeps warm children of one helper program and talks to them over a socket: a request frame in, a
// reply frame out (an 8-byte little-endian length, then the bytes). Before its reply a child may send parts
// (frames whose length has the top bit set), so that the parent works on the first results while the child
// produces the rest.
namespace archive::sandbox {

struct Limits {
  std::int64_t address_space_bytes = 512LL << 20;  // RLIMIT_AS (not applied in ASan builds, which need more)
  std::chrono::seconds cpu_per_job{10};            // RLIMIT_CPU, re-armed by the child before each job
  std::chrono::milliseconds wall_per_job{10000};   // the parent kills a child that takes longer
  std::int64_t max_request_bytes = 64LL << 20;
  std::int64_t max_reply_bytes = 64LL << 20;
  int max_jobs_per_child = 200;  // a child is replaced after this many jobs
  int open_files = 64;           // RLIMIT_NOFILE
};

enum class Failure {
  kCrashed,      // the child died (a signal, an abort)
  kTimedOut,     // the wall-time or CPU limit passed
  kMemoryLimit,  // the child ran out of its address space
  kProtocol,     // the child broke the framing or sent too much
};

// A failure's stable name for metrics and logs: "crash", "timeout", "memory", "protocol".
std::string_view FailureName(Failure failure);

struct Reply {
  std::optional<std::string> bytes;  // set on success
  std::optional<Failure> failure;    // set otherwise
  std::string detail;                // for the operator, e.g. "killed by SIGSEGV"
};

// A fixed number of children of `program`, started on demand and replaced when they die or have served
// max_jobs_per_child jobs. Thread-safe: Call may run on many threads; each takes an idle child.
class Pool {
 public:
  Pool(std::string program, std::vector<std::string> args, Limits limits, int size);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Sends one request and waits for its reply, within the limits. Each part the child sends before it goes to
  // on_part, on the calling thread, as it arrives; on_part returns false to refuse it (the child is stopped,
  // and the reply is a kProtocol failure). Parts without an on_part are refused.
  Reply Call(std::string_view request, const std::function<bool(std::string_view)>& on_part = {});

  // Starts every child now rather than on first use.
  void Warm();

 private:
  struct Child {
    pid_t pid = -1;
    int fd = -1;
    int jobs = 0;
    bool busy = false;
  };
  void Start(Child& child);
  void Stop(Child& child, bool kill);
  Reply Exchange(Child& child, std::string_view request, const std::function<bool(std::string_view)>& on_part);

  std::string program_;
  std::vector<std::string> args_;
  Limits limits_;
  std::mutex mutex_;
  std::condition_variable idle_;
  std::vector<Child> children_;
};

// The child side: serves requests from fd 0 (a socket), writing replies to it, until the parent closes
// it. Before each job it re-arms RLIMIT_CPU to cpu_per_job from now (read from the environment the Pool
// sets). handler gets the request bytes and returns the reply bytes; the second form may also send parts
// before its reply (see Pool::Call).
using SendPart = std::function<void(std::string_view)>;
int Serve(const std::function<std::string(std::string_view)>& handler);
int Serve(const std::function<std::string(std::string_view, const SendPart&)>& handler);

}  // namespace archive::sandbox
