#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// UTF-8, strictly: overlong forms, surrogates and code points past U+10FFFF are malformed. Pure functions.
namespace archive::utf8 {

// Writes code point cp (at most U+10FFFF) to out, which has room for 4 bytes; returns the bytes written.
std::size_t Encode(char32_t cp, char* out);

// Appends code point cp (at most U+10FFFF) to out.
void Append(std::string& out, char32_t cp);

// The code point that starts at text[i] (i < text.size()), advancing i past it; nullopt for a malformed or
// truncated sequence, with i advanced by one byte so that a caller can substitute and go on.
std::optional<char32_t> Next(std::string_view text, std::size_t& i);

// The code points of text, a malformed or truncated sequence read as U+FFFD (one byte at a time, as Next).
std::u32string Decode(std::string_view text);

// UTF-8 of code points (each at most U+10FFFF).
std::string Encode(std::u32string_view text);

// Whether all of bytes is well-formed UTF-8.
bool IsValid(std::string_view bytes);

}  // namespace archive::utf8
