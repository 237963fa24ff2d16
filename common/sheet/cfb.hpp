#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sheet/sheet.hpp"

// A Compound File Binary (OLE2) container in memory, [MS-CFB]: what holds an .xls workbook, and also what a
// password-protected .xlsx really is (an EncryptedPackage stream). Internal.
namespace archive::sheet::internal {

class CompoundFile {
 public:
  struct Entry {
    std::string name;  // UTF-8
    int type = 0;      // 1 storage, 2 stream, 5 root
    std::uint32_t start = 0;
    std::uint64_t size = 0;
    std::uint32_t left = 0;
    std::uint32_t right = 0;
    std::uint32_t child = 0;
  };

  // bytes must outlive the object.
  CompoundFile(std::string_view bytes, const Limits& limits) : bytes_(bytes), limits_(limits) {}

  // Reads the header, the sector allocation tables and the directory. CORRUPT on any inconsistency: every sector
  // chain is bounds- and cycle-checked, so a hostile file cannot make it loop or read outside the buffer.
  std::optional<Error> Open();

  // The entry named name (ASCII case-insensitive) directly under the root storage, or nullptr.
  const Entry* FindRoot(std::string_view name) const;

  // The whole content of a stream (at most the size of the file).
  std::optional<Error> ReadStream(const Entry& entry, std::string& out) const;

 private:
  Error Corrupt(std::string detail) const;
  std::string_view Sector(std::uint32_t index) const;
  bool Chain(std::uint32_t start, const std::vector<std::uint32_t>& table, std::uint64_t max_length,
             std::vector<std::uint32_t>& chain) const;

  std::string_view bytes_;
  const Limits& limits_;
  std::uint32_t sector_size_ = 512;
  std::uint32_t mini_sector_size_ = 64;
  std::uint32_t mini_cutoff_ = 4096;
  std::uint64_t sector_count_ = 0;
  bool version3_ = true;
  std::vector<std::uint32_t> fat_;
  std::vector<std::uint32_t> mini_fat_;
  std::vector<Entry> entries_;
  std::string mini_stream_;
  std::vector<std::size_t> root_children_;
};

}  // namespace archive::sheet::internal
