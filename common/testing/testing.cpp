#include "common/testing/testing.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/base/crypto.hpp"
#include "common/config/config.hpp"
#include "common/pg/migrate.hpp"

namespace archive::testing {
namespace {

std::string EnvFilePath() {
  if (auto state = config::Env("ARCHIVE_STATE")) return *state + "/env";
  return SourcePath(".devstack/env");
}

std::string UrlEncode(std::string_view s) {
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '-' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

std::string SourcePath(const std::string& relative) {
  return std::string(ARCHIVE_SOURCE_DIR) + "/" + relative;
}
std::string BinaryPath(const std::string& relative) {
  return std::string(ARCHIVE_BINARY_DIR) + "/" + relative;
}

std::string StackSetting(const std::string& name) {
  if (auto v = config::Env(name.c_str())) return *v;
  std::ifstream in(EnvFilePath());
  std::string line;
  const std::string prefix = "export " + name + "=";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) {
      std::string value = line.substr(prefix.size());
      if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"'))
        value = value.substr(1, value.size() - 2);
      return value;
    }
  }
  ADD_FAILURE() << name << " is not set and " << EnvFilePath() << " does not have it: run tools/devstack up";
  throw std::runtime_error(name + " is not set: run tools/devstack up");
}

std::string UniqueName(const std::string& prefix) {
  return prefix + "_" + RandomHex(4);
}

TestSchema::TestSchema(bool migrate) : name_(UniqueName("t")) {
  const std::string base = StackSetting("ARCHIVE_DB_URL");
  {
    pg::Connection admin(base, "test-setup");
    admin.InTransaction([&](pg::Tx& tx) { tx.ExecScript(fmt::format("CREATE SCHEMA {}", name_)); });
  }
  url_ = fmt::format("{}{}options={}", base, base.find('?') == std::string::npos ? "?" : "&",
                     UrlEncode(fmt::format("-csearch_path={},public", name_)));
  if (!migrate) return;
  pg::Connection db(url_, "test-setup");
  pg::Migrate(db, pg::EmbeddedMigrations());
}

TestSchema::~TestSchema() {
  try {
    pg::Connection admin(StackSetting("ARCHIVE_DB_URL"), "test-teardown");
    admin.InTransaction([&](pg::Tx& tx) { tx.ExecScript(fmt::format("DROP SCHEMA {} CASCADE", name_)); });
  } catch (const std::exception&) {
    // A test that stopped the server may leave its schema behind; it is unique and harmless.
  }
}

kafka::Config TestKafka() {
  kafka::Config c;
  c.brokers = StackSetting("ARCHIVE_KAFKA_BROKERS");
  return c;
}

std::vector<std::string> MakeTopics(const std::vector<std::string>& prefixes, int partitions) {
  std::vector<std::string> names;
  std::vector<kafka::TopicSpec> specs;
  for (const auto& p : prefixes) {
    names.push_back(UniqueName(p));
    specs.push_back({names.back(), partitions, 3600000, "delete"});
  }
  kafka::EnsureTopics(TestKafka(), specs);
  return names;
}

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env) {
  std::vector<std::string> storage;
  storage.push_back(program);
  storage.insert(storage.end(), args.begin(), args.end());
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (!reaped_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void ChildProcess::Kill(int signal) {
  if (!reaped_) ::kill(pid_, signal);
}

int ChildProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reaped_) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return status;
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

bool ChildProcess::Running() {
  return !reaped_ && Wait(std::chrono::milliseconds(0)) == -1;
}

void Devstack(const std::string& args) {
  const std::string command = SourcePath("tools/devstack") + " " + args + " >&2";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

bool Eventually(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (predicate()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace archive::testing

namespace archive::testing {

std::int64_t QueryInt(pg::Connection& db, const std::string& sql) {
  return db.InTransaction([&](pg::Tx& tx) { return tx.ExecScript(sql).Int(0, 0); });
}

}  // namespace archive::testing

namespace archive::testing {

std::vector<kafka::Message> ReadTopic(const std::string& topic, std::size_t count, std::chrono::milliseconds timeout) {
  kafka::Consumer consumer(TestKafka(), UniqueName("reader"), {topic});
  std::vector<kafka::Message> out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    if (auto m = consumer.Poll(std::chrono::milliseconds(200))) out.push_back(std::move(*m));
  }
  return out;
}

}  // namespace archive::testing

namespace archive::testing {

std::string MakeIdCard(const std::string& birth, const std::string& sequence) {
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  const std::string first17 = "110105" + birth + sequence;
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return first17 + kCheck[sum % 11];
}

}  // namespace archive::testing
