#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/base/crypto.hpp"
#include "common/events/envelope.hpp"
#include "common/pdf/context.hpp"
#include "common/prereview/sandboxed.hpp"
#include "common/testing/testing.hpp"
#include "tools/formgen/corpus.hpp"
#include "workers/prereview/reviewer.hpp"

// The pre-review worker's handler against the real database, with the real sandboxed checks on formgen forms.
namespace archive::prereview {
namespace {

using testing::QueryInt;

class PrereviewWorkerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pdf::Context context;
    auto generator = std::get<formgen::Generator>(formgen::Generator::Create(context, formgen::FontFiles{}));
    forms_ = new std::map<formgen::Case, formgen::GeneratedForm>();
    for (const auto c : {formgen::Case::kClean, formgen::Case::kNumberMismatch, formgen::Case::kRescan}) {
      (*forms_)[c] = std::get<formgen::GeneratedForm>(generator.Generate(c, 0, 31, 150));
    }
    checker_ = new SandboxedChecker(PREREVIEW_SANDBOX, Config{});
  }
  static void TearDownTestSuite() {
    delete checker_;
    delete forms_;
  }

  void SetUp() override {
    db_.InTransaction([&](pg::Tx& tx) {
      tx.ExecScript(
          "INSERT INTO organizations (id, code, name, kind, parent_id, path) VALUES"
          " (1, 'SCHOOL', '示例中学团委', 'committee', NULL, '1'),"
          " (2, 'B1', '高一(1)班团支部', 'branch', 1, '1.2');"
          "INSERT INTO users (id, login, display_name, role, org_id) VALUES"
          " (1, 'branch', '支部管理员', 'branch_admin', 2), (2, 'committee', '团委管理员', 'committee_admin', 1);");
    });
  }

  // A member whose record says number and name, admitted in the number's year.
  std::int64_t Member(const std::string& number, const std::string& name, const std::string& sequence) {
    return db_.InTransaction([&](pg::Tx& tx) {
      return tx
          .ExecScript(fmt::format("INSERT INTO members (org_id, name, id_card, joined_on, dev_number, archive_status) "
                                  "VALUES (2, '{}', '{}', '{}-05-04', '{}', 'NOT_UPLOADED') RETURNING id",
                                  name, testing::MakeIdCard("20080101", sequence), number.substr(0, 4), number))
          .Int(0, 0);
    });
  }

  // Stores the file and its version as an upload through the API would: the member becomes PENDING.
  std::int64_t Upload(std::int64_t member, const std::string& bytes, const std::string& kind) {
    const blob::BlobRef ref = blobs_.Put(bytes);
    return db_.InTransaction([&](pg::Tx& tx) {
      const std::int64_t version =
          tx.ExecScript(fmt::format("INSERT INTO archive_versions (member_id, version_no, blob_uri, sha256, size_bytes,"
                                    " uploaded_by, uploader_org_id, uploader_kind) VALUES ({}, 1, '{}', '{}', {}, {},"
                                    " {}, '{}') RETURNING id",
                                    member, ref.uri, ref.sha256, ref.size, kind == "branch" ? 1 : 2,
                                    kind == "branch" ? 2 : 1, kind))
              .Int(0, 0);
      tx.ExecScript(fmt::format("UPDATE members SET current_version_id = {}, archive_status = 'PENDING' WHERE id = {}",
                                version, member));
      return version;
    });
  }

  events::Envelope Uploaded(std::int64_t member, std::int64_t version) {
    return events::MakeEnvelope("archive.uploaded", 1, "test", std::to_string(member),
                                {{"member_id", member}, {"version_id", version}}, std::chrono::system_clock::now());
  }

  worker::Outcome Deliver(const events::Envelope& event) {
    const kafka::Message record{"archive.uploaded", 0, 0, event.key, "", {}, 0};
    return db_.InTransaction([&](pg::Tx& tx) { return reviewer_.Handle({record, event}, tx); });
  }

  std::string Status(std::int64_t member) {
    return db_.InTransaction([&](pg::Tx& tx) {
      return tx.ExecScript(fmt::format("SELECT archive_status FROM members WHERE id = {}", member)).Text(0, 0);
    });
  }
  std::string Verdict(std::int64_t version) {
    return db_.InTransaction([&](pg::Tx& tx) {
      return tx.ExecScript(fmt::format("SELECT verdict FROM archive_versions WHERE id = {}", version)).Text(0, 0);
    });
  }
  pg::Result Findings(std::int64_t version) {
    return db_.InTransaction([&](pg::Tx& tx) { return tx.Run("prereview_findings_of", version); });
  }
  std::int64_t Count(const std::string& sql) { return QueryInt(db_, sql); }

  static const formgen::GeneratedForm& Form(formgen::Case c) { return forms_->at(c); }
  static std::string Printed(formgen::Case c) { return Form(c).label["number"]; }
  static std::string Name(formgen::Case c) { return Form(c).label["name"]; }

  static SandboxedChecker* checker_;
  static std::map<formgen::Case, formgen::GeneratedForm>* forms_;
  testing::TestSchema schema_;
  pg::Connection db_{schema_.url()};
  std::filesystem::path blob_root_ = std::filesystem::temp_directory_path() / ("prereview-blobs-" + RandomHex(4));
  blob::FileStore blobs_{blob_root_};
  SandboxedFileChecks checks_{*checker_};
  metrics::Registry metrics_;
  Reviewer reviewer_{checks_, blobs_, metrics_};
};

SandboxedChecker* PrereviewWorkerTest::checker_ = nullptr;
std::map<formgen::Case, formgen::GeneratedForm>* PrereviewWorkerTest::forms_ = nullptr;

TEST_F(PrereviewWorkerTest, LeavesAGoodBranchUploadPendingForTheSuperior) {
  const auto member = Member(Printed(formgen::Case::kClean), Name(formgen::Case::kClean), "011");
  const auto version = Upload(member, Form(formgen::Case::kClean).bytes, "branch");
  EXPECT_EQ(Deliver(Uploaded(member, version)).kind(), worker::Outcome::Kind::kDone);
  EXPECT_EQ(Verdict(version), "PASS");
  EXPECT_EQ(Status(member), "PENDING");
  EXPECT_TRUE(Findings(version).empty());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'archive.pre-reviewed'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM archive_versions WHERE page1_fingerprint IS NOT NULL"), 1);
}

TEST_F(PrereviewWorkerTest, AFailTellsTheUploaderAndLeavesTheDecisionToTheCommittee) {
  const auto member = Member("202412345678", "王小明", "021");
  const auto version = Upload(member, "<html><body>入团志愿书</body></html>", "branch");
  Deliver(Uploaded(member, version));
  EXPECT_EQ(Verdict(version), "FAIL");
  EXPECT_EQ(Status(member), "PENDING");
  const pg::Result findings = Findings(version);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings.Text(0, 0), "NOT_PDF");
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE to_state = 'REJECTED'"), 0);
  EXPECT_EQ(Count(fmt::format("SELECT count(*) FROM notifications WHERE kind = 'PREREVIEW_FAILED' AND member_id = {}"
                              " AND version_id = {} AND text LIKE '%预审未通过%'",
                              member, version)),
            1);
}

TEST_F(PrereviewWorkerTest, AFailureOfTheSandboxIsThrownAndChangesNothing) {
  // Given checks whose sandbox cannot run, when an upload arrives, then the handler throws (the consumer loop
  // retries it and then dead-letters it for ops) and the member has no verdict, finding or status change
  class Broken final : public FileChecks {
   public:
    Report Check(std::string_view, const Expectations&) override { throw SandboxFailure("the child crashed"); }
  } broken;
  Reviewer reviewer(broken, blobs_, metrics_);
  const auto member = Member("202412345678", "王小明", "022");
  const auto version = Upload(member, Form(formgen::Case::kClean).bytes, "branch");
  const auto event = Uploaded(member, version);
  const kafka::Message record{"archive.uploaded", 0, 0, event.key, "", {}, 0};
  EXPECT_THROW(db_.InTransaction([&](pg::Tx& tx) { return reviewer.Handle({record, event}, tx); }), SandboxFailure);
  EXPECT_EQ(Count(fmt::format("SELECT count(*) FROM archive_versions WHERE id = {} AND verdict IS NULL", version)), 1);
  EXPECT_EQ(Status(member), "PENDING");
  EXPECT_EQ(Count("SELECT count(*) FROM prereview_findings"), 0);
}

TEST_F(PrereviewWorkerTest, AuthenticatesACommitteeUploadThatPassesIntegrity) {
  const auto member = Member(Printed(formgen::Case::kClean), Name(formgen::Case::kClean), "031");
  const auto version = Upload(member, Form(formgen::Case::kClean).bytes, "committee");
  Deliver(Uploaded(member, version));
  EXPECT_EQ(Status(member), "AUTHENTICATED");
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE to_state = 'AUTHENTICATED' AND actor = 'prereview-worker'"), 1);
}

TEST_F(PrereviewWorkerTest, GivesNoSecondVerdictWhenTheEventComesAgain) {
  const auto member = Member("202412345678", "王小明", "041");
  const auto version = Upload(member, "", "branch");
  const auto event = Uploaded(member, version);
  Deliver(event);
  Deliver(event);
  Deliver(Uploaded(member, version));  // a replay with a new event id
  EXPECT_EQ(Findings(version).size(), 1u);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'archive.pre-reviewed'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE actor = 'prereview-worker'"), 1);
}

TEST_F(PrereviewWorkerTest, FindsTheSameFileUploadedForAnotherMember) {
  const auto first = Member(Printed(formgen::Case::kClean), Name(formgen::Case::kClean), "051");
  Deliver(Uploaded(first, Upload(first, Form(formgen::Case::kClean).bytes, "branch")));
  const auto second = Member("202398765432", "李四", "061");
  const auto version = Upload(second, Form(formgen::Case::kClean).bytes, "branch");
  Deliver(Uploaded(second, version));
  EXPECT_EQ(Verdict(version), "FAIL");
  const pg::Result findings = Findings(version);
  bool duplicate = false;
  for (std::size_t i = 0; i < findings.size(); ++i) duplicate |= findings.Text(i, 0) == "DUPLICATE_FILE";
  EXPECT_TRUE(duplicate);
  EXPECT_EQ(Status(second), "PENDING");  // not an integrity failure: the superior decides
}

TEST_F(PrereviewWorkerTest, FindsARescanOfTheSameSheetUploadedForAnotherMember) {
  // Given the clean scan of a form uploaded for its member
  const auto first = Member(Printed(formgen::Case::kClean), Name(formgen::Case::kClean), "052");
  Deliver(Uploaded(first, Upload(first, Form(formgen::Case::kClean).bytes, "branch")));
  // When the same sheet, scanned again (other noise, turned a little), is uploaded for another member
  ASSERT_NE(Form(formgen::Case::kRescan).label["sha256"], Form(formgen::Case::kClean).label["sha256"]);
  const auto second = Member("202398765433", "李四", "062");
  const auto version = Upload(second, Form(formgen::Case::kRescan).bytes, "branch");
  Deliver(Uploaded(second, version));
  // Then it is a DUPLICATE_FILE of page 1 that names the other member
  const pg::Result findings = Findings(version);
  std::optional<nlohmann::json> values;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (findings.Text(i, 0) == "DUPLICATE_FILE") values = nlohmann::json::parse(findings.Text(i, 4));
  }
  ASSERT_TRUE(values.has_value());
  EXPECT_EQ((*values)["same_file"], false);
  EXPECT_EQ((*values)["other_member_id"], first);
  EXPECT_LE((*values)["distance"].get<int>(), Config{}.duplicate_max_distance);
}

TEST_F(PrereviewWorkerTest, DoesNotTakeAnotherMembersFormForADuplicate) {
  // Given one member's form uploaded
  const auto first = Member(Printed(formgen::Case::kClean), Name(formgen::Case::kClean), "053");
  Deliver(Uploaded(first, Upload(first, Form(formgen::Case::kClean).bytes, "branch")));
  // When another member's own form (the same printed cover, other writing) is uploaded
  const auto second = Member(Printed(formgen::Case::kNumberMismatch), Name(formgen::Case::kNumberMismatch), "063");
  const auto version = Upload(second, Form(formgen::Case::kNumberMismatch).bytes, "branch");
  Deliver(Uploaded(second, version));
  // Then it is no duplicate
  const pg::Result findings = Findings(version);
  for (std::size_t i = 0; i < findings.size(); ++i) EXPECT_NE(findings.Text(i, 0), "DUPLICATE_FILE");
  EXPECT_EQ(Count("SELECT count(*) FROM archive_versions WHERE page1_fingerprint IS NOT NULL"), 2);
}

TEST_F(PrereviewWorkerTest, WantsTheSameNumberBeforeCallingNearFingerprintsTheSameSheet) {
  // Given one member's form uploaded, whose stored fingerprint happens to equal another member's form's
  const auto first = Member(Printed(formgen::Case::kClean), Name(formgen::Case::kClean), "054");
  const auto first_version = Upload(first, Form(formgen::Case::kClean).bytes, "branch");
  Deliver(Uploaded(first, first_version));
  const formgen::GeneratedForm& other = Form(formgen::Case::kNumberMismatch);
  const Report other_report = checker_->Check(other.bytes, {.number = other.label["number"].get<std::string>()});
  ASSERT_TRUE(other_report.page1_hash.has_value());
  db_.InTransaction([&](pg::Tx& tx) {
    tx.ExecScript(fmt::format("UPDATE archive_versions SET page1_fingerprint = '{:016x}' WHERE id = {}",
                              *other_report.page1_hash, first_version));
  });
  // When the other member's form is uploaded: the same fingerprint, but another number on page 1
  const auto second = Member(Printed(formgen::Case::kNumberMismatch), Name(formgen::Case::kNumberMismatch), "064");
  const auto version = Upload(second, other.bytes, "branch");
  Deliver(Uploaded(second, version));
  // Then it is no duplicate
  const pg::Result findings = Findings(version);
  for (std::size_t i = 0; i < findings.size(); ++i) EXPECT_NE(findings.Text(i, 0), "DUPLICATE_FILE");
}

TEST_F(PrereviewWorkerTest, SaysWhenTheNumberOnPageOneBelongsToAnotherMember) {
  // Given the printed number registered to someone else, and a record with a different number
  const auto other = Member(Printed(formgen::Case::kNumberMismatch), "张三", "071");
  const std::string record = Form(formgen::Case::kNumberMismatch).label["record_number"];
  const auto member = Member(record, Name(formgen::Case::kNumberMismatch), "081");
  const auto version = Upload(member, Form(formgen::Case::kNumberMismatch).bytes, "branch");
  Deliver(Uploaded(member, version));
  const pg::Result findings = Findings(version);
  ASSERT_FALSE(findings.empty());
  std::size_t row = findings.size();
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (findings.Text(i, 0) == "NUMBER_MISMATCH") row = i;
  }
  ASSERT_LT(row, findings.size());
  const auto values = nlohmann::json::parse(findings.Text(row, 4));
  EXPECT_EQ(values["cause"], "other_member");
  EXPECT_EQ(values["other_member_id"], other);
  EXPECT_NE(findings.Text(row, 3).find("另一名团员"), std::string::npos);
  // And the number crop is in the blob store for the approver
  ASSERT_FALSE(findings.IsNull(row, 5));
  EXPECT_TRUE(blobs_.Exists(findings.Text(row, 5)));
}

TEST_F(PrereviewWorkerTest, CountsAVerdictOnceItsTransactionCommits) {
  const auto member = Member("202412345678", "王小明", "091");
  const auto version = Upload(member, "", "branch");
  const auto event = Uploaded(member, version);
  const kafka::Message record{"archive.uploaded", 0, 0, event.key, "", {}, 0};
  auto& fails = metrics_.GetCounter("prereview_verdicts_total", "", {{"verdict", "FAIL"}});
  auto& not_pdf = metrics_.GetCounter("prereview_findings_total", "", {{"code", "NOT_PDF"}});
  {
    // Given a batch the consumer loop rolls back (a later message in it failed)
    pg::Tx aborted = db_.Begin();
    ASSERT_EQ(reviewer_.Handle({record, event}, aborted).kind(), worker::Outcome::Kind::kDone);
    aborted.Abort();
  }
  EXPECT_EQ(fails.Value(), 0);
  // When it is redone and commits, and the event then comes again
  Deliver(event);
  Deliver(Uploaded(member, version));
  // Then the verdict and its finding count once
  EXPECT_EQ(fails.Value(), 1);
  EXPECT_EQ(not_pdf.Value(), 1);
  EXPECT_NE(metrics_.Render().find("prereview_verdicts_total{verdict=\"FAIL\"} 1"), std::string::npos);
}

TEST_F(PrereviewWorkerTest, ARerunReplacesTheVerdictOncePerRequestAndKeepsTheOld) {
  const auto member = Member(Printed(formgen::Case::kClean), Name(formgen::Case::kClean), "101");
  const auto version = Upload(member, Form(formgen::Case::kClean).bytes, "branch");
  Deliver(Uploaded(member, version));
  ASSERT_EQ(Verdict(version), "PASS");
  // Given the same file stored for another member since
  Upload(Member("202398765432", "李四", "111"), Form(formgen::Case::kClean).bytes, "branch");
  const nlohmann::json request{
      {"member_id", member}, {"version_id", version}, {"request_id", "rerun-1"}, {"requested_by", "archivectl:ops"}};
  auto rerun = [&] {
    return events::MakeEnvelope("prereview.requested", 1, "test", std::to_string(member), request,
                                std::chrono::system_clock::now());
  };
  // When the re-run request comes, and again under a new event id (a replay)
  EXPECT_EQ(Deliver(rerun()).kind(), worker::Outcome::Kind::kDone);
  EXPECT_EQ(Deliver(rerun()).kind(), worker::Outcome::Kind::kDone);
  // Then one new verdict that sees the duplicate, the old one kept, one audit row, one count
  EXPECT_EQ(Verdict(version), "FAIL");
  EXPECT_EQ(Findings(version).size(), 1u);
  EXPECT_EQ(Findings(version).Text(0, 0), "DUPLICATE_FILE");
  EXPECT_EQ(Count("SELECT count(*) FROM prereview_reruns WHERE previous_verdict = 'PASS' AND request_id = 'rerun-1'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'archive.prereview.rerun'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'archive.pre-reviewed'"), 2);
  EXPECT_EQ(Status(member), "PENDING");
  EXPECT_EQ(metrics_.GetCounter("prereview_reruns_total", "", {{"outcome", "applied"}}).Value(), 1);

  // And a version already decided is left alone by a later request
  db_.InTransaction([&](pg::Tx& tx) {
    tx.ExecScript(fmt::format(
        "UPDATE archive_versions SET decision = 'APPROVED', decided_by = 2, decided_at = now() WHERE id = {};"
        "UPDATE members SET archive_status = 'AUTHENTICATED' WHERE id = {}",
        version, member));
  });
  auto later = request;
  later["request_id"] = "rerun-2";
  Deliver(events::MakeEnvelope("prereview.requested", 1, "test", std::to_string(member), later,
                               std::chrono::system_clock::now()));
  EXPECT_EQ(Count("SELECT count(*) FROM prereview_reruns"), 1);
  EXPECT_EQ(Verdict(version), "FAIL");
  EXPECT_EQ(metrics_.GetCounter("prereview_reruns_total", "", {{"outcome", "skipped"}}).Value(), 1);
}

TEST_F(PrereviewWorkerTest, DeadLettersAnEventForAVersionThatDoesNotExist) {
  const auto outcome = Deliver(Uploaded(1, 999999));
  EXPECT_EQ(outcome.kind(), worker::Outcome::Kind::kDeadLetter);
  EXPECT_EQ(outcome.code(), "VERSION_NOT_FOUND");
}

}  // namespace
}  // namespace archive::prereview
