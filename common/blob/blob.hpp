#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/errors.hpp"

namespace archive::blob {

// How events and rows point at a file: files never travel in Kafka.
struct BlobRef {
  std::string uri;     // e.g. file:///var/lib/league-archive/blobs/sha256/ab/ab12...
  std::string sha256;  // lower-case hex
  std::int64_t size = 0;
};

// The blob store cannot be reached or written (disk full, permissions, network): retry later.
class Unavailable : public archive::Unavailable {
 public:
  using archive::Unavailable::Unavailable;
};

// No blob at that URI (or the URI is not one of this store's).
class NotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A streaming write. Bytes are hashed as they arrive; nothing is visible until Commit. Destroying an
// uncommitted writer discards what it wrote.
class Writer {
 public:
  virtual ~Writer() = default;
  virtual void Write(std::string_view bytes) = 0;
  virtual std::int64_t size() const = 0;
  // Makes the blob durable and visible under its content address and returns its reference.
  virtual BlobRef Commit() = 0;
};

// Content-addressed, write-once storage. Implementations are thread-safe; a Writer is not.
class Store {
 public:
  virtual ~Store() = default;
  virtual std::unique_ptr<Writer> Create() = 0;
  virtual std::unique_ptr<std::istream> Open(const std::string& uri) const = 0;
  virtual bool Exists(const std::string& uri) const = 0;

  BlobRef Put(std::string_view bytes);
};

// Files under root/sha256/<2 hex>/<64 hex>. A write goes to root/tmp, is fsynced, then linked into place
// (never overwriting: the same content is already there), and the directory is fsynced.
class FileStore final : public Store {
 public:
  explicit FileStore(std::filesystem::path root);
  std::unique_ptr<Writer> Create() override;
  std::unique_ptr<std::istream> Open(const std::string& uri) const override;
  bool Exists(const std::string& uri) const override;

 private:
  std::filesystem::path PathOf(const std::string& uri) const;
  std::filesystem::path root_;
};

}  // namespace archive::blob
