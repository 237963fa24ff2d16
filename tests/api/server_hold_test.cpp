#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "api/server.hpp"
#include "tests/api/api_fixture.hpp"

namespace archive::api::testing {
namespace {

using archive::testing::Eventually;

// Answers every request with 200 "held", held back until the test lets the held responses go.
class HeldApplication final : public Application {
 public:
  Admission Admit(Request&) override { return {}; }
  std::unique_ptr<blob::Writer> NewUpload() override { return nullptr; }
  Response Handle(Request&, Admission&, const std::optional<blob::BlobRef>&) override {
    auto r = Json(200, {{"answer", "held"}});
    r.hold = [this](std::function<void(bool)> done) {
      std::lock_guard lock(mutex_);
      waiting_.push_back(std::move(done));
    };
    return r;
  }

  std::size_t held() {
    std::lock_guard lock(mutex_);
    return waiting_.size();
  }

  // Lets every held response go (send = true) or refuses them, from the calling thread.
  void LetGo(bool send) {
    std::vector<std::function<void(bool)>> waiting;
    {
      std::lock_guard lock(mutex_);
      waiting.swap(waiting_);
    }
    for (auto& done : waiting) done(send);
  }

 private:
  std::mutex mutex_;
  std::vector<std::function<void(bool)>> waiting_;
};

ServerConfig OneThread() {
  ServerConfig c;
  c.port = 0;
  c.threads = 1;
  return c;
}

TEST(ServerHold, HeldResponsesDoNotHoldTheThreadAndLeaveWhenLetGo) {
  HeldApplication app;
  Server server(OneThread(), app);
  server.Start();
  // One server thread: if a held response kept it, the second request would never be handled.
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      const auto r = Send(server.port(), "GET", "/anything", "");
      if (r.status == 200 && r.json()["answer"] == "held") ++ok;
    });
  }
  EXPECT_TRUE(Eventually([&] { return app.held() == 8; }, std::chrono::seconds(10))) << app.held();
  EXPECT_EQ(ok, 0) << "a response left before it was let go";
  app.LetGo(true);
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok, 8);
}

TEST(ServerHold, AResponseThatIsRefusedBecomesA503) {
  HeldApplication app;
  Server server(OneThread(), app);
  server.Start();
  std::thread refuser([&] {
    if (Eventually([&] { return app.held() == 1; }, std::chrono::seconds(10))) app.LetGo(false);
  });
  const auto r = Send(server.port(), "GET", "/anything", "");
  refuser.join();
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.json()["code"], "UNAVAILABLE");
  EXPECT_EQ(r.body.find("held"), std::string::npos);
}

TEST(ServerHold, StopWaitsUntilEveryHeldResponseIsAnswered) {
  HeldApplication app;
  auto server = std::make_unique<Server>(OneThread(), app);
  server->Start();
  std::thread client([&, port = server->port()] { Send(port, "GET", "/anything", ""); });
  ASSERT_TRUE(Eventually([&] { return app.held() == 1; }, std::chrono::seconds(10)));
  std::atomic<bool> letting_go{false};
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    letting_go = true;
    app.LetGo(true);  // posts to the server's event loop, which must still exist
  });
  server->Stop();
  EXPECT_TRUE(letting_go) << "Stop() returned while a response was still held";
  releaser.join();
  server.reset();  // closes the connection, which the client waits for
  client.join();
}

TEST(ServerHold, StopGivesUpOnAHoldThatNeverAnswers) {
  // Given a response held by something stuck (an audit row on a database that does not answer)
  HeldApplication app;
  ServerConfig config = OneThread();
  config.stop_timeout = std::chrono::milliseconds(100);
  auto server = std::make_unique<Server>(config, app);
  server->Start();
  HttpResult reply;
  reply.status = -1;
  std::thread client([&, port = server->port()] { reply = Send(port, "GET", "/anything", ""); });
  ASSERT_TRUE(Eventually([&] { return app.held() == 1; }, std::chrono::seconds(10)));
  // When the server stops, then Stop() returns (it waited for ever before), and the held response is dropped
  // unanswered with its connection
  server->Stop();
  server.reset();
  client.join();
  EXPECT_EQ(reply.status, 0) << "the client got an answer: " << reply.body;
  // and a hold that answers after the server is gone does nothing (no use of the destroyed server)
  app.LetGo(true);
}

}  // namespace
}  // namespace archive::api::testing
