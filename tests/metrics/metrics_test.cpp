#include "common/metrics/metrics.hpp"

#include <stdexcept>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace archive::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, RendersACounterWithHelpTypeAndSortedLabels) {
  Registry registry;
  auto& counter = registry.GetCounter("archive_messages_consumed_total", "Messages polled from Kafka.",
                                      {{"topic", "import.requested"}, {"group", "import"}});
  counter.Inc();
  counter.Inc(2);

  EXPECT_EQ(registry.Render(),
            "# HELP archive_messages_consumed_total Messages polled from Kafka.\n"
            "# TYPE archive_messages_consumed_total counter\n"
            "archive_messages_consumed_total{group=\"import\",topic=\"import.requested\"} 3\n");
}

TEST(MetricsTest, TheSameNameAndLabelsGiveTheSameSeries) {
  Registry registry;
  auto& first = registry.GetCounter("c_total", "help", {{"a", "1"}, {"b", "2"}});
  auto& again = registry.GetCounter("c_total", "other help", {{"b", "2"}, {"a", "1"}});
  auto& other = registry.GetCounter("c_total", "help", {{"a", "1"}, {"b", "3"}});

  EXPECT_EQ(&first, &again);
  EXPECT_NE(&first, &other);
  EXPECT_THAT(registry.Render(), HasSubstr("# HELP c_total help\n"));
}

TEST(MetricsTest, ACounterNeverGoesDown) {
  Registry registry;
  auto& counter = registry.GetCounter("c_total", "help");
  counter.Inc(5);
  counter.Inc(-3);
  EXPECT_EQ(counter.Value(), 5);
}

TEST(MetricsTest, AGaugeIsSetAndAdded) {
  Registry registry;
  auto& gauge = registry.GetGauge("archive_outbox_backlog", "Rows waiting.");
  gauge.Set(10);
  gauge.Add(-2.5);
  EXPECT_THAT(registry.Render(), HasSubstr("# TYPE archive_outbox_backlog gauge\narchive_outbox_backlog 7.5\n"));
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.GetGauge("g", "line one\nback\\slash \"quoted\"", {{"path", "C:\\dir\n\"x\""}}).Set(1);
  EXPECT_EQ(registry.Render(),
            "# HELP g line one\\nback\\\\slash \"quoted\"\n"
            "# TYPE g gauge\n"
            "g{path=\"C:\\\\dir\\n\\\"x\\\"\"} 1\n");
}

TEST(MetricsTest, AHistogramHasCumulativeBucketsSumAndCount) {
  Registry registry;
  auto& histogram = registry.GetHistogram("latency_seconds", "Handler latency.", {{"topic", "t"}}, {1, 0.1, 0.5});
  histogram.Observe(0.05);
  histogram.Observe(0.1);  // on the bound: le is inclusive
  histogram.Observe(0.7);
  histogram.Observe(3);

  EXPECT_EQ(registry.Render(),
            "# HELP latency_seconds Handler latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{topic=\"t\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{topic=\"t\",le=\"0.5\"} 2\n"
            "latency_seconds_bucket{topic=\"t\",le=\"1\"} 3\n"
            "latency_seconds_bucket{topic=\"t\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{topic=\"t\"} 3.85\n"
            "latency_seconds_count{topic=\"t\"} 4\n");
}

TEST(MetricsTest, AHistogramWithoutBucketsUsesTheDefaults) {
  Registry registry;
  auto& histogram = registry.GetHistogram("h_seconds", "help");
  EXPECT_EQ(histogram.bounds(), DefaultBuckets());
  EXPECT_THAT(registry.Render(), HasSubstr("h_seconds_bucket{le=\"0.005\"} 0\n"));
}

TEST(MetricsTest, RefusesANameUsedWithAnotherType) {
  Registry registry;
  registry.GetCounter("x_total", "help");
  EXPECT_THROW(registry.GetGauge("x_total", "help"), std::invalid_argument);
}

TEST(MetricsTest, RefusesInvalidNames) {
  Registry registry;
  EXPECT_THROW(registry.GetCounter("1bad", "help"), std::invalid_argument);
  EXPECT_THROW(registry.GetCounter("bad-name", "help"), std::invalid_argument);
  EXPECT_THROW(registry.GetCounter("ok_total", "help", {{"bad-label", "v"}}), std::invalid_argument);
  EXPECT_THROW(registry.GetCounter("ok_total", "help", {{"__reserved", "v"}}), std::invalid_argument);
  EXPECT_THROW(registry.GetCounter("ok_total", "help", {{"a", "1"}, {"a", "2"}}), std::invalid_argument);
  EXPECT_THROW(registry.GetHistogram("h", "help", {{"le", "1"}}), std::invalid_argument);
}

TEST(MetricsTest, FamiliesRenderInNameOrder) {
  Registry registry;
  registry.GetCounter("b_total", "b");
  registry.GetCounter("a_total", "a");
  const auto text = registry.Render();
  EXPECT_LT(text.find("a_total"), text.find("b_total"));
}

TEST(MetricsTest, CountsFromManyThreadsAddUp) {
  Registry registry;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto& counter = registry.GetCounter("c_total", "help", {{"k", "v"}});
      auto& histogram = registry.GetHistogram("h_seconds", "help");
      for (int i = 0; i < kPerThread; ++i) {
        counter.Inc();
        histogram.Observe(0.001);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(registry.GetCounter("c_total", "help", {{"k", "v"}}).Value(), kThreads * kPerThread);
  EXPECT_THAT(registry.Render(), HasSubstr("h_seconds_count 40000\n"));
}

}  // namespace
}  // namespace archive::metrics
