#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>

#include "common/base/crypto.hpp"
#include "common/blob/blob.hpp"
#include "common/events/envelope.hpp"
#include "common/testing/testing.hpp"
#include "tests/metrics/scrape.hpp"

namespace archive::e2e {
namespace {

using namespace std::chrono_literals;

// The import worker as a process: a batch requested twice (a redelivery, and a second event for the same
// batch) is imported once, and a request for a batch that does not exist is dead-lettered. The worker's /metrics
// counts the batch and its rows once.
TEST(ImportWorker, ImportsARequestedBatchOnceWhateverTheDeliveries) {
  testing::TestSchema schema;
  pg::Connection db(schema.url());
  const auto topics = testing::MakeTopics({"import", "dlq"}, 3);
  const auto blob_root = std::filesystem::temp_directory_path() / ("import-e2e-" + RandomHex(4));
  blob::FileStore blobs(blob_root);
  db.InTransaction([](pg::Tx& tx) {
    tx.ExecScript(
        "INSERT INTO organizations (id, code, name, kind, path) VALUES (1, 'B', '高一(1)班团支部', 'branch', '1')");
  });
  std::string wrong = testing::MakeIdCard("20080101", "012");
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  const auto ref =
      blobs.Put("姓名,身份证号码,民族,入团年月,发展团员编号\n张三," + testing::MakeIdCard("20080101", "011") +
                ",汉族,2024-03-10,202400000001\n李四," + wrong + ",汉族,2024-03-10,202400000002\n");
  const std::string batch = RandomUuid();
  db.InTransaction([&](pg::Tx& tx) {
    tx.Run("import_batch_create", batch, 1, std::nullopt, "m.csv", "csv", ref.uri, ref.sha256, ref.size, false);
  });

  const std::string config = ::testing::TempDir() + "/" + testing::UniqueName("import") + ".json";
  const std::uint16_t port = metrics::test::FreePort();
  std::ofstream(config) << R"({"metrics": {"host": "127.0.0.1", "port": )" << port << R"(}, "consumer": {"group": ")"
                        << testing::UniqueName("import") << R"(", "topics": [")" << topics[0]
                        << R"("], "dead_letter_topic": ")" << topics[1] << R"("}})";
  testing::ChildProcess worker(testing::BinaryPath("bin/import-worker"), {config},
                               {{"ARCHIVE_DB_URL", schema.url()},
                                {"ARCHIVE_KAFKA_BROKERS", testing::StackSetting("ARCHIVE_KAFKA_BROKERS")},
                                {"ARCHIVE_BLOB_ROOT", blob_root.string()},
                                {"ARCHIVE_LOG_LEVEL", "warn"}});

  const nlohmann::json payload = {
      {"batch_id", batch},   {"org_id", 1},
      {"filename", "m.csv"}, {"format", "csv"},
      {"dry_run", false},    {"blob", {{"uri", ref.uri}, {"sha256", ref.sha256}, {"size", ref.size}}}};
  const auto first =
      events::MakeEnvelope("import.requested", 1, "e2e", batch, payload, std::chrono::system_clock::now());
  const auto second =
      events::MakeEnvelope("import.requested", 1, "e2e", batch, payload, std::chrono::system_clock::now());
  auto missing_payload = payload;
  missing_payload["batch_id"] = RandomUuid();
  const auto missing =
      events::MakeEnvelope("import.requested", 1, "e2e", "x", missing_payload, std::chrono::system_clock::now());
  kafka::Producer producer(testing::TestKafka());
  for (const auto* e : {&first, &first, &second, &missing}) producer.Produce(topics[0], e->key, events::Serialize(*e));
  producer.Flush(10s);

  EXPECT_TRUE(testing::Eventually(
      [&] { return testing::QueryInt(db, "SELECT count(*) FROM import_batches WHERE status = 'DONE'") == 1; }, 90s));
  EXPECT_TRUE(testing::Eventually(
      [&] {
        return testing::QueryInt(db, "SELECT count(*) FROM failed_jobs WHERE error_code = 'BATCH_NOT_FOUND'") == 1;
      },
      60s));
  EXPECT_EQ(testing::QueryInt(db, "SELECT count(*) FROM members"), 1);
  EXPECT_EQ(testing::QueryInt(db, "SELECT ok_rows * 10 + failed_rows FROM import_batches"), 11)
      << "one row imported (one check digit is wrong)";
  EXPECT_EQ(testing::QueryInt(db, "SELECT count(*) FROM import_rows"), 1) << "the failed row";
  EXPECT_EQ(testing::QueryInt(db, "SELECT count(*) FROM members WHERE import_batch_id IS NOT NULL"), 1);
  const std::string scraped = metrics::test::HttpGet(port, "/metrics").body;
  EXPECT_EQ(metrics::test::Sample(scraped, R"(import_batches_total{outcome="DONE"})"), 1) << scraped;
  EXPECT_EQ(metrics::test::Sample(scraped, R"(import_rows_total{outcome="imported"})"), 1);
  EXPECT_EQ(metrics::test::Sample(scraped, R"(import_rows_total{outcome="failed"})"), 1);
  worker.Kill(SIGTERM);
  EXPECT_NE(worker.Wait(30s), -1);
  std::filesystem::remove_all(blob_root);
}

}  // namespace
}  // namespace archive::e2e
