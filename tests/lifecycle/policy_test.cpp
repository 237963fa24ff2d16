#include <gtest/gtest.h>

#include "common/lifecycle/policy.hpp"

namespace archive::lifecycle {
namespace {

using member::Date;
using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

Date D(int y, unsigned m, unsigned d) {
  return Date{year{y}, month{m}, day{d}};
}

class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimePoint at) : at_(at) {}
  TimePoint Now() const override { return at_; }

 private:
  TimePoint at_;
};

Policy Read(const nlohmann::json& value) {
  config::Section section(value, "policy");
  return Policy::From(section);
}

TEST(Policy, DefaultsFollowTheGuide) {
  const auto p = Read(nlohmann::json::object());
  EXPECT_EQ(p.e_archive_required_from, D(2020, 1, 1));
  EXPECT_EQ(p.max_archive_bytes, 20L * 1024 * 1024);
  EXPECT_EQ(p.upload_window_days, 30);
  EXPECT_EQ(p.time_zone, "Asia/Shanghai");
}

TEST(Policy, TheDeadlineIsTheAdmissionDatePlusTheWindowAndNoneBeforeR1) {
  const auto p = Read({{"upload_window_days", 45}, {"e_archive_required_from", "2021-03-01"}});
  EXPECT_EQ(p.Deadline(D(2024, 12, 20)), D(2025, 2, 3));
  EXPECT_EQ(p.Deadline(D(2021, 3, 1)), D(2021, 4, 15));
  EXPECT_FALSE(p.Deadline(D(2021, 2, 28)).has_value());
  EXPECT_EQ(p.InitialStatus(D(2021, 2, 28)), ArchiveStatus::kExempt);
  EXPECT_EQ(p.InitialStatus(D(2021, 3, 1)), ArchiveStatus::kNotUploaded);
}

TEST(Policy, TodayIsTheCalendarDayOfTheConfiguredZone) {
  // 2026-12-07 17:30 UTC is already 2026-12-08 in Shanghai, and still 2026-12-07 in London.
  const FixedClock clock(std::chrono::sys_days(D(2026, 12, 7)) + std::chrono::hours(17) + std::chrono::minutes(30));
  EXPECT_EQ(Read(nlohmann::json::object()).Today(clock), D(2026, 12, 8));
  EXPECT_EQ(Read({{"time_zone", "Europe/London"}}).Today(clock), D(2026, 12, 7));
  EXPECT_EQ(Policy{}.Today(clock), D(2026, 12, 8));
}

TEST(Policy, RefusesMistakesWithTheKeyName) {
  for (const auto& bad : {nlohmann::json{{"time_zone", "Mars/Olympus"}}, nlohmann::json{{"upload_window_days", -1}},
                          nlohmann::json{{"e_archive_required_from", "2020/01/01"}},
                          nlohmann::json{{"max_archive_bytes", 0}}, nlohmann::json{{"start_date", "2020-01-01"}}}) {
    try {
      Read(bad);
      ADD_FAILURE() << "accepted " << bad.dump();
    } catch (const config::Error& e) {
      EXPECT_NE(std::string(e.what()).find("policy"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace archive::lifecycle
