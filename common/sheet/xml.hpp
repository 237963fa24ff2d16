#pragma once

#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "common/sheet/internal.hpp"
#include "common/sheet/zip.hpp"

// Streaming XML for the xlsx parts. Internal.
//
// The parts of a workbook are plain XML 1.0 in UTF-8: elements, attributes, character data, the five predefined
// entities and character references, comments, CDATA and processing instructions. This reader handles exactly that
// and refuses the rest: a DOCTYPE (so no entity can be declared: no billion laughs, no XXE, nothing external is ever
// read), an encoding other than UTF-8, malformed UTF-8, characters XML forbids, unbalanced tags. It is a few times
// faster than a general parser because there is nothing else to do, and it keeps a bounded buffer however the input
// is shaped (a single token larger than kMaxToken is refused).
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

// The value of attribute local_name (prefix ignored), or nullptr. atts alternates names and values and ends with
// nullptr.
inline const char* Attribute(const char** atts, const char* local_name) {
  for (; *atts != nullptr; atts += 2) {
    if (Is(LocalName(atts[0]), local_name)) return atts[1];
  }
  return nullptr;
}

// Base for part handlers. Start/End receive local names and Start the attributes (names as written, values decoded);
// Text receives decoded character data, possibly in pieces. The pointers are valid only during the call. A handler
// calls Stop() to abandon the part (a limit was hit, or it has seen enough); exceptions from a handler propagate out
// of ParseXml.
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void Start(const char* name, const char** atts) = 0;
  virtual void End(const char* name) = 0;
  virtual void Text(const char* s, std::size_t len) = 0;

  void Stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }
  // The line being read, for error details.
  long line() const { return line_ != nullptr ? *line_ : 0; }

 private:
  friend class XmlReader;
  bool stopped_ = false;
  const long* line_ = nullptr;
};

// Streams one zip entry into handler. Returns the zip's error (ZIP_BOMB, CORRUPT, ENCRYPTED), XML_DTD for a document
// with a DOCTYPE, CORRUPT for malformed XML; nullopt when the part was read to its end or the handler stopped it (the
// handler then holds its own reason).
std::optional<Error> ParseXml(Zip& zip, const ZipEntry& entry, XmlHandler& handler, const Limits& limits);

// The same over a whole document in memory, handed over chunk bytes at a time (tests and the fuzzer use small
// chunks to put every token across a buffer boundary).
std::optional<Error> ParseXml(std::string_view document, XmlHandler& handler, const Limits& limits,
                              std::size_t chunk = 256 << 10);

}  // namespace archive::sheet::internal
