#include "common/sheet/zip.hpp"

#include <unzip.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "common/sheet/internal.hpp"

namespace archive::sheet::internal {
namespace {

constexpr std::size_t kChunk = 256 << 10;
constexpr std::size_t kMaxNameBytes = 1024;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// minizip's file functions, over a buffer in memory. The "file name" is ignored: the opaque is the stream.
voidpf ZCALLBACK MemOpen(voidpf opaque, const void*, int) {
  return opaque;
}

uLong ZCALLBACK MemRead(voidpf, voidpf stream, void* buf, uLong size) {
  auto* s = static_cast<ZipStream*>(stream);
  if (s->pos >= s->size) return 0;
  const std::uint64_t n = std::min<std::uint64_t>(size, s->size - s->pos);
  std::memcpy(buf, s->data + s->pos, n);
  s->pos += n;
  return static_cast<uLong>(n);
}

uLong ZCALLBACK MemWrite(voidpf, voidpf, const void*, uLong) {
  return 0;
}

ZPOS64_T ZCALLBACK MemTell(voidpf, voidpf stream) {
  return static_cast<ZipStream*>(stream)->pos;
}

long ZCALLBACK MemSeek(voidpf, voidpf stream, ZPOS64_T offset, int origin) {
  auto* s = static_cast<ZipStream*>(stream);
  std::uint64_t base = 0;
  switch (origin) {
    case ZLIB_FILEFUNC_SEEK_SET:
      base = 0;
      break;
    case ZLIB_FILEFUNC_SEEK_CUR:
      base = s->pos;
      break;
    case ZLIB_FILEFUNC_SEEK_END:
      base = s->size;
      break;
    default:
      return -1;
  }
  if (offset > s->size || base + offset > s->size) return -1;
  s->pos = base + offset;
  return 0;
}

int ZCALLBACK MemClose(voidpf, voidpf) {
  return 0;
}
int ZCALLBACK MemError(voidpf, voidpf) {
  return 0;
}

}  // namespace

Zip::Zip(std::string_view bytes, const Limits& limits) : limits_(limits) {
  stream_.data = bytes.data();
  stream_.size = bytes.size();
}

Zip::~Zip() {
  if (unz_ != nullptr) unzClose(static_cast<unzFile>(unz_));
}

std::optional<Error> Zip::Open() {
  zlib_filefunc64_def funcs{};
  funcs.zopen64_file = MemOpen;
  funcs.zread_file = MemRead;
  funcs.zwrite_file = MemWrite;
  funcs.ztell64_file = MemTell;
  funcs.zseek64_file = MemSeek;
  funcs.zclose_file = MemClose;
  funcs.zerror_file = MemError;
  funcs.opaque = &stream_;
  unz_ = unzOpen2_64("memory", &funcs);
  if (unz_ == nullptr) {
    return MakeError(ErrorCode::kCorrupt, limits_, "zip: no readable central directory (truncated or not a zip)");
  }
  auto* uf = static_cast<unzFile>(unz_);
  int rc = unzGoToFirstFile(uf);
  char name[kMaxNameBytes + 1];
  while (rc == UNZ_OK) {
    unz_file_info64 info{};
    rc = unzGetCurrentFileInfo64(uf, &info, name, sizeof name, nullptr, 0, nullptr, 0);
    if (rc != UNZ_OK) break;
    unz64_file_pos pos{};
    rc = unzGetFilePos64(uf, &pos);
    if (rc != UNZ_OK) break;
    if (info.size_filename <= kMaxNameBytes) {  // longer names are no part we read
      ZipEntry entry;
      entry.name.assign(name, info.size_filename);
      entry.directory_offset = pos.pos_in_zip_directory;
      entry.index = pos.num_of_file;
      entry.compressed = info.compressed_size;
      entry.uncompressed = info.uncompressed_size;
      entry.encrypted = (info.flag & 1) != 0;
      entry.method = static_cast<int>(info.compression_method);
      by_name_.emplace(Lower(entry.name), entries_.size());
      entries_.push_back(std::move(entry));
    }
    rc = unzGoToNextFile(uf);
  }
  if (rc != UNZ_END_OF_LIST_OF_FILE) {
    return MakeError(ErrorCode::kCorrupt, limits_,
                     fmt::format("zip: damaged central directory after {} entries (minizip {})", entries_.size(), rc));
  }
  return std::nullopt;
}

const ZipEntry* Zip::Find(std::string_view name) const {
  const auto it = by_name_.find(Lower(name));
  return it == by_name_.end() ? nullptr : &entries_[it->second];
}

Error Zip::Bomb(const ZipEntry& entry, std::string why) const {
  return MakeError(ErrorCode::kZipBomb, limits_, fmt::format("zip entry {}: {}", entry.name, why));
}

std::optional<Error> Zip::OpenEntry(const ZipEntry& entry) {
  if (entry.encrypted) {
    return MakeError(ErrorCode::kEncrypted, limits_, fmt::format("zip entry {} is encrypted", entry.name));
  }
  if (entry.method != 0 && entry.method != Z_DEFLATED) {
    return MakeError(ErrorCode::kCorrupt, limits_,
                     fmt::format("zip entry {}: unsupported compression method {}", entry.name, entry.method));
  }
  const auto budget = static_cast<std::uint64_t>(std::max<std::int64_t>(0, limits_.max_uncompressed_bytes - inflated_));
  if (entry.uncompressed > budget) {
    return Bomb(entry, fmt::format("declares {} bytes, {} left of the {}-byte budget", entry.uncompressed, budget,
                                   limits_.max_uncompressed_bytes));
  }
  if (OverRatio(entry, entry.uncompressed)) {
    return Bomb(entry, fmt::format("declares {} bytes from {} compressed (limit ratio {})", entry.uncompressed,
                                   entry.compressed, limits_.max_compression_ratio));
  }
  auto* uf = static_cast<unzFile>(unz_);
  unz64_file_pos pos{entry.directory_offset, entry.index};
  if (unzGoToFilePos64(uf, &pos) != UNZ_OK || unzOpenCurrentFile(uf) != UNZ_OK) {
    return MakeError(ErrorCode::kCorrupt, limits_, fmt::format("zip entry {}: bad local header", entry.name));
  }
  open_ = &entry;
  open_inflated_ = 0;
  return std::nullopt;
}

bool Zip::OverRatio(const ZipEntry& entry, std::uint64_t inflated) const {
  const double allowed =
      limits_.max_compression_ratio * static_cast<double>(std::max<std::uint64_t>(entry.compressed, 1));
  return static_cast<std::int64_t>(inflated) > limits_.ratio_grace_bytes && static_cast<double>(inflated) > allowed;
}

std::int64_t Zip::ReadEntry(char* buffer, std::size_t size, std::optional<Error>& error) {
  const ZipEntry& entry = *open_;
  const int n = unzReadCurrentFile(static_cast<unzFile>(unz_), buffer,
                                   static_cast<unsigned>(std::min<std::size_t>(size, 1u << 30)));
  if (n < 0) {
    error = MakeError(ErrorCode::kCorrupt, limits_, fmt::format("zip entry {}: bad deflate data ({})", entry.name, n));
    return -1;
  }
  open_inflated_ += static_cast<std::uint64_t>(n);
  inflated_ += n;
  if (inflated_ > limits_.max_uncompressed_bytes) {
    error = Bomb(entry, fmt::format("inflates past the {}-byte budget", limits_.max_uncompressed_bytes));
    return -1;
  }
  // minizip never inflates past the declared size; counting anyway costs nothing.
  if (open_inflated_ > entry.uncompressed || OverRatio(entry, open_inflated_)) {
    error = Bomb(entry, fmt::format("inflates to more than {} bytes from {} compressed (declared {})", open_inflated_,
                                    entry.compressed, entry.uncompressed));
    return -1;
  }
  return n;
}

std::optional<Error> Zip::CloseEntry(bool complete) {
  const ZipEntry* entry = open_;
  open_ = nullptr;
  if (entry == nullptr) return std::nullopt;
  const int rc = unzCloseCurrentFile(static_cast<unzFile>(unz_));
  if (complete && rc == UNZ_CRCERROR) {
    return MakeError(ErrorCode::kCorrupt, limits_, fmt::format("zip entry {}: CRC mismatch", entry->name));
  }
  return std::nullopt;
}

std::optional<Error> Zip::Read(const ZipEntry& entry, const std::function<bool(std::string_view)>& sink) {
  if (auto error = OpenEntry(entry)) return error;
  if (buffer_.empty()) buffer_.resize(kChunk);
  std::optional<Error> error;
  bool complete = false;
  for (;;) {
    const std::int64_t n = ReadEntry(buffer_.data(), buffer_.size(), error);
    if (n < 0) break;
    if (n == 0) {
      complete = true;
      break;
    }
    if (!sink(std::string_view(buffer_.data(), static_cast<std::size_t>(n)))) break;
  }
  std::optional<Error> closed = CloseEntry(complete);
  return error ? error : closed;
}

std::optional<Error> Zip::ReadAll(const ZipEntry& entry, std::string& out, std::size_t max_bytes) {
  out.clear();
  return Read(entry, [&](std::string_view chunk) {
    out.append(chunk.substr(0, max_bytes - out.size()));
    return out.size() < max_bytes;
  });
}

}  // namespace archive::sheet::internal
