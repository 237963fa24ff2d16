#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace archive::pdf {

struct ContextOptions {
  // Every byte MuPDF holds for this context at once, caches included. An allocation past it fails, MuPDF
  // unwinds, and the operation returns ErrorCode::kMemoryLimit: this is what turns a decompression bomb into a
  // finding instead of an out-of-memory kill.
  std::size_t memory_bytes = std::size_t{768} << 20;
  // MuPDF's cache of decoded resources (fonts, images), counted inside memory_bytes. Must be below it.
  std::size_t store_bytes = std::size_t{64} << 20;
  // Document::Render refuses (kTooBig) an output larger than this many pixels...
  std::int64_t max_render_pixels = 100'000'000;
  // ...and a page that places an image declaring more pixels than this, before decoding anything.
  std::int64_t max_image_pixels = 100'000'000;
  // Bounds of Document::ScanActiveContent's walk over the object graph.
  int max_walk_depth = 64;
  int max_walk_objects = 200'000;
};

// One MuPDF context (fz_context) with a counting allocator that enforces ContextOptions::memory_bytes.
//
// Thread-safety: none. A Context, and every Document, Font and Writer made with it, belong to one thread at a
// time; give each worker thread its own Context (MuPDF's contexts are not thread-safe without lock callbacks,
// and this one has none). The one exception is Document::RequestAbort, which another thread may call.
//
// Lifetime: the Context must outlive everything made with it.
class Context {
 public:
  // Throws std::invalid_argument when store_bytes >= memory_bytes, and std::runtime_error when MuPDF cannot
  // start (only when memory_bytes is absurdly small).
  explicit Context(ContextOptions options = {});
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const ContextOptions& options() const;
  // Bytes MuPDF holds right now, and the most it has held at once.
  std::size_t bytes_in_use() const;
  std::size_t peak_bytes() const;
  // Allocations refused because of memory_bytes since the Context was made (a retry that succeeded after MuPDF
  // emptied its cache is not counted).
  std::int64_t refused_allocations() const;

  struct Impl;

 private:
  friend Impl& ImplOf(Context& context);
  std::unique_ptr<Impl> impl_;
};

}  // namespace archive::pdf
