#include "tools/archivectl/commands.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "common/base/clock.hpp"
#include "common/base/crypto.hpp"
#include "common/blob/blob.hpp"
#include "common/config/config.hpp"
#include "common/events/envelope.hpp"
#include "common/kafka/kafka.hpp"
#include "common/member/template.hpp"
#include "common/member/workbooks.hpp"
#include "common/outbox/outbox.hpp"
#include "common/pg/migrate.hpp"
#include "common/pg/pg.hpp"
#include "common/sheet/sheet.hpp"
#include "tools/archivectl/args.hpp"
#include "tools/archivectl/blobs.hpp"
#include "tools/archivectl/ops.hpp"
#include "tools/archivectl/prereview.hpp"
#include "tools/archivectl/sweep.hpp"
#include "workers/import/importer.hpp"

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
Batch import of members (R11)
  template [--out FILE]                 write the member import template (.xlsx)
  import FILE --org CODE [--dry-run] [--json] [--queue]
                                        import a template file into an organization and print the result; with
                                        --queue the import worker does it (import.requested), as for an upload
  import replay BATCH                   queue a batch that failed again (import.requested through the outbox)
Deadlines and reminders (R3, R7)
  sweep [--as-of TIME] [--by NAME] [--reason TEXT] [--wait SECONDS]
                                        ask the deadline worker for a sweep (deadline.sweep-requested)
  digest --org CODE [--day YYYY-MM-DD] [--wait SECONDS]
                                        the R7 banners and the reminder digest of an organization
Pre-review of an 《入团志愿书》 PDF (R2, R9)
  prereview check FILE --number N --name NAME [--admission-year Y] [--evidence DIR] [--json]
                                        run the sandboxed checks on a local file (no database); exit 1 on FAIL
  prereview rerun --member ID | --since TIME [--reason TEXT] [--dry-run]
                                        pre-review again the current versions awaiting a decision
Operations (docs/runbook.md)
  dlq list [FILTERS] [--status DEAD|REPLAYED|RESOLVED|all] [--limit 100] [--json]
                                        dead letters; FILTERS: --topic T --code C --consumer G --member ID
                                        --batch ID --since TIME --until TIME (TIME: 2026-11-27T08:00Z or 24h, 7d)
  dlq show ID [--json]                  the error, the attempts and the original event
  dlq replay [ID...|FILTERS] [--dry-run] [--max-replays 3] [--reason TEXT]
                                        re-publish to the original topic, once; --dry-run prints the reasons
  batch list [--status S] [--org CODE] [--since TIME] [--limit 50] [--json]
  batch show BATCH [--json]             import batch progress, result and dead letters
  batch replay BATCH                    queue the batch again (the same as import replay)
  trace --member ID [--json]            where is my upload? everything about one member, in time order
  blobs gc [--dry-run] [--grace 24h]    remove the blobs no row refers to and the stale .part files older than
                                        the grace period (blob.gc_grace_hours); prints and audits the plan
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
    {"prereview", {"archive.uploaded", "prereview.requested"}},
    {"import", {"import.requested"}},
    {"deadline", {"deadline.sweep-requested"}},
    {"reminder", {"deadline.swept"}},
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

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read " + path);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

int Template(const Args& args, std::ostream& out) {
  args.Allow({"out"});
  const std::string path = args.Option("out").value_or("团员导入模板.xlsx");
  const std::string bytes = member::WriteTemplate(member::BuiltinMemberTemplate());
  std::ofstream file(path, std::ios::binary);
  file << bytes;
  if (!file) throw UsageError("cannot write " + path);
  fmt::print(out, "template written to {} ({} bytes)\n", path, bytes.size());
  return kOk;
}

nlohmann::json ResultJson(const import::Result& r) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : r.rows) {
    rows.push_back({{"row", row.row_number},
                    {"outcome", row.imported ? "IMPORTED" : "FAILED"},
                    {"codes", row.codes},
                    {"reasons", row.reasons}});
  }
  nlohmann::json needs = nlohmann::json::array();
  for (const auto& n : r.needs_upload) {
    needs.push_back({{"member_id", n.member_id},
                     {"row", n.row_number},
                     {"name", n.name},
                     {"id_card", n.id_card_masked},
                     {"deadline", n.deadline}});
  }
  return {{"batch_id", r.batch_id},
          {"status", r.status},
          {"summary", r.Summary()},
          {"dry_run", r.dry_run},
          {"total", r.total},
          {"imported", r.imported},
          {"failed", r.failed},
          {"report_uri", r.report_uri ? nlohmann::json(*r.report_uri) : nlohmann::json()},
          {"error_code", r.error_code ? nlohmann::json(*r.error_code) : nlohmann::json()},
          {"rows", rows},
          {"needs_upload", needs}};
}

int ImportReplay(const std::string& batch_id, std::ostream& out) {
  auto db = Database();
  return db.InTransaction([&](pg::Tx& tx) {
    const auto batch = tx.Run("import_batch_requeue", batch_id);
    if (batch.empty())
      throw UsageError(fmt::format("no batch {} that can be replayed (it does not exist or is DONE)", batch_id));
    nlohmann::json payload = {
        {"batch_id", batch_id},
        {"org_id", batch.Int(0, 0)},
        {"blob", {{"uri", batch.Text(0, 2)}, {"sha256", batch.Text(0, 3)}, {"size", batch.Int(0, 4)}}},
        {"filename", batch.Text(0, 5)},
        {"format", batch.Text(0, 6)},
        {"dry_run", batch.Bool(0, 7)}};
    if (!batch.IsNull(0, 1)) payload["requested_by"] = batch.Int(0, 1);
    outbox::Enqueue(
        tx, "import.requested",
        events::MakeEnvelope("import.requested", 1, "archivectl", batch_id, payload, std::chrono::system_clock::now()));
    tx.Run("audit_record", std::nullopt, "archivectl", "import.replay", "import_batch", batch_id, std::nullopt,
           std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
    fmt::print(out, "batch {} queued again\n", batch_id);
    return kOk;
  });
}

// Hands the batch to the import worker, as an upload through the API does, and follows its progress.
int ImportQueued(const std::string& batch_id, std::int64_t org_id, const blob::BlobRef& ref,
                 const std::string& filename, const std::string& format, bool dry_run, std::ostream& out) {
  auto db = Database();
  const std::string event_id = db.InTransaction([&](pg::Tx& tx) {
    const nlohmann::json payload = {{"batch_id", batch_id},
                                    {"org_id", org_id},
                                    {"blob", {{"uri", ref.uri}, {"sha256", ref.sha256}, {"size", ref.size}}},
                                    {"filename", filename},
                                    {"format", format},
                                    {"dry_run", dry_run}};
    const auto event =
        events::MakeEnvelope("import.requested", 1, "archivectl", batch_id, payload, std::chrono::system_clock::now());
    outbox::Enqueue(tx, "import.requested", event);
    return event.id;
  });
  fmt::print(out, "batch {} queued for the import worker\n", batch_id);
  out.flush();
  const bool tty = ::isatty(STDOUT_FILENO) != 0;
  for (int waited = 0; waited < 600 * 10; ++waited) {
    const auto s = db.InTransaction([&](pg::Tx& tx) { return tx.Run("import_batch_status", batch_id); });
    const std::string status = s.Text(0, 0);
    const auto dead = db.InTransaction([&](pg::Tx& tx) { return tx.Run("failed_job_by_event", event_id); });
    if (!dead.empty()) {
      fmt::print(out, "the import worker refused the request ({}): {}\n", dead.Text(0, 0), dead.Text(0, 1));
      return kFailed;
    }
    if (tty && status == "RUNNING")
      fmt::print(out, "\r{} / {} rows", s.IsNull(0, 2) ? 0 : s.Int(0, 2), s.IsNull(0, 1) ? 0 : s.Int(0, 1));
    if (status == "DONE" || status == "FAILED") {
      if (tty) fmt::print(out, "\r");
      if (status == "FAILED") {
        fmt::print(out, "导入失败：{}（{}）\n", s.Text(0, 7), s.Text(0, 6));
        return kFailed;
      }
      fmt::print(out, "{}\n",
                 s.Bool(0, 8)
                     ? fmt::format("检查完成（未导入）：{} 位团员可以导入，{} 位团员有错误", s.Int(0, 3), s.Int(0, 4))
                     : fmt::format("成功导入 {} 位团员，{} 位团员导入失败", s.Int(0, 3), s.Int(0, 4)));
      const auto failed = db.InTransaction([&](pg::Tx& tx) { return tx.Run("import_failed_rows", batch_id); });
      for (std::size_t i = 0; i < failed.size(); ++i)
        fmt::print(out, "  第 {} 行：{}\n", failed.Text(i, 0), failed.Text(i, 2));
      if (!s.IsNull(0, 5)) fmt::print(out, "失败报告：{}\n", s.Text(0, 5));
      return kOk;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  fmt::print(out, "batch {} is still waiting after 10 minutes: is the import-worker running? See archivectl status.\n",
             batch_id);
  return kFailed;
}

int Import(const Args& args, std::ostream& out) {
  args.Allow({"org", "dry-run", "json", "queue"});
  if (args.positional().size() == 3 && args.positional()[1] == "replay") return ImportReplay(args.positional()[2], out);
  if (args.positional().size() != 2) throw UsageError("import FILE --org CODE [--dry-run] [--json]");
  const std::string path = args.positional()[1];
  const std::string bytes = ReadFile(path);
  blob::FileStore blobs(config::RequireEnv("ARCHIVE_BLOB_ROOT"));
  const blob::BlobRef ref = blobs.Put(bytes);
  const auto sniffed = sheet::Sniff(std::string_view(bytes).substr(0, 4096));
  const std::string format = !sniffed                          ? "xlsx"
                             : *sniffed == sheet::Format::kXls ? "xls"
                             : *sniffed == sheet::Format::kCsv ? "csv"
                                                               : "xlsx";
  const std::string batch_id = RandomUuid();
  const std::string filename = std::filesystem::path(path).filename().string();
  auto db = Database();
  const std::int64_t org_id = db.InTransaction([&](pg::Tx& tx) {
    const auto org = tx.Run("org_by_code", args.Require("org"));
    if (org.empty()) throw UsageError(fmt::format("no organization with code {}", args.Require("org")));
    tx.Run("import_batch_create", batch_id, org.Int(0, 0), std::nullopt, filename, format, ref.uri, ref.sha256,
           ref.size, args.Flag("dry-run"));
    return org.Int(0, 0);
  });
  if (args.Flag("queue")) return ImportQueued(batch_id, org_id, ref, filename, format, args.Flag("dry-run"), out);
  const auto layout = member::BuiltinMemberTemplate();
  import::SandboxedParser parser(import::SandboxProgramBesideSelf("import-sandbox"), sandbox::Limits{}, 1);
  SystemClock clock;
  // The same settings as the import worker's: ARCHIVE_CONFIG's "import" and "policy" sections.
  auto settings = config::Load();
  auto import_section = settings.Child("import");
  import::Importer importer(import::Config::From(import_section, lifecycle::Policy::FromSettings(settings)), layout,
                            parser, blobs, clock);
  const import::Result result = db.InTransaction([&](pg::Tx& tx) { return importer.Run(tx, batch_id, nullptr); });
  if (args.Flag("json")) {
    out << ResultJson(result).dump(2) << "\n";
  } else {
    fmt::print(out, "{}\n", result.Summary());
    for (const auto& row : result.rows) {
      if (row.imported) continue;
      fmt::print(out, "  第 {} 行：{}\n", row.row_number, fmt::join(row.reasons, "；"));
    }
    if (result.report_uri) fmt::print(out, "失败报告：{}\n", *result.report_uri);
    if (!result.needs_upload.empty()) {
      fmt::print(out, "需要上传电子档案的新发展团员（R11）：{} 位\n", result.needs_upload.size());
      for (const auto& n : result.needs_upload)
        fmt::print(out, "  {} {} 截止 {}\n", n.name, n.id_card_masked, n.deadline);
    }
  }
  return result.status == "DONE" ? kOk : kFailed;
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
    const Args args(words, {"json", "help", "dry-run", "queue"});
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
    if (command == "template") return Template(args, out);
    if (command == "import") return Import(args, out);
    if (command == "user") return User(args, out);
    if (command == "token") return Token(args, out);
    if (command == "sweep") return Sweep(args, out);
    if (command == "digest") return Digest(args, out);
    if (command == "prereview" && args.positional().size() > 1 && args.positional()[1] == "rerun")
      return PrereviewRerun(args, out, err);
    if (command == "prereview") return Prereview(args, out);
    if (command == "dlq") return Dlq(args, out, err);
    if (command == "batch") return Batch(args, out, err);
    if (command == "trace") return Trace(args, out, err);
    if (command == "blobs") return Blobs(args, out);
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
