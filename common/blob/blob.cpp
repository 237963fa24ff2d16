#include "common/blob/blob.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "common/base/crypto.hpp"

namespace archive::blob {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kScheme = "file://";

[[noreturn]] void Fail(std::string_view what, const fs::path& path) {
  throw Unavailable(fmt::format("blob store: cannot {} {}: {}", what, path.string(), std::strerror(errno)));
}

std::chrono::system_clock::time_point ModifiedOf(const struct stat& st) {
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
}

void SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) Fail("open directory", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) Fail("fsync directory", dir);
}

class FileWriter final : public Writer {
 public:
  explicit FileWriter(fs::path root) : root_(std::move(root)) {
    temp_ = root_ / "tmp" / (RandomHex(16) + ".part");
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd_ < 0) Fail("create", temp_);
  }

  ~FileWriter() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
  }

  void Write(std::string_view bytes) override {
    hash_.Update(bytes);
    size_ += static_cast<std::int64_t>(bytes.size());
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        Fail("write", temp_);
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  std::int64_t size() const override { return size_; }

  BlobRef Commit() override {
    if (::fsync(fd_) != 0) Fail("fsync", temp_);
    ::close(fd_);
    fd_ = -1;
    const std::string sha = hash_.FinishHex();
    const fs::path dir = root_ / "sha256" / sha.substr(0, 2);
    const fs::path target = dir / sha;
    std::error_code ec;
    if (fs::create_directories(dir, ec)) SyncDirectory(dir.parent_path());
    if (ec) throw Unavailable(fmt::format("blob store: cannot create {}: {}", dir.string(), ec.message()));
    if (::link(temp_.c_str(), target.c_str()) != 0) {
      if (errno != EEXIST) Fail("link", target);
      // Stored again: a garbage collector that saw it old and unreferenced must now leave it (Store::Remove).
      if (::utimensat(AT_FDCWD, target.c_str(), nullptr, 0) != 0) Fail("touch", target);
    }
    ::unlink(temp_.c_str());
    committed_ = true;
    SyncDirectory(dir);
    return {std::string(kScheme) + target.string(), sha, size_};
  }

 private:
  fs::path root_;
  fs::path temp_;
  int fd_ = -1;
  Sha256 hash_;
  std::int64_t size_ = 0;
  bool committed_ = false;
};

}  // namespace

BlobRef Store::Put(std::string_view bytes) {
  auto writer = Create();
  writer->Write(bytes);
  return writer->Commit();
}

FileStore::FileStore(fs::path root) : root_(fs::absolute(std::move(root)).lexically_normal()) {
  std::error_code ec;
  fs::create_directories(root_ / "tmp", ec);
  fs::create_directories(root_ / "sha256", ec);
  if (ec) {
    throw Unavailable(fmt::format("blob store: cannot create {} (set ARCHIVE_BLOB_ROOT to a writable folder): {}",
                                  root_.string(), ec.message()));
  }
}

std::unique_ptr<Writer> FileStore::Create() {
  return std::make_unique<FileWriter>(root_);
}

fs::path FileStore::PathOf(const std::string& uri) const {
  if (uri.rfind(kScheme, 0) != 0) throw NotFound(fmt::format("not a file:// blob URI: {}", uri));
  const fs::path path = fs::path(uri.substr(kScheme.size())).lexically_normal();
  const auto [root_end, unused] = std::mismatch(root_.begin(), root_.end(), path.begin(), path.end());
  if (root_end != root_.end())
    throw NotFound(fmt::format("blob URI outside this store's root {}: {}", root_.string(), uri));
  return path;
}

std::unique_ptr<std::istream> FileStore::Open(const std::string& uri) const {
  const fs::path path = PathOf(uri);
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) {
    if (!fs::exists(path)) throw NotFound(fmt::format("no blob at {}", uri));
    Fail("open", path);
  }
  return in;
}

bool FileStore::Exists(const std::string& uri) const {
  return fs::exists(PathOf(uri));
}

void FileStore::List(const std::function<void(const Stored&)>& visit) const {
  const auto each = [&](const fs::path& dir, bool incomplete) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      struct stat st {};
      if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      const std::string name = it->path().filename().string();
      if (incomplete != name.ends_with(".part")) continue;
      Stored object{.uri = std::string(kScheme) + it->path().string(),
                    .key = incomplete ? "" : name,
                    .size = st.st_size,
                    .modified = ModifiedOf(st),
                    .incomplete = incomplete};
      visit(object);
    }
    if (ec) throw Unavailable(fmt::format("blob store: cannot list {}: {}", dir.string(), ec.message()));
  };
  each(root_ / "sha256", false);
  each(root_ / "tmp", true);
}

bool FileStore::Remove(const Stored& object, std::chrono::system_clock::time_point not_after) {
  const fs::path path = PathOf(object.uri);
  const auto [root_end, below] = std::mismatch(root_.begin(), root_.end(), path.begin(), path.end());
  const std::string area = below != path.end() ? below->string() : "";
  if (area != (object.incomplete ? "tmp" : "sha256")) {
    throw NotFound(fmt::format("not a {} of this store: {}", object.incomplete ? "write" : "blob", object.uri));
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    Fail("stat", path);
  }
  if (ModifiedOf(st) > not_after) return false;
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return false;
    Fail("remove", path);
  }
  return true;
}

GcConfig GcConfig::From(config::Section& section) {
  GcConfig c;
  int hours = static_cast<int>(c.grace.count());
  section.Read("gc_grace_hours", hours);
  section.RejectUnknown();
  if (hours < 1) throw config::Error(section.path() + ".gc_grace_hours must be at least 1");
  c.grace = std::chrono::hours(hours);
  return c;
}

}  // namespace archive::blob
