#include "common/pg/pg.hpp"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <map>
#include <set>

#include <fmt/format.h>
#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include "common/log/log.hpp"

namespace archive::embedded {
const std::map<std::string, std::string_view, std::less<>>& Sql();
}

namespace archive::pg {
namespace {

bool IsTransientState(const std::string& state) {
  return state.rfind("08", 0) == 0                                    // connection exception
         || state.rfind("53", 0) == 0                                 // insufficient resources
         || state == "57P01" || state == "57P02" || state == "57P03"  // shutdown, crash, cannot connect now
         || state == "40001" || state == "40P01";                     // serialization failure, deadlock
}

std::string QuoteArrayElement(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

Result Convert(const pqxx::result& r) {
  std::vector<std::string> columns;
  for (pqxx::row::size_type c = 0; c < r.columns(); ++c) columns.emplace_back(r.column_name(c));
  std::vector<std::vector<Value>> rows;
  rows.reserve(r.size());
  for (const auto& row : r) {
    auto& out = rows.emplace_back();
    out.reserve(row.size());
    for (const auto& field : row) {
      out.push_back(field.is_null() ? Value() : Value(std::string(field.c_str(), field.size())));
    }
  }
  return Result(std::move(columns), std::move(rows), static_cast<std::int64_t>(r.affected_rows()));
}

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, const std::string& channel) : pqxx::notification_receiver(c, channel) {}
  void operator()(const std::string&, int) override { notified = true; }
  bool notified = false;
};

}  // namespace

struct Connection::Impl {
  std::string url;
  std::string application_name;
  std::unique_ptr<pqxx::connection> conn;
  std::set<std::string, std::less<>> prepared;
  std::map<std::string, std::string, std::less<>> copy_targets;  // by query name; they outlive a reconnect
  std::unique_ptr<Receiver> receiver;
  std::string listening;

  // Translates the exception in flight into Unavailable or SqlError; drops a lost connection.
  [[noreturn]] void Rethrow() {
    try {
      throw;
    } catch (const pqxx::broken_connection& e) {
      Drop();
      throw Unavailable(fmt::format("PostgreSQL connection lost: {}", e.what()));
    } catch (const pqxx::in_doubt_error& e) {
      Drop();
      throw Unavailable(fmt::format("PostgreSQL commit outcome unknown: {}", e.what()));
    } catch (const pqxx::sql_error& e) {
      if (IsTransientState(e.sqlstate())) {
        if (conn != nullptr && !conn->is_open()) Drop();
        throw Unavailable(fmt::format("PostgreSQL transient error {}: {}", e.sqlstate(), e.what()));
      }
      throw SqlError(e.what(), e.sqlstate());
    }
  }

  void Drop() {
    receiver.reset();
    conn.reset();
    prepared.clear();
    listening.clear();
  }

  pqxx::connection& Open() {
    if (conn != nullptr && conn->is_open()) return *conn;
    Drop();
    const char* sep = url.find("://") != std::string::npos ? (url.find('?') != std::string::npos ? "&" : "?") : " ";
    try {
      conn = std::make_unique<pqxx::connection>(url + sep + "application_name=" + application_name);
    } catch (const pqxx::broken_connection& e) {
      throw Unavailable(
          fmt::format("cannot connect to PostgreSQL (check ARCHIVE_DB_URL and that the server runs): {}", e.what()));
    }
    return *conn;
  }
};

struct Tx::State {
  Connection::Impl* owner;
  std::unique_ptr<pqxx::transaction_base> work;  // pqxx::work, or pqxx::nontransaction for BeginAutocommit
  std::vector<std::pair<std::string, std::vector<std::vector<Value>>>> appended;
  std::vector<std::function<void()>> on_commit;
};

Tx::Tx(std::unique_ptr<State> state) : state_(std::move(state)) {}
Tx::Tx(Tx&&) noexcept = default;

Tx::~Tx() {
  if (state_ != nullptr && state_->work != nullptr) {
    try {
      state_->work->abort();
    } catch (...) {
      // The connection is gone; the server rolls the transaction back by itself.
    }
  }
}

Result Tx::RunValues(std::string_view query, const std::vector<Value>& values) {
  Flush();
  return Execute(query, values);
}

void Tx::AppendValues(std::string_view query, std::vector<Value> row) {
  auto& appended = state_->appended;
  auto it = std::find_if(appended.begin(), appended.end(), [&](const auto& q) { return q.first == query; });
  if (it == appended.end()) it = appended.insert(appended.end(), {std::string(query), {}});
  it->second.push_back(std::move(row));
}

void Tx::Flush() {
  auto appended = std::exchange(state_->appended, {});
  for (const auto& [query, rows] : appended) {
    std::vector<Value> columns;
    for (std::size_t c = 0; c < rows.front().size(); ++c) {
      std::vector<Value> column;
      column.reserve(rows.size());
      for (const auto& row : rows) column.push_back(row.at(c));
      columns.push_back(ToValue(column));
    }
    Execute(query, columns);
  }
}

Result Tx::Execute(std::string_view query, const std::vector<Value>& values) {
  auto& impl = *state_->owner;
  try {
    if (impl.prepared.find(query) == impl.prepared.end()) {
      const std::string name(query);
      impl.conn->prepare(name, std::string(EmbeddedSql(fmt::format("queries/{}.sql", query))));
      impl.prepared.insert(name);
    }
    std::vector<const char*> params;
    params.reserve(values.size());
    for (const auto& v : values) params.push_back(v ? v->c_str() : nullptr);
    return Convert(state_->work->exec_prepared(std::string(query), pqxx::prepare::make_dynamic_params(params)));
  } catch (const pqxx::failure&) {
    impl.Rethrow();
  }
}

void Tx::Copy(std::string_view query, const CopyRows& rows) {
  Flush();
  if (rows.empty()) return;
  auto& targets = state_->owner->copy_targets;
  auto found = targets.find(query);
  if (found == targets.end()) {
    found = targets.emplace(query, CopyTarget(query, EmbeddedSql(fmt::format("queries/{}.sql", query)))).first;
  }
  const std::string& target = found->second;
  try {
    // tablewriter is deprecated in libpqxx 6.4, but it is the one class there that takes COPY text as it is:
    // stream_to escapes each field itself, every byte of a UTF-8 name as an octal escape.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    pqxx::tablewriter writer(*state_->work, target);
#pragma GCC diagnostic pop
    writer.write_raw_line(rows.text());
    writer.complete();
  } catch (const pqxx::failure&) {
    state_->owner->Rethrow();
  }
}

Result Tx::ExecScript(std::string_view sql) {
  Flush();
  try {
    return Convert(state_->work->exec(std::string(sql)));
  } catch (const pqxx::failure&) {
    state_->owner->Rethrow();
  }
}

void Tx::Commit() {
  // Taken first, so that a failure anywhere below (a queued write, the commit itself) drops them.
  const auto on_commit = std::move(state_->on_commit);
  state_->on_commit.clear();
  Flush();
  try {
    state_->work->commit();
    state_->work.reset();
  } catch (const pqxx::failure&) {
    state_->work.reset();
    state_->owner->Rethrow();
  }
  for (const auto& fn : on_commit) fn();
}

void Tx::OnCommit(std::function<void()> fn) {
  state_->on_commit.push_back(std::move(fn));
}

void Tx::Abort() {
  state_->appended.clear();
  state_->on_commit.clear();
  if (state_->work == nullptr) return;
  try {
    state_->work->abort();
  } catch (const pqxx::failure&) {
    state_->owner->Drop();
  }
  state_->work.reset();
}

Connection::Connection(std::string url, std::string application_name) : impl_(std::make_unique<Impl>()) {
  impl_->url = std::move(url);
  impl_->application_name = std::move(application_name);
}

Connection::~Connection() = default;

Tx Connection::Start(bool autocommit) {
  auto& conn = impl_->Open();
  try {
    auto state = std::make_unique<Tx::State>();
    state->owner = impl_.get();
    if (autocommit) {
      state->work = std::make_unique<pqxx::nontransaction>(conn);
    } else {
      state->work = std::make_unique<pqxx::work>(conn);
    }
    return Tx(std::move(state));
  } catch (const pqxx::failure&) {
    impl_->Rethrow();
  }
}

Tx Connection::Begin() {
  return Start(false);
}

Tx Connection::BeginAutocommit() {
  return Start(true);
}

bool Connection::WaitForNotification(std::string_view channel, std::chrono::milliseconds timeout) {
  auto& conn = impl_->Open();
  try {
    if (impl_->listening != channel) {
      impl_->receiver = std::make_unique<Receiver>(conn, std::string(channel));
      impl_->listening = std::string(channel);
    }
    impl_->receiver->notified = false;
    if (conn.get_notifs() == 0) {
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
      conn.await_notification(us / 1000000, us % 1000000);
    }
    return impl_->receiver->notified;
  } catch (const pqxx::failure&) {
    impl_->Rethrow();
  }
}

bool Connection::TryLock(std::string_view name) {
  return InTransaction([&](Tx& tx) { return tx.Run("advisory_try_lock", name).Bool(0, 0); });
}

void Connection::Reset() {
  impl_->Drop();
}

const std::string& Result::Text(std::size_t row, std::size_t col) const {
  const auto& v = At(row, col);
  if (!v) throw std::logic_error(fmt::format("column {} is NULL where the code expects a value", columns_.at(col)));
  return *v;
}

std::int64_t Result::Int(std::size_t row, std::size_t col) const {
  const auto& text = Text(row, col);
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0') {
    throw std::logic_error(fmt::format("column {} is not an integer", columns_.at(col)));
  }
  return v;
}

bool Result::Bool(std::size_t row, std::size_t col) const {
  return Text(row, col) == "t";
}

void CopyRows::Separate() {
  if (in_row_) text_.push_back('\t');
  in_row_ = true;
}

void CopyRows::Add(std::string_view field) {
  Separate();
  field = field.substr(0, field.find('\0'));  // PostgreSQL text holds no NUL; a parameter ends there too
  for (;;) {
    const auto special = field.find_first_of("\\\t\n\r");
    text_.append(field.substr(0, special));
    if (special == std::string_view::npos) return;
    text_.push_back('\\');
    const char c = field[special];
    text_.push_back(c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\');
    field.remove_prefix(special + 1);
  }
}

void CopyRows::Add(std::int64_t field) {
  Separate();
  fmt::format_to(std::back_inserter(text_), "{}", field);
}

void CopyRows::Add(const Value& field) {
  if (field)
    Add(std::string_view(*field));
  else
    AddNull();
}

void CopyRows::AddNull() {
  Separate();
  text_ += "\\N";
}

void CopyRows::EndRow() {
  text_.push_back('\n');
  in_row_ = false;
  ++rows_;
}

Value ToValue(const std::vector<std::string>& array) {
  std::string out = "{";
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += QuoteArrayElement(array[i]);
  }
  out.push_back('}');
  return out;
}

Value ToValue(const std::vector<Value>& array) {
  std::string out = "{";
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += array[i] ? QuoteArrayElement(*array[i]) : "NULL";
  }
  out.push_back('}');
  return out;
}

Value ToValue(const std::vector<std::int64_t>& array) {
  return fmt::format("{{{}}}", fmt::join(array, ","));
}

std::string_view EmbeddedSql(std::string_view path) {
  const auto& files = embedded::Sql();
  const auto it = files.find(path);
  if (it == files.end()) {
    log::Get("pg")->critical("schemas/sql/{} is not embedded in this binary: rebuild after adding it", path);
    std::abort();
  }
  return it->second;
}

std::string CopyTarget(std::string_view query, std::string_view text) {
  while (text.substr(0, 2) == "--") {
    const auto end = text.find('\n');
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  while (!text.empty() && std::string_view(" \t\n;").find(text.back()) != std::string_view::npos) text.remove_suffix(1);
  constexpr std::string_view kCopy = "COPY ", kFromStdin = " FROM STDIN";
  if (text.size() <= kCopy.size() + kFromStdin.size() || text.substr(0, kCopy.size()) != kCopy ||
      text.substr(text.size() - kFromStdin.size()) != kFromStdin) {
    throw std::invalid_argument(fmt::format(
        "schemas/sql/queries/{}.sql is not one \"COPY <table> (<columns>) FROM STDIN\" statement after its comment "
        "lines, as pg::Tx::Copy needs",
        query));
  }
  return std::string(text.substr(kCopy.size(), text.size() - kCopy.size() - kFromStdin.size()));
}

std::vector<std::pair<std::string, std::string_view>> EmbeddedSqlUnder(std::string_view prefix) {
  std::vector<std::pair<std::string, std::string_view>> out;
  for (const auto& [path, text] : embedded::Sql()) {
    if (path.rfind(prefix, 0) == 0) out.emplace_back(path, text);
  }
  return out;
}

}  // namespace archive::pg

namespace archive::pg {

Value ToBytea(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + 2 * bytes.size());
  for (const unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

std::string FromBytea(std::string_view text) {
  if (text.rfind("\\x", 0) != 0) throw std::logic_error("bytea field is not in hex form (bytea_output must be hex)");
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string out;
  out.reserve((text.size() - 2) / 2);
  for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(text[i]) << 4 | nibble(text[i + 1])));
  }
  return out;
}

}  // namespace archive::pg
