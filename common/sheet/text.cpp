#include "common/sheet/text.hpp"

#include <iconv.h>

#include <cerrno>
#include <charconv>
#include <cmath>

#include "common/base/utf8.hpp"

namespace archive::sheet::internal {

void AppendUtf16Le(std::string& out, const unsigned char* data, std::size_t units) {
  for (std::size_t i = 0; i < units; ++i) {
    char32_t u = data[2 * i] | (data[2 * i + 1] << 8);
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
      const char32_t low = data[2 * i + 2] | (data[2 * i + 3] << 8);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        utf8::Append(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
        ++i;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) u = 0xFFFD;
    utf8::Append(out, u);
  }
}

void AppendLatin1(std::string& out, const unsigned char* data, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) utf8::Append(out, data[i]);
}

std::optional<std::string> Gb18030ToUtf8(std::string_view bytes) {
  iconv_t cd = ::iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;  // NOLINT(performance-no-int-to-ptr): iconv's error
  // GB18030 -> UTF-8 grows at most 1.5x (2 bytes -> 3); 2x leaves room for the 4-byte forms.
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in_ptr = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char* out_ptr = out.data();
  std::size_t out_left = out.size();
  const std::size_t rc = ::iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  ::iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1) || in_left != 0) return std::nullopt;
  out.resize(out.size() - out_left);
  return out;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of "_xHHHH_" at text[i], or -1.
int EscapeAt(const std::string& text, std::size_t i) {
  if (i + 7 > text.size() || text[i] != '_' || text[i + 1] != 'x' || text[i + 6] != '_') return -1;
  int value = 0;
  for (std::size_t k = 2; k < 6; ++k) {
    const int h = HexValue(text[i + k]);
    if (h < 0) return -1;
    value = value * 16 + h;
  }
  return value;
}

}  // namespace

void DecodeXmlEscapes(std::string& text) {
  if (text.find("_x") == std::string::npos) return;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const int unit = EscapeAt(text, i);
    if (unit < 0) {
      out.push_back(text[i++]);
      continue;
    }
    i += 7;
    char32_t cp = static_cast<char32_t>(unit);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      const int low = EscapeAt(text, i);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<char32_t>(low) - 0xDC00);
        i += 7;
      }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    utf8::Append(out, cp);
  }
  text = std::move(out);
}

void AppendNumber(std::string& out, double value) {
  char buf[64];
  if (!std::isfinite(value)) {
    out += std::isnan(value) ? "NaN" : (value < 0 ? "-Infinity" : "Infinity");
    return;
  }
  // Whole numbers below 10^15 as digits (43952, 13800138000); anything else in the shortest form that round-trips,
  // in scientific notation once the exponent reaches the digit count, as Excel stores it (4.20106200801011E+17).
  char* end;
  if (std::abs(value) < 1e15 && value == std::trunc(value)) {
    end = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 0).ptr;
  } else {
    end = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general).ptr;
  }
  for (char* p = buf; p < end; ++p) {
    if (*p == 'e') *p = 'E';
  }
  out.append(buf, end);
}

}  // namespace archive::sheet::internal
