#include "tools/archivectl/commands.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "common/base/crypto.hpp"
#include "common/config/config.hpp"
#include "common/events/envelope.hpp"
#include "common/kafka/kafka.hpp"
#include "common/outbox/outbox.hpp"
#include "common/pg/migrate.hpp"
#include "common/pg/pg.hpp"
#include "tools/archivectl/args.hpp"

namespace archive::ctl {
namespace {

constexpr std::string_view kUsageText = R"(usage: archivectl COMMAND [OPTIONS]

Database
  migrate                               apply the schema migrations (idempotent; refuses edited ones)
  status [--json]                       consumer lag, dead letters and outbox backlog
  selftest [--events 100] [--timeout 60]
                                        sends ledger.entry events through the outbox, the relay, Kafka and the
                                        ledger worker, and waits until each has its effect
Kafka
  topics apply FILE                     create the topics of FILE (deploy/kafka/topics.conf) that are missing
Organizations and access
  org add --code C --name N --kind K [--parent CODE]
                                        kinds: leading_body committee working_committee general_branch branch
  user add --login L --name N --role R [--org CODE] [--member ID]
                                        roles: branch_admin committee_admin member ops
  token issue --login L [--days 90] [--label TEXT]
                                        prints a bearer token once; only its SHA-256 is stored

Settings come from ARCHIVE_DB_URL and ARCHIVE_KAFKA_BROKERS (tools/devstack env prints them).
Exit codes: 0 ok, 1 failed, 2 usage, 3 database or broker unavailable.
)";

// The consumer groups of the product and the topics they read, for `status`.
const std::vector<std::pair<std::string, std::vector<std::string>>> kGroups = {
    {"prereview", {"archive.uploaded"}},
    {"import", {"import.requested"}},
    {"deadline", {"deadline.sweep-requested"}},
    {"reminder", {"archive.pre-reviewed"}},
    {"ledger", {"ledger.entry"}},
};

pg::Connection Database() {
  return pg::Connection(config::RequireEnv("ARCHIVE_DB_URL"), "archivectl");
}

kafka::Config Kafka() {
  config::Section empty(nlohmann::json::object(), "kafka");
  return kafka::Config::From(empty);
}

int Migrate(const Args& args, std::ostream& out) {
  args.Allow({});
  auto db = Database();
  const auto report = pg::Migrate(db, pg::EmbeddedMigrations());
  for (const auto& name : report.applied) fmt::print(out, "applied   {}\n", name);
  fmt::print(out, "{} applied, {} already up to date\n", report.applied.size(), report.unchanged.size());
  return kOk;
}

int Topics(const Args& args, std::ostream& out) {
  args.Allow({});
  if (args.positional().size() != 3 || args.positional()[1] != "apply") throw UsageError("topics apply FILE");
  std::ifstream in(args.positional()[2]);
  if (!in) throw UsageError("cannot read " + args.positional()[2]);
  std::stringstream text;
  text << in.rdbuf();
  const auto specs = kafka::ParseTopics(text.str());
  const auto created = kafka::EnsureTopics(Kafka(), specs);
  for (const auto& name : created) fmt::print(out, "created   {}\n", name);
  fmt::print(out, "{} topics created, {} already present\n", created.size(), specs.size() - created.size());
  return kOk;
}

int Status(const Args& args, std::ostream& out) {
  args.Allow({"json"});
  auto db = Database();
  nlohmann::json report;
  db.InTransaction([&](pg::Tx& tx) {
    const auto outbox = tx.Run("status_outbox");
    report["outbox"] = {{"backlog", outbox.Int(0, 0)}, {"oldest_seconds", outbox.Int(0, 1)}};
    report["dead_letters"] = nlohmann::json::array();
    const auto dead = tx.Run("status_dead_letters");
    for (std::size_t i = 0; i < dead.size(); ++i) {
      report["dead_letters"].push_back(
          {{"consumer", dead.Text(i, 0)}, {"code", dead.Text(i, 1)}, {"count", dead.Int(i, 2)}});
    }
  });
  report["consumers"] = nlohmann::json::array();
  const auto kafka_config = Kafka();
  for (const auto& [group, topics] : kGroups) {
    std::int64_t total = 0;
    nlohmann::json partitions = nlohmann::json::array();
    for (const auto& lag : kafka::GroupLag(kafka_config, group, topics)) {
      total += lag.lag();
      partitions.push_back({{"topic", lag.partition.topic},
                            {"partition", lag.partition.partition},
                            {"committed", lag.committed},
                            {"end", lag.end},
                            {"lag", lag.lag()}});
    }
    report["consumers"].push_back({{"group", group}, {"lag", total}, {"partitions", partitions}});
  }
  if (args.Flag("json")) {
    out << report.dump(2) << "\n";
    return kOk;
  }
  fmt::print(out, "outbox        {} waiting, oldest {} s\n", report["outbox"]["backlog"].get<long>(),
             report["outbox"]["oldest_seconds"].get<long>());
  std::int64_t dead_total = 0;
  for (const auto& d : report["dead_letters"]) dead_total += d["count"].get<long>();
  fmt::print(out, "dead letters  {}\n", dead_total);
  for (const auto& d : report["dead_letters"]) {
    fmt::print(out, "  {:<14} {:<20} {}\n", d["consumer"].get<std::string>(), d["code"].get<std::string>(),
               d["count"].get<long>());
  }
  fmt::print(out, "consumer lag\n");
  for (const auto& c : report["consumers"]) {
    fmt::print(out, "  {:<14} {}\n", c["group"].get<std::string>(), c["lag"].get<long>());
  }
  return kOk;
}

std::optional<std::int64_t> OrgId(pg::Tx& tx, const std::optional<std::string>& code) {
  if (!code) return std::nullopt;
  const auto r = tx.Run("org_by_code", *code);
  if (r.empty()) throw UsageError(fmt::format("no organization with code {}", *code));
  return r.Int(0, 0);
}

int Selftest(const Args& args, std::ostream& out) {
  args.Allow({"events", "timeout"});
  const long count = args.Number("events", 100);
  const long timeout_s = args.Number("timeout", 60);
  if (count < 1 || count > 1000000) throw UsageError("--events must be between 1 and 1000000");
  auto db = Database();
  std::vector<std::string> ids;
  const auto start = std::chrono::steady_clock::now();
  db.InTransaction([&](pg::Tx& tx) {
    const auto now = std::chrono::system_clock::now();
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    for (long seq = 0; seq < count; ++seq) {
      auto event = events::MakeEnvelope("ledger.entry", 1, "archivectl", "selftest-" + std::to_string(seq % 64),
                                        {{"seq", seq}, {"produced_at_us", now_us}}, now);
      outbox::Enqueue(tx, "ledger.entry", event);
      ids.push_back(event.id);
    }
  });
  const auto deadline = start + std::chrono::seconds(timeout_s);
  std::int64_t applied = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    applied = db.InTransaction([&](pg::Tx& tx) { return tx.Run("selftest_applied", ids).Int(0, 0); });
    if (applied == count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  if (applied != count) {
    fmt::print(out,
               "selftest: only {} of {} events applied after {} s: is the outbox-relay and ledger-worker running? "
               "See archivectl status.\n",
               applied, count, timeout_s);
    return kFailed;
  }
  fmt::print(out, "selftest: {} events went outbox -> relay -> Kafka -> ledger worker -> PostgreSQL in {} ms\n", count,
             ms);
  return kOk;
}

int Org(const Args& args, std::ostream& out) {
  args.Allow({"code", "name", "kind", "parent"});
  if (args.positional().size() != 2 || args.positional()[1] != "add")
    throw UsageError("org add --code C --name N --kind K");
  auto db = Database();
  return db.InTransaction([&](pg::Tx& tx) {
    const auto parent = args.Option("parent");
    if (parent) {
      const auto p = tx.Run("org_by_code", *parent);
      if (p.empty()) throw UsageError(fmt::format("no organization with code {}", *parent));
      if (p.Text(0, 1) == "branch")
        throw UsageError(fmt::format("{} is a 团支部 and cannot have sub-organizations", *parent));
    }
    const auto r =
        tx.Run("org_add", args.Require("code"), args.Require("name"), args.Require("kind"), OrgId(tx, parent));
    tx.Run("audit_record", std::nullopt, "archivectl", "org.create", "organization", r.Text(0, 0), std::nullopt,
           std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
    fmt::print(out, "organization {} created (id {}, path {})\n", args.Require("code"), r.Text(0, 0), r.Text(0, 1));
    return kOk;
  });
}

int User(const Args& args, std::ostream& out) {
  args.Allow({"login", "name", "role", "org", "member"});
  if (args.positional().size() != 2 || args.positional()[1] != "add")
    throw UsageError("user add --login L --name N --role R");
  auto db = Database();
  return db.InTransaction([&](pg::Tx& tx) {
    const auto member = args.Option("member");
    const auto r = tx.Run("user_add", args.Require("login"), args.Require("name"), args.Require("role"),
                          OrgId(tx, args.Option("org")), member);
    tx.Run("audit_record", std::nullopt, "archivectl", "user.create", "user", r.Text(0, 0), std::nullopt, std::nullopt,
           std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
    fmt::print(out, "user {} created (id {})\n", args.Require("login"), r.Text(0, 0));
    return kOk;
  });
}

int Token(const Args& args, std::ostream& out) {
  args.Allow({"login", "days", "label"});
  if (args.positional().size() != 2 || args.positional()[1] != "issue") throw UsageError("token issue --login L");
  const long days = args.Number("days", 90);
  if (days < 1 || days > 3650) throw UsageError("--days must be between 1 and 3650");
  auto db = Database();
  return db.InTransaction([&](pg::Tx& tx) {
    const auto user = tx.Run("user_by_login", args.Require("login"));
    if (user.empty()) throw UsageError(fmt::format("no user with login {}", args.Require("login")));
    if (user.Bool(0, 2)) throw UsageError(fmt::format("user {} is disabled", args.Require("login")));
    const std::string secret = "la_" + RandomHex(24);
    const auto r = tx.Run("token_issue", user.Int(0, 0), pg::ToBytea(Sha256Raw(secret)),
                          args.Option("label").value_or(""), static_cast<std::int64_t>(days));
    tx.Run("audit_record", user.Int(0, 0), "archivectl", "token.issue", "api_token", r.Text(0, 0), std::nullopt,
           std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
    fmt::print(out, "{}\n", secret);
    return kOk;
  });
}

}  // namespace

int Run(const std::vector<std::string>& words, std::ostream& out, std::ostream& err) {
  try {
    const Args args(words, {"json", "help", "dry-run"});
    if (args.positional().empty() || args.Flag("help")) {
      out << kUsageText;
      return args.Flag("help") ? kOk : kUsage;
    }
    const std::string& command = args.positional()[0];
    if (command == "migrate") return Migrate(args, out);
    if (command == "topics") return Topics(args, out);
    if (command == "status") return Status(args, out);
    if (command == "selftest") return Selftest(args, out);
    if (command == "org") return Org(args, out);
    if (command == "user") return User(args, out);
    if (command == "token") return Token(args, out);
    throw UsageError("unknown command " + command);
  } catch (const UsageError& e) {
    fmt::print(err, "archivectl: {}\n\n{}", e.what(), kUsageText);
    return kUsage;
  } catch (const config::Error& e) {
    fmt::print(err, "archivectl: {}\n", e.what());
    return kUsage;
  } catch (const archive::Unavailable& e) {
    fmt::print(err, "archivectl: {}\n", e.what());
    return kUnavailable;
  } catch (const pg::MigrationError& e) {
    fmt::print(err, "archivectl: {}\n", e.what());
    return kFailed;
  } catch (const pg::SqlError& e) {
    fmt::print(err, "archivectl: the database refused the change: {}\n", e.what());
    return kFailed;
  }
}

}  // namespace archive::ctl
