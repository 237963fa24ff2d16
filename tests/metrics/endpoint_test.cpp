#include "common/metrics/endpoint.hpp"

#include <atomic>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/metrics/scrape.hpp"

namespace archive::metrics {
namespace {

namespace http = boost::beast::http;
using ::testing::HasSubstr;

using test::HttpGet;

TEST(EndpointTest, ServesTheRegistryOnAnEphemeralPort) {
  Registry registry;
  registry.GetCounter("archive_messages_done_total", "Messages handled.", {{"topic", "t"}}).Inc(7);
  Endpoint endpoint({.host = "127.0.0.1", .port = 0}, registry);

  const auto reply = HttpGet(endpoint.port(), "/metrics");

  EXPECT_NE(endpoint.port(), 0);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(reply.body, HasSubstr("archive_messages_done_total{topic=\"t\"} 7\n"));
}

TEST(EndpointTest, SampleReadsOneSeries) {
  const std::string text = "a_total{x=\"1\"} 4\nb 2.5\n";
  EXPECT_EQ(test::Sample(text, "a_total{x=\"1\"}"), 4);
  EXPECT_EQ(test::Sample(text, "b"), 2.5);
  EXPECT_EQ(test::Sample(text, "a_total"), std::nullopt);
}

TEST(EndpointTest, EachScrapeSeesTheCurrentValues) {
  Registry registry;
  auto& counter = registry.GetCounter("c_total", "help");
  Endpoint endpoint({.host = "127.0.0.1", .port = 0}, registry);
  EXPECT_THAT(HttpGet(endpoint.port(), "/metrics").body, HasSubstr("c_total 0\n"));
  counter.Inc(3);
  EXPECT_THAT(HttpGet(endpoint.port(), "/metrics").body, HasSubstr("c_total 3\n"));
}

TEST(EndpointTest, LivenessIsAlwaysOk) {
  Registry registry;
  Endpoint endpoint({.host = "127.0.0.1", .port = 0}, registry, [] { return Readiness{false, "db down"}; });
  EXPECT_EQ(HttpGet(endpoint.port(), "/healthz").status, 200);
}

TEST(EndpointTest, ReadinessFollowsTheCheck) {
  Registry registry;
  std::atomic<bool> ready{false};
  Endpoint endpoint({.host = "127.0.0.1", .port = 0}, registry, [&] {
    return ready ? Readiness{} : Readiness{false, "database unreachable"};
  });

  const auto before = HttpGet(endpoint.port(), "/readyz");
  ready = true;
  const auto after = HttpGet(endpoint.port(), "/readyz");

  EXPECT_EQ(before.status, 503);
  EXPECT_THAT(before.body, HasSubstr("database unreachable"));
  EXPECT_EQ(after.status, 200);
}

TEST(EndpointTest, AThrowingCheckMeansNotReady) {
  Registry registry;
  Endpoint endpoint({.host = "127.0.0.1", .port = 0}, registry,
                    []() -> Readiness { throw std::runtime_error("broker unknown"); });
  const auto reply = HttpGet(endpoint.port(), "/readyz");
  EXPECT_EQ(reply.status, 503);
  EXPECT_THAT(reply.body, HasSubstr("broker unknown"));
}

TEST(EndpointTest, UnknownPathsAndMethodsAreRefused) {
  Registry registry;
  Endpoint endpoint({.host = "127.0.0.1", .port = 0}, registry);
  EXPECT_EQ(HttpGet(endpoint.port(), "/nope").status, 404);
  EXPECT_EQ(HttpGet(endpoint.port(), "/metrics", http::verb::post).status, 405);
}

TEST(EndpointTest, ABusyPortIsAClearError) {
  Registry registry;
  Endpoint first({.host = "127.0.0.1", .port = 0}, registry);
  try {
    Endpoint second({.host = "127.0.0.1", .port = first.port()}, registry);
    FAIL() << "a second endpoint bound the same port";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("metrics.port"));
  }
}

}  // namespace
}  // namespace archive::metrics
