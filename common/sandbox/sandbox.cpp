#include "common/sandbox/sandbox.hpp"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <new>

#include <fmt/format.h>

#include "common/log/log.hpp"

extern char** environ;

namespace archive::sandbox {
namespace {

constexpr const char* kCpuVariable = "ARCHIVE_SANDBOX_CPU_SECONDS";
constexpr int kExitOutOfMemory = 86;
constexpr std::uint64_t kPartBit = std::uint64_t{1} << 63;  // in a frame's length: a part, the reply follows

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

using Deadline = std::chrono::steady_clock::time_point;

// Waits until fd is ready for events or the deadline passes; false on timeout.
bool WaitFor(int fd, short events, Deadline deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(left.count()));
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return true;  // let the read or write report the error
  }
}

enum class Io { kOk, kClosed, kTimeout };

Io WriteAll(int fd, std::string_view bytes, Deadline deadline) {
  while (!bytes.empty()) {
    if (!WaitFor(fd, POLLOUT, deadline)) return Io::kTimeout;
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Io::kClosed;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Io::kOk;
}

Io ReadAll(int fd, char* out, std::size_t size, Deadline deadline) {
  while (size > 0) {
    if (!WaitFor(fd, POLLIN, deadline)) return Io::kTimeout;
    const ssize_t n = ::recv(fd, out, size, 0);
    if (n == 0) return Io::kClosed;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Io::kClosed;
    }
    out += n;
    size -= static_cast<std::size_t>(n);
  }
  return Io::kOk;
}

std::array<char, 8> EncodeLength(std::uint64_t n) {
  std::array<char, 8> out{};
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out;
}

std::uint64_t DecodeLength(const std::array<char, 8>& in) {
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  return n;
}

// Blocking I/O for the child side, where there is nothing else to do.
bool ReadBlocking(int fd, char* out, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::read(fd, out, size);
    if (n == 0) return false;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    out += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool WriteBlocking(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// A seccomp filter for the child: opening a file for writing, creating, renaming or removing files, and
// creating sockets fail with EACCES (openat2, whose flags a filter cannot see, with ENOSYS, so that libc
// falls back to openat). Reading files (fonts, OCR models) stays allowed. x86-64 only; elsewhere the
// resource limits and the network namespace still hold.
std::vector<sock_filter> NoWritesFilter() {
  constexpr std::uint32_t kWriteFlags = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND;
  constexpr std::uint32_t kDeny = SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA);
  auto load_arg = [](int i) {
    return sock_filter BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                static_cast<std::uint32_t>(offsetof(seccomp_data, args) + 8 * i));
  };
  std::vector<sock_filter> f = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      // open(path, flags): flags are args[1]
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_open, 0, 4),
      load_arg(1),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, kWriteFlags, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, kDeny),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      // openat(dir, path, flags): flags are args[2]
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 4),
      load_arg(2),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, kWriteFlags, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, kDeny),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat2, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
  };
  for (const long nr :
       {__NR_creat,   __NR_unlink,   __NR_unlinkat, __NR_rename,   __NR_renameat, __NR_renameat2, __NR_mkdir,
        __NR_mkdirat, __NR_rmdir,    __NR_link,     __NR_linkat,   __NR_symlink,  __NR_symlinkat, __NR_truncate,
        __NR_chmod,   __NR_fchmodat, __NR_chown,    __NR_fchownat, __NR_lchown,   __NR_socket}) {
    f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(nr), 0, 1));
    f.push_back(BPF_STMT(BPF_RET | BPF_K, kDeny));
  }
  f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  return f;
}

void SetLimit(int resource, rlim_t soft, rlim_t hard) {
  const rlimit limit{soft, hard};
  ::setrlimit(resource, &limit);
}

}  // namespace

std::string_view FailureName(Failure failure) {
  switch (failure) {
    case Failure::kCrashed:
      return "crash";
    case Failure::kTimedOut:
      return "timeout";
    case Failure::kMemoryLimit:
      return "memory";
    case Failure::kProtocol:
      return "protocol";
  }
  std::abort();
}

Pool::Pool(std::string program, std::vector<std::string> args, Limits limits, int size)
    : program_(std::move(program)),
      args_(std::move(args)),
      limits_(limits),
      children_(static_cast<std::size_t>(size)) {}

Pool::~Pool() {
  for (auto& child : children_) Stop(child, false);
}

void Pool::Warm() {
  std::lock_guard lock(mutex_);
  for (auto& child : children_) {
    if (child.pid < 0) Start(child);
  }
}

void Pool::Start(Child& child) {
  // Everything the child needs is prepared before fork: after it, only system calls until exec.
  std::vector<std::string> argv_storage{program_};
  argv_storage.insert(argv_storage.end(), args_.begin(), args_.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, kCpuVariable, std::strlen(kCpuVariable)) != 0) env_storage.emplace_back(*e);
  }
  env_storage.push_back(fmt::format("{}={}", kCpuVariable, limits_.cpu_per_job.count()));
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  const auto cpu_hard = static_cast<rlim_t>(limits_.cpu_per_job.count()) * (limits_.max_jobs_per_child + 1);
  std::vector<sock_filter> filter = NoWritesFilter();
  const sock_fprog program{static_cast<unsigned short>(filter.size()), filter.data()};

  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    throw std::runtime_error(fmt::format("sandbox: socketpair failed: {}", std::strerror(errno)));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(sv[0]);
    ::close(sv[1]);
    throw std::runtime_error(fmt::format("sandbox: fork failed: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    ::dup2(sv[1], 0);
    ::dup2(sv[1], 1);
    // fd 2 stays the worker's stderr (a terminal, a pipe, journald's socket), where libraries print their
    // warnings. A regular file is the exception: under RLIMIT_FSIZE 0 the first write there raises SIGXFSZ,
    // which would kill the child mid-job, so the child says nothing instead (it could not write there anyway).
    struct stat err {};
    if (::fstat(2, &err) == 0 && S_ISREG(err.st_mode)) {
      const int null = ::open("/dev/null", O_WRONLY);
      if (null >= 0) {
        ::dup2(null, 2);
        ::close(null);
      } else {
        ::close(2);
      }
    }
    if (!kAddressSanitizer) {
      SetLimit(RLIMIT_AS, static_cast<rlim_t>(limits_.address_space_bytes),
               static_cast<rlim_t>(limits_.address_space_bytes));
    }
    SetLimit(RLIMIT_CPU, cpu_hard, cpu_hard + 1);
    SetLimit(RLIMIT_FSIZE, 0, 0);  // no file writes
    SetLimit(RLIMIT_CORE, 0, 0);
    SetLimit(RLIMIT_NOFILE, static_cast<rlim_t>(limits_.open_files), static_cast<rlim_t>(limits_.open_files));
    ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    ::unshare(CLONE_NEWNET);  // no network where the kernel lets us; the other limits hold regardless
    ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program);
    ::execve(program_.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(sv[1]);
  child.pid = pid;
  child.fd = sv[0];
  child.jobs = 0;
}

void Pool::Stop(Child& child, bool kill) {
  if (child.pid < 0) return;
  if (kill) ::kill(child.pid, SIGKILL);
  ::close(child.fd);  // a healthy child sees EOF and exits
  if (!kill) {
    for (int i = 0; i < 100 && ::waitpid(child.pid, nullptr, WNOHANG) == 0; ++i) ::usleep(10000);
    ::kill(child.pid, SIGKILL);
  }
  ::waitpid(child.pid, nullptr, 0);
  child.pid = -1;
  child.fd = -1;
}

Reply Pool::Call(std::string_view request, const std::function<bool(std::string_view)>& on_part) {
  if (static_cast<std::int64_t>(request.size()) > limits_.max_request_bytes) {
    return {std::nullopt, Failure::kProtocol,
            fmt::format("request of {} bytes is over the sandbox limit", request.size())};
  }
  Child* child = nullptr;
  {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] {
      for (auto& c : children_) {
        if (!c.busy) {
          child = &c;
          return true;
        }
      }
      return false;
    });
    child->busy = true;
    if (child->pid < 0) {
      try {
        Start(*child);
      } catch (...) {
        child->busy = false;
        idle_.notify_one();
        throw;
      }
    }
  }
  Reply reply = Exchange(*child, request, on_part);
  {
    std::lock_guard lock(mutex_);
    if (reply.failure || ++child->jobs >= limits_.max_jobs_per_child) Stop(*child, reply.failure.has_value());
    child->busy = false;
  }
  idle_.notify_one();
  return reply;
}

Reply Pool::Exchange(Child& child, std::string_view request, const std::function<bool(std::string_view)>& on_part) {
  const Deadline deadline = std::chrono::steady_clock::now() + limits_.wall_per_job;
  auto died = [&](std::string_view when) -> Reply {
    int status = 0;
    ::kill(child.pid, SIGKILL);
    ::waitpid(child.pid, &status, 0);
    child.pid = -1;
    ::close(child.fd);
    child.fd = -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == kExitOutOfMemory) {
      return {std::nullopt, Failure::kMemoryLimit, fmt::format("ran out of its memory limit {}", when)};
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
      return {std::nullopt, Failure::kTimedOut, fmt::format("hit its CPU limit {}", when)};
    }
    if (WIFSIGNALED(status)) {
      return {std::nullopt, Failure::kCrashed, fmt::format("killed by {} {}", strsignal(WTERMSIG(status)), when)};
    }
    return {std::nullopt, Failure::kCrashed, fmt::format("exited with status {} {}", WEXITSTATUS(status), when)};
  };
  auto timed_out = [&]() -> Reply {
    ::kill(child.pid, SIGKILL);
    ::waitpid(child.pid, nullptr, 0);
    child.pid = -1;
    ::close(child.fd);
    child.fd = -1;
    return {std::nullopt, Failure::kTimedOut, fmt::format("took longer than {} ms", limits_.wall_per_job.count())};
  };

  const auto header = EncodeLength(request.size());
  Io io = WriteAll(child.fd, std::string_view(header.data(), header.size()), deadline);
  if (io == Io::kOk) io = WriteAll(child.fd, request, deadline);
  if (io == Io::kTimeout) return timed_out();
  if (io == Io::kClosed) return died("while reading the request");

  auto refused = [&](std::string detail) {
    Reply r = died("");
    r.failure = Failure::kProtocol;
    r.detail = std::move(detail);
    return r;
  };
  for (;;) {
    std::array<char, 8> reply_header{};
    io = ReadAll(child.fd, reply_header.data(), reply_header.size(), deadline);
    if (io == Io::kTimeout) return timed_out();
    if (io == Io::kClosed) return died("while working");
    const std::uint64_t length = DecodeLength(reply_header);
    const bool part = (length & kPartBit) != 0;
    const std::uint64_t size = length & ~kPartBit;
    if (size > static_cast<std::uint64_t>(limits_.max_reply_bytes)) {
      return refused(fmt::format("announced a reply of {} bytes, over the limit", size));
    }
    std::string body(size, '\0');
    io = ReadAll(child.fd, body.data(), body.size(), deadline);
    if (io == Io::kTimeout) return timed_out();
    if (io == Io::kClosed) return died("while replying");
    if (!part) return {std::move(body), std::nullopt, ""};
    if (!on_part || !on_part(body)) return refused("sent a part that was refused");
  }
}

int Serve(const std::function<std::string(std::string_view)>& handler) {
  return Serve([&](std::string_view request, const SendPart&) { return handler(request); });
}

int Serve(const std::function<std::string(std::string_view, const SendPart&)>& handler) {
  rlim_t budget = 10;
  if (const char* v = std::getenv(kCpuVariable)) budget = std::strtoul(v, nullptr, 10);
  const auto send = [](std::uint64_t length, std::string_view bytes) {
    const auto out = EncodeLength(length);
    return WriteBlocking(1, std::string_view(out.data(), out.size())) && WriteBlocking(1, bytes);
  };
  const SendPart part = [&](std::string_view bytes) {
    if (!send(bytes.size() | kPartBit, bytes)) ::_exit(1);  // the parent has gone
  };
  for (;;) {
    std::array<char, 8> header{};
    if (!ReadBlocking(0, header.data(), header.size())) return 0;  // the parent closed the socket
    std::string request(DecodeLength(header), '\0');
    if (!ReadBlocking(0, request.data(), request.size())) return 0;
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    rlimit cpu{};
    ::getrlimit(RLIMIT_CPU, &cpu);
    const rlim_t used = static_cast<rlim_t>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + 1;
    cpu.rlim_cur = std::min(cpu.rlim_max, used + budget);
    ::setrlimit(RLIMIT_CPU, &cpu);
    std::string reply;
    try {
      reply = handler(request, part);
    } catch (const std::bad_alloc&) {
      ::_exit(kExitOutOfMemory);
    }
    if (!send(reply.size(), reply)) return 1;
  }
}

}  // namespace archive::sandbox
