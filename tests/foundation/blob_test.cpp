#include "common/blob/blob.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include "common/base/crypto.hpp"

namespace archive::blob {
namespace {

namespace fs = std::filesystem;

class FileStoreTest : public ::testing::Test {
 protected:
  fs::path root_ = fs::path(::testing::TempDir()) / ("blobs-" + RandomHex(4));
  FileStore store_{root_};

  void TearDown() override { fs::remove_all(root_); }

  std::string Read(const std::string& uri) {
    std::stringstream s;
    s << store_.Open(uri)->rdbuf();
    return s.str();
  }
};

TEST_F(FileStoreTest, StoresContentUnderItsSha256) {
  const BlobRef ref = store_.Put("%PDF-1.7 hello");
  EXPECT_EQ(ref.sha256, Sha256Hex("%PDF-1.7 hello"));
  EXPECT_EQ(ref.size, 14);
  EXPECT_NE(ref.uri.find(ref.sha256), std::string::npos);
  EXPECT_EQ(Read(ref.uri), "%PDF-1.7 hello");
  EXPECT_TRUE(store_.Exists(ref.uri));
}

TEST_F(FileStoreTest, StreamsInChunksWithTheSameAddress) {
  auto writer = store_.Create();
  writer->Write("%PDF-1.7 ");
  writer->Write("hello");
  EXPECT_EQ(writer->size(), 14);
  EXPECT_EQ(writer->Commit().uri, store_.Put("%PDF-1.7 hello").uri);
}

TEST_F(FileStoreTest, NeverOverwritesAndLeavesNoTempFiles) {
  const BlobRef first = store_.Put("same bytes");
  struct stat before {};
  ASSERT_EQ(::stat(first.uri.substr(7).c_str(), &before), 0);
  const auto written = fs::last_write_time(first.uri.substr(7));
  const BlobRef second = store_.Put("same bytes");
  EXPECT_EQ(first.uri, second.uri);
  struct stat after {};
  ASSERT_EQ(::stat(first.uri.substr(7).c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino) << "the file first stored stays";
  EXPECT_GE(fs::last_write_time(first.uri.substr(7)), written) << "stored again: its time moves (blobs gc)";
  EXPECT_TRUE(fs::is_empty(root_ / "tmp"));
}

TEST_F(FileStoreTest, DiscardsAnUncommittedWrite) {
  {
    auto writer = store_.Create();
    writer->Write("half an upload");
  }
  EXPECT_TRUE(fs::is_empty(root_ / "tmp"));
  EXPECT_TRUE(fs::is_empty(root_ / "sha256"));
}

TEST_F(FileStoreTest, RefusesUrisOutsideItsRoot) {
  EXPECT_THROW(store_.Open("file:///etc/passwd"), NotFound);
  EXPECT_THROW(store_.Open("file://" + root_.string() + "/../../etc/passwd"), NotFound);
  EXPECT_THROW(store_.Open("s3://bucket/key"), NotFound);
  EXPECT_THROW(store_.Open("file://" + (root_ / "sha256" / "00" / std::string(64, '0')).string()), NotFound);
}

}  // namespace
}  // namespace archive::blob
