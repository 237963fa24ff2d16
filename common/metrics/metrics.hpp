#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace archive::metrics {

// Label names and values of one series, e.g. {{"topic", "archive.import"}}. Order does not matter: the
// registry sorts them, so {a,b} and {b,a} are the same series.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A value that only goes up (messages consumed, rows imported). Inc is lock-free and thread-safe.
class Counter {
 public:
  // by must not be negative; a negative increment is ignored (a counter never goes down).
  void Inc(double by = 1);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down (backlog, lag). Set and Add are lock-free and thread-safe.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double by);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations (durations in seconds) counted into fixed buckets. Observe is lock-free and thread-safe.
class Histogram {
 public:
  // bounds: the upper bounds of the buckets, ascending; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double seconds);

  const std::vector<double>& bounds() const { return bounds_; }
  // Per-bucket (not cumulative) counts; the last one is the +Inf bucket.
  std::vector<std::uint64_t> BucketCounts() const;
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// Prometheus' default buckets, from 5 ms to 10 s.
std::vector<double> DefaultBuckets();

// Owns every metric of a process and renders them in the Prometheus text format 0.0.4.
//
// Get* returns the metric of that name and label set, creating it on first use; the reference stays
// valid for the registry's lifetime, so hot paths fetch it once and keep it. Get* takes a mutex and is
// thread-safe; so is Render. A name must keep one type: asking for a counter named like an existing gauge
// throws std::invalid_argument, and so does an invalid metric or label name (the message says which).
// The help text of the first call wins; a histogram's buckets are those of the first call of its name.
// One registry per process, created in main and passed down (no global).
class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});
  // buckets empty means DefaultBuckets(); they are sorted and de-duplicated.
  Histogram& GetHistogram(std::string_view name, std::string_view help, const Labels& labels = {},
                          std::vector<double> buckets = {});

  // Every family in name order, each with # HELP and # TYPE, then its series in label order.
  std::string Render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    Type type;
    std::string help;
    std::vector<double> buckets;
    std::map<std::string, Series> series;  // keyed by the rendered label set
  };

  static std::string_view TypeName(Type type);
  Series& Find(std::string_view name, std::string_view help, Type type, const Labels& labels,
               std::vector<double> buckets);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace archive::metrics
