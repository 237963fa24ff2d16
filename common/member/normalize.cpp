#include "common/member/normalize.hpp"

#include <charconv>

#include "common/base/utf8.hpp"
#include "common/member/cell.hpp"

namespace archive::member {

namespace detail {

char32_t NextCodePoint(std::string_view text, std::size_t& i) {
  return utf8::Next(text, i).value_or(U'\uFFFD');
}

bool IsSpace(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\v' || c == U'\f' || c == 0x00A0 ||
         c == 0x3000 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x1680 || c == 0x0085;
}

}  // namespace detail

namespace {

bool IsZeroWidth(char32_t c) {
  return (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF || c == 0x00AD;
}

// Printable ASCII without any space: nothing to clean (the common case for numbers, dates and IDs).
bool IsPlainAscii(std::string_view text) {
  for (char c : text) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

// One pass over the UTF-8 text, writing UTF-8: no intermediate UTF-32 copy.
std::string Clean(std::string_view text, bool fold_width, bool drop_spaces) {
  if (IsPlainAscii(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t kept = 0;  // out's length up to the last non-space character
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = detail::NextCodePoint(text, i);
    if (IsZeroWidth(c)) continue;
    const bool space = detail::IsSpace(c);
    if (space && (drop_spaces || out.empty())) continue;
    // Keep line breaks and tabs as they are: inside a name they are a mistake the rules report.
    if (space && c != U'\n' && c != U'\r' && c != U'\t') c = U' ';
    if (fold_width && c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    utf8::Append(out, c);
    if (!space) kept = out.size();
  }
  out.resize(kept);
  return out;
}

}  // namespace

std::string CleanText(std::string_view text, bool fold_width) {
  return Clean(text, fold_width, false);
}

std::string CleanCompact(std::string_view text) {
  return Clean(text, true, true);
}

std::string FoldForMatch(std::string_view text) {
  std::string out = CleanCompact(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::size_t CodePointCount(std::string_view text) {
  return utf8::Decode(text).size();
}

std::string ColumnLetters(std::size_t index) {
  std::string out;
  std::size_t n = index + 1;
  while (n > 0) {
    const std::size_t rem = (n - 1) % 26;
    out.insert(out.begin(), static_cast<char>('A' + rem));
    n = (n - 1) / 26;
  }
  return out;
}

std::optional<double> NumberOf(const CellValue& cell) {
  if (cell.kind != CellValue::Kind::kNumber) return std::nullopt;
  std::string_view text = cell.text;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  if (!(value == value) || value > 1e308 || value < -1e308) return std::nullopt;
  return value;
}

}  // namespace archive::member
