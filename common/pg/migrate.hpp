#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/pg/pg.hpp"

namespace archive::pg {

// An applied migration whose file was edited afterwards, or a migration that failed to apply.
class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Migration {
  std::string name;  // e.g. "0001_schema_v1.sql"; applied in name order
  std::string_view sql;
};

struct MigrationReport {
  std::vector<std::string> applied;
  std::vector<std::string> unchanged;
};

// The migrations embedded from schemas/sql/migrations.
std::vector<Migration> EmbeddedMigrations();

// Applies each migration not yet recorded in schema_migrations of the connection's current schema,
// each in its own transaction under an advisory lock, recording its SHA-256. A recorded migration
// whose checksum differs is refused with MigrationError before anything else runs. Idempotent.
MigrationReport Migrate(Connection& db, const std::vector<Migration>& migrations);

}  // namespace archive::pg
