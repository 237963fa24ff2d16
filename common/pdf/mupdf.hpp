#pragma once

// Private to common/pdf: the only header in the repository that includes MuPDF, and the only place (with its
// .cpp files) where fz_try/fz_catch appear (style rule 8).
//
// The rules that keep MuPDF's longjmp safe in C++:
//  1. MuPDF is called only inside Guard(ctx, lambda). Guard runs the lambda inside fz_try on the other side of
//     a non-inlined call, so the lambda's stores to captured variables are in memory when MuPDF longjmps.
//  2. A guarded lambda holds no local object with a destructor across a call into MuPDF (longjmp would skip
//     it). Resources go into Owned<> holders declared outside the lambda, which release them whatever happens.
//  3. A C++ exception thrown inside the lambda is caught inside fz_try and rethrown after it, so MuPDF's
//     exception stack is never left unbalanced.
//  4. Callbacks MuPDF calls (allocator, devices, path walkers) are noexcept.

#include <exception>
#include <string>
#include <utility>

extern "C" {
#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
}

#include "common/base/holder.hpp"
#include "common/pdf/context.hpp"
#include "common/pdf/error.hpp"

namespace archive::pdf {

// Counts every byte MuPDF allocates and refuses what would pass the cap.
struct Allocator {
  std::size_t cap = 0;
  std::size_t in_use = 0;
  std::size_t peak = 0;
  std::int64_t refused = 0;
  // A refusal is only real if MuPDF's retry (after emptying its store) does not succeed: remember the size of
  // the last refusal until the next allocation shows whether it was a retry that succeeded.
  std::size_t pending_size = 0;
  bool pending = false;

  std::int64_t RefusedSoFar() const { return refused + (pending ? 1 : 0); }
};

struct Context::Impl {
  ContextOptions options;
  Allocator allocator;
  fz_alloc_context alloc{};
  int warnings = 0;
  // Declared last: destroyed first, while the allocator it frees into still exists.
  Holder<fz_context, &fz_drop_context> ctx;
};

Context::Impl& ImplOf(Context& context);

// A MuPDF object that needs the context to be released: fz_drop_page(ctx, page) and the like.
template <typename T, void (*Drop)(fz_context*, T*)>
class Owned {
 public:
  explicit Owned(fz_context* ctx, T* value = nullptr) noexcept : ctx_(ctx), value_(value) {}
  Owned(Owned&& other) noexcept : ctx_(other.ctx_), value_(std::exchange(other.value_, nullptr)) {}
  Owned& operator=(Owned&& other) noexcept {
    if (this != &other) {
      reset(std::exchange(other.value_, nullptr));
      ctx_ = other.ctx_;
    }
    return *this;
  }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() { reset(); }

  void reset(T* value = nullptr) noexcept {
    T* old = std::exchange(value_, value);
    if (old != nullptr) Drop(ctx_, old);
  }
  Owned& operator=(T* value) noexcept {
    reset(value);
    return *this;
  }
  T* get() const noexcept { return value_; }
  T* release() noexcept { return std::exchange(value_, nullptr); }

 private:
  fz_context* ctx_;
  T* value_;
};

inline void DropPdfObj(fz_context* ctx, pdf_obj* obj) {
  pdf_drop_obj(ctx, obj);
}
inline void DropConstPath(fz_context* ctx, fz_path* path) {
  fz_drop_path(ctx, path);
}
inline void DropStrokeState(fz_context* ctx, fz_stroke_state* s) {
  fz_drop_stroke_state(ctx, s);
}
inline void DropText(fz_context* ctx, fz_text* text) {
  fz_drop_text(ctx, text);
}

using OwnedDocument = Owned<fz_document, &fz_drop_document>;
using OwnedPage = Owned<fz_page, &fz_drop_page>;
using OwnedStream = Owned<fz_stream, &fz_drop_stream>;
using OwnedPixmap = Owned<fz_pixmap, &fz_drop_pixmap>;
using OwnedDevice = Owned<fz_device, &fz_drop_device>;
using OwnedBuffer = Owned<fz_buffer, &fz_drop_buffer>;
using OwnedFont = Owned<fz_font, &fz_drop_font>;
using OwnedText = Owned<fz_text, &DropText>;
using OwnedPath = Owned<fz_path, &DropConstPath>;
using OwnedStroke = Owned<fz_stroke_state, &DropStrokeState>;
using OwnedImage = Owned<fz_image, &fz_drop_image>;
using OwnedObj = Owned<pdf_obj, &DropPdfObj>;
using OwnedOutput = Owned<fz_output, &fz_drop_output>;
using OwnedStextPage = Owned<fz_stext_page, &fz_drop_stext_page>;
using OwnedPdfDocument = Owned<pdf_document, &pdf_drop_document>;

// What a guarded call ended with: FZ_ERROR_NONE, or MuPDF's error code and message.
struct MuStatus {
  int code = FZ_ERROR_NONE;
  std::string message;
  std::int64_t refused_before = 0;  // Allocator::RefusedSoFar() when the call started
  std::int64_t refused_after = 0;
  bool ok() const { return code == FZ_ERROR_NONE; }
  bool hit_memory_limit() const { return refused_after > refused_before; }
};

// Runs fn(arg) inside fz_try. Never inlined (see rule 1). Does not throw.
MuStatus RunGuarded(Context::Impl& impl, void (*fn)(void*), void* arg) noexcept;

template <typename F>
MuStatus Guard(Context::Impl& impl, F&& body) {
  struct Call {
    F* body;
    std::exception_ptr failure;
  } call{&body, nullptr};
  MuStatus status = RunGuarded(
      impl,
      [](void* arg) {
        auto* c = static_cast<Call*>(arg);
        try {
          (*c->body)();
        } catch (...) {
          c->failure = std::current_exception();
        }
      },
      &call);
  if (call.failure) std::rethrow_exception(call.failure);
  return status;
}

// The Error for a failed guarded call: kMemoryLimit when the allocator refused something during the call
// (whatever MuPDF made of it), kAborted for FZ_ERROR_ABORT, otherwise `otherwise`. `what` says what was being
// done, e.g. "rendering page 3".
Error ErrorFrom(const MuStatus& status, ErrorCode otherwise, const std::string& what, std::optional<int> page = {});

}  // namespace archive::pdf
