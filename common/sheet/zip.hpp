#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/sheet/sheet.hpp"

// A zip archive in memory, read through minizip with every entry's inflation metered. Internal.
namespace archive::sheet::internal {

struct ZipEntry {
  std::string name;  // as stored
  std::uint64_t directory_offset = 0;
  std::uint64_t index = 0;
  std::uint64_t compressed = 0;  // declared sizes, from the central directory
  std::uint64_t uncompressed = 0;
  bool encrypted = false;
  int method = 0;
};

// The bytes minizip reads, through the file functions in zip.cpp.
struct ZipStream {
  const char* data = nullptr;
  std::uint64_t size = 0;
  std::uint64_t pos = 0;
};

// Not thread-safe; one per read. bytes must outlive it.
class Zip {
 public:
  Zip(std::string_view bytes, const Limits& limits);
  ~Zip();
  Zip(const Zip&) = delete;
  Zip& operator=(const Zip&) = delete;

  // Reads the central directory. CORRUPT if there is none or it is damaged.
  std::optional<Error> Open();

  // The entry with this part name, compared case-insensitively as OPC part names are; nullptr if absent.
  const ZipEntry* Find(std::string_view name) const;

  // Reading one entry at a time, into the caller's buffers: OpenEntry, ReadEntry until it returns 0, CloseEntry.
  // Refuses encrypted entries (ENCRYPTED), entries that declare or inflate past the byte budget or the compression
  // ratio (ZIP_BOMB), and unknown methods, bad deflate data or a CRC mismatch (CORRUPT). The budget
  // (max_uncompressed_bytes) is shared by every entry this Zip reads.
  std::optional<Error> OpenEntry(const ZipEntry& entry);
  // Inflates up to size bytes into buffer: the count, 0 at the end of the entry, -1 with error set.
  std::int64_t ReadEntry(char* buffer, std::size_t size, std::optional<Error>& error);
  // complete: the entry was read to its end, so its CRC is checked.
  std::optional<Error> CloseEntry(bool complete);

  // The same for a sink that takes chunks; sink returns false to stop early (that is not an error).
  std::optional<Error> Read(const ZipEntry& entry, const std::function<bool(std::string_view chunk)>& sink);

  // Reads a whole (small) entry; at most max_bytes are kept.
  std::optional<Error> ReadAll(const ZipEntry& entry, std::string& out, std::size_t max_bytes);

 private:
  Error Bomb(const ZipEntry& entry, std::string why) const;
  bool OverRatio(const ZipEntry& entry, std::uint64_t inflated) const;

  const Limits& limits_;
  ZipStream stream_;
  void* unz_ = nullptr;  // unzFile; minizip stays private to zip.cpp
  std::vector<ZipEntry> entries_;
  std::unordered_map<std::string, std::size_t> by_name_;  // lower-case name -> entries_ index
  std::int64_t inflated_ = 0;
  std::vector<char> buffer_;
  const ZipEntry* open_ = nullptr;  // the entry between OpenEntry and CloseEntry
  std::uint64_t open_inflated_ = 0;
};

}  // namespace archive::sheet::internal
