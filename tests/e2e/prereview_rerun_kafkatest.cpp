#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>

#include "common/base/crypto.hpp"
#include "common/blob/blob.hpp"
#include "common/events/builtin.hpp"
#include "common/events/envelope.hpp"
#include "common/pdf/context.hpp"
#include "common/testing/testing.hpp"
#include "tests/metrics/scrape.hpp"
#include "tools/archivectl/commands.hpp"
#include "tools/formgen/corpus.hpp"

namespace archive::e2e {
namespace {

using namespace std::chrono_literals;
using metrics::test::FreePort;
using metrics::test::HttpGet;
using metrics::test::Sample;
using ::testing::HasSubstr;

// Re-running pre-review end to end: the pre-review worker as a process reviews an upload; another member then
// uploads the same file, archivectl asks for a re-run, and the request, delivered three times (twice the same
// event, once a replay under a new event id), gives exactly one new verdict that sees the duplicate, keeps the old
// one in prereview_reruns, and is audited; the worker's /metrics counts verdicts, findings and re-runs once each.
class PrereviewRerunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto topics = testing::MakeTopics({"uploaded", "rerun", "dlq"}, 3);
    uploaded_topic_ = topics[0];
    requested_topic_ = topics[1];
    ::setenv("ARCHIVE_DB_URL", schema_.url().c_str(), 1);
    std::ofstream(config_) << R"({"kafka": {"rdkafka": {"session.timeout.ms": "6000"}},
        "metrics": {"host": "127.0.0.1", "port": )"
                           << port_ << R"(}, "consumer": {"group": ")" << testing::UniqueName("prereview")
                           << R"(", "topics": [")" << uploaded_topic_ << R"(", ")" << requested_topic_
                           << R"("], "dead_letter_topic": ")" << topics[2] << R"("}})";
    db_.InTransaction([&](pg::Tx& tx) {
      tx.ExecScript(
          "INSERT INTO organizations (id, code, name, kind, parent_id, path) VALUES"
          " (1, 'SCHOOL', '示例中学团委', 'committee', NULL, '1'),"
          " (2, 'B1', '高一(1)班团支部', 'branch', 1, '1.2');"
          "INSERT INTO users (id, login, display_name, role, org_id) VALUES"
          " (1, 'branch', '支部管理员', 'branch_admin', 2);");
    });
  }

  void TearDown() override {
    std::remove(config_.c_str());
    std::filesystem::remove_all(blob_root_);
  }

  // A member whose record matches the form, with the form uploaded by its branch: PENDING, awaiting approval.
  std::pair<std::int64_t, std::int64_t> MemberWithUpload(const formgen::GeneratedForm& form, const std::string& seq,
                                                         const std::string& number) {
    const blob::BlobRef ref = blobs_.Put(form.bytes);
    return db_.InTransaction([&](pg::Tx& tx) {
      const std::int64_t member =
          tx.ExecScript(fmt::format("INSERT INTO members (org_id, name, id_card, joined_on, dev_number, archive_status)"
                                    " VALUES (2, '{}', '{}', '{}-05-04', '{}', 'NOT_UPLOADED') RETURNING id",
                                    form.label.at("name").get<std::string>(), testing::MakeIdCard("20080101", seq),
                                    number.substr(0, 4), number))
              .Int(0, 0);
      const std::int64_t version =
          tx.ExecScript(fmt::format("INSERT INTO archive_versions (member_id, version_no, blob_uri, sha256, size_bytes,"
                                    " uploaded_by, uploader_org_id, uploader_kind) VALUES ({}, 1, '{}', '{}', {}, 1,"
                                    " 2, 'branch') RETURNING id",
                                    member, ref.uri, ref.sha256, ref.size))
              .Int(0, 0);
      tx.ExecScript(fmt::format("UPDATE members SET current_version_id = {}, archive_status = 'PENDING' WHERE id = {}",
                                version, member));
      return std::pair{member, version};
    });
  }

  std::unique_ptr<testing::ChildProcess> StartWorker() {
    return std::make_unique<testing::ChildProcess>(
        testing::BinaryPath("bin/prereview-worker"), std::vector<std::string>{config_},
        std::map<std::string, std::string>{{"ARCHIVE_DB_URL", schema_.url()},
                                           {"ARCHIVE_KAFKA_BROKERS", testing::StackSetting("ARCHIVE_KAFKA_BROKERS")},
                                           {"ARCHIVE_BLOB_ROOT", blob_root_.string()},
                                           {"ARCHIVE_LOG_LEVEL", "warn"}});
  }

  double Metric(const std::string& series) {
    try {
      return Sample(HttpGet(port_, "/metrics").body, series).value_or(0);
    } catch (const std::exception&) {
      return -1;
    }
  }

  std::int64_t Count(const std::string& sql) { return testing::QueryInt(db_, sql); }

  testing::TestSchema schema_;
  pg::Connection db_{schema_.url()};
  std::filesystem::path blob_root_ = std::filesystem::temp_directory_path() / ("rerun-e2e-" + RandomHex(4));
  blob::FileStore blobs_{blob_root_};
  std::string uploaded_topic_;
  std::string requested_topic_;
  std::uint16_t port_ = FreePort();
  std::string config_ = ::testing::TempDir() + "/" + testing::UniqueName("prereview-config") + ".json";
};

TEST_F(PrereviewRerunTest, ARerunGivesOneNewVerdictPerRequestWhateverTheDeliveries) {
  pdf::Context context;
  auto generator = std::get<formgen::Generator>(formgen::Generator::Create(context, formgen::FontFiles{}));
  const auto form = std::get<formgen::GeneratedForm>(generator.Generate(formgen::Case::kClean, 0, 31, 150));
  const std::string number = form.label.at("number").get<std::string>();
  const auto [member, version] = MemberWithUpload(form, "011", number);
  auto worker = StartWorker();
  kafka::Producer producer(testing::TestKafka());

  // Given the upload reviewed once
  const blob::BlobRef ref = blobs_.Put(form.bytes);  // content-addressed: the stored file
  const auto uploaded = events::MakeEnvelope("archive.uploaded", 1, "e2e", std::to_string(member),
                                             {{"member_id", member},
                                              {"version_id", version},
                                              {"version_no", 1},
                                              {"blob", {{"uri", ref.uri}, {"sha256", ref.sha256}, {"size", ref.size}}},
                                              {"uploaded_by", 1},
                                              {"uploader_org_id", 2},
                                              {"uploader_kind", "branch"}},
                                             std::chrono::system_clock::now());
  producer.Produce(uploaded_topic_, uploaded.key, events::Serialize(uploaded));
  producer.Flush(10s);
  ASSERT_TRUE(testing::Eventually(
      [&] {
        return Metric(R"(prereview_verdicts_total{verdict="PASS"})") == 1 ||
               Count("SELECT count(*) FROM failed_jobs") > 0;
      },
      120s));
  ASSERT_EQ(Count("SELECT count(*) FROM failed_jobs"), 0);
  EXPECT_EQ(Count(fmt::format("SELECT count(*) FROM prereview_findings WHERE version_id = {}", version)), 0);

  // and the same file then stored for another member, which the first review could not know about
  MemberWithUpload(form, "022", number.substr(0, 4) + "99999999");

  // When the operator asks for a re-run (a dry run first changes nothing)
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(ctl::Run({"prereview", "rerun", "--member", std::to_string(member), "--dry-run"}, out, err), 0)
      << err.str();
  EXPECT_THAT(out.str(), HasSubstr("would re-run 1 versions"));
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'prereview.requested'"), 0);
  ASSERT_EQ(ctl::Run({"prereview", "rerun", "--member", std::to_string(member), "--reason", "阈值调整"}, out, err), 0)
      << err.str();
  EXPECT_THAT(out.str(), HasSubstr("requested a pre-review re-run of 1 versions"));
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'prereview.rerun'"), 1);

  // and the relay's copy of the request arrives twice, then once more replayed under a new event id
  const std::string payload = db_.InTransaction([](pg::Tx& tx) {
    return pg::FromBytea(tx.ExecScript("SELECT payload FROM outbox WHERE topic = 'prereview.requested'").Text(0, 0));
  });
  const auto request = std::get<events::Envelope>(events::BuiltinRegistry().Parse(payload));
  const auto replayed = events::MakeEnvelope("prereview.requested", 1, "e2e", request.key, request.payload,
                                             std::chrono::system_clock::now());
  for (const auto* e : {&request, &request, &replayed}) {
    producer.Produce(requested_topic_, e->key, events::Serialize(*e));
  }
  producer.Flush(10s);

  // Then exactly one new verdict, which sees the duplicate, with the old one kept and the re-run audited
  ASSERT_TRUE(testing::Eventually(
      [&] {
        return Metric(R"(prereview_reruns_total{outcome="applied"})") == 1 && Count("SELECT count(*) FROM inbox") >= 3;
      },
      120s));
  EXPECT_EQ(Count("SELECT count(*) FROM prereview_reruns"), 1);
  EXPECT_EQ(Count(fmt::format("SELECT count(*) FROM prereview_reruns WHERE version_id = {} AND previous_verdict = "
                              "'PASS' AND previous_findings = '[]'",
                              version)),
            1);
  EXPECT_EQ(Count(fmt::format(
                "SELECT count(*) FROM prereview_findings WHERE version_id = {} AND code = 'DUPLICATE_FILE'", version)),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'archive.prereview.rerun'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'archive.pre-reviewed'"), 2);
  EXPECT_EQ(Metric(R"(prereview_findings_total{code="DUPLICATE_FILE"})"), 1);
  EXPECT_EQ(Metric(R"(prereview_reruns_total{outcome="applied"})"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM failed_jobs"), 0);

  // And once the superior approved the version, a re-run finds nothing left to do
  db_.InTransaction([&](pg::Tx& tx) {
    tx.ExecScript(fmt::format(
        "UPDATE archive_versions SET decision = 'APPROVED', decided_by = 1, decided_at = now() WHERE id = {};"
        "UPDATE members SET archive_status = 'AUTHENTICATED' WHERE id = {}",
        version, member));
  });
  ASSERT_EQ(ctl::Run({"prereview", "rerun", "--member", std::to_string(member)}, out, err), 0) << err.str();
  EXPECT_THAT(out.str(), HasSubstr("nothing requested"));
  worker->Kill(SIGTERM);
  EXPECT_NE(worker->Wait(30s), -1);
}

}  // namespace
}  // namespace archive::e2e
