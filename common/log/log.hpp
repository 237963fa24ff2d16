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

// The named logger of a module (kafka, pg, pdf, ocr, http, or a worker's name), created on first use.
// Thread-safe. Never pass personal data (names, full ID numbers) to a logger.
std::shared_ptr<spdlog::logger> Get(const std::string& name);

}  // namespace archive::log
