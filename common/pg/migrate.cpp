#include "common/pg/migrate.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/base/crypto.hpp"
#include "common/log/log.hpp"

namespace archive::pg {

std::vector<Migration> EmbeddedMigrations() {
  std::vector<Migration> out;
  for (const auto& [path, text] : EmbeddedSqlUnder("migrations/")) {
    out.push_back({path.substr(std::string_view("migrations/").size()), text});
  }
  return out;
}

MigrationReport Migrate(Connection& db, const std::vector<Migration>& migrations) {
  auto sorted = migrations;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  MigrationReport report;
  for (const auto& m : sorted) {
    const std::string checksum = Sha256Hex(m.sql);
    Tx tx = db.Begin();
    tx.Run("migration_lock");
    tx.ExecScript(EmbeddedSql("scripts/schema_migrations.sql"));
    const Result recorded = tx.Run("migration_checksum", m.name);
    if (!recorded.empty()) {
      if (recorded.Text(0, 0) != checksum) {
        throw MigrationError(
            fmt::format("migration {} was edited after it was applied (recorded sha256 {}, file sha256 {}). "
                        "Restore the original file and put the change in a new migration.",
                        m.name, recorded.Text(0, 0), checksum));
      }
      report.unchanged.push_back(m.name);
      continue;
    }
    try {
      tx.ExecScript(m.sql);
    } catch (const SqlError& e) {
      throw MigrationError(fmt::format("migration {} failed and was rolled back: {}", m.name, e.what()));
    }
    tx.Run("migration_record", m.name, checksum);
    tx.Commit();
    log::Get("pg")->info("applied migration {}", m.name);
    report.applied.push_back(m.name);
  }
  return report;
}

}  // namespace archive::pg
