#include "common/pdf/mupdf.hpp"

namespace archive::pdf {

std::string_view CodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotPdf:
      return "NOT_PDF";
    case ErrorCode::kEncrypted:
      return "ENCRYPTED";
    case ErrorCode::kCorrupt:
      return "CORRUPT";
    case ErrorCode::kMemoryLimit:
      return "MEMORY_LIMIT";
    case ErrorCode::kTooBig:
      return "TOO_BIG";
    case ErrorCode::kAborted:
      return "ABORTED";
    case ErrorCode::kBadRequest:
      return "BAD_REQUEST";
  }
  return "UNKNOWN";
}

__attribute__((noinline)) MuStatus RunGuarded(Context::Impl& impl, void (*fn)(void*), void* arg) noexcept {
  fz_context* ctx = impl.ctx.get();
  MuStatus status;
  status.refused_before = impl.allocator.RefusedSoFar();
  // volatile: set after the longjmp, read after fz_catch.
  volatile int code = FZ_ERROR_NONE;
  fz_try(ctx) {
    fn(arg);
  }
  fz_catch(ctx) {
    code = fz_caught(ctx);
  }
  status.code = code;
  if (code != FZ_ERROR_NONE) {
    try {
      status.message = fz_caught_message(ctx);
    } catch (...) {
      // Out of C++ memory for the message: the code still says what happened.
    }
  }
  status.refused_after = impl.allocator.RefusedSoFar();
  return status;
}

Error ErrorFrom(const MuStatus& status, ErrorCode otherwise, const std::string& what, std::optional<int> page) {
  if (status.hit_memory_limit()) {
    return Error{ErrorCode::kMemoryLimit, what + ": the memory limit (memory_bytes) was reached", page};
  }
  if (status.code == FZ_ERROR_ABORT) return Error{ErrorCode::kAborted, what + ": aborted", page};
  return Error{otherwise, what + ": " + (status.message.empty() ? "MuPDF failed" : status.message), page};
}

}  // namespace archive::pdf
