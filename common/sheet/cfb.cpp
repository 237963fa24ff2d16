#include "common/sheet/cfb.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "common/sheet/internal.hpp"
#include "common/sheet/text.hpp"

namespace archive::sheet::internal {
namespace {

constexpr std::uint32_t kFreeSector = 0xFFFFFFFF;
constexpr std::uint32_t kEndOfChain = 0xFFFFFFFE;
constexpr std::uint32_t kNoStream = 0xFFFFFFFF;
constexpr std::size_t kHeaderDifat = 109;
constexpr std::size_t kEntrySize = 128;

std::uint16_t U16(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) | (static_cast<unsigned char>(b[at + 1]) << 8));
}

std::uint32_t U32(std::string_view b, std::size_t at) {
  return static_cast<std::uint32_t>(U16(b, at)) | (static_cast<std::uint32_t>(U16(b, at + 2)) << 16);
}

bool EqualsAsciiNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

Error CompoundFile::Corrupt(std::string detail) const {
  return MakeError(ErrorCode::kCorrupt, limits_, "compound file: " + std::move(detail));
}

std::string_view CompoundFile::Sector(std::uint32_t index) const {
  const std::uint64_t offset = (static_cast<std::uint64_t>(index) + 1) * sector_size_;
  if (offset >= bytes_.size()) return {};
  // The last sector may be cut short; the bytes that are there are used.
  return bytes_.substr(offset, sector_size_);
}

bool CompoundFile::Chain(std::uint32_t start, const std::vector<std::uint32_t>& table, std::uint64_t max_length,
                         std::vector<std::uint32_t>& chain) const {
  chain.clear();
  for (std::uint32_t s = start; s != kEndOfChain;) {
    if (s >= table.size() || chain.size() >= max_length) return false;  // out of range, or a cycle
    chain.push_back(s);
    s = table[s];
  }
  return true;
}

std::optional<Error> CompoundFile::Open() {
  if (bytes_.size() < 512) return Corrupt(fmt::format("{} bytes, shorter than the header", bytes_.size()));
  const std::uint16_t major = U16(bytes_, 26);
  const std::uint16_t sector_shift = U16(bytes_, 30);
  const std::uint16_t mini_shift = U16(bytes_, 32);
  if (U16(bytes_, 28) != 0xFFFE) return Corrupt("bad byte order mark");
  if (!((major == 3 && sector_shift == 9) || (major == 4 && sector_shift == 12))) {
    return Corrupt(fmt::format("version {} with sector shift {}", major, sector_shift));
  }
  if (mini_shift != 6) return Corrupt(fmt::format("mini sector shift {}", mini_shift));
  version3_ = major == 3;
  sector_size_ = 1u << sector_shift;
  mini_sector_size_ = 1u << mini_shift;
  mini_cutoff_ = U32(bytes_, 56);
  if (bytes_.size() <= sector_size_) return Corrupt("no sectors");
  sector_count_ = (bytes_.size() - sector_size_ + sector_size_ - 1) / sector_size_;

  // The sector allocation table (FAT), found through the DIFAT: 109 entries in the header, then a chain of DIFAT
  // sectors.
  const std::uint32_t fat_sectors = U32(bytes_, 44);
  if (fat_sectors > sector_count_) return Corrupt(fmt::format("{} FAT sectors in a file of fewer", fat_sectors));
  std::vector<std::uint32_t> difat;
  for (std::size_t i = 0; i < kHeaderDifat && difat.size() < fat_sectors; ++i) difat.push_back(U32(bytes_, 76 + 4 * i));
  std::uint32_t next = U32(bytes_, 68);
  const std::uint32_t per_difat = sector_size_ / 4 - 1;
  for (std::uint64_t steps = 0; difat.size() < fat_sectors; ++steps) {
    if (next == kEndOfChain || next == kFreeSector || steps > sector_count_) return Corrupt("DIFAT chain too short");
    const std::string_view sector = Sector(next);
    if (sector.size() < sector_size_) return Corrupt("DIFAT sector outside the file");
    for (std::uint32_t i = 0; i < per_difat && difat.size() < fat_sectors; ++i)
      difat.push_back(U32(sector, std::size_t{4} * i));
    next = U32(sector, std::size_t{4} * per_difat);
  }
  fat_.reserve(static_cast<std::size_t>(fat_sectors) * (sector_size_ / 4));
  for (const std::uint32_t index : difat) {
    const std::string_view sector = Sector(index);
    if (sector.size() < sector_size_) return Corrupt("FAT sector outside the file");
    for (std::uint32_t i = 0; i < sector_size_ / 4; ++i) fat_.push_back(U32(sector, std::size_t{4} * i));
  }

  // The directory.
  std::vector<std::uint32_t> chain;
  if (!Chain(U32(bytes_, 48), fat_, sector_count_, chain)) return Corrupt("bad directory chain");
  for (const std::uint32_t index : chain) {
    const std::string_view sector = Sector(index);
    if (sector.size() < sector_size_) return Corrupt("directory sector cut short");
    for (std::size_t at = 0; at + kEntrySize <= sector.size(); at += kEntrySize) {
      const std::string_view raw = sector.substr(at, kEntrySize);
      Entry entry;
      const std::size_t name_bytes = std::min<std::size_t>(U16(raw, 64), 64);
      const std::size_t units = name_bytes >= 2 ? name_bytes / 2 - 1 : 0;  // without the terminating NUL
      AppendUtf16Le(entry.name, reinterpret_cast<const unsigned char*>(raw.data()), units);
      entry.type = static_cast<unsigned char>(raw[66]);
      entry.left = U32(raw, 68);
      entry.right = U32(raw, 72);
      entry.child = U32(raw, 76);
      entry.start = U32(raw, 116);
      entry.size = U32(raw, 120);
      if (!version3_) entry.size |= static_cast<std::uint64_t>(U32(raw, 124)) << 32;
      entries_.push_back(std::move(entry));
    }
  }
  if (entries_.empty() || entries_[0].type != 5) return Corrupt("no root entry");

  // The mini stream (small streams live in 64-byte sectors inside it) and its allocation table.
  const std::uint32_t mini_fat_start = U32(bytes_, 60);
  if (mini_fat_start != kEndOfChain && mini_fat_start != kFreeSector) {
    if (!Chain(mini_fat_start, fat_, sector_count_, chain)) return Corrupt("bad mini FAT chain");
    for (const std::uint32_t index : chain) {
      const std::string_view sector = Sector(index);
      if (sector.size() < sector_size_) return Corrupt("mini FAT sector cut short");
      for (std::size_t i = 0; i + 4 <= sector.size(); i += 4) mini_fat_.push_back(U32(sector, i));
    }
  }
  const Entry& root = entries_[0];
  if (root.size > 0 && root.start != kEndOfChain) {
    if (!Chain(root.start, fat_, sector_count_, chain)) return Corrupt("bad mini stream chain");
    if (root.size > static_cast<std::uint64_t>(chain.size()) * sector_size_) return Corrupt("mini stream too short");
    mini_stream_.reserve(static_cast<std::size_t>(root.size));
    for (const std::uint32_t index : chain) mini_stream_.append(Sector(index));
    mini_stream_.resize(static_cast<std::size_t>(root.size));
  }

  // The root's children: a red-black tree of siblings under root.child, walked iteratively.
  std::vector<bool> seen(entries_.size());
  std::vector<std::uint32_t> stack{root.child};
  while (!stack.empty()) {
    const std::uint32_t id = stack.back();
    stack.pop_back();
    if (id == kNoStream || id >= entries_.size() || seen[id]) continue;
    seen[id] = true;
    root_children_.push_back(id);
    stack.push_back(entries_[id].left);
    stack.push_back(entries_[id].right);
  }
  return std::nullopt;
}

const CompoundFile::Entry* CompoundFile::FindRoot(std::string_view name) const {
  for (const std::size_t id : root_children_) {
    if (EqualsAsciiNoCase(entries_[id].name, name)) return &entries_[id];
  }
  return nullptr;
}

std::optional<Error> CompoundFile::ReadStream(const Entry& entry, std::string& out) const {
  out.clear();
  if (entry.type != 2) return Corrupt(fmt::format("{} is not a stream", entry.name));
  if (entry.size > bytes_.size()) return Corrupt(fmt::format("stream {} larger than the file", entry.name));
  std::vector<std::uint32_t> chain;
  const auto size = static_cast<std::size_t>(entry.size);
  if (entry.size < mini_cutoff_) {
    const std::uint64_t mini_count = mini_stream_.size() / mini_sector_size_;
    if (!Chain(entry.start, mini_fat_, mini_count, chain) ||
        static_cast<std::uint64_t>(chain.size()) * mini_sector_size_ < entry.size) {
      return Corrupt(fmt::format("bad mini chain of stream {}", entry.name));
    }
    out.reserve(size);
    for (const std::uint32_t index : chain) {
      const std::uint64_t offset = static_cast<std::uint64_t>(index) * mini_sector_size_;
      if (offset + mini_sector_size_ > mini_stream_.size()) return Corrupt("mini sector outside the mini stream");
      out.append(mini_stream_, static_cast<std::size_t>(offset), mini_sector_size_);
    }
  } else {
    if (!Chain(entry.start, fat_, sector_count_, chain) ||
        static_cast<std::uint64_t>(chain.size()) * sector_size_ < entry.size) {
      return Corrupt(fmt::format("bad chain of stream {}", entry.name));
    }
    out.reserve(size);
    for (const std::uint32_t index : chain) {
      if (out.size() >= size) break;
      out.append(Sector(index));
    }
  }
  if (out.size() < size) return Corrupt(fmt::format("stream {} cut short", entry.name));
  out.resize(size);
  return std::nullopt;
}

}  // namespace archive::sheet::internal
