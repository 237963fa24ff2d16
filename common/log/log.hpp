#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace archive::log {

enum class Format { kText, kJson };

// Configures every named logger: one line per record on stderr, as text for a terminal or as JSON
// objects ({"ts","level","logger","msg"}) for a log shipper. Call once in main before starting threads.
void Setup(Format format, spdlog::level::level_enum level);

// Format and level from ARCHIVE_LOG_FORMAT (text|json, default text) and ARCHIVE_LOG_LEVEL (default info).
void SetupFromEnvironment();

// Runs a process's main body, and turns an exception that escapes it (a configuration mistake, a
// database that never came up) into one critical log line and exit code 1, instead of std::terminate.
int RunMain(const std::string& program, const std::function<int()>& body);

// Tags every record this thread logs while it lives with the event being handled: the JSON format adds
// "event_id" and "trace_id" (when not empty), the text format appends them in brackets. The consumer loop
// sets it around each handler call, so handlers log without repeating the ids. Ids only, never personal data.
// Scopes nest; the destructor restores the outer one. Thread-local: it does not follow work to another thread.
class ScopedContext {
 public:
  ScopedContext(std::string event_id, std::string trace_id);
  ~ScopedContext();
  ScopedContext(const ScopedContext&) = delete;
  ScopedContext& operator=(const ScopedContext&) = delete;

  // This thread's current ids (empty when none).
  static const std::string& EventId();
  static const std::string& TraceId();

 private:
  std::string outer_event_id_;
  std::string outer_trace_id_;
};

// The named logger of a module (kafka, pg, pdf, ocr, http, or a worker's name), created on first use.
// Thread-safe. Never pass personal data (names, full ID numbers) to a logger.
std::shared_ptr<spdlog::logger> Get(const std::string& name);

}  // namespace archive::log
