#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "api/audit_writer.hpp"
#include "common/testing/testing.hpp"

namespace archive::api {
namespace {

AuditRow SearchRow(int i) {
  return {.user_id = std::nullopt,
          .actor = fmt::format("reader-{}", i),
          .action = "member.search",
          .object_type = "member_search",
          .object_id = "name",
          .remote_addr = "127.0.0.1",
          .detail = R"({"by": "name", "results": 1})"};
}

std::int64_t Count(pg::Connection& db, const std::string& sql) {
  return db.InTransaction([&](pg::Tx& tx) { return tx.ExecScript(sql).Int(0, 0); });
}

TEST(AuditWriter, EveryRowIsCommittedBeforeItsReadHearsSoAndEachHearsOnce) {
  archive::testing::TestSchema schema;
  pg::Connection db(schema.url());
  constexpr int kThreads = 8;
  constexpr int kRows = 250;
  std::atomic<int> heard{0};
  std::atomic<int> missing{0};  // rows not yet in the table when their read heard "committed"
  {
    AuditWriter writer(schema.url(), 2, 100);
    std::vector<std::thread> readers;
    for (int t = 0; t < kThreads; ++t) {
      readers.emplace_back([&, t] {
        pg::Connection own(schema.url());
        for (int i = 0; i < kRows; ++i) {
          std::promise<bool> done;
          const auto row = SearchRow(t * kRows + i);
          writer.Submit(row, [&](bool committed) { done.set_value(committed); });
          EXPECT_TRUE(done.get_future().get());
          if (Count(own, fmt::format("SELECT count(*) FROM audit_log WHERE actor = '{}'", row.actor)) != 1) ++missing;
          ++heard;
        }
      });
    }
    for (auto& r : readers) r.join();
  }
  EXPECT_EQ(heard, kThreads * kRows);
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(Count(db,
                  "SELECT count(*) FROM audit_log WHERE action = 'member.search' AND object_type = "
                  "'member_search' AND remote_addr = '127.0.0.1' AND detail->>'by' = 'name'"),
            kThreads * kRows);
  // Each row keeps the time it was submitted, not its batch's.
  EXPECT_EQ(Count(db, "SELECT count(*) FROM audit_log WHERE at > now() OR at < now() - interval '10 minutes'"), 0);
}

TEST(AuditWriter, RowsQueuedWhenItStopsAreStillWritten) {
  archive::testing::TestSchema schema;
  std::atomic<int> committed{0};
  {
    AuditWriter writer(schema.url());
    for (int i = 0; i < 500; ++i) writer.Submit(SearchRow(i), [&](bool ok) { committed += ok ? 1 : 0; });
  }
  pg::Connection db(schema.url());
  EXPECT_EQ(committed, 500);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM audit_log"), 500);
}

TEST(AuditWriter, ABatchThatCannotBeCommittedIsRefusedToItsReads) {
  // Nothing listens on port 1: every batch fails, and every read hears so once.
  std::atomic<int> refused{0};
  std::atomic<int> answers{0};
  {
    AuditWriter writer("postgresql://127.0.0.1:1/none?connect_timeout=2");
    for (int i = 0; i < 20; ++i) {
      writer.Submit(SearchRow(i), [&](bool ok) {
        refused += ok ? 0 : 1;
        ++answers;
      });
    }
  }
  EXPECT_EQ(answers, 20);
  EXPECT_EQ(refused, 20);
}

}  // namespace
}  // namespace archive::api
