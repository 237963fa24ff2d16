#include "common/log/log.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

namespace archive::log {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class LogContextTest : public ::testing::Test {
 protected:
  // A logger writing to lines_, formatted as Setup configured every logger.
  std::shared_ptr<spdlog::logger> Logger(Format format) {
    log::Setup(format, spdlog::level::info);
    auto logger = std::make_shared<spdlog::logger>(name_, std::make_shared<spdlog::sinks::ostream_sink_mt>(lines_));
    spdlog::initialize_logger(logger);
    return logger;
  }

  void TearDown() override {
    spdlog::drop(name_);
    log::Setup(Format::kText, spdlog::level::info);
  }

  std::ostringstream lines_;
  std::string name_ = std::string("context-test-") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
};

TEST_F(LogContextTest, JsonRecordsCarryTheEventAndTraceIdsWhileTheScopeLives) {
  auto logger = Logger(Format::kJson);
  {
    const ScopedContext context("ev-1", "tr-1");
    logger->info("handling");
  }
  logger->info("idle");

  std::istringstream in(lines_.str());
  std::string handling;
  std::string idle;
  std::getline(in, handling);
  std::getline(in, idle);
  EXPECT_THAT(handling, HasSubstr(R"("msg":"handling","event_id":"ev-1","trace_id":"tr-1"})"));
  EXPECT_THAT(idle, HasSubstr(R"("msg":"idle"})"));
}

TEST_F(LogContextTest, ScopesNestAndAnEmptyTraceIsLeftOut) {
  auto logger = Logger(Format::kJson);
  const ScopedContext outer("ev-outer", "tr-outer");
  {
    const ScopedContext inner("ev-inner", "");
    logger->info("inner");
    EXPECT_EQ(ScopedContext::EventId(), "ev-inner");
  }
  logger->info("outer");

  EXPECT_THAT(lines_.str(), HasSubstr(R"("msg":"inner","event_id":"ev-inner"})"));
  EXPECT_THAT(lines_.str(), HasSubstr(R"("msg":"outer","event_id":"ev-outer","trace_id":"tr-outer"})"));
}

TEST_F(LogContextTest, TextRecordsAppendTheIds) {
  auto logger = Logger(Format::kText);
  {
    const ScopedContext context("ev-1", "tr-1");
    logger->info("handling");
  }
  logger->info("idle");

  EXPECT_THAT(lines_.str(), HasSubstr("handling [event ev-1 trace tr-1]"));
  EXPECT_THAT(lines_.str(), Not(HasSubstr("idle [")));
}

}  // namespace
}  // namespace archive::log
