#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/kafka/kafka.hpp"
#include "common/testing/testing.hpp"

namespace archive::kafka {
namespace {

TEST(Topics, ParsesTheShippedDefinition) {
  std::ifstream in(testing::SourcePath("deploy/kafka/topics.conf"));
  std::stringstream text;
  text << in.rdbuf();
  const auto topics = ParseTopics(text.str());
  ASSERT_FALSE(topics.empty());
  bool has_dead_letter = false;
  for (const auto& t : topics) {
    EXPECT_GE(t.partitions, 1) << t.name;
    has_dead_letter |= t.name == "archive.dead-letter";
  }
  EXPECT_TRUE(has_dead_letter);
}

TEST(Topics, SkipsCommentsAndBlankLines) {
  const auto topics = ParseTopics("# c\n\n a 3 1000 delete # trailing\nb 1 -1 compact\n");
  ASSERT_EQ(topics.size(), 2u);
  EXPECT_EQ(topics[0].name, "a");
  EXPECT_EQ(topics[0].partitions, 3);
  EXPECT_EQ(topics[1].cleanup_policy, "compact");
}

TEST(Topics, RejectsAMalformedLineNamingIt) {
  for (const char* bad : {"a", "a 0 1000 delete", "a 3 1000 shred", "a x 1000 delete", "a 3 1000 delete extra"}) {
    try {
      ParseTopics(std::string("ok 1 1 delete\n") + bad);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const config::Error& e) {
      EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace archive::kafka
