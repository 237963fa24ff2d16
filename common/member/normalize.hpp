#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Unicode clean-up for spreadsheet text. Pure functions on UTF-8; invalid byte sequences decode to U+FFFD.
namespace archive::member {

// The silent clean-up every cell gets: zero-width characters (U+200B..U+200D, U+2060, U+FEFF, U+00AD) are
// removed, the ideographic space U+3000, U+00A0 and other Unicode spaces become ' ', and leading and trailing
// white space is trimmed. With fold_width, full-width ASCII (U+FF01..U+FF5E, e.g. full-width digits, letters and
// parentheses) also becomes half-width ASCII.
std::string CleanText(std::string_view text, bool fold_width = true);

// CleanText, then every white space character removed, e.g. for numbers typed as "110105 2008 ...".
std::string CleanCompact(std::string_view text);

// The form in which headers, enum values and organization names are compared: CleanCompact with ASCII letters
// lower-cased.
std::string FoldForMatch(std::string_view text);

// The number of Unicode code points.
std::size_t CodePointCount(std::string_view text);

// Excel's letters for a zero-based column index: 0 -> "A", 25 -> "Z", 26 -> "AA".
std::string ColumnLetters(std::size_t index);

namespace detail {
// Decodes the code point at text[i] and advances i; an invalid sequence yields U+FFFD and advances one byte.
char32_t NextCodePoint(std::string_view text, std::size_t& i);
bool IsSpace(char32_t c);
}  // namespace detail

}  // namespace archive::member
