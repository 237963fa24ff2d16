#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/base/crypto.hpp"
#include "common/blob/blob.hpp"
#include "common/testing/testing.hpp"
#include "tools/archivectl/commands.hpp"

// archivectl blobs gc: what the database refers to stays, old orphans and stale .part files go, young ones stay.
namespace archive::ctl {
namespace {

namespace fs = std::filesystem;
using testing::QueryInt;

class BlobsGcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("ARCHIVE_DB_URL", schema_.url().c_str(), 1);
    ::setenv("ARCHIVE_BLOB_ROOT", root_.c_str(), 1);
    ::unsetenv("ARCHIVE_CONFIG");
  }
  void TearDown() override { fs::remove_all(root_); }

  int Ctl(const std::vector<std::string>& words) {
    out_.str("");
    err_.str("");
    return ctl::Run(words, out_, err_);
  }

  std::string PathOf(const blob::BlobRef& ref) const { return ref.uri.substr(std::string("file://").size()); }

  // Makes a file look written two days ago.
  static void Age(const std::string& path) {
    const auto then = std::chrono::system_clock::now() - std::chrono::hours(48);
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(then.time_since_epoch()).count();
    const struct timespec times[2] = {{s, 0}, {s, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
  }

  blob::BlobRef OldBlob(const std::string& content) {
    auto ref = store_.Put(content);
    Age(PathOf(ref));
    return ref;
  }

  std::string Part(const std::string& name, bool old) {
    const auto path = (root_ / "tmp" / name).string();
    std::ofstream(path) << "half an upload";
    if (old) Age(path);
    return path;
  }

  testing::TestSchema schema_;
  pg::Connection db_{schema_.url()};
  fs::path root_ = fs::temp_directory_path() / ("gc-blobs-" + RandomHex(4));
  blob::FileStore store_{root_};
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(BlobsGcTest, RemovesOldOrphansAndStalePartsAndKeepsWhatTheDatabaseOrAnUploadInFlightHolds) {
  // Given an old blob in each column that refers to one: a version, a finding's evidence, an import and its report
  const auto version = OldBlob("the PDF");
  const auto evidence = OldBlob("an evidence PNG");
  const auto import_file = OldBlob("an import sheet");
  const auto report = OldBlob("a failure report");
  db_.InTransaction([&](pg::Tx& tx) {
    tx.ExecScript(fmt::format(
        "INSERT INTO organizations (id, code, name, kind, parent_id, path) VALUES (1, 'B', '团支部', 'branch', NULL, "
        "'1');"
        "INSERT INTO users (id, login, display_name, role, org_id) VALUES (1, 'a', 'a', 'branch_admin', 1);"
        "INSERT INTO members (id, org_id, name, id_card, joined_on, archive_status) VALUES "
        " (1, 1, '张三', '110105200801010011', '2024-03-10', 'PENDING');"
        "INSERT INTO archive_versions (id, member_id, version_no, blob_uri, sha256, size_bytes, uploaded_by, "
        " uploader_org_id, uploader_kind) VALUES (1, 1, 1, '{}', '{}', {}, 1, 1, 'branch');"
        "INSERT INTO prereview_findings (version_id, code, severity, message, evidence_uri) VALUES "
        " (1, 'BLURRY_PAGE', 'warn', '模糊', '{}');"
        "INSERT INTO import_batches (id, org_id, filename, format, blob_uri, sha256, size_bytes, report_uri) VALUES "
        " (gen_random_uuid(), 1, 'a.xlsx', 'xlsx', '{}', '{}', {}, '{}');",
        version.uri, version.sha256, version.size, evidence.uri, import_file.uri, import_file.sha256, import_file.size,
        report.uri));
  });
  // And an old orphan (a refused upload), a young one (an upload whose row is not committed yet), an old orphan
  // stored again just now (the same file uploaded again), a crash's old .part file and a write in progress
  const auto orphan = OldBlob("a refused upload");
  const auto young = store_.Put("an upload in flight");
  const auto again = OldBlob("uploaded twice");
  store_.Put("uploaded twice");
  const auto stale_part = Part("0123.part", true);
  const auto live_part = Part("4567.part", false);
  const std::vector<std::string> kept = {
      PathOf(version), PathOf(evidence), PathOf(import_file), PathOf(report), PathOf(young), PathOf(again), live_part};

  // When a dry run plans the collection
  ASSERT_EQ(Ctl({"blobs", "gc", "--dry-run"}), kOk) << err_.str();

  // Then it prints the plan, audits it and removes nothing
  EXPECT_NE(out_.str().find("remove: 1 unreferenced blobs"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("1 stale .part files"), std::string::npos) << out_.str();
  EXPECT_EQ(QueryInt(db_,
                     "SELECT count(*) FROM audit_log WHERE action = 'blob.gc.dry_run' AND "
                     "(detail->'unreferenced'->>'count')::int = 1 AND (detail->'parts'->>'count')::int = 1"),
            1);
  EXPECT_TRUE(fs::exists(PathOf(orphan)));
  EXPECT_TRUE(fs::exists(stale_part));

  // When it runs
  ASSERT_EQ(Ctl({"blobs", "gc"}), kOk) << err_.str();

  // Then the old orphan and the stale .part file are gone, and everything else is there
  EXPECT_FALSE(fs::exists(PathOf(orphan)));
  EXPECT_FALSE(fs::exists(stale_part));
  for (const auto& path : kept) EXPECT_TRUE(fs::exists(path)) << path;
  EXPECT_NE(out_.str().find("removed 2 objects"), std::string::npos) << out_.str();
  EXPECT_EQ(QueryInt(db_,
                     "SELECT count(*) FROM audit_log WHERE action = 'blob.gc' AND actor LIKE 'archivectl:%' AND "
                     "(detail->'unreferenced'->>'bytes')::int = " +
                         std::to_string(orphan.size)),
            1);

  // And a second run finds nothing more to remove
  ASSERT_EQ(Ctl({"blobs", "gc"}), kOk) << err_.str();
  EXPECT_NE(out_.str().find("remove: 0 unreferenced blobs"), std::string::npos) << out_.str();
}

TEST_F(BlobsGcTest, TheGracePeriodComesFromTheCommandLineOrTheConfiguration) {
  // Given an orphan written two days ago
  const auto orphan = OldBlob("two days old");

  // When the grace period is three days (on the command line, then in the configuration), it stays
  ASSERT_EQ(Ctl({"blobs", "gc", "--grace", "3d"}), kOk) << err_.str();
  EXPECT_TRUE(fs::exists(PathOf(orphan)));
  const auto config = root_ / "archivectl.json";
  std::ofstream(config) << R"({"blob": {"gc_grace_hours": 72}})";
  ::setenv("ARCHIVE_CONFIG", config.c_str(), 1);
  ASSERT_EQ(Ctl({"blobs", "gc"}), kOk) << err_.str();
  EXPECT_TRUE(fs::exists(PathOf(orphan)));

  // When it is one day, the orphan goes
  ASSERT_EQ(Ctl({"blobs", "gc", "--grace", "24h"}), kOk) << err_.str();
  EXPECT_FALSE(fs::exists(PathOf(orphan)));

  // And a malformed grace or key is refused
  EXPECT_EQ(Ctl({"blobs", "gc", "--grace", "soon"}), kUsage);
  std::ofstream(config) << R"({"blob": {"gc_grace": 72}})";
  EXPECT_EQ(Ctl({"blobs", "gc"}), kUsage);
  EXPECT_NE(err_.str().find("blob.gc_grace"), std::string::npos) << err_.str();
}

}  // namespace
}  // namespace archive::ctl
