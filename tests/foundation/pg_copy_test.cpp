#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "common/pg/pg.hpp"

namespace archive::pg {
namespace {

TEST(CopyTargetTest, EveryCopyQueryFileHasTheShapeTxCopyNeeds) {
  int files = 0;
  for (const auto& [path, text] : EmbeddedSqlUnder("queries/")) {
    constexpr std::string_view kSuffix = "_copy.sql";
    if (path.size() < kSuffix.size() || path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
      continue;
    }
    ++files;
    const std::string query = path.substr(8, path.size() - 8 - 4);  // "queries/" ... ".sql"
    std::string target;
    EXPECT_NO_THROW(target = CopyTarget(query, text)) << path;
    EXPECT_NE(target.find('('), std::string::npos) << path << ": name the columns, in the order of the rows";
  }
  EXPECT_GT(files, 0) << "no schemas/sql/queries/*_copy.sql embedded";
}

TEST(CopyTargetTest, KeepsTheTableAndColumnsAfterComments) {
  EXPECT_EQ(CopyTarget("q", "-- what it copies\n-- and why\nCOPY members (id, name) FROM STDIN;\n"),
            "members (id, name)");
}

TEST(CopyTargetTest, RefusesAnotherShapeNamingTheFile) {
  for (const char* text : {"INSERT INTO members (id) VALUES ($1)", "COPY members (id) FROM '/tmp/x'",
                           "-- only a comment\n", "COPY  FROM STDIN"}) {
    try {
      CopyTarget("members_copy", text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("schemas/sql/queries/members_copy.sql"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace archive::pg
