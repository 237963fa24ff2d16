#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "common/lifecycle/life.hpp"

// The transitions of the archive's life against an in-memory store: each transition's effects (the version row,
// the status, the event, the audit row, the notice) and each refusal, with nothing written on a refusal.
namespace archive::lifecycle {
namespace {

class FakeStore final : public Store {
 public:
  std::map<std::int64_t, MemberRecord> members;
  std::map<std::int64_t, VersionRecord> versions;
  std::map<std::int64_t, ChangeRequestRecord> changes;
  std::vector<std::pair<std::string, events::Envelope>> published;
  std::vector<AuditEntry> audits;
  std::vector<Notice> notices;
  std::int64_t next_id = 100;

  std::size_t Writes() const { return published.size() + audits.size() + notices.size(); }

  std::optional<MemberRecord> LockMember(std::int64_t id) override {
    const auto it = members.find(id);
    return it == members.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<VersionRecord> FindVersion(std::int64_t id) override {
    const auto it = versions.find(id);
    return it == versions.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<VersionRecord> PreviousVersion(std::int64_t member_id, int version_no) override {
    std::optional<VersionRecord> best;
    for (const auto& [id, v] : versions) {
      if (v.member_id == member_id && v.version_no < version_no && !v.withdrawn &&
          (!best || v.version_no > best->version_no)) {
        best = v;
      }
    }
    return best;
  }
  VersionRecord AddVersion(const NewVersion& n) override {
    int no = 0;
    for (const auto& [id, v] : versions) {
      if (v.member_id == n.member_id) no = std::max(no, v.version_no);
    }
    VersionRecord v{.id = ++next_id,
                    .member_id = n.member_id,
                    .version_no = no + 1,
                    .blob_uri = n.blob_uri,
                    .sha256 = n.sha256,
                    .size = n.size,
                    .uploaded_by = n.uploaded_by,
                    .uploader_org_id = n.uploader_org_id,
                    .uploader_kind = n.uploader_kind};
    versions[v.id] = v;
    return v;
  }
  void SetStatus(std::int64_t member_id, ArchiveStatus to, std::optional<std::int64_t> current) override {
    members.at(member_id).status = to;
    members.at(member_id).current_version_id = current;
  }
  bool RecordDecision(std::int64_t id, Decision d, std::int64_t, const std::optional<std::string>&) override {
    if (versions.at(id).decision) return false;
    versions.at(id).decision = d;
    return true;
  }
  void MarkWithdrawn(std::int64_t id, std::int64_t) override { versions.at(id).withdrawn = true; }
  std::optional<ChangeRequestRecord> OpenChangeRequest(std::int64_t member_id) override {
    for (const auto& [id, c] : changes) {
      if (c.member_id == member_id && (c.status == ChangeStatus::kPending || c.status == ChangeStatus::kApproved)) {
        return c;
      }
    }
    return std::nullopt;
  }
  std::optional<ChangeRequestRecord> FindChangeRequest(std::int64_t id) override {
    const auto it = changes.find(id);
    return it == changes.end() ? std::nullopt : std::optional(it->second);
  }
  std::int64_t AddChangeRequest(std::int64_t member_id, std::int64_t by, const std::string&) override {
    const auto id = ++next_id;
    changes[id] = {.id = id, .member_id = member_id, .status = ChangeStatus::kPending, .requested_by = by};
    return id;
  }
  bool DecideChangeRequest(std::int64_t id, Decision d, std::int64_t, const std::optional<std::string>&) override {
    auto& c = changes.at(id);
    if (c.status != ChangeStatus::kPending) return false;
    c.status = d == Decision::kApproved ? ChangeStatus::kApproved : ChangeStatus::kRejected;
    return true;
  }
  void UseChangeRequest(std::int64_t member_id) override {
    for (auto& [id, c] : changes) {
      if (c.member_id == member_id && c.status == ChangeStatus::kApproved) c.status = ChangeStatus::kUsed;
    }
  }
  void SetDevNumber(std::int64_t member_id, const std::string& number) override {
    members.at(member_id).dev_number = number;
  }
  void EditMember(std::int64_t member_id, const MemberEdit& e) override {
    auto& m = members.at(member_id);
    m.name = e.name;
    m.id_card = e.id_card;
    m.joined_on = e.joined_on;
    m.status = e.status;
    m.deadline = e.deadline;
  }
  bool IdCardTaken(const std::string& id_card, std::int64_t except) override {
    for (const auto& [id, m] : members) {
      if (id != except && m.id_card == id_card) return true;
    }
    return false;
  }
  bool DevNumberTaken(const std::string& number, std::int64_t except) override {
    for (const auto& [id, m] : members) {
      if (id != except && m.dev_number == number) return true;
    }
    return false;
  }
  void Publish(std::string_view topic, const events::Envelope& e) override { published.emplace_back(topic, e); }
  void Audit(const AuditEntry& e) override { audits.push_back(e); }
  void Notify(const Notice& n) override { notices.push_back(n); }
};

class FixedClock final : public Clock {
 public:
  TimePoint Now() const override { return TimePoint(std::chrono::hours(24 * 20000)); }
};

constexpr std::int64_t kBranch = 5;     // the member's 团支部
constexpr std::int64_t kGeneral = 3;    // its 团总支, the direct superior
constexpr std::int64_t kCommittee = 2;  // the 学校团委 that decides

class LifeTest : public ::testing::Test {
 protected:
  LifeTest() {
    MemberRecord m;
    m.place = {.member_id = 1,
               .org_id = kBranch,
               .parent_org_id = kGeneral,
               .approver_org_id = kCommittee,
               .org_path = "1.2.3.5"};
    m.name = "李明";
    m.id_card = "110105200801010018";
    m.joined_on = member::Date{std::chrono::year{2024}, std::chrono::May, std::chrono::day{4}};
    m.dev_number = "202400000001";
    m.status = ArchiveStatus::kNotUploaded;
    m.deadline = policy_.Deadline(m.joined_on);
    store_.members[1] = m;
  }

  MemberRecord M() { return store_.members.at(1); }

  VersionRecord Uploaded(const Actor& who, UploadKind kind = UploadKind::kFirst) {
    const auto r = life_.Upload(who, M(), kind, {"file:///x", std::string(64, 'a'), 10});
    EXPECT_TRUE(std::holds_alternative<VersionRecord>(r));
    return std::get<VersionRecord>(r);
  }

  void Verdict(std::int64_t version, const std::string& verdict) {
    store_.versions.at(version).verdict = verdict;
    life_.ApplyVerdict(worker_, M(), store_.versions.at(version), verdict, "第1页未找到公章", false);
  }

  template <typename T>
  static std::string CodeOf(const Result<T>& r) {
    const auto* refusal = std::get_if<Refusal>(&r);
    return refusal ? refusal->code : "";
  }

  std::vector<std::string> Topics() const {
    std::vector<std::string> out;
    for (const auto& [topic, e] : store_.published) out.push_back(topic);
    return out;
  }

  FakeStore store_;
  Policy policy_;
  FixedClock clock_;
  Life life_{store_, policy_, clock_};
  Actor branch_{.user_id = 7, .name = "zhibu", .org_id = kBranch, .kind = UploaderKind::kBranch};
  Actor committee_{.user_id = 8, .name = "tuanwei", .org_id = kCommittee, .kind = UploaderKind::kCommittee};
  Actor worker_{.name = "prereview-worker"};
};

TEST_F(LifeTest, AnUploadStoresAVersionMakesTheMemberPendingAndAsksForThePreReview) {
  const auto v = Uploaded(branch_);
  EXPECT_EQ(M().status, ArchiveStatus::kPending);
  EXPECT_EQ(M().current_version_id, v.id);
  EXPECT_EQ(Topics(), (std::vector<std::string>{"archive.status-changed", "archive.uploaded"}));
  ASSERT_EQ(store_.audits.size(), 1u);
  EXPECT_EQ(store_.audits[0].action, "archive.upload");
  EXPECT_EQ(store_.audits[0].from_state, "NOT_UPLOADED");
  EXPECT_EQ(store_.audits[0].to_state, "PENDING");
}

TEST_F(LifeTest, APreReviewFailTellsTheUploaderAndLeavesTheDecisionToPeople) {
  const auto v = Uploaded(branch_);
  Verdict(v.id, "FAIL");
  EXPECT_EQ(M().status, ArchiveStatus::kPending);
  ASSERT_EQ(store_.notices.size(), 1u);
  EXPECT_EQ(store_.notices[0].kind, NoticeKind::kPrereviewFailed);
  EXPECT_EQ(store_.notices[0].org_id, kBranch);
  EXPECT_NE(store_.notices[0].text.find("第1页未找到公章"), std::string::npos);
  // The uploader may replace the file before the committee looks.
  EXPECT_EQ(CodeOf(life_.Upload(branch_, M(), UploadKind::kReplace, {"file:///y", std::string(64, 'b'), 9})), "");
}

TEST_F(LifeTest, NoVerdictEverRejectsAndOnlyACommitteesOwnUploadIsAuthenticatedByTheMachine) {
  const auto v = Uploaded(branch_);
  Verdict(v.id, "PASS");
  EXPECT_EQ(M().status, ArchiveStatus::kPending);
  store_.members[1].status = ArchiveStatus::kNotUploaded;
  store_.members[1].current_version_id.reset();
  const auto c = Uploaded(committee_);
  Verdict(c.id, "FAIL");
  EXPECT_EQ(M().status, ArchiveStatus::kPending);
  const auto c2 = Uploaded(committee_, UploadKind::kReplace);
  Verdict(c2.id, "WARN");
  EXPECT_EQ(M().status, ArchiveStatus::kAuthenticated);
  for (const auto& a : store_.audits) EXPECT_NE(a.to_state, "REJECTED");
}

TEST_F(LifeTest, TheCommitteeDecidesOnceAndTheBranchIsTold) {
  const auto v = Uploaded(branch_);
  EXPECT_EQ(CodeOf(life_.Decide(committee_, M(), v.id, Decision::kApproved, std::nullopt)), "PREREVIEW_RUNNING");
  Verdict(v.id, "WARN");
  EXPECT_EQ(CodeOf(life_.Decide(committee_, M(), v.id, Decision::kRejected, std::nullopt)), "REASON_REQUIRED");
  const auto writes = store_.Writes();
  EXPECT_EQ(CodeOf(life_.Decide(committee_, M(), v.id + 99, Decision::kApproved, std::nullopt)), "VERSION_NOT_FOUND");
  EXPECT_EQ(store_.Writes(), writes);
  const auto r = life_.Decide(committee_, M(), v.id, Decision::kRejected, std::string("印章不清晰"));
  ASSERT_TRUE(std::holds_alternative<ArchiveStatus>(r));
  EXPECT_EQ(M().status, ArchiveStatus::kRejected);
  ASSERT_FALSE(store_.notices.empty());
  EXPECT_EQ(store_.notices.back().kind, NoticeKind::kArchiveRejected);
  EXPECT_NE(store_.notices.back().text.find("印章不清晰"), std::string::npos);
  EXPECT_EQ(store_.audits.back().reason, "印章不清晰");
  EXPECT_EQ(CodeOf(life_.Decide(committee_, M(), v.id, Decision::kApproved, std::nullopt)), "ALREADY_DECIDED");
}

TEST_F(LifeTest, TheGeneralBranchUploadingForItsBranchTellsBoth) {
  Actor general{.user_id = 9, .name = "zongzhi", .org_id = kGeneral, .kind = UploaderKind::kBranch};
  const auto v = Uploaded(general);
  Verdict(v.id, "PASS");
  ASSERT_TRUE(
      std::holds_alternative<ArchiveStatus>(life_.Decide(committee_, M(), v.id, Decision::kApproved, std::nullopt)));
  std::vector<std::int64_t> told;
  for (const auto& n : store_.notices) told.push_back(n.org_id);
  EXPECT_EQ(told, (std::vector<std::int64_t>{kGeneral, kBranch}));
}

TEST_F(LifeTest, AWithdrawalGoesBackToTheVersionBefore) {
  const auto first = Uploaded(branch_);
  Verdict(first.id, "PASS");
  life_.Decide(committee_, M(), first.id, Decision::kRejected, std::string("缺页"));
  const auto second = Uploaded(branch_, UploadKind::kReplace);
  EXPECT_EQ(std::get<ArchiveStatus>(life_.Withdraw(branch_, M())), ArchiveStatus::kRejected);
  EXPECT_EQ(M().current_version_id, first.id);
  EXPECT_TRUE(store_.versions.at(second.id).withdrawn);
  EXPECT_EQ(CodeOf(life_.Withdraw(branch_, M())), "NOTHING_TO_WITHDRAW");
}

TEST_F(LifeTest, AfterAuthenticationOnlyAnApprovedChangeRequestOpensANewUpload) {
  const auto v = Uploaded(branch_);
  Verdict(v.id, "PASS");
  life_.Decide(committee_, M(), v.id, Decision::kApproved, std::nullopt);
  EXPECT_EQ(CodeOf(life_.Upload(branch_, M(), UploadKind::kReplace, {"u", std::string(64, 'c'), 1})),
            "CHANGE_REQUEST_REQUIRED");
  const auto id = std::get<std::int64_t>(life_.RequestChange(branch_, M(), "扫描件缺第3页"));
  EXPECT_EQ(CodeOf(life_.RequestChange(branch_, M(), "again")), "CHANGE_REQUEST_OPEN");
  ASSERT_TRUE(std::holds_alternative<Decision>(life_.DecideChange(committee_, M(), id, Decision::kApproved, {})));
  EXPECT_EQ(store_.notices.back().kind, NoticeKind::kChangeApproved);
  Uploaded(branch_, UploadKind::kReplace);
  EXPECT_EQ(store_.changes.at(id).status, ChangeStatus::kUsed);
  EXPECT_EQ(M().status, ArchiveStatus::kPending);
}

TEST_F(LifeTest, ANumberCorrectionReRunsThePreReviewOfAnUploadThatWaits) {
  const auto v = Uploaded(branch_);
  Verdict(v.id, "FAIL");
  store_.published.clear();
  EXPECT_EQ(std::get<bool>(life_.CorrectNumber(branch_, M(), "202400000002")), true);
  ASSERT_EQ(Topics(), std::vector<std::string>{"prereview.requested"});
  EXPECT_EQ(store_.published[0].second.payload["version_id"], v.id);
  EXPECT_EQ(M().dev_number, "202400000002");
  EXPECT_EQ(std::get<bool>(life_.CorrectNumber(branch_, M(), "202400000002")), false);
}

TEST_F(LifeTest, AnEditOfTheAdmissionDateIsPreviewedThenMovesTheDeadlineAndR1) {
  const member::Date before_r1{std::chrono::year{2019}, std::chrono::December, std::chrono::day{31}};
  const auto preview = std::get<EditOutcome>(life_.EditMember(branch_, M(), "李明", M().id_card, before_r1, false));
  EXPECT_FALSE(preview.applied);
  EXPECT_EQ(preview.edit.status, ArchiveStatus::kExempt);
  EXPECT_EQ(M().status, ArchiveStatus::kNotUploaded);
  EXPECT_EQ(store_.Writes(), 0u);
  const auto done = std::get<EditOutcome>(life_.EditMember(branch_, M(), "李明", M().id_card, before_r1, true));
  EXPECT_TRUE(done.applied);
  EXPECT_EQ(M().status, ArchiveStatus::kExempt);
  EXPECT_FALSE(M().deadline.has_value());
  EXPECT_EQ(Topics(), std::vector<std::string>{"archive.status-changed"});
  const member::Date later{std::chrono::year{2024}, std::chrono::June, std::chrono::day{1}};
  life_.EditMember(branch_, M(), "李明", M().id_card, later, true);
  EXPECT_EQ(M().status, ArchiveStatus::kNotUploaded);
  EXPECT_EQ(M().deadline, policy_.Deadline(later));
}

TEST_F(LifeTest, AnUploadedMemberCannotBecomeExemptAndAnAuthenticatedOneIsNotEdited) {
  const auto v = Uploaded(branch_);
  const member::Date before_r1{std::chrono::year{2019}, std::chrono::December, std::chrono::day{31}};
  EXPECT_EQ(CodeOf(life_.EditMember(branch_, M(), "李明", M().id_card, before_r1, true)), "ARCHIVE_EXISTS");
  Verdict(v.id, "PASS");
  life_.Decide(committee_, M(), v.id, Decision::kApproved, std::nullopt);
  EXPECT_EQ(CodeOf(life_.EditMember(branch_, M(), "李华", M().id_card, M().joined_on, true)), "MEMBER_AUTHENTICATED");
}

}  // namespace
}  // namespace archive::lifecycle
