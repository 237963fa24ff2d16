#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/errors.hpp"

// PostgreSQL access for league-archive, over libpqxx (kept private to this library). SQL lives in .sql
// files under schemas/sql/queries and is addressed by name, e.g. tx.Run("inbox_claim", consumer, ids);
// each named query is prepared once per connection.
namespace archive::pg {

// The database is unreachable, or the statement hit a transient condition (connection lost, server
// shutting down, serialization failure, deadlock, too many connections). Retrying later is right.
class Unavailable : public archive::Unavailable {
 public:
  using archive::Unavailable::Unavailable;
};

// The statement failed for its own reasons (constraint violation, bad input). sqlstate says which,
// e.g. "23505" for a unique violation.
class SqlError : public std::runtime_error {
 public:
  SqlError(const std::string& what, std::string sqlstate) : std::runtime_error(what), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }
  bool IsUniqueViolation() const { return sqlstate_ == "23505"; }

 private:
  std::string sqlstate_;
};

// A parameter or a field in PostgreSQL's text form; nullopt is NULL.
using Value = std::optional<std::string>;

inline Value ToValue(std::string_view v) {
  return std::string(v);
}
inline Value ToValue(const std::string& v) {
  return v;
}
inline Value ToValue(const char* v) {
  return v == nullptr ? Value() : Value(v);
}
inline Value ToValue(std::int64_t v) {
  return std::to_string(v);
}
inline Value ToValue(int v) {
  return std::to_string(v);
}
inline Value ToValue(double v) {
  return std::to_string(v);
}
inline Value ToValue(bool v) {
  return v ? "true" : "false";
}
inline Value ToValue(std::nullopt_t) {
  return std::nullopt;
}
template <typename T>
Value ToValue(const std::optional<T>& v) {
  return v ? ToValue(*v) : Value();
}
// A text[] literal, for = ANY($n) and unnest($n). Elements are quoted and escaped.
Value ToValue(const std::vector<std::string>& array);
Value ToValue(const std::vector<std::int64_t>& array);
// An array literal with NULL elements where the values are nullopt.
Value ToValue(const std::vector<Value>& array);

// A query result, copied out of libpq. Cheap to move.
class Result {
 public:
  Result() = default;
  Result(std::vector<std::string> columns, std::vector<std::vector<Value>> rows, std::int64_t affected)
      : columns_(std::move(columns)), rows_(std::move(rows)), affected_(affected) {}

  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  std::int64_t affected() const { return affected_; }
  const std::vector<std::string>& columns() const { return columns_; }

  const Value& At(std::size_t row, std::size_t col) const { return rows_.at(row).at(col); }
  bool IsNull(std::size_t row, std::size_t col) const { return !At(row, col).has_value(); }
  // These throw std::logic_error on NULL or a value of the wrong form: the query and the code disagree.
  const std::string& Text(std::size_t row, std::size_t col) const;
  std::int64_t Int(std::size_t row, std::size_t col) const;
  bool Bool(std::size_t row, std::size_t col) const;

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<Value>> rows_;
  std::int64_t affected_ = 0;
};

// Rows for Tx::Copy in COPY's text format, built a field at a time (tab between fields, newline after a row; a
// backslash, tab, newline or carriage return in a field is escaped, and a field ends at a NUL byte, as a parameter
// does). Fields go in the order of the COPY's columns.
class CopyRows {
 public:
  void Add(std::string_view field);
  void Add(const std::string& field) { Add(std::string_view(field)); }
  void Add(const char* field) { Add(std::string_view(field)); }
  void Add(std::int64_t field);
  void Add(const Value& field);  // nullopt is NULL
  void AddNull();
  void EndRow();

  std::size_t rows() const { return rows_; }
  bool empty() const { return rows_ == 0; }
  const std::string& text() const { return text_; }

 private:
  void Separate();

  std::string text_;
  std::size_t rows_ = 0;
  bool in_row_ = false;
};

class Connection;

// One transaction on a Connection. Not thread-safe. Rolls back on destruction unless committed.
class Tx {
 public:
  ~Tx();
  Tx(Tx&&) noexcept;
  Tx& operator=(Tx&&) = delete;

  // Runs the named query of schemas/sql/queries (as a prepared statement).
  template <typename... Args>
  Result Run(std::string_view query, const Args&... args) {
    return RunValues(query, {ToValue(args)...});
  }
  Result RunValues(std::string_view query, const std::vector<Value>& values);

  // Queues a write whose result is not needed. Every row queued for one query runs as a single statement,
  // with one array per column (the query is written for that, e.g. SELECT * FROM unnest($1::text[],
  // $2::bigint[])), just before the next Run, ExecScript or Commit, in the order the queries were first
  // used. Errors surface there, so they cannot be told apart by row.
  template <typename... Args>
  void Append(std::string_view query, const Args&... args) {
    AppendValues(query, {ToValue(args)...});
  }
  void AppendValues(std::string_view query, std::vector<Value> row);

  // Runs the COPY ... FROM STDIN statement of schemas/sql/queries/<query>.sql with rows, as one statement. A row the
  // table refuses aborts the whole COPY, as it would abort an INSERT of the rows (SqlError). For PostgreSQL a
  // copied row costs less than an inserted one: no per-row expression evaluation, and the heap written in batches.
  // The file is parsed once per connection (CopyTarget; std::invalid_argument when it has another shape).
  void Copy(std::string_view query, const CopyRows& rows);

  // Runs a whole SQL text with no parameters (migrations, DDL, tests' ad-hoc checks) and returns the
  // result of its last statement. Product code takes the text from a .sql file.
  Result ExecScript(std::string_view sql);

  // Runs fn after this transaction commits, in the order added, and never when it aborts: for effects
  // outside the database that must not happen twice when the transaction is redone (a metric counted once
  // per committed effect). fn must not throw.
  void OnCommit(std::function<void()> fn);

  void Commit();
  void Abort();

 private:
  void Flush();
  Result Execute(std::string_view query, const std::vector<Value>& values);

  friend class Connection;
  struct State;
  explicit Tx(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// One database session. Not thread-safe: give each thread its own. Connects lazily and reconnects on
// the next Begin() after the connection was lost; a lost connection throws pg::Unavailable.
class Connection {
 public:
  // url: a libpq connection URI or key=value string (ARCHIVE_DB_URL). application_name names this
  // process in pg_stat_activity.
  explicit Connection(std::string url, std::string application_name = "league-archive");
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Tx Begin();
  // A Tx without BEGIN and COMMIT: each statement is a transaction of its own, committed (durably, as any
  // commit) before Run returns. It saves two round trips for a read of one statement, or for a statement that
  // reads and writes atomically by itself (a data-modifying WITH). Statements do not see one snapshot, and
  // nothing rolls back: never use it for several writes that belong together. Append'ed rows run at the next
  // Run or at Commit, as one statement.
  Tx BeginAutocommit();

  // Runs fn(tx) in a transaction and commits it; an exception rolls back and propagates.
  template <typename F>
  auto InTransaction(F&& fn) {
    return RunAndCommit(Begin(), std::forward<F>(fn));
  }

  // Runs fn(tx) on a BeginAutocommit Tx.
  template <typename F>
  auto Autocommit(F&& fn) {
    return RunAndCommit(BeginAutocommit(), std::forward<F>(fn));
  }
  // LISTENs on channel (once) and waits up to timeout for a notification on it. Returns true when one
  // arrived. Must not be called while a Tx of this connection is open.
  bool WaitForNotification(std::string_view channel, std::chrono::milliseconds timeout);

  // Takes the session-level advisory lock called name (in the current schema), held until the session
  // ends. Returns false if another session holds it.
  bool TryLock(std::string_view name);

  // Drops the session; the next Begin() reconnects.
  void Reset();

 private:
  friend class Tx;
  Tx Start(bool autocommit);
  template <typename F>
  static auto RunAndCommit(Tx tx, F&& fn) {
    if constexpr (std::is_void_v<decltype(fn(tx))>) {
      fn(tx);
      tx.Commit();
    } else {
      auto result = fn(tx);
      tx.Commit();
      return result;
    }
  }
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The text of schemas/sql/<path>, e.g. "queries/inbox_claim.sql". Aborts the process if the file is
// not embedded: that is a build mistake, not a runtime condition.
std::string_view EmbeddedSql(std::string_view path);

// Every embedded file whose path starts with prefix, in path order.
std::vector<std::pair<std::string, std::string_view>> EmbeddedSqlUnder(std::string_view prefix);

// The table part, "<table> (<columns>)", of a query file that holds "COPY <table> (<columns>) FROM STDIN" after any
// comment lines (libpqxx 6.4 writes the statement itself around it). Throws std::invalid_argument naming the
// file (query, e.g. "import_members_copy") when text has another shape.
std::string CopyTarget(std::string_view query, std::string_view text);

}  // namespace archive::pg

namespace archive::pg {

// Bytes as a bytea parameter (hex form), and a bytea field back to bytes.
Value ToBytea(std::string_view bytes);
std::string FromBytea(std::string_view text);

}  // namespace archive::pg
