#include "tools/archivectl/blobs.hpp"

#include <chrono>
#include <regex>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "common/blob/blob.hpp"
#include "common/config/config.hpp"
#include "common/events/envelope.hpp"
#include "common/pg/pg.hpp"
#include "tools/archivectl/commands.hpp"
#include "tools/archivectl/ops_common.hpp"

namespace archive::ctl {
namespace {

using Clock = std::chrono::system_clock;

// --grace as a duration ("90m", "24h", "7d"), or the configured one.
std::chrono::minutes Grace(const Args& args, const blob::GcConfig& config) {
  const auto value = args.Option("grace");
  if (!value) return config.grace;
  static const std::regex kDuration(R"(([0-9]{1,6})([mhd]))");
  std::smatch match;
  if (!std::regex_match(*value, match, kDuration) || std::stol(match[1]) == 0) {
    throw UsageError(fmt::format("--grace {}: give a positive duration such as 90m, 24h or 7d", *value));
  }
  const long n = std::stol(match[1]);
  return std::chrono::minutes(match[2] == "m" ? n : match[2] == "h" ? n * 60 : n * 60 * 24);
}

std::string Bytes(std::int64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  if (n < 1024 * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(n) / 1024);
  if (n < 1024L * 1024 * 1024) return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1024 * 1024));
  return fmt::format("{:.2f} GiB", static_cast<double>(n) / (1024.0 * 1024 * 1024));
}

// The content address a referenced URI ends with.
std::string KeyOf(const std::string& uri) {
  const auto slash = uri.rfind('/');
  return slash == std::string::npos ? uri : uri.substr(slash + 1);
}

struct Tally {
  long count = 0;
  std::int64_t bytes = 0;
  void Add(const blob::Stored& o) {
    ++count;
    bytes += o.size;
  }
  nlohmann::json Json() const { return {{"count", count}, {"bytes", bytes}}; }
};

int Gc(const Args& args, std::ostream& out) {
  args.Allow({"dry-run", "grace"});
  auto settings = config::Load();
  auto section = settings.Child("blob");
  const auto grace = Grace(args, blob::GcConfig::From(section));
  const bool dry_run = args.Flag("dry-run");
  blob::FileStore store(config::RequireEnv("ARCHIVE_BLOB_ROOT"));
  auto db = ops::Database();

  // Listed before the marks are read: a row committed after the read refers to a blob stored after the listing
  // (young), or stored again (its time moves, and Remove leaves it).
  const auto cutoff = Clock::now() - grace;
  Tally blobs, young, parts_young;
  std::vector<blob::Stored> old_blobs, old_parts;
  store.List([&](const blob::Stored& o) {
    if (o.incomplete) {
      if (o.modified <= cutoff) {
        old_parts.push_back(o);
      } else {
        parts_young.Add(o);
      }
      return;
    }
    blobs.Add(o);
    if (o.modified <= cutoff) {
      old_blobs.push_back(o);
    } else {
      young.Add(o);
    }
  });
  std::set<std::string> referenced;
  db.InTransaction([&](pg::Tx& tx) {
    const auto r = tx.Run("blob_gc_referenced");
    for (std::size_t i = 0; i < r.size(); ++i) referenced.insert(KeyOf(r.Text(i, 0)));
  });

  Tally garbage, parts, kept_referenced;
  std::vector<blob::Stored> remove;
  for (const auto& o : old_blobs) {
    if (referenced.contains(o.key)) {
      kept_referenced.Add(o);
    } else {
      garbage.Add(o);
      remove.push_back(o);
    }
  }
  for (const auto& o : old_parts) {
    parts.Add(o);
    remove.push_back(o);
  }
  const auto grace_text = fmt::format("{} min", grace.count());
  fmt::print(out, "blobs: {} stored ({}); {} referenced by the database\n", blobs.count, Bytes(blobs.bytes),
             referenced.size());
  fmt::print(out, "keep:   {} younger than {} ({}), {} old and referenced ({})\n", young.count, grace_text,
             Bytes(young.bytes), kept_referenced.count, Bytes(kept_referenced.bytes));
  fmt::print(out, "remove: {} unreferenced blobs ({}), {} stale .part files ({}){}\n", garbage.count,
             Bytes(garbage.bytes), parts.count, Bytes(parts.bytes), dry_run ? " [dry run: nothing removed]" : "");

  // The plan is audited before anything goes.
  const nlohmann::json plan{{"dry_run", dry_run},
                            {"grace_minutes", grace.count()},
                            {"cutoff", events::FormatUtcMillis(cutoff)},
                            {"stored", blobs.Json()},
                            {"referenced", referenced.size()},
                            {"young", young.Json()},
                            {"unreferenced", garbage.Json()},
                            {"parts", parts.Json()},
                            {"parts_young", parts_young.Json()}};
  db.InTransaction([&](pg::Tx& tx) {
    tx.Run("audit_record", std::nullopt, ops::Actor(), dry_run ? "blob.gc.dry_run" : "blob.gc", "blob_store", "blobs",
           std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, plan.dump());
  });
  if (dry_run) return kOk;

  Tally removed;
  long skipped = 0;
  for (const auto& o : remove) {
    if (store.Remove(o, cutoff)) {
      removed.Add(o);
    } else {
      ++skipped;  // stored again, or gone, since it was listed
    }
  }
  fmt::print(out, "removed {} objects ({}){}\n", removed.count, Bytes(removed.bytes),
             skipped ? fmt::format("; {} left: stored again or gone since listed", skipped) : "");
  return kOk;
}

}  // namespace

int Blobs(const Args& args, std::ostream& out) {
  if (args.positional().size() != 2 || args.positional()[1] != "gc") {
    throw UsageError("blobs gc [--dry-run] [--grace DURATION]");
  }
  return Gc(args, out);
}

}  // namespace archive::ctl
