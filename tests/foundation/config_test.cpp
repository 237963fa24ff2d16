#include "common/config/config.hpp"

#include <gtest/gtest.h>

namespace archive::config {
namespace {

struct Example {
  std::string name = "default";
  int count = 3;
  std::chrono::milliseconds wait{100};
  std::vector<std::string> topics;
  std::map<std::string, std::string> raw;

  static Example From(Section& s) {
    Example e;
    s.Read("name", e.name);
    s.Read("count", e.count);
    s.Read("wait_ms", e.wait);
    s.Read("topics", e.topics);
    s.Read("raw", e.raw);
    s.RejectUnknown();
    return e;
  }
};

TEST(Config, KeepsDefaultsForAbsentKeys) {
  Section s(nlohmann::json::object(), "example");
  const auto e = Example::From(s);
  EXPECT_EQ(e.name, "default");
  EXPECT_EQ(e.count, 3);
  EXPECT_EQ(e.wait.count(), 100);
}

TEST(Config, ReadsEveryKind) {
  Section s(nlohmann::json::parse(R"({"name":"x","count":7,"wait_ms":5,"topics":["a","b"],"raw":{"k":"v"}})"),
            "example");
  const auto e = Example::From(s);
  EXPECT_EQ(e.name, "x");
  EXPECT_EQ(e.count, 7);
  EXPECT_EQ(e.wait.count(), 5);
  EXPECT_EQ(e.topics, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(e.raw.at("k"), "v");
}

TEST(Config, RejectsAnUnknownKeyNamingItsPath) {
  Section root(nlohmann::json::parse(R"({"example":{"nmae":"typo"}})"), "");
  auto s = root.Child("example");
  try {
    Example::From(s);
    FAIL() << "an unknown key was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("example.nmae"), std::string::npos) << e.what();
  }
}

TEST(Config, RejectsAWrongTypeNamingTheKey) {
  Section s(nlohmann::json::parse(R"({"count":"seven"})"), "example");
  EXPECT_THROW(Example::From(s), Error);
  Section negative(nlohmann::json::parse(R"({"wait_ms":-1})"), "example");
  EXPECT_THROW(Example::From(negative), Error);
  Section mixed(nlohmann::json::parse(R"({"topics":["a",1]})"), "example");
  EXPECT_THROW(Example::From(mixed), Error);
}

TEST(Config, RejectsASectionThatIsNotAnObject) {
  EXPECT_THROW(Section(nlohmann::json::array(), "example"), Error);
}

TEST(Config, LoadRefusesAFileThatIsNotJson) {
  const std::string path = ::testing::TempDir() + "/bad-config.json";
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("{ not json", f);
  std::fclose(f);
  EXPECT_THROW(Load(path), Error);
  EXPECT_THROW(Load(path + ".missing"), Error);
}

}  // namespace
}  // namespace archive::config
