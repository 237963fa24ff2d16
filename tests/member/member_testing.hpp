#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/member/cell.hpp"
#include "common/member/date.hpp"
#include "common/member/fields.hpp"
#include "common/member/finding.hpp"
#include "common/member/template.hpp"

// Shared helpers for the member rule tests. Every ID number here is invented: region 110105 with made-up birth
// dates and sequence numbers, and the check digit computed by the test itself (never by the code under test).
namespace archive::member::test_support {

// The GB 11643 check character, computed independently of IdCheckDigit.
inline char ReferenceCheckDigit(const std::string& first17) {
  const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * weights[i];
  return "10X98765432"[sum % 11];
}

// An invented but well-formed ID number: region 110105, birth "YYYYMMDD", a 3-digit sequence (odd = male).
inline std::string MakeId(const std::string& birth = "20080101", const std::string& sequence = "123") {
  const std::string first17 = "110105" + birth + sequence;
  return first17 + ReferenceCheckDigit(first17);
}

// The same ID with a wrong check character.
inline std::string WithWrongCheck(const std::string& id) {
  std::string out = id;
  out.back() = out.back() == '1' ? '2' : '1';
  return out;
}

inline Date D(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

inline const MemberTemplate& Tmpl() {
  static const MemberTemplate tmpl = BuiltinMemberTemplate();
  return tmpl;
}

inline const ColumnDef& Col(const std::string& key) {
  const ColumnDef* column = Tmpl().Find(key);
  if (column == nullptr) throw std::runtime_error("no column " + key);
  return *column;
}

inline std::vector<std::string> Codes(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.code);
  return out;
}

// True when some run of 15 or more consecutive ASCII digits appears in text: a full ID number (18 digits, or 17
// and an X) can never hide in a message or value that passes.
inline bool HasLongDigitRun(const std::string& text) {
  int run = 0;
  for (char c : text) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= 15) return true;
  }
  return false;
}

inline void ExpectNoFullId(const std::vector<Finding>& findings, const std::string& id) {
  for (const Finding& f : findings) {
    EXPECT_EQ(f.message.find(id), std::string::npos) << f.code << ": " << f.message;
    EXPECT_EQ(f.value.find(id), std::string::npos) << f.code << ": " << f.value;
    EXPECT_FALSE(HasLongDigitRun(f.message)) << f.code << ": " << f.message;
    EXPECT_FALSE(HasLongDigitRun(f.value)) << f.code << ": " << f.value;
  }
}

}  // namespace archive::member::test_support
