#include "common/pdf/context.hpp"

#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "common/pdf/mupdf.hpp"
#include "common/pdf/raster.hpp"

namespace archive::pdf {
namespace {

// Each block carries its size in a header, so free() knows how much to give back. 16 bytes keep the
// alignment malloc guarantees.
constexpr std::size_t kHeader = 16;

bool Admit(Allocator& a, std::size_t add, std::size_t remove) {
  const bool fits = add <= remove || (add <= a.cap && a.in_use - remove <= a.cap - add);
  if (a.pending && a.pending_size != add) ++a.refused;  // the last refusal was not followed by a successful retry
  if (!fits) {
    a.pending = true;
    a.pending_size = add;
    return false;
  }
  a.pending = false;
  return true;
}

void Account(Allocator& a, std::size_t add, std::size_t remove) {
  a.in_use = a.in_use - remove + add;
  if (a.in_use > a.peak) a.peak = a.in_use;
}

void* CountingMalloc(void* user, std::size_t size) {
  auto& a = *static_cast<Allocator*>(user);
  if (!Admit(a, size, 0)) return nullptr;
  auto* block = static_cast<unsigned char*>(std::malloc(size + kHeader));
  if (block == nullptr) return nullptr;
  std::memcpy(block, &size, sizeof size);
  Account(a, size, 0);
  return block + kHeader;
}

void CountingFree(void* user, void* ptr) {
  if (ptr == nullptr) return;
  auto& a = *static_cast<Allocator*>(user);
  auto* block = static_cast<unsigned char*>(ptr) - kHeader;
  std::size_t size = 0;
  std::memcpy(&size, block, sizeof size);
  Account(a, 0, size);
  std::free(block);
}

void* CountingRealloc(void* user, void* ptr, std::size_t size) {
  if (ptr == nullptr) return CountingMalloc(user, size);
  if (size == 0) {
    CountingFree(user, ptr);
    return nullptr;
  }
  auto& a = *static_cast<Allocator*>(user);
  auto* block = static_cast<unsigned char*>(ptr) - kHeader;
  std::size_t old_size = 0;
  std::memcpy(&old_size, block, sizeof old_size);
  if (!Admit(a, size, old_size)) return nullptr;
  auto* grown = static_cast<unsigned char*>(std::realloc(block, size + kHeader));
  if (grown == nullptr) return nullptr;
  std::memcpy(grown, &size, sizeof size);
  Account(a, size, old_size);
  return grown + kHeader;
}

// MuPDF prints warnings and errors to stderr by default; the caller gets errors as values instead, and the
// document's own complaints are not something an operator can act on.
void CountWarning(void* user, const char*) {
  ++static_cast<Context::Impl*>(user)->warnings;
}
void IgnoreError(void*, const char*) {}

}  // namespace

Context::Impl& ImplOf(Context& context) {
  return *context.impl_;
}

Context::Context(ContextOptions options) : impl_(std::make_unique<Impl>()) {
  if (options.store_bytes >= options.memory_bytes) {
    throw std::invalid_argument("pdf context: store_bytes must be below memory_bytes");
  }
  impl_->options = options;
  impl_->allocator.cap = options.memory_bytes;
  impl_->alloc = fz_alloc_context{&impl_->allocator, &CountingMalloc, &CountingRealloc, &CountingFree};
  impl_->ctx.reset(fz_new_context(&impl_->alloc, nullptr, options.store_bytes));
  if (!impl_->ctx) throw std::runtime_error("pdf context: MuPDF could not start; raise memory_bytes");
  fz_context* ctx = impl_->ctx.get();
  fz_set_warning_callback(ctx, &CountWarning, impl_.get());
  fz_set_error_callback(ctx, &IgnoreError, nullptr);
  MuStatus status = RunGuarded(
      *impl_, [](void* c) { fz_register_document_handlers(static_cast<fz_context*>(c)); }, ctx);
  if (!status.ok()) throw std::runtime_error("pdf context: MuPDF could not register its handlers: " + status.message);
}

Context::~Context() = default;

const ContextOptions& Context::options() const {
  return impl_->options;
}
std::size_t Context::bytes_in_use() const {
  return impl_->allocator.in_use;
}
std::size_t Context::peak_bytes() const {
  return impl_->allocator.peak;
}
std::int64_t Context::refused_allocations() const {
  return impl_->allocator.RefusedSoFar();
}

Raster Raster::White(int width, int height, ColorMode mode) {
  Raster r;
  r.width = width;
  r.height = height;
  r.channels = mode == ColorMode::kGray ? 1 : 3;
  r.stride = static_cast<std::size_t>(width) * r.channels;
  r.pixels.assign(r.stride * static_cast<std::size_t>(height), 255);
  return r;
}

}  // namespace archive::pdf
