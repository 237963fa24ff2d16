#include "common/metrics/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace archive::metrics {
namespace {

bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

void AppendEscaped(std::string& out, std::string_view s, bool quote) {
  for (const char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '"':
        out += quote ? "\\\"" : "\"";
        break;
      default:
        out += c;
    }
  }
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

// {a="x",b="y"} with an optional extra label (le) at the end; empty when there are no labels at all.
std::string RenderLabels(const Labels& labels, std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string out = "{";
  bool first = true;
  auto add = [&](std::string_view name, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    AppendEscaped(out, value, true);
    out += '"';
  };
  for (const auto& [name, value] : labels) add(name, value);
  if (!extra_name.empty()) add(extra_name, extra_value);
  out += '}';
  return out;
}

void AtomicAdd(std::atomic<double>& target, double by) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + by, std::memory_order_relaxed)) {
  }
}

}  // namespace

void Counter::Inc(double by) {
  if (!(by >= 0)) return;
  AtomicAdd(value_, by);
}

void Gauge::Add(double by) {
  AtomicAdd(value_, by);
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::Observe(double seconds) {
  const auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin();
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, seconds);
}

std::vector<std::uint64_t> Histogram::BucketCounts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = counts_[i].load(std::memory_order_relaxed);
  return out;
}

std::string_view Registry::TypeName(Type type) {
  switch (type) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

std::vector<double> DefaultBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Counter& Registry::GetCounter(std::string_view name, std::string_view help, const Labels& labels) {
  return *Find(name, help, Type::kCounter, labels, {}).counter;
}

Gauge& Registry::GetGauge(std::string_view name, std::string_view help, const Labels& labels) {
  return *Find(name, help, Type::kGauge, labels, {}).gauge;
}

Histogram& Registry::GetHistogram(std::string_view name, std::string_view help, const Labels& labels,
                                  std::vector<double> buckets) {
  return *Find(name, help, Type::kHistogram, labels, std::move(buckets)).histogram;
}

Registry::Series& Registry::Find(std::string_view name, std::string_view help, Type type, const Labels& labels,
                                 std::vector<double> buckets) {
  if (!ValidName(name, true)) {
    throw std::invalid_argument(
        fmt::format("metric name '{}' is not a valid Prometheus name ([a-zA-Z_:][a-zA-Z0-9_:]*)", name));
  }
  Labels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const auto& label = sorted[i].first;
    if (!ValidName(label, false) || label.starts_with("__") || (type == Type::kHistogram && label == "le")) {
      throw std::invalid_argument(fmt::format("metric {}: label name '{}' is not allowed", name, label));
    }
    if (i > 0 && sorted[i - 1].first == label) {
      throw std::invalid_argument(fmt::format("metric {}: label '{}' given twice", name, label));
    }
  }
  const std::string key = RenderLabels(sorted);

  std::lock_guard lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end()) {
    Family created{type, std::string(help), {}, {}};
    if (type == Type::kHistogram) {
      created.buckets = buckets.empty() ? DefaultBuckets() : std::move(buckets);
      std::sort(created.buckets.begin(), created.buckets.end());
      created.buckets.erase(std::unique(created.buckets.begin(), created.buckets.end()), created.buckets.end());
      std::erase_if(created.buckets, [](double b) { return std::isinf(b) || std::isnan(b); });
    }
    family = families_.emplace(std::string(name), std::move(created)).first;
  } else if (family->second.type != type) {
    throw std::invalid_argument(fmt::format("metric {} is already registered as a {}, not a {}", name,
                                            TypeName(family->second.type), TypeName(type)));
  }
  auto [it, inserted] = family->second.series.try_emplace(key);
  if (inserted) {
    Series& series = it->second;
    series.labels = std::move(sorted);
    switch (type) {
      case Type::kCounter:
        series.counter = std::make_unique<Counter>();
        break;
      case Type::kGauge:
        series.gauge = std::make_unique<Gauge>();
        break;
      case Type::kHistogram:
        series.histogram = std::make_unique<Histogram>(family->second.buckets);
        break;
    }
  }
  return it->second;
}

std::string Registry::Render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) {
    out += "# HELP ";
    out += name;
    out += ' ';
    AppendEscaped(out, family.help, false);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += TypeName(family.type);
    out += '\n';
    for (const auto& [key, series] : family.series) {
      switch (family.type) {
        case Type::kCounter:
          out += fmt::format("{}{} {}\n", name, key, FormatValue(series.counter->Value()));
          break;
        case Type::kGauge:
          out += fmt::format("{}{} {}\n", name, key, FormatValue(series.gauge->Value()));
          break;
        case Type::kHistogram: {
          const auto& histogram = *series.histogram;
          const auto counts = histogram.BucketCounts();
          std::uint64_t cumulative = 0;
          for (std::size_t i = 0; i < counts.size(); ++i) {
            cumulative += counts[i];
            const std::string le = i < histogram.bounds().size() ? FormatValue(histogram.bounds()[i]) : "+Inf";
            out += fmt::format("{}_bucket{} {}\n", name, RenderLabels(series.labels, "le", le), cumulative);
          }
          // _count is the +Inf bucket, so a scrape racing an Observe stays self-consistent.
          out += fmt::format("{}_sum{} {}\n", name, key, FormatValue(histogram.Sum()));
          out += fmt::format("{}_count{} {}\n", name, key, cumulative);
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace archive::metrics
