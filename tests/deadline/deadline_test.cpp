#include <gtest/gtest.h>

#include "common/reminder/reminder.hpp"
#include "workers/deadline/sweeper.hpp"
#include "workers/reminder/notifier.hpp"

namespace archive {
namespace {

deadline::Config ReadDeadline(const nlohmann::json& value) {
  config::Section section(value, "deadline");
  return deadline::Config::From(section, lifecycle::Policy{});
}

TEST(DeadlineConfig, DefaultsAreTheIssueMilestones) {
  const auto c = ReadDeadline(nlohmann::json::object());
  EXPECT_EQ(c.Offsets(), (std::vector<int>{-7, -3, -1, 0, 1}));
  EXPECT_EQ(c.policy.upload_window_days, 30);
  EXPECT_EQ(c.policy.review_days, 7);
  EXPECT_EQ(c.repeat_every_days, 7);
}

TEST(DeadlineConfig, ReadsMilestonesAsDaysFromTheDeadline) {
  const auto c = ReadDeadline({{"milestones", {"T-14", "T0", "T+2"}}});
  EXPECT_EQ(c.Offsets(), (std::vector<int>{-14, 0, 2}));
}

TEST(DeadlineConfig, RefusesMalformedOrUnorderedMilestonesAndUnknownKeys) {
  EXPECT_THROW(ReadDeadline({{"milestones", {"T7"}}}), config::Error);
  EXPECT_THROW(ReadDeadline({{"milestones", {"-7"}}}), config::Error);
  EXPECT_THROW(ReadDeadline({{"milestones", {"T-1x"}}}), config::Error);
  EXPECT_THROW(ReadDeadline({{"milestones", {"T+-3"}}}), config::Error);
  EXPECT_THROW(ReadDeadline({{"milestones", {""}}}), config::Error);
  EXPECT_THROW(ReadDeadline({{"milestones", {"T+400"}}}), config::Error);
  EXPECT_THROW(ReadDeadline({{"milestones", {"T0", "T-3"}}}), config::Error);
  EXPECT_THROW(ReadDeadline({{"milestones", nlohmann::json::array()}}), config::Error);
  EXPECT_THROW(ReadDeadline({{"repeat_every_days", 0}}), config::Error);
  EXPECT_THROW(ReadDeadline({{"upload_window", 30}}), config::Error);
}

TEST(ReminderConfig, RefusesUnknownKeys) {
  config::Section section(nlohmann::json{{"escalate_after", 3}}, "reminder");
  EXPECT_THROW(reminder::Config::From(section), config::Error);
}

TEST(DigestText, ReadsLikeTheIssueExample) {
  EXPECT_EQ(reminder::DigestText({.not_uploaded = 5, .overdue = 2, .awaiting = 3}),
            "组织内有 5 名团员档案尚未上传，其中 2 名已逾期；3 名团员身份尚未认证");
}

TEST(DigestText, LeavesOutTheZeroParts) {
  EXPECT_EQ(reminder::DigestText({.not_uploaded = 4}), "组织内有 4 名团员档案尚未上传");
  EXPECT_EQ(reminder::DigestText({.awaiting = 1}), "组织内有 1 名团员身份尚未认证");
  EXPECT_EQ(reminder::DigestText({}), "组织内团员档案均已上传");
}

TEST(Banners, ShowsR7TextsWithCodesOnlyWhenSomethingIsOpen) {
  EXPECT_TRUE(reminder::Banners{}.Messages().empty());
  const auto messages = reminder::Banners{.not_uploaded = 2, .unauthenticated = 5}.Messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].code, "ARCHIVE_NOT_UPLOADED");
  EXPECT_EQ(messages[0].text, "组织内有团员档案尚未上传");
  EXPECT_EQ(messages[0].count, 2);
  EXPECT_EQ(messages[1].code, "IDENTITY_UNAUTHENTICATED");
  EXPECT_EQ(messages[1].text, "组织内有团员身份尚未认证");
  EXPECT_EQ(messages[1].count, 5);
}

}  // namespace
}  // namespace archive
