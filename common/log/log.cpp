#include "common/log/log.hpp"

#include <cstdlib>
#include <mutex>
#include <utility>

#include <fmt/chrono.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace archive::log {
namespace {

void AppendJsonString(std::string_view s, spdlog::memory_buf_t& out) {
  out.push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        out.append(std::string_view("\\\""));
        break;
      case '\\':
        out.append(std::string_view("\\\\"));
        break;
      case '\n':
        out.append(std::string_view("\\n"));
        break;
      case '\r':
        out.append(std::string_view("\\r"));
        break;
      case '\t':
        out.append(std::string_view("\\t"));
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<int>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

struct Context {
  std::string event_id;
  std::string trace_id;
};

Context& ThreadContext() {
  thread_local Context context;
  return context;
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(msg.time);
    fmt::format_to(std::back_inserter(dest), R"({{"ts":"{:%Y-%m-%dT%H:%M:%S}Z","level":")", ms);
    const auto level = spdlog::level::to_string_view(msg.level);
    dest.append(level.data(), level.data() + level.size());
    dest.append(std::string_view(R"(","logger":)"));
    AppendJsonString(std::string_view(msg.logger_name.data(), msg.logger_name.size()), dest);
    dest.append(std::string_view(R"(,"msg":)"));
    AppendJsonString(std::string_view(msg.payload.data(), msg.payload.size()), dest);
    const auto& context = ThreadContext();
    if (!context.event_id.empty()) {
      dest.append(std::string_view(R"(,"event_id":)"));
      AppendJsonString(context.event_id, dest);
    }
    if (!context.trace_id.empty()) {
      dest.append(std::string_view(R"(,"trace_id":)"));
      AppendJsonString(context.trace_id, dest);
    }
    dest.append(std::string_view("}\n"));
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

// %* in the text pattern: " [event <id> trace <id>]" while a ScopedContext is active, else nothing.
class ContextFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const auto& context = ThreadContext();
    if (context.event_id.empty() && context.trace_id.empty()) return;
    fmt::format_to(std::back_inserter(dest), " [event {}", context.event_id.empty() ? "-" : context.event_id);
    if (!context.trace_id.empty()) fmt::format_to(std::back_inserter(dest), " trace {}", context.trace_id);
    dest.push_back(']');
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<ContextFlag>(); }
};

std::mutex& RegistryMutex() {
  static std::mutex m;
  return m;
}

}  // namespace

ScopedContext::ScopedContext(std::string event_id, std::string trace_id)
    : outer_event_id_(std::exchange(ThreadContext().event_id, std::move(event_id))),
      outer_trace_id_(std::exchange(ThreadContext().trace_id, std::move(trace_id))) {}

ScopedContext::~ScopedContext() {
  ThreadContext().event_id = std::move(outer_event_id_);
  ThreadContext().trace_id = std::move(outer_trace_id_);
}

const std::string& ScopedContext::EventId() {
  return ThreadContext().event_id;
}
const std::string& ScopedContext::TraceId() {
  return ThreadContext().trace_id;
}

void Setup(Format format, spdlog::level::level_enum level) {
  if (format == Format::kJson) {
    spdlog::set_formatter(std::make_unique<JsonFormatter>());
  } else {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<ContextFlag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v%*");
    spdlog::set_formatter(std::move(formatter));
  }
  spdlog::set_level(level);
}

void SetupFromEnvironment() {
  const char* format = std::getenv("ARCHIVE_LOG_FORMAT");
  const char* level = std::getenv("ARCHIVE_LOG_LEVEL");
  Setup(format != nullptr && std::string_view(format) == "json" ? Format::kJson : Format::kText,
        level != nullptr ? spdlog::level::from_str(level) : spdlog::level::info);
}

std::shared_ptr<spdlog::logger> Get(const std::string& name) {
  std::lock_guard lock(RegistryMutex());
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = std::make_shared<spdlog::logger>(name, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  spdlog::initialize_logger(logger);
  return logger;
}

}  // namespace archive::log

namespace archive::log {

int RunMain(const std::string& program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    Get(program)->critical("{} cannot run: {}", program, e.what());
    return 1;
  }
}

}  // namespace archive::log
