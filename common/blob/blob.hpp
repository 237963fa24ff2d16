#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/errors.hpp"
#include "common/config/config.hpp"

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

// An object of a store as garbage collection sees it (archivectl blobs gc): a committed blob, or a write that never
// committed (a crashed writer's temporary file; an S3 store's unfinished multipart upload).
struct Stored {
  std::string uri;  // a blob's BlobRef::uri; for an incomplete write, a name that only Remove understands
  std::string key;  // a blob's content address (lower-case SHA-256 hex, as BlobRef::sha256); empty when incomplete
  std::int64_t size = 0;
  std::chrono::system_clock::time_point modified;  // last written (or, for a blob, last stored again)
  bool incomplete = false;
};

// The "blob" section of archivectl's configuration.
struct GcConfig {
  // An unreferenced blob or an incomplete write younger than this is kept: its upload may be in flight, its row
  // not yet committed. Overridden by `archivectl blobs gc --grace`.
  std::chrono::hours grace{24};

  // Reads "gc_grace_hours" (at least 1), then rejects unknown keys. Throws config::Error naming the key.
  static GcConfig From(config::Section& section);
};

// Content-addressed, write-once storage. Implementations are thread-safe; a Writer is not.
class Store {
 public:
  virtual ~Store() = default;
  virtual std::unique_ptr<Writer> Create() = 0;
  virtual std::unique_ptr<std::istream> Open(const std::string& uri) const = 0;
  virtual bool Exists(const std::string& uri) const = 0;

  // Calls visit for every blob and every incomplete write, in no particular order. Storing a blob that is already
  // there again makes it modified now, so that a collector that saw it old and unreferenced leaves it. Throws
  // Unavailable when the store cannot be listed.
  virtual void List(const std::function<void(const Stored&)>& visit) const = 0;
  // Removes an object List reported, unless it was modified after not_after (stored again meanwhile): returns
  // whether it was removed. One already gone is not an error. Throws NotFound for an object not of this store.
  virtual bool Remove(const Stored& object, std::chrono::system_clock::time_point not_after) = 0;

  BlobRef Put(std::string_view bytes);
};

// Files under root/sha256/<2 hex>/<64 hex>. A write goes to root/tmp/<random>.part, is fsynced, then linked into
// place (never overwriting: the same content is already there, and its time is set to now), and the directory is
// fsynced. A .part file left behind by a crash is an incomplete write.
class FileStore final : public Store {
 public:
  explicit FileStore(std::filesystem::path root);
  std::unique_ptr<Writer> Create() override;
  std::unique_ptr<std::istream> Open(const std::string& uri) const override;
  bool Exists(const std::string& uri) const override;
  void List(const std::function<void(const Stored&)>& visit) const override;
  bool Remove(const Stored& object, std::chrono::system_clock::time_point not_after) override;

 private:
  std::filesystem::path PathOf(const std::string& uri) const;
  std::filesystem::path root_;
};

}  // namespace archive::blob
