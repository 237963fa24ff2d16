#include "common/pg/migrate.hpp"

#include <gtest/gtest.h>

#include <thread>

#include <fmt/format.h>

#include "common/testing/testing.hpp"

namespace archive::pg {
namespace {

using testing::TestSchema;
const auto Count = testing::QueryInt;

void AddRootOrganization(Connection& db) {
  db.InTransaction([](Tx& tx) {
    tx.ExecScript(
        "INSERT INTO organizations (id, code, name, kind, path) VALUES (1, 'root', '团中央', 'leading_body', '1')");
  });
}

TEST(Migrate, AppliesEverythingOnceAndIsIdempotent) {
  TestSchema schema(false);
  Connection db(schema.url());
  const auto first = Migrate(db, EmbeddedMigrations());
  EXPECT_EQ(first.applied.size(), EmbeddedMigrations().size());
  const auto second = Migrate(db, EmbeddedMigrations());
  EXPECT_TRUE(second.applied.empty());
  EXPECT_EQ(second.unchanged.size(), EmbeddedMigrations().size());
  EXPECT_EQ(Count(db, "SELECT count(*) FROM schema_migrations"),
            static_cast<std::int64_t>(EmbeddedMigrations().size()));
}

TEST(Migrate, TwoConcurrentRunsApplyEachMigrationOnce) {
  TestSchema schema(false);
  std::vector<std::thread> runners;
  std::atomic<int> failures{0};
  for (int i = 0; i < 2; ++i) {
    runners.emplace_back([&] {
      try {
        Connection db(schema.url());
        Migrate(db, EmbeddedMigrations());
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& t : runners) t.join();
  EXPECT_EQ(failures, 0);
  Connection db(schema.url());
  EXPECT_EQ(Count(db, "SELECT count(*) FROM schema_migrations"),
            static_cast<std::int64_t>(EmbeddedMigrations().size()));
}

TEST(Migrate, RefusesAnAppliedMigrationThatWasEdited) {
  TestSchema schema;
  Connection db(schema.url());
  auto migrations = EmbeddedMigrations();
  const std::string edited = std::string(migrations.front().sql) + "\n-- an innocent-looking edit\n";
  migrations.front().sql = edited;
  try {
    Migrate(db, migrations);
    FAIL() << "an edited migration was accepted";
  } catch (const MigrationError& e) {
    EXPECT_NE(std::string(e.what()).find(migrations.front().name), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("edited"), std::string::npos) << e.what();
  }
}

TEST(Migrate, RollsBackAMigrationThatFails) {
  TestSchema schema;
  Connection db(schema.url());
  auto migrations = EmbeddedMigrations();
  migrations.push_back({"9999_broken.sql", "CREATE TABLE half_done (a int); SELECT 1/0;"});
  EXPECT_THROW(Migrate(db, migrations), MigrationError);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'"), 0);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM schema_migrations WHERE name = '9999_broken.sql'"), 0);
}

TEST(Schema, RefusesAnArchiveTransitionTheDesignDoesNotAllow) {
  TestSchema schema;
  Connection db(schema.url());
  db.InTransaction([](Tx& tx) {
    tx.ExecScript(
        "INSERT INTO organizations (id, code, name, kind, path) VALUES (1, 'root', '团中央', 'leading_body', '1');"
        "INSERT INTO members (id, org_id, name, id_card, joined_on, archive_status)"
        "  VALUES (1, 1, '测试', '11010520080101001X', '2024-03-10', 'NOT_UPLOADED');");
  });
  EXPECT_NO_THROW(db.InTransaction([](Tx& tx) { tx.ExecScript("UPDATE members SET archive_status = 'PENDING'"); }));
  EXPECT_NO_THROW(db.InTransaction([](Tx& tx) { tx.ExecScript("UPDATE members SET archive_status = 'REJECTED'"); }));
  try {
    db.InTransaction([](Tx& tx) { tx.ExecScript("UPDATE members SET archive_status = 'AUTHENTICATED'"); });
    FAIL() << "REJECTED -> AUTHENTICATED was allowed";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "23514");
  }
}

// The SQLSTATE with which the database refuses sql run in a transaction of its own, or "accepted".
std::string SqlStateOf(Connection& db, const std::string& sql) {
  try {
    db.InTransaction([&](Tx& tx) { tx.ExecScript(sql); });
  } catch (const SqlError& e) {
    return e.sqlstate();
  }
  return "accepted";
}

// members.org_id is checked per statement by the rollup trigger instead of a per-row foreign key (0009).
TEST(Schema, RefusesMembersOfAnOrganizationThatDoesNotExistAndNeverDeletesOne) {
  TestSchema schema;
  Connection db(schema.url());
  AddRootOrganization(db);
  const auto sqlstate_of = [&](const char* sql) { return SqlStateOf(db, sql); };
  EXPECT_EQ(sqlstate_of("INSERT INTO members (org_id, name, id_card, joined_on, archive_status) VALUES"
                        " (1, '甲', '11010520080101001X', '2024-03-10', 'NOT_UPLOADED'),"
                        " (7, '乙', '110105200801010002', '2024-03-10', 'NOT_UPLOADED')"),
            "23503");
  EXPECT_EQ(Count(db, "SELECT count(*) FROM members"), 0) << "the statement is refused whole";
  EXPECT_EQ(sqlstate_of("INSERT INTO members (org_id, name, id_card, joined_on, archive_status) VALUES"
                        " (1, '甲', '11010520080101001X', '2024-03-10', 'NOT_UPLOADED')"),
            "accepted");
  EXPECT_EQ(sqlstate_of("UPDATE members SET org_id = 7"), "23503");
  EXPECT_EQ(sqlstate_of("DELETE FROM organizations WHERE id = 1"), "23001");
  EXPECT_EQ(Count(db, "SELECT count(*) FROM members WHERE org_id = 1"), 1);
}

// 0011 checks the same forms as the regular expressions of 0001 did, without them.
TEST(Schema, RefusesIdCardAndDevelopmentNumbersOfTheWrongForm) {
  TestSchema schema;
  Connection db(schema.url());
  AddRootOrganization(db);
  const auto insert = [&](const std::string& id_card, const std::string& dev_number) {
    return SqlStateOf(db, fmt::format("INSERT INTO members (org_id, name, id_card, joined_on, archive_status, "
                                      "dev_number) VALUES (1, '甲', '{}', '2024-03-10', 'NOT_UPLOADED', {})",
                                      id_card, dev_number));
  };
  EXPECT_EQ(insert("11010520080101001X", "'202400000001'"), "accepted");
  EXPECT_EQ(insert("110105200801010027", "NULL"), "accepted");
  for (const char* id : {"11010520080101003x", "1101052008010100X4", "11010520080101005", "110105200801010051X",
                         "１1010520080101006X", "1101052008010 1007X", "11010520080101008X\n", ""}) {
    EXPECT_EQ(insert(id, "NULL"), "23514") << id;
  }
  for (const char* number : {"'20240000001'", "'2024000000012'", "'20240000000a'", "'２02400000001'", "''"}) {
    EXPECT_EQ(insert("110105200801010094", number), "23514") << number;
  }
  EXPECT_EQ(Count(db, "SELECT count(*) FROM members"), 2);
}

}  // namespace
}  // namespace archive::pg

namespace archive::pg {
namespace {

void AddMember(CopyRows& rows, std::int64_t id, const std::string& name, const std::string& id_card,
               const Value& dev_number) {
  rows.Add(id);
  rows.Add(std::int64_t{1});
  rows.Add(name);
  rows.Add(id_card);
  for (int i = 0; i < 3; ++i) rows.AddNull();  // gender, ethnicity, birth date
  rows.Add("2024-03-10");
  rows.Add(dev_number);
  rows.AddNull();
  rows.AddNull();
  rows.Add("NOT_UPLOADED");
  rows.AddNull();
  rows.Add("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  rows.Add(id);
  rows.EndRow();
}

TEST(Tx, CopiesRowsAsTheyAreWithTheirNulls) {
  TestSchema schema;
  Connection db(schema.url());
  AddRootOrganization(db);
  db.InTransaction([&](Tx& tx) {
    CopyRows rows;
    AddMember(rows, 101, std::string("王芳\0ignored", 14), "11010520080101001X", "202400000001");
    AddMember(rows, 102, "李\t四\\N\r\n", "110105200801010027", std::nullopt);  // a tab, a backslash and N, CR LF
    EXPECT_EQ(rows.rows(), 2u);
    tx.Copy("import_members_copy", rows);
  });
  EXPECT_EQ(Count(db,
                  "SELECT count(*) FROM members WHERE id = 101 AND name = '王芳' AND dev_number = '202400000001'"
                  " AND gender IS NULL AND import_row_no = 101"),
            1);
  EXPECT_EQ(Count(db,
                  "SELECT count(*) FROM members WHERE id = 102 AND name = E'李\\t四\\\\N\\r\\n'"
                  " AND dev_number IS NULL"),
            1);
}

TEST(Tx, RefusesACopyWholeWhenOneRowBreaksAUniqueKey) {
  TestSchema schema;
  Connection db(schema.url());
  AddRootOrganization(db);
  CopyRows rows;
  AddMember(rows, 101, "甲", "11010520080101001X", "202400000001");
  AddMember(rows, 102, "乙", "110105200801010027", "202400000001");
  try {
    db.InTransaction([&](Tx& tx) { tx.Copy("import_members_copy", rows); });
    FAIL() << "a development number twice was copied";
  } catch (const SqlError& e) {
    EXPECT_TRUE(e.IsUniqueViolation()) << e.sqlstate();
  }
  EXPECT_EQ(Count(db, "SELECT count(*) FROM members"), 0);
}

TEST(Tx, RunsAppendedRowsBeforeTheNextReadAndQuotesThem) {
  TestSchema schema;
  Connection db(schema.url());
  const std::string awkward = "b \"quoted\", {braces} \\ NULL";
  db.InTransaction([&](Tx& tx) {
    tx.Append("ledger_append", "a", 1, 10);
    tx.Append("ledger_append", awkward, 2, 20);
    EXPECT_EQ(tx.ExecScript("SELECT count(*) FROM ledger_entries").Int(0, 0), 2) << "a read must see queued writes";
  });
  EXPECT_EQ(Count(db, "SELECT count(*) FROM ledger_entries WHERE event_id = 'b \"quoted\", {braces} \\ NULL'"), 1);
}

TEST(Tx, ReportsAnAppendedRowsErrorAtCommitAndKeepsNothing) {
  TestSchema schema;
  Connection db(schema.url());
  EXPECT_THROW(db.InTransaction([](Tx& tx) {
    tx.Append("ledger_append", "a", 1, 10);
    tx.Append("ledger_append", std::nullopt, 2, 20);  // event_id is NOT NULL
  }),
               SqlError);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM ledger_entries"), 0);
}

TEST(Tx, ForgetsAppendedRowsOnAbort) {
  TestSchema schema;
  Connection db(schema.url());
  {
    Tx tx = db.Begin();
    tx.Append("ledger_append", "a", 1, 10);
    tx.Abort();
  }
  EXPECT_EQ(Count(db, "SELECT count(*) FROM ledger_entries"), 0);
}

TEST(Tx, RunsOnCommitCallbacksOnlyAfterACommit) {
  TestSchema schema;
  Connection db(schema.url());
  std::vector<std::string> ran;
  {
    Tx aborted = db.Begin();
    aborted.OnCommit([&] { ran.push_back("aborted"); });
    aborted.Abort();
  }
  {
    Tx dropped = db.Begin();  // destroyed without a commit: rolled back
    dropped.OnCommit([&] { ran.push_back("dropped"); });
  }
  EXPECT_THROW(db.InTransaction([&](Tx& tx) {
    tx.OnCommit([&] { ran.push_back("failed"); });
    tx.Append("ledger_append", std::nullopt, 2, 20);  // fails at commit
  }),
               SqlError);
  db.InTransaction([&](Tx& tx) {
    tx.OnCommit([&] { ran.push_back("first"); });
    tx.OnCommit([&] { ran.push_back("second"); });
    EXPECT_TRUE(ran.empty()) << "not before the commit";
  });
  EXPECT_EQ(ran, (std::vector<std::string>{"first", "second"}));
}

}  // namespace
}  // namespace archive::pg
