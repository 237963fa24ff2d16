#pragma once

#include <expat.h>

#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "common/sheet/internal.hpp"
#include "common/sheet/zip.hpp"

// Streaming XML over expat for the xlsx parts, with DTDs refused. Internal.
namespace archive::sheet::internal {

// The local part of a possibly prefixed XML name ("x:c" -> "c"). Namespace URIs are not checked: element names are
// matched by position (a <c> only counts inside <sheetData><row>), which is enough to read what Excel and other
// writers produce, prefixed or not.
inline const char* LocalName(const char* name) {
  for (const char* p = name; *p != '\0'; ++p) {  // names are short: a loop beats a call to strchr
    if (*p == ':') return p + 1;
  }
  return name;
}

inline bool Is(const char* a, const char* b) {
  return std::strcmp(a, b) == 0;
}

// The value of attribute local_name (prefix ignored), or nullptr.
inline const char* Attribute(const char** atts, const char* local_name) {
  for (; *atts != nullptr; atts += 2) {
    if (Is(LocalName(atts[0]), local_name)) return atts[1];
  }
  return nullptr;
}

// Base for part handlers: Start/End receive local names, Text receives character data (in pieces). A handler calls
// Stop() to abandon the part (a limit was hit, or it has seen enough).
class XmlHandler {
 public:
  void Stop() {
    stopped_ = true;
    XML_StopParser(parser_, XML_FALSE);
  }
  bool stopped() const { return stopped_; }
  // A DOCTYPE or entity declaration: the part is refused.
  void RefuseDtd() {
    doctype_ = true;
    Stop();
  }
  // For the error detail.
  long line() const { return static_cast<long>(XML_GetCurrentLineNumber(parser_)); }
  // An exception from a handler (the row callback's included) must not unwind through expat's C frames: it is kept
  // here, the parse is stopped, and ParseXml rethrows it.
  void Keep(std::exception_ptr exception) {
    exception_ = std::move(exception);
    Stop();
  }

 private:
  template <typename H>
  friend std::optional<Error> ParseXml(Zip&, const ZipEntry&, H&, const Limits&);
  XML_Parser parser_ = nullptr;
  bool stopped_ = false;
  bool doctype_ = false;
  std::exception_ptr exception_;
};

namespace xml_detail {

constexpr int kXmlChunk = 256 << 10;

template <typename H>
void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char** atts) {
  try {
    static_cast<H*>(data)->Start(LocalName(name), atts);
  } catch (...) {
    static_cast<H*>(data)->Keep(std::current_exception());
  }
}
template <typename H>
void XMLCALL OnEnd(void* data, const XML_Char* name) {
  try {
    static_cast<H*>(data)->End(LocalName(name));
  } catch (...) {
    static_cast<H*>(data)->Keep(std::current_exception());
  }
}
template <typename H>
void XMLCALL OnText(void* data, const XML_Char* s, int len) {
  try {
    static_cast<H*>(data)->Text(s, static_cast<std::size_t>(len));
  } catch (...) {
    static_cast<H*>(data)->Keep(std::current_exception());
  }
}

}  // namespace xml_detail

// Streams one zip entry through expat into handler. Returns the zip's error (ZIP_BOMB, CORRUPT, ENCRYPTED), XML_DTD
// for a document with a DOCTYPE or entity declaration, CORRUPT for malformed XML; nullopt when the part was read to
// its end or the handler stopped it (the handler then holds its own reason).
template <typename H>
std::optional<Error> ParseXml(Zip& zip, const ZipEntry& entry, H& handler, const Limits& limits) {
  struct ParserHolder {
    XML_Parser p;
    ~ParserHolder() { XML_ParserFree(p); }
  } holder{XML_ParserCreate(nullptr)};
  if (holder.p == nullptr) throw std::bad_alloc();
  XML_Parser p = holder.p;
  XmlHandler& base = handler;
  base.parser_ = p;
  base.stopped_ = false;
  base.doctype_ = false;
  base.exception_ = nullptr;
  XML_SetUserData(p, &handler);
  XML_SetElementHandler(p, xml_detail::OnStart<H>, xml_detail::OnEnd<H>);
  XML_SetCharacterDataHandler(p, xml_detail::OnText<H>);
  // No DTD at all: that refuses internal entities (billion laughs) and external ones (XXE) before any is declared.
  // Nothing external is ever loaded either way: no external entity handler is set and parameter entities are off.
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
  XML_SetStartDoctypeDeclHandler(p, [](void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<XmlHandler&>(*static_cast<H*>(data)).RefuseDtd();
  });
  XML_SetEntityDeclHandler(
      p, [](void* data, const XML_Char*, int, const XML_Char*, int, const XML_Char*, const XML_Char*, const XML_Char*,
            const XML_Char*) { static_cast<XmlHandler&>(*static_cast<H*>(data)).RefuseDtd(); });

  // Inflate straight into expat's own buffer: no copy in between.
  if (auto error = zip.OpenEntry(entry)) return error;
  std::optional<Error> error;
  bool xml_failed = false;
  bool complete = false;
  for (;;) {
    void* buffer = XML_GetBuffer(p, xml_detail::kXmlChunk);
    if (buffer == nullptr) {
      if (XML_GetErrorCode(p) == XML_ERROR_NO_MEMORY) throw std::bad_alloc();
      xml_failed = true;
      break;
    }
    const std::int64_t n = zip.ReadEntry(static_cast<char*>(buffer), xml_detail::kXmlChunk, error);
    if (n < 0) break;
    if (XML_ParseBuffer(p, static_cast<int>(n), n == 0 ? XML_TRUE : XML_FALSE) == XML_STATUS_ERROR) {
      xml_failed = !base.stopped_;
      break;
    }
    if (n == 0) {
      complete = true;
      break;
    }
  }
  std::optional<Error> closed = zip.CloseEntry(complete);
  if (base.exception_) std::rethrow_exception(base.exception_);
  if (base.doctype_) {
    return MakeError(ErrorCode::kXmlDtd, limits,
                     fmt::format("{}: DOCTYPE or entity declaration at line {}", entry.name, base.line()));
  }
  if (error) return error;
  if (closed) return closed;
  if (xml_failed) {
    return MakeError(
        ErrorCode::kCorrupt, limits,
        fmt::format("{}: bad XML at line {}: {}", entry.name, base.line(), XML_ErrorString(XML_GetErrorCode(p))));
  }
  return std::nullopt;
}

}  // namespace archive::sheet::internal
