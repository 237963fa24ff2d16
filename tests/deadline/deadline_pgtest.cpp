#include <gtest/gtest.h>

#include <cstdio>

#include <fmt/format.h>

#include "common/events/builtin.hpp"
#include "common/lifecycle/policy.hpp"
#include "common/member/date.hpp"
#include "common/reminder/reminder.hpp"
#include "common/testing/testing.hpp"
#include "workers/deadline/handler.hpp"
#include "workers/reminder/handler.hpp"
#include "workers/reminder/notifier.hpp"

namespace archive {
namespace {

using testing::QueryInt;

// 09:00 in Beijing on day (YYYY-MM-DD): when the daily sweep runs.
Clock::TimePoint Morning(const std::string& day) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  std::sscanf(day.c_str(), "%d-%u-%u", &y, &m, &d);
  return std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d)) +
         std::chrono::hours(1);
}

// Organizations: 省 (1) > 市 (2) > 学校团委 (3) > 高一(1)班 (4), 高一(2)班 (5).
class DeadlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.InTransaction([&](pg::Tx& tx) {
      tx.ExecScript(
          "INSERT INTO organizations (id, code, name, kind, parent_id, path) VALUES"
          " (1, 'PROV', '示例省团委', 'leading_body', NULL, '1'),"
          " (2, 'CITY', '示例市团委', 'committee', 1, '1.2'),"
          " (3, 'SCHOOL', '示例中学团委', 'committee', 2, '1.2.3'),"
          " (4, 'B1', '高一(1)班团支部', 'branch', 3, '1.2.3.4'),"
          " (5, 'B2', '高一(2)班团支部', 'branch', 3, '1.2.3.5');"
          "INSERT INTO users (id, login, display_name, role, org_id) VALUES (1, 'b1', '支部书记', 'branch_admin', 4);");
    });
  }

  // A member as the API and the import write one: the deadline is policy_.Deadline(joined_on), NULL when exempt.
  std::int64_t AddMember(std::int64_t org, const std::string& joined_on, const std::string& status,
                         const std::string& name = "团员") {
    const std::string id_card = testing::MakeIdCard("2008" + std::string("0101"), fmt::format("{:03}", ++seq_));
    const auto deadline = policy_.Deadline(*member::ParseIsoDate(joined_on));
    return QueryInt(db_, fmt::format("INSERT INTO members (org_id, name, id_card, joined_on, archive_status, "
                                     "upload_deadline) VALUES ({}, '{}', '{}', '{}', '{}', {}) RETURNING id",
                                     org, name, id_card, joined_on, status,
                                     deadline ? "'" + member::FormatDate(*deadline) + "'" : "NULL"));
  }

  // A branch upload of member id that is pending since `since` (and has verdict, when given).
  void Upload(std::int64_t member, const std::string& since, const std::string& verdict = "") {
    db_.InTransaction([&](pg::Tx& tx) {
      tx.ExecScript(fmt::format(
          "WITH v AS (INSERT INTO archive_versions (member_id, version_no, blob_uri, sha256, size_bytes, uploaded_by,"
          " uploader_org_id, uploader_kind, uploaded_at, verdict) SELECT {0}, coalesce(max(version_no), 0) + 1, "
          "'file:///x', repeat('a', 64), 1, 1, 4, 'branch', '{1}', {2} FROM archive_versions WHERE member_id = {0}"
          " RETURNING id)"
          " UPDATE members SET archive_status = 'PENDING', current_version_id = (SELECT id FROM v) WHERE id = {0};"
          " UPDATE members SET status_changed_at = '{1}' WHERE id = {0};",
          member, since, verdict.empty() ? "NULL" : "'" + verdict + "'"));
    });
  }

  void Exec(const std::string& sql) {
    db_.InTransaction([&](pg::Tx& tx) { tx.ExecScript(sql); });
  }

  // Runs the deadline worker's handler on a sweep request as of the clock's now.
  worker::Outcome Sweep(pg::Connection& db) {
    const auto event =
        events::MakeEnvelope("deadline.sweep-requested", 1, "test", "sweep",
                             {{"as_of", FormatUtc(clock_.Now())}, {"requested_by", "test"}}, clock_.Now());
    const kafka::Message record;
    return db.InTransaction([&](pg::Tx& tx) { return handler_.Handle({record, event}, tx); });
  }
  worker::Outcome SweepOn(const std::string& day) {
    clock_.Set(Morning(day));
    return Sweep(db_);
  }

  reminder::NotifyResult Notify(const std::string& day) {
    const auto sweep = QueryInt(db_, "SELECT coalesce(max(id), 0) FROM deadline_sweeps");
    return db_.InTransaction([&](pg::Tx& tx) { return notifier_.Run(tx, day, sweep); });
  }

  // The member's reminders as "SITUATION MILESTONE recipient", by the milestone's day.
  std::vector<std::string> Reminders(std::int64_t member, const std::string& filter = "true") {
    const auto r = db_.InTransaction([&](pg::Tx& tx) {
      return tx.ExecScript(fmt::format(
          "SELECT situation || ' ' || milestone || ' ' || recipient_org_id FROM reminders WHERE member_id = {} AND {}"
          " ORDER BY due_on + replace(replace(milestone, 'T', ''), '+', '')::int, situation, recipient_org_id",
          member, filter));
    });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < r.size(); ++i) out.push_back(r.Text(i, 0));
    return out;
  }

  std::string Text(const std::string& sql) {
    return db_.InTransaction([&](pg::Tx& tx) {
      const auto r = tx.ExecScript(sql);
      return r.empty() || r.IsNull(0, 0) ? std::string() : r.Text(0, 0);
    });
  }

  testing::TestSchema schema_;
  pg::Connection db_{schema_.url(), "deadline-test"};
  testing::FakeClock clock_{Morning("2026-03-01")};
  lifecycle::Policy policy_;
  deadline::Sweeper sweeper_{deadline::Config{}, clock_};
  metrics::Registry metrics_;
  deadline::Handler handler_{sweeper_, clock_, metrics_};
  reminder::Notifier notifier_{reminder::Config{}, clock_};
  int seq_ = 0;
};

TEST_F(DeadlineTest, RemindsAMemberNotUploadedAtEveryMilestoneOnItsDayThenWeekly) {
  const auto member = AddMember(4, "2026-02-01", "NOT_UPLOADED");  // deadline 2026-03-03
  std::map<std::string, std::string> created_on;
  for (auto day = Morning("2026-02-20"); day <= Morning("2026-03-20"); day += std::chrono::days(1)) {
    clock_.Set(day);
    ASSERT_EQ(Sweep(db_).kind(), worker::Outcome::Kind::kDone);
    for (const auto& r : Reminders(member)) created_on.emplace(r, FormatUtc(day).substr(0, 10));
  }
  const std::map<std::string, std::string> expected = {
      {"NOT_UPLOADED T-7 4", "2026-02-24"},  {"NOT_UPLOADED T-3 4", "2026-02-28"}, {"NOT_UPLOADED T-1 4", "2026-03-02"},
      {"NOT_UPLOADED T0 4", "2026-03-03"},   {"NOT_UPLOADED T+1 4", "2026-03-04"}, {"NOT_UPLOADED T+8 4", "2026-03-11"},
      {"NOT_UPLOADED T+15 4", "2026-03-18"},
  };
  EXPECT_EQ(created_on, expected);
}

TEST_F(DeadlineTest, ARerunOfTheSameSweepHasNoSecondEffect) {
  const auto member = AddMember(4, "2026-02-01", "NOT_UPLOADED");
  clock_.Set(Morning("2026-03-03"));
  ASSERT_EQ(Sweep(db_).kind(), worker::Outcome::Kind::kDone);
  const auto first = Reminders(member);
  ASSERT_FALSE(first.empty());
  ASSERT_EQ(Sweep(db_).kind(), worker::Outcome::Kind::kDone);
  EXPECT_EQ(Reminders(member), first);
  EXPECT_EQ(Text("SELECT string_agg(created::text, ',' ORDER BY id) FROM deadline_sweeps"),
            fmt::format("{},0", first.size()));
}

TEST_F(DeadlineTest, CatchesUpEveryMilestoneMissedDuringSevenDaysDown) {
  const auto member = AddMember(4, "2026-02-01", "NOT_UPLOADED");
  SweepOn("2026-02-24");
  EXPECT_EQ(Reminders(member), std::vector<std::string>{"NOT_UPLOADED T-7 4"});
  SweepOn("2026-03-03");  // 2026-02-25 .. 2026-03-02 were missed
  EXPECT_EQ(Reminders(member), (std::vector<std::string>{"NOT_UPLOADED T-7 4", "NOT_UPLOADED T-3 4",
                                                         "NOT_UPLOADED T-1 4", "NOT_UPLOADED T0 4"}));
}

TEST_F(DeadlineTest, RemindsTheBranchOfARejectedArchiveNotReplaced) {
  const auto member = AddMember(4, "2026-02-01", "NOT_UPLOADED");
  Upload(member, "2026-02-05T00:00:00Z");
  Exec(fmt::format("UPDATE members SET archive_status = 'REJECTED' WHERE id = {}", member));
  SweepOn("2026-03-02");
  EXPECT_EQ(Reminders(member), (std::vector<std::string>{"REJECTED T-7 4", "REJECTED T-3 4", "REJECTED T-1 4"}));
}

TEST_F(DeadlineTest, RemindsTheSuperiorOfAnUploadPendingLongerThanTheReviewTime) {
  const auto waiting = AddMember(4, "2026-02-01", "NOT_UPLOADED");
  const auto fresh = AddMember(4, "2026-02-01", "NOT_UPLOADED");
  Upload(waiting, "2026-02-20T02:00:00Z");  // review due 2026-02-27
  Upload(fresh, "2026-02-25T02:00:00Z");    // review due 2026-03-04
  SweepOn("2026-03-01");
  EXPECT_EQ(Reminders(waiting), (std::vector<std::string>{"PENDING_REVIEW T0 3", "PENDING_REVIEW T+1 3"}));
  EXPECT_TRUE(Reminders(fresh).empty());
  SweepOn("2026-03-04");
  EXPECT_EQ(Reminders(fresh), (std::vector<std::string>{"PENDING_REVIEW T0 3"}));
  SweepOn("2026-03-07");
  EXPECT_EQ(Reminders(fresh), (std::vector<std::string>{"PENDING_REVIEW T0 3", "PENDING_REVIEW T+1 3"}));
  EXPECT_EQ(Reminders(waiting),
            (std::vector<std::string>{"PENDING_REVIEW T0 3", "PENDING_REVIEW T+1 3", "PENDING_REVIEW T+8 3"}));
}

TEST_F(DeadlineTest, RemindsTheBranchOfAPrereviewFailWithNoNewUpload) {
  const auto member = AddMember(4, "2026-02-01", "NOT_UPLOADED");
  Upload(member, "2026-02-28T02:00:00Z", "FAIL");
  SweepOn("2026-03-01");
  EXPECT_EQ(Reminders(member), (std::vector<std::string>{"PREREVIEW_FAILED T-7 4", "PREREVIEW_FAILED T-3 4"}));
  Upload(member, "2026-03-01T03:00:00Z");  // a new upload: the FAIL no longer stands
  SweepOn("2026-03-02");
  EXPECT_EQ(Reminders(member, "resolved_at IS NULL"), std::vector<std::string>{});
}

TEST_F(DeadlineTest, LeavesExemptAndAuthenticatedMembersAlone) {
  const auto exempt = AddMember(4, "2019-12-31", "EXEMPT");
  const auto before_start = AddMember(4, "2019-12-20", "NOT_UPLOADED");
  const auto done = AddMember(4, "2026-02-01", "AUTHENTICATED");
  SweepOn("2026-03-03");
  EXPECT_TRUE(Reminders(exempt).empty());
  EXPECT_TRUE(Reminders(before_start).empty());
  EXPECT_TRUE(Reminders(done).empty());
}

TEST_F(DeadlineTest, TheStartDateAndTheWindowComeFromThePolicy) {
  config::Section policy_section(nlohmann::json{{"e_archive_required_from", "2026-02-01"}, {"upload_window_days", 10}},
                                 "policy");
  policy_ = lifecycle::Policy::From(policy_section);
  config::Section section(nlohmann::json::object(), "deadline");
  deadline::Sweeper sweeper(deadline::Config::From(section, policy_), clock_);
  deadline::Handler handler(sweeper, clock_, metrics_);
  const auto old = AddMember(4, "2026-01-31", "NOT_UPLOADED");
  const auto member = AddMember(4, "2026-02-01", "NOT_UPLOADED");  // deadline 2026-02-11
  clock_.Set(Morning("2026-02-11"));
  const auto event = events::MakeEnvelope("deadline.sweep-requested", 1, "test", "sweep",
                                          {{"as_of", FormatUtc(clock_.Now())}, {"requested_by", "test"}}, clock_.Now());
  const kafka::Message record;
  db_.InTransaction([&](pg::Tx& tx) { handler.Handle({record, event}, tx); });
  EXPECT_TRUE(Reminders(old).empty());
  EXPECT_EQ(Reminders(member), (std::vector<std::string>{"NOT_UPLOADED T-7 4", "NOT_UPLOADED T-3 4",
                                                         "NOT_UPLOADED T-1 4", "NOT_UPLOADED T0 4"}));
}

TEST_F(DeadlineTest, OneSweepAtATimeAcrossSessions) {
  const auto member = AddMember(4, "2026-02-01", "NOT_UPLOADED");
  clock_.Set(Morning("2026-03-03"));
  pg::Connection other(schema_.url(), "other-deadline-worker");
  auto held = other.Begin();
  ASSERT_TRUE(held.Run("deadline_try_lock").Bool(0, 0));
  const auto busy = Sweep(db_);
  EXPECT_EQ(busy.kind(), worker::Outcome::Kind::kRetry);
  EXPECT_TRUE(Reminders(member).empty());
  held.Abort();
  EXPECT_EQ(Sweep(db_).kind(), worker::Outcome::Kind::kDone);
  EXPECT_FALSE(Reminders(member).empty());
}

TEST_F(DeadlineTest, DeadLettersASweepAsOfFarInTheFuture) {
  const auto event = events::MakeEnvelope("deadline.sweep-requested", 1, "test", "sweep",
                                          {{"as_of", "2030-01-01T00:00:00Z"}, {"requested_by", "test"}}, clock_.Now());
  const kafka::Message record;
  const auto outcome = db_.InTransaction([&](pg::Tx& tx) { return handler_.Handle({record, event}, tx); });
  EXPECT_EQ(outcome.kind(), worker::Outcome::Kind::kDeadLetter);
  EXPECT_EQ(outcome.code(), "AS_OF_IN_FUTURE");
}

TEST_F(DeadlineTest, PublishesOneDigestPerOrganizationAndDayWithMaskedMembers) {
  const auto overdue = AddMember(4, "2026-01-01", "NOT_UPLOADED", "张伟");   // deadline 2026-01-31
  const auto due_soon = AddMember(4, "2026-02-01", "NOT_UPLOADED", "王芳");  // deadline 2026-03-03
  const auto pending = AddMember(4, "2026-02-01", "NOT_UPLOADED", "李娜");
  Upload(pending, "2026-02-10T02:00:00Z");  // review due 2026-02-17, 12 days overdue: not escalated
  ASSERT_EQ(SweepOn("2026-03-01").kind(), worker::Outcome::Kind::kDone);
  const auto r = Notify("2026-03-01");
  EXPECT_EQ(r.digests, 3);  // the branch, the school (superior), the city (escalation for 张伟, 29 days overdue)
  EXPECT_EQ(Text("SELECT text FROM reminder_digests WHERE org_id = 4"),
            "组织内有 2 名团员档案尚未上传，其中 1 名已逾期");
  EXPECT_EQ(Text("SELECT text FROM reminder_digests WHERE org_id = 3"),
            "组织内有 2 名团员档案尚未上传，其中 1 名已逾期；1 名团员身份尚未认证");
  EXPECT_EQ(Text("SELECT text FROM reminder_digests WHERE org_id = 2"),
            "组织内有 1 名团员档案尚未上传，其中 1 名已逾期");
  EXPECT_EQ(Text("SELECT count(*) FROM reminder_digests WHERE org_id = 1"), "0");
  EXPECT_EQ(Text("SELECT count(*) FROM audit_log WHERE action = 'reminder.digest'"), "3");

  const auto registry = events::BuiltinRegistry();
  const auto payloads = db_.InTransaction([&](pg::Tx& tx) {
    return tx.ExecScript(
        "SELECT convert_from(payload, 'UTF8') FROM outbox WHERE topic = 'archive.notifications' ORDER BY key");
  });
  ASSERT_EQ(payloads.size(), 3u);
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    const auto parsed = registry.Parse(payloads.Text(i, 0));
    ASSERT_TRUE(std::holds_alternative<events::Envelope>(parsed)) << std::get<events::ParseError>(parsed).detail;
  }
  const auto school = std::get<events::Envelope>(registry.Parse(payloads.Text(1, 0)));
  EXPECT_EQ(school.key, "3");
  ASSERT_EQ(school.payload["members"].size(), 3u);
  const auto& first = school.payload["members"][0];
  EXPECT_EQ(first["member_id"], overdue);
  EXPECT_EQ(first["name"], "张伟");
  EXPECT_EQ(first["deadline"], "2026-01-31");
  EXPECT_EQ(first["state"], "NOT_UPLOADED");
  EXPECT_EQ(first["id_card_masked"].get<std::string>().find("********"), 6u);
  EXPECT_EQ(school.payload["members"][2]["member_id"], due_soon);
  EXPECT_EQ(payloads.Text(1, 0).find(Text(fmt::format("SELECT id_card FROM members WHERE id = {}", overdue))),
            std::string::npos);

  EXPECT_EQ(Notify("2026-03-01").digests, 0);  // at most one per organization and day
  ASSERT_EQ(SweepOn("2026-03-01").kind(), worker::Outcome::Kind::kDone);
  EXPECT_EQ(Notify("2026-03-01").digests, 0);
}

// A batch the consumer loop redoes (a later message failed) rolls back, and so do its counts; the redone one counts.
TEST_F(DeadlineTest, CountsASweepAndItsDigestsOnceTheirTransactionCommits) {
  AddMember(4, "2026-01-01", "NOT_UPLOADED");
  clock_.Set(Morning("2026-03-01"));
  const auto event = events::MakeEnvelope("deadline.sweep-requested", 1, "test", "sweep",
                                          {{"as_of", FormatUtc(clock_.Now())}, {"requested_by", "test"}}, clock_.Now());
  const kafka::Message record;
  auto counter = [&](const std::string& name, const metrics::Labels& labels = {}) {
    return metrics_.GetCounter(name, "", labels).Value();
  };
  {
    pg::Tx aborted = db_.Begin();
    ASSERT_EQ(handler_.Handle({record, event}, aborted).kind(), worker::Outcome::Kind::kDone);
    aborted.Abort();
  }
  EXPECT_EQ(counter("deadline_sweeps_total", {{"outcome", "done"}}), 0);
  ASSERT_EQ(Sweep(db_).kind(), worker::Outcome::Kind::kDone);
  EXPECT_EQ(counter("deadline_sweeps_total", {{"outcome", "done"}}), 1);
  EXPECT_EQ(counter("deadline_reminders_created_total"), QueryInt(db_, "SELECT count(*) FROM reminders"));

  reminder::Handler notify(notifier_, metrics_);
  const auto swept = events::MakeEnvelope(
      "deadline.swept", 1, "test", "sweep",
      {{"sweep_id", QueryInt(db_, "SELECT max(id) FROM deadline_sweeps")}, {"day", "2026-03-01"}}, clock_.Now());
  {
    pg::Tx aborted = db_.Begin();
    ASSERT_EQ(notify.Handle({record, swept}, aborted).kind(), worker::Outcome::Kind::kDone);
    aborted.Abort();
  }
  EXPECT_EQ(counter("reminder_digests_published_total"), 0);
  ASSERT_EQ(db_.InTransaction([&](pg::Tx& tx) {
                 return notify.Handle({record, swept}, tx);
               })
                .kind(),
            worker::Outcome::Kind::kDone);
  EXPECT_EQ(counter("reminder_digests_published_total"), QueryInt(db_, "SELECT count(*) FROM reminder_digests"));
  EXPECT_GT(counter("reminder_digests_published_total"), 0);
  EXPECT_GT(counter("reminder_digest_members_total"), 0);
  const std::string text = metrics_.Render();
  EXPECT_NE(text.find("reminder_digests_published_total "), std::string::npos) << text;
  EXPECT_NE(text.find("deadline_sweeps_total{outcome=\"done\"} 1"), std::string::npos) << text;
}

TEST_F(DeadlineTest, NewsAfterTheDaysDigestWaitsForTheNextDay) {
  AddMember(4, "2026-02-01", "NOT_UPLOADED", "王芳");  // deadline 2026-03-03
  SweepOn("2026-02-24");
  EXPECT_EQ(Notify("2026-02-24").digests, 2);  // the branch and the school
  const auto late = AddMember(4, "2026-02-01", "NOT_UPLOADED", "李娜");
  clock_.Set(Morning("2026-02-24") + std::chrono::hours(6));  // a second sweep that afternoon
  Sweep(db_);
  EXPECT_EQ(Notify("2026-02-24").digests, 0);
  EXPECT_FALSE(Reminders(late).empty());
  SweepOn("2026-02-25");  // no milestone for anybody, yet the branch hears of 李娜
  EXPECT_EQ(Notify("2026-02-25").digests, 2);
  EXPECT_EQ(Text("SELECT text FROM reminder_digests WHERE org_id = 4 AND day = '2026-02-25'"),
            "组织内有 2 名团员档案尚未上传");
  EXPECT_EQ(Text("SELECT count(*) FROM reminder_digest_backlog"), "0");
}

TEST_F(DeadlineTest, ALongDigestListsTheMostUrgentMembersAndCountsThemAll) {
  AddMember(4, "2026-02-01", "NOT_UPLOADED", "王芳");                     // deadline 2026-03-03
  const auto first = AddMember(4, "2026-01-01", "NOT_UPLOADED", "张伟");  // deadline 2026-01-31
  SweepOn("2026-03-01");
  config::Section section(nlohmann::json{{"max_members_per_digest", 1}}, "reminder");
  reminder::Notifier notifier(reminder::Config::From(section), clock_);
  const auto sweep = QueryInt(db_, "SELECT max(id) FROM deadline_sweeps");
  db_.InTransaction([&](pg::Tx& tx) { notifier.Run(tx, "2026-03-01", sweep); });
  const auto payload = nlohmann::json::parse(
      Text("SELECT convert_from(payload, 'UTF8') FROM outbox WHERE topic = 'archive.notifications' AND key = '4'"));
  EXPECT_EQ(payload["payload"]["text"], "组织内有 2 名团员档案尚未上传，其中 1 名已逾期");
  ASSERT_EQ(payload["payload"]["members"].size(), 1u);
  EXPECT_EQ(payload["payload"]["members"][0]["member_id"], first);
  EXPECT_EQ(payload["payload"]["members_total"], 2);
}

TEST_F(DeadlineTest, EscalatesOneLevelUpWhenOverdueLongerThanConfigured) {
  const auto member = AddMember(4, "2026-01-01", "NOT_UPLOADED");  // deadline 2026-01-31
  SweepOn("2026-02-08");                                           // T+8, 8 days overdue
  Notify("2026-02-08");
  EXPECT_EQ(Text("SELECT string_agg(DISTINCT org_id || ':' || role, ',') FROM reminder_recipients"),
            "3:superior,4:branch");
  SweepOn("2026-02-22");  // T+22, 22 days overdue: the city hears of it too
  Notify("2026-02-22");
  EXPECT_EQ(
      Text(fmt::format("SELECT string_agg(DISTINCT rr.org_id || ':' || rr.role, ',') FROM reminder_recipients rr"
                       " JOIN reminders r ON r.id = rr.reminder_id WHERE r.member_id = {} AND r.milestone = 'T+22'",
                       member)),
      "2:escalation,3:superior,4:branch");
}

TEST_F(DeadlineTest, AnUploadResolvesTheMembersRemindersAndTheyLeaveTheNextDigest) {
  const auto stays = AddMember(4, "2026-01-01", "NOT_UPLOADED", "张伟");    // deadline 2026-01-31
  const auto uploads = AddMember(4, "2026-02-01", "NOT_UPLOADED", "王芳");  // deadline 2026-03-03
  SweepOn("2026-03-01");
  Notify("2026-03-01");
  EXPECT_EQ(Text("SELECT text FROM reminder_digests WHERE org_id = 4"),
            "组织内有 2 名团员档案尚未上传，其中 1 名已逾期");
  Upload(uploads, "2026-03-01T05:00:00Z");
  SweepOn("2026-03-08");  // 张伟 reaches T+36; 王芳's upload now waits for the superior instead
  EXPECT_EQ(Reminders(uploads, "resolved_at IS NULL"), std::vector<std::string>{"PENDING_REVIEW T0 3"});
  EXPECT_FALSE(Reminders(stays, "resolved_at IS NULL").empty());
  Notify("2026-03-08");
  EXPECT_EQ(Text("SELECT text FROM reminder_digests WHERE org_id = 4 AND day = '2026-03-08'"),
            "组织内有 1 名团员档案尚未上传，其中 1 名已逾期");
  Exec(fmt::format("UPDATE members SET archive_status = 'AUTHENTICATED' WHERE id = {}", uploads));
  Exec(fmt::format("UPDATE members SET archive_status = 'PENDING' WHERE id = {}", stays));
  SweepOn("2026-03-09");
  EXPECT_EQ(Text("SELECT count(*) FROM reminders WHERE resolved_at IS NULL AND situation <> 'PENDING_REVIEW'"), "0");
}

TEST_F(DeadlineTest, BannersCountTheOpenMembersOfASubtree) {
  AddMember(4, "2026-02-01", "NOT_UPLOADED");
  AddMember(4, "2026-02-01", "REJECTED");
  const auto pending = AddMember(5, "2026-02-01", "NOT_UPLOADED");
  Upload(pending, "2026-02-10T00:00:00Z");
  AddMember(5, "2026-02-01", "AUTHENTICATED");
  const auto read = [&](std::int64_t org) {
    return db_.InTransaction([&](pg::Tx& tx) { return reminder::ReadBanners(tx, org); });
  };
  const auto all = read(1);
  EXPECT_EQ(all.not_uploaded, 2);
  EXPECT_EQ(all.unauthenticated, 3);
  const auto b2 = read(5);
  EXPECT_EQ(b2.not_uploaded, 0);
  EXPECT_EQ(b2.unauthenticated, 1);
  EXPECT_TRUE(read(99).Messages().empty());
}

// The sweep must read members only through the partial indexes: with a realistic table (0.2 % waiting,
// 0.2 % pending) and fresh statistics, neither the custom nor the generic plan of the prepared statement
// may scan members sequentially.
TEST_F(DeadlineTest, TheSweepPlanNeverScansMembersSequentially) {
  Exec(
      "INSERT INTO members (org_id, name, id_card, joined_on, upload_deadline, archive_status, status_changed_at)"
      " SELECT 4 + i % 2, '团员', lpad(i::text, 18, '0'), date '2020-01-01' + (i % 2500),"
      "  date '2020-01-31' + (i % 2500),"
      "  CASE WHEN i % 500 = 0 THEN 'NOT_UPLOADED' WHEN i % 500 = 1 THEN 'PENDING' ELSE 'AUTHENTICATED' END,"
      "  timestamptz '2026-01-01' + (i % 60) * interval '1 day'"
      " FROM generate_series(1, 200000) i;"
      "ANALYZE members; ANALYZE organizations;");
  const std::string sql(pg::EmbeddedSql("queries/deadline_sweep.sql"));
  const std::string args = "'2026-03-01T01:00:00Z', 'Asia/Shanghai', '{-7,-3,-1,0,1}', 7, 31, 7, 1";
  for (const char* mode : {"force_custom_plan", "force_generic_plan"}) {
    const std::string plan = db_.InTransaction([&](pg::Tx& tx) {
      tx.ExecScript(std::string("SET LOCAL plan_cache_mode = ") + mode + ";");
      tx.ExecScript("PREPARE sweep_plan AS " + sql);
      const auto r = tx.ExecScript("EXPLAIN EXECUTE sweep_plan (" + args + ")");
      std::string text;
      for (std::size_t i = 0; i < r.size(); ++i) text += r.Text(i, 0) + "\n";
      tx.ExecScript("DEALLOCATE sweep_plan");
      return text;
    });
    EXPECT_EQ(plan.find("Seq Scan on members"), std::string::npos) << mode << "\n" << plan;
    EXPECT_NE(plan.find("members_waiting"), std::string::npos) << mode << "\n" << plan;
    EXPECT_NE(plan.find("members_pending"), std::string::npos) << mode << "\n" << plan;
  }
}

}  // namespace
}  // namespace archive
