// A sandbox child for the tests: its request names what to do.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/sandbox/sandbox.hpp"

namespace {

std::string Act(std::string_view request, const archive::sandbox::SendPart& part) {
  if (request.rfind("echo:", 0) == 0) return std::string(request.substr(5));
  if (request.rfind("parts:", 0) == 0) {  // parts:N sends "part 1" .. "part N", then replies "done"
    const int n = std::stoi(std::string(request.substr(6)));
    for (int i = 1; i <= n; ++i) part("part " + std::to_string(i));
    return "done";
  }
  if (request == "abort") std::abort();
  if (request == "segv") ::raise(SIGSEGV);
  if (request == "spin") {
    volatile unsigned long sink = 0;
    for (;;) sink = sink + 1;
  }
  if (request == "sleep") ::pause();
  if (request == "alloc") {
    std::vector<std::vector<char>> hog;
    for (;;) hog.emplace_back(64 << 20, 'x');
  }
  if (request == "write") {
    FILE* f = std::fopen("sandbox-write-probe.txt", "w");
    if (f == nullptr) return std::string("open failed: ") + std::strerror(errno);
    const int n = std::fputs("data that must not land", f);
    const int closed = std::fclose(f);
    std::remove("sandbox-write-probe.txt");
    return (n < 0 || closed != 0) ? "write failed" : "written";
  }
  if (request == "net") {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(9);
    addr.sin_addr.s_addr = htonl(0x01010101);  // 1.1.1.1: any outside address
    const int rc = ::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    const int err = errno;
    ::close(s);
    return rc == 0 ? "connected" : std::string("connect failed: ") + std::strerror(err);
  }
  if (request == "huge") return std::string(2 << 20, 'x');
  if (request.rfind("stderr:", 0) == 0) {  // what Tesseract does with its warnings
    const std::string line = std::string(request.substr(7)) + "\n";
    const ssize_t n = ::write(2, line.data(), line.size());
    return n < 0 ? std::string("stderr write failed: ") + std::strerror(errno) : "said it";
  }
  return "unknown";
}

}  // namespace

int main() {
  return archive::sandbox::Serve(Act);
}
