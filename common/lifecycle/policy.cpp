#include "common/lifecycle/policy.hpp"

#include <date/tz.h>
#include <fmt/format.h>

namespace archive::lifecycle {

Policy Policy::From(config::Section& section) {
  Policy p;
  std::string required_from = member::FormatDate(p.e_archive_required_from);
  long max_bytes = p.max_archive_bytes;
  section.Read("e_archive_required_from", required_from);
  section.Read("max_archive_bytes", max_bytes);
  section.Read("upload_window_days", p.upload_window_days);
  section.Read("review_days", p.review_days);
  section.Read("time_zone", p.time_zone);
  section.Read("registered_elsewhere_per_day", p.registered_elsewhere_per_day);
  section.RejectUnknown();
  const auto date = member::ParseIsoDate(required_from);
  if (!date) {
    throw config::Error(fmt::format("{}.e_archive_required_from: \"{}\" is not a date; write YYYY-MM-DD",
                                    section.path(), required_from));
  }
  p.e_archive_required_from = *date;
  p.max_archive_bytes = max_bytes;
  if (p.max_archive_bytes < 1) throw config::Error(section.path() + ".max_archive_bytes must be positive");
  if (p.upload_window_days < 0 || p.review_days < 0) {
    throw config::Error(section.path() + ".upload_window_days and .review_days must not be negative");
  }
  if (p.registered_elsewhere_per_day < 1) {
    throw config::Error(section.path() + ".registered_elsewhere_per_day must be positive");
  }
  try {
    p.zone_ = date::locate_zone(p.time_zone);
  } catch (const std::exception& e) {
    throw config::Error(fmt::format("{}.time_zone: \"{}\" is not a time zone of the system's tz database ({})",
                                    section.path(), p.time_zone, e.what()));
  }
  return p;
}

Policy Policy::FromSettings(config::Section& settings) {
  auto section = settings.Child("policy");
  return From(section);
}

member::Date Policy::Today(const Clock& clock) const {
  const auto* zone = zone_ != nullptr ? zone_ : date::locate_zone(time_zone);
  const auto local = zone->to_local(clock.Now());
  return member::Date{std::chrono::sys_days(std::chrono::floor<std::chrono::days>(local.time_since_epoch()))};
}

bool Policy::NeedsArchive(const member::Date& joined_on) const {
  return joined_on >= e_archive_required_from;
}

std::optional<member::Date> Policy::Deadline(const member::Date& joined_on) const {
  if (!NeedsArchive(joined_on)) return std::nullopt;
  return member::Date{std::chrono::sys_days(joined_on) + std::chrono::days(upload_window_days)};
}

ArchiveStatus Policy::InitialStatus(const member::Date& joined_on) const {
  return NeedsArchive(joined_on) ? ArchiveStatus::kNotUploaded : ArchiveStatus::kExempt;
}

}  // namespace archive::lifecycle
