#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Character set helpers of the sheet readers. Internal.
namespace archive::sheet::internal {

// Appends UTF-16LE code units (lone surrogates become U+FFFD).
void AppendUtf16Le(std::string& out, const unsigned char* data, std::size_t units);

// Appends ISO-8859-1 bytes (BIFF8 "compressed" strings) as UTF-8.
void AppendLatin1(std::string& out, const unsigned char* data, std::size_t count);

// GB18030 (a superset of GBK and GB2312) -> UTF-8 through glibc's iconv; nullopt if the bytes are not GB18030.
std::optional<std::string> Gb18030ToUtf8(std::string_view bytes);

// Decodes OOXML's _xHHHH_ escapes (ST_Xstring: "_x000D_" is a carriage return, "_x005F_" an underscore) in place.
void DecodeXmlEscapes(std::string& text);

// Appends the shortest text that reads back as the same double ("43952", "4.2010620080101E+17", "0.1").
void AppendNumber(std::string& out, double value);

}  // namespace archive::sheet::internal
