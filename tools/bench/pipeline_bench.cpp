// The no-op pipeline benchmark (issue: foundation). It runs on the local stack (tools/devstack up) and
// compares, in one run, the real pipeline (Kafka -> ledger-worker -> inbox + effect in PostgreSQL, batched
// commits) with the peer a team would otherwise build: a PostgreSQL-backed job queue whose workers take one
// job with FOR UPDATE SKIP LOCKED and commit it together with its effect.
//
//   pipeline-bench [--events 200000] [--rate 5000] [--seconds 10] [--workers 1] [--peer-threads 2]
#include <signal.h>

#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "common/events/envelope.hpp"
#include "common/kafka/kafka.hpp"
#include "common/log/log.hpp"
#include "common/pg/pg.hpp"
#include "common/testing/testing.hpp"
#include "tools/archivectl/args.hpp"

namespace archive::bench {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Produce(kafka::Producer& producer, const std::string& topic, std::int64_t from, std::int64_t to, double rate) {
  const auto start = Clock::now();
  for (std::int64_t seq = from; seq < to; ++seq) {
    const auto event =
        events::MakeEnvelope("ledger.entry", 1, "bench", "m" + std::to_string(seq % 1024),
                             {{"seq", seq}, {"produced_at_us", NowUs()}}, std::chrono::system_clock::now());
    producer.Produce(topic, event.key, events::Serialize(event));
    if (rate > 0)
      std::this_thread::sleep_until(start +
                                    std::chrono::microseconds(static_cast<long>((seq - from + 1) * 1e6 / rate)));
  }
  producer.Flush(120s);
}

std::int64_t WaitForCount(pg::Connection& db, std::int64_t want, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::int64_t n = 0;
  while (Clock::now() < deadline) {
    n = db.InTransaction([](pg::Tx& tx) { return tx.Run("bench_count").Int(0, 0); });
    if (n >= want) break;
    std::this_thread::sleep_for(100ms);
  }
  return n;
}

struct PipelineFigures {
  double events_per_s = 0;
  double produce_per_s = 0;
  std::int64_t p50_ms = 0, p99_ms = 0, max_ms = 0, latency_samples = 0;
};

PipelineFigures RunPipeline(long events, long rate, long seconds, long workers) {
  testing::TestSchema schema;
  const auto topics = testing::MakeTopics({"bench", "bench_dlq"}, 6);
  const std::string config_path = "/tmp/" + testing::UniqueName("bench") + ".json";
  std::ofstream(config_path) << fmt::format(
      R"({{"consumer": {{"group": "{}", "topics": ["{}"], "dead_letter_topic": "{}", "max_batch": 1000}}}})",
      testing::UniqueName("bench"), topics[0], topics[1]);
  std::vector<std::unique_ptr<testing::ChildProcess>> procs;
  for (long i = 0; i < workers; ++i) {
    procs.push_back(std::make_unique<testing::ChildProcess>(
        testing::BinaryPath("bin/ledger-worker"), std::vector<std::string>{config_path},
        std::map<std::string, std::string>{{"ARCHIVE_DB_URL", schema.url()},
                                           {"ARCHIVE_KAFKA_BROKERS", testing::StackSetting("ARCHIVE_KAFKA_BROKERS")},
                                           {"ARCHIVE_LOG_LEVEL", "warn"}}));
  }
  pg::Connection db(schema.url(), "bench");
  kafka::Producer producer(testing::TestKafka());
  PipelineFigures f;

  // Warm up: the workers join the group and prepare their statements.
  Produce(producer, topics[0], 0, 1000, 0);
  WaitForCount(db, 1000, 60s);

  // Throughput: events produced as fast as possible, drained by the workers.
  const auto start = Clock::now();
  std::thread producing([&] {
    Produce(producer, topics[0], 1000, 1000 + events, 0);
    f.produce_per_s = events / Seconds(Clock::now() - start);
  });
  const auto applied = WaitForCount(db, 1000 + events, 300s);
  const auto elapsed = Clock::now() - start;
  producing.join();
  f.events_per_s = (applied - 1000) / Seconds(elapsed);

  // Latency: a steady stream below capacity, from produce to the effect's insert in the committing batch.
  const std::int64_t base = 1000 + events;
  Produce(producer, topics[0], base, base + rate * seconds, static_cast<double>(rate));
  WaitForCount(db, base + rate * seconds, 120s);
  db.InTransaction([&](pg::Tx& tx) {
    const auto r = tx.Run("bench_latency", base);
    f.p50_ms = r.Int(0, 0);
    f.p99_ms = r.Int(0, 1);
    f.max_ms = r.Int(0, 2);
    f.latency_samples = r.Int(0, 3);
  });
  for (auto& p : procs) p->Kill(SIGTERM);
  for (auto& p : procs) p->Wait(30s);
  std::remove(config_path.c_str());
  return f;
}

double RunPeer(long jobs, long threads) {
  testing::TestSchema schema;
  pg::Connection db(schema.url(), "bench-peer");
  db.InTransaction([&](pg::Tx& tx) {
    tx.ExecScript(pg::EmbeddedSql("scripts/bench_jobqueue.sql"));
    tx.Run("bench_job_enqueue", static_cast<std::int64_t>(0), static_cast<std::int64_t>(jobs - 1));
  });
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (long t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      pg::Connection conn(schema.url(), "bench-peer");
      for (;;) {
        const bool took = conn.InTransaction([](pg::Tx& tx) {
          const auto job = tx.Run("bench_job_take");
          if (job.empty()) return false;
          tx.Run("ledger_apply", job.Text(0, 0), job.Int(0, 1), job.Int(0, 2));
          return true;
        });
        if (!took) break;
      }
    });
  }
  for (auto& w : workers) w.join();
  return jobs / Seconds(Clock::now() - start);
}

int Main(const std::vector<std::string>& words) {
  const ctl::Args args(words, {});
  args.Allow({"events", "rate", "seconds", "workers", "peer-threads", "peer-jobs"});
  const long events = args.Number("events", 200000);
  const long rate = args.Number("rate", 5000);
  const long seconds = args.Number("seconds", 10);
  const long workers = args.Number("workers", 1);
  const long peer_threads = args.Number("peer-threads", 2);
  const long peer_jobs = args.Number("peer-jobs", 50000);

  const auto pipeline = RunPipeline(events, rate, seconds, workers);
  const double peer = RunPeer(peer_jobs, peer_threads);
  fmt::print("pipeline-bench: {} cores, {} ledger-worker process(es), {} events\n", std::thread::hardware_concurrency(),
             workers, events);
  fmt::print("| measure | league-archive pipeline | PostgreSQL job queue (SKIP LOCKED, {} threads) | ratio |\n",
             peer_threads);
  fmt::print("|---|---|---|---|\n");
  fmt::print("| events/s, produce to committed effect | {:.0f} | {:.0f} | {:.1f}x |\n", pipeline.events_per_s, peer,
             pipeline.events_per_s / peer);
  fmt::print("| producer alone, events/s | {:.0f} | | |\n", pipeline.produce_per_s);
  fmt::print("| latency at {}/s, p50 / p99 / max (ms, {} events) | {} / {} / {} | | |\n", rate,
             pipeline.latency_samples, pipeline.p50_ms, pipeline.p99_ms, pipeline.max_ms);
  return 0;
}

}  // namespace
}  // namespace archive::bench

int main(int argc, char** argv) {
  archive::log::Setup(archive::log::Format::kText, spdlog::level::warn);
  return archive::bench::Main(std::vector<std::string>(argv + 1, argv + argc));
}
