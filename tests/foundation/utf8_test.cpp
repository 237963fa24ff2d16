// Strict UTF-8: what round-trips, and every way a sequence can be malformed.
#include <gtest/gtest.h>

#include <string>

#include "common/base/utf8.hpp"

namespace archive::utf8 {
namespace {

TEST(Utf8, EncodesEachLengthAndDecodesItBack) {
  for (const char32_t cp : {U'A', U'\u00E9', U'\u4E2D', U'\U0001F600', U'\U0010FFFF'}) {
    std::string text;
    Append(text, cp);
    std::size_t i = 0;
    EXPECT_EQ(Next(text, i), cp);
    EXPECT_EQ(i, text.size());
    EXPECT_TRUE(IsValid(text));
  }
  EXPECT_EQ(std::string("\xE4\xB8\xAD"), [] {
    std::string s;
    Append(s, U'中');
    return s;
  }());
}

TEST(Utf8, RefusesMalformedSequencesOneByteAtATime) {
  const char* bad[] = {
      "\x80",              // a continuation byte alone
      "\xC0\xAF",          // overlong '/'
      "\xE0\x80\xAF",      // overlong, three bytes
      "\xF0\x80\x80\xAF",  // overlong, four bytes
      "\xED\xA0\x80",      // a surrogate
      "\xF4\x90\x80\x80",  // past U+10FFFF
      "\xE4\xB8",          // truncated
      "\xC3\x28",          // a bad continuation
      "\xFF",
  };
  for (const char* s : bad) {
    const std::string text(s);
    std::size_t i = 0;
    EXPECT_FALSE(Next(text, i)) << text;
    EXPECT_EQ(i, 1u) << "a malformed sequence is skipped one byte at a time";
    EXPECT_FALSE(IsValid("plain ascii run " + text + " after"));
  }
}

TEST(Utf8, AcceptsLongAsciiRunsAndMixedText) {
  EXPECT_TRUE(IsValid(""));
  EXPECT_TRUE(IsValid(std::string(1000, 'a') + "团员" + std::string(7, 'b')));
}

TEST(Utf8, DecodesWholeTextWithMalformedBytesAsReplacementsAndEncodesItBack) {
  EXPECT_EQ(utf8::Decode("程静A"), U"程静A");
  EXPECT_EQ(utf8::Encode(U"程静A"), "程静A");
  // A truncated 3-byte sequence: each of its bytes becomes U+FFFD, and what follows is still read.
  EXPECT_EQ(utf8::Decode("\xE7\xA8"
                         "B"),
            U"\uFFFD\uFFFDB");
  EXPECT_EQ(utf8::Decode(""), U"");
}

}  // namespace
}  // namespace archive::utf8
