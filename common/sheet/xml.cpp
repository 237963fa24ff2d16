#include "common/sheet/xml.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include <fmt/format.h>

#include "common/base/utf8.hpp"

namespace archive::sheet::internal {
namespace {

constexpr std::size_t kChunk = 256 << 10;
constexpr std::size_t kMaxToken = 1 << 20;  // one tag, comment or processing instruction; text streams in pieces
constexpr std::size_t kMaxDepth = 256;

using Source = std::function<std::int64_t(char* buffer, std::size_t size, std::optional<Error>& error)>;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Writes into a buffer the caller sized: decoding never makes text longer than it was written.
struct Out {
  char* p;
  void Put(char c) { *p++ = c; }
  void Append(const char* s, std::size_t n) {
    std::memcpy(p, s, n);
    p += n;
  }
};

// XML 1.0's Char production.
bool IsXmlChar(std::uint32_t cp) {
  if (cp < 0x20) return cp == 0x9 || cp == 0xA || cp == 0xD;
  if (cp < 0xD800) return true;
  if (cp < 0xE000) return false;
  if (cp < 0x10000) return cp != 0xFFFE && cp != 0xFFFF;
  return cp <= 0x10FFFF;
}

// The length of the well-formed UTF-8 sequence of an XML character at s (s < e), or 0.
std::size_t XmlCharLength(const char* s, const char* e) {
  std::size_t i = 0;
  const auto cp = utf8::Next(std::string_view(s, static_cast<std::size_t>(e - s)), i);
  return cp && IsXmlChar(*cp) ? i : 0;
}

// What Decode reads: character data, an attribute value (white space normalised, no '<') or a CDATA section (no
// references).
enum class Mode { kText, kAttribute, kCData };

// Plain text needs no decoding: printable ASCII and tab/LF, without & or <.
bool IsPlain(const char* s, const char* e) {
  for (; s != e; ++s) {
    const auto c = static_cast<unsigned char>(*s);
    if (c >= 0x80 || c == '&' || c == '\r' || (c < 0x20 && c != '\t' && c != '\n')) return false;
  }
  return true;
}

}  // namespace

// Declared a friend by XmlHandler.
class XmlReader {
 public:
  XmlReader(XmlHandler& handler, const Limits& limits, std::string_view part)
      : handler_(handler), limits_(limits), part_(part) {
    handler_.stopped_ = false;
    handler_.line_ = &line_;
  }
  ~XmlReader() { handler_.line_ = nullptr; }
  XmlReader(const XmlReader&) = delete;
  XmlReader& operator=(const XmlReader&) = delete;

  // Reads the document from source. complete: the source was read to its end.
  std::optional<Error> Run(const Source& source, bool& complete) {
    source_ = &source;
    complete = false;
    if (auto e = Fill()) return e;
    if (auto e = SkipByteOrderMark()) return e;
    while (!handler_.stopped()) {
      if (pos_ == end_) {
        if (eof_) break;
        if (auto e = Fill()) return e;
        continue;
      }
      auto e = buf_[pos_] == '<' ? Markup() : CharacterData();
      if (e) return e;
    }
    complete = eof_ && pos_ == end_;
    if (handler_.stopped()) return std::nullopt;
    if (!root_seen_ || !starts_.empty()) return Corrupt("the document ends before its last element is closed");
    return std::nullopt;
  }

  std::optional<Error> source_error;

 private:
  // Moves the unread bytes to the front and reads more. Sets eof_ at the end of the source.
  std::optional<Error> Fill() {
    CountLines();
    if (pos_ > 0) {
      buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
      end_ -= pos_;
      counted_ -= pos_;
      pos_ = 0;
    }
    if (buf_.size() < end_ + kChunk) buf_.resize(end_ + kChunk);
    const std::int64_t n = (*source_)(buf_.data() + end_, kChunk, source_error);
    if (n < 0) return source_error;
    end_ += static_cast<std::size_t>(n);
    if (n == 0) eof_ = true;
    return std::nullopt;
  }

  void CountLines() {
    line_ += std::count(buf_.data() + counted_, buf_.data() + pos_, '\n');
    counted_ = pos_;
  }

  Error Corrupt(const std::string& what) {
    CountLines();
    return MakeError(ErrorCode::kCorrupt, limits_, fmt::format("{}: bad XML at line {}: {}", part_, line_, what));
  }

  std::optional<Error> SkipByteOrderMark() {
    const std::string_view head(buf_.data(), std::min<std::size_t>(end_, 3));
    if (head == "\xEF\xBB\xBF") {
      pos_ = 3;
    } else if (head.substr(0, 2) == "\xFE\xFF" || head.substr(0, 2) == "\xFF\xFE") {
      return Corrupt("UTF-16 is not supported (the parts of a workbook are UTF-8)");
    }
    return std::nullopt;
  }

  // Finds needle at or after from, reading more input as needed; the offset relative to pos_, or npos at the end
  // of the input. A token longer than kMaxToken is refused through error.
  std::size_t FindInToken(std::string_view needle, std::size_t from, std::optional<Error>& error) {
    for (;;) {
      const std::string_view window(buf_.data() + pos_, end_ - pos_);
      const std::size_t at = window.find(needle, from);
      if (at != std::string_view::npos) return at;
      if (eof_) return std::string_view::npos;
      if (window.size() > kMaxToken) {
        error = Corrupt(fmt::format("a tag or comment longer than {} bytes", kMaxToken));
        return std::string_view::npos;
      }
      from = window.size() >= needle.size() ? window.size() - needle.size() + 1 : 0;
      if ((error = Fill())) return std::string_view::npos;
    }
  }

  // The end of a start tag: the '>' outside quoted attribute values.
  std::size_t FindTagEnd(std::optional<Error>& error) {
    std::size_t i = 1;
    char quote = 0;
    for (;;) {
      for (; pos_ + i < end_; ++i) {
        const char c = buf_[pos_ + i];
        if (quote != 0) {
          if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '>') {
          return i;
        }
      }
      if (eof_) return std::string_view::npos;
      if (end_ - pos_ > kMaxToken) {
        error = Corrupt(fmt::format("a tag longer than {} bytes", kMaxToken));
        return std::string_view::npos;
      }
      if ((error = Fill())) return std::string_view::npos;
    }
  }

  std::optional<Error> Markup() {
    while (end_ - pos_ < 9 && !eof_) {
      if (auto e = Fill()) return e;
    }
    const std::string_view head(buf_.data() + pos_, std::min<std::size_t>(end_ - pos_, 9));
    if (head.substr(0, 2) == "</") return EndTag();
    if (head.substr(0, 2) == "<?") return ProcessingInstruction();
    if (head.substr(0, 4) == "<!--") return Comment();
    if (head == "<![CDATA[") return CData();
    if (head.substr(0, 9) == "<!DOCTYPE") {
      return MakeError(ErrorCode::kXmlDtd, limits_, fmt::format("{}: DOCTYPE at line {}", part_, line_));
    }
    if (head.substr(0, 2) == "<!") return Corrupt("unknown markup declaration");
    return StartTag();
  }

  std::optional<Error> StartTag() {
    std::optional<Error> error;
    const std::size_t close = FindTagEnd(error);
    if (error) return error;
    if (close == std::string_view::npos) return Corrupt("the document ends inside a tag");
    if (root_closed_) return Corrupt("content after the document element");
    if (starts_.size() >= kMaxDepth) return Corrupt(fmt::format("elements nested deeper than {}", kMaxDepth));
    const char* s = buf_.data() + pos_ + 1;
    const char* e = buf_.data() + pos_ + close;
    const bool empty = e > s && e[-1] == '/';
    if (empty) --e;

    // Names and decoded values with their NULs never take more than twice the tag's bytes.
    if (arena_.size() < 2 * close + 2) arena_.resize(2 * close + 2);
    Out out{arena_.data()};
    atts_.clear();
    const char* p = s;
    while (p < e && !IsSpace(*p)) ++p;
    if (p == s) return Corrupt("a tag without a name");
    const std::size_t name_length = static_cast<std::size_t>(p - s);
    out.Append(s, name_length);
    out.Put('\0');
    while (p < e) {
      while (p < e && IsSpace(*p)) ++p;
      if (p == e) break;
      const char* name = p;
      while (p < e && *p != '=' && !IsSpace(*p)) ++p;
      if (p == name) return Corrupt("an attribute without a name");
      atts_.push_back(out.p);
      out.Append(name, static_cast<std::size_t>(p - name));
      out.Put('\0');
      while (p < e && IsSpace(*p)) ++p;
      if (p == e || *p != '=') return Corrupt("an attribute without a value");
      ++p;
      while (p < e && IsSpace(*p)) ++p;
      if (p == e || (*p != '"' && *p != '\'')) return Corrupt("an attribute value without quotes");
      const char quote = *p++;
      const char* value = p;
      while (p < e && *p != quote) ++p;
      if (p == e) return Corrupt("an unterminated attribute value");
      atts_.push_back(out.p);
      if (auto bad = Decode(value, p, out, Mode::kAttribute)) return bad;
      out.Put('\0');
      ++p;
      if (p < e && !IsSpace(*p)) return Corrupt("attributes not separated by a space");
    }
    atts_.push_back(nullptr);

    starts_.push_back(names_.size());
    names_.append(arena_.data(), name_length + 1);
    root_seen_ = true;
    CountLines();
    pos_ += close + 1;
    const char* local = LocalName(arena_.data());
    handler_.Start(local, atts_.data());
    if (empty && !handler_.stopped()) return Close(local);
    if (empty) PopName();
    return std::nullopt;
  }

  std::optional<Error> EndTag() {
    std::optional<Error> error;
    const std::size_t close = FindInToken(">", 2, error);
    if (error) return error;
    if (close == std::string_view::npos) return Corrupt("the document ends inside an end tag");
    std::string_view name(buf_.data() + pos_ + 2, close - 2);
    while (!name.empty() && IsSpace(name.back())) name.remove_suffix(1);
    if (starts_.empty() ||
        name != std::string_view(names_.data() + starts_.back(), names_.size() - starts_.back() - 1)) {
      return Corrupt(fmt::format("end tag </{}> does not match the open element", name.substr(0, 64)));
    }
    pos_ += close + 1;
    return Close(LocalName(names_.data() + starts_.back()));
  }

  std::optional<Error> Close(const char* local) {
    handler_.End(local);
    PopName();
    return std::nullopt;
  }

  void PopName() {
    names_.resize(starts_.back());
    starts_.pop_back();
    if (starts_.empty()) root_closed_ = true;
  }

  std::optional<Error> ProcessingInstruction() {
    std::optional<Error> error;
    const std::size_t close = FindInToken("?>", 2, error);
    if (error) return error;
    if (close == std::string_view::npos) return Corrupt("the document ends inside a processing instruction");
    const std::string_view body(buf_.data() + pos_ + 2, close - 2);
    if (body.substr(0, 4) == "xml " || body == "xml") {
      const std::size_t at = body.find("encoding");
      if (at != std::string_view::npos) {
        std::size_t q = body.find_first_of("\"'", at);
        const std::size_t q_end = q == std::string_view::npos ? q : body.find(body[q], q + 1);
        if (q_end == std::string_view::npos) return Corrupt("a malformed XML declaration");
        std::string encoding(body.substr(q + 1, q_end - q - 1));
        std::transform(encoding.begin(), encoding.end(), encoding.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (encoding != "utf-8" && encoding != "utf8") {
          return Corrupt(
              fmt::format("encoding {} is not supported (the parts of a workbook are UTF-8)", encoding.substr(0, 32)));
        }
      }
    }
    pos_ += close + 2;
    return std::nullopt;
  }

  std::optional<Error> Comment() {
    std::optional<Error> error;
    const std::size_t close = FindInToken("-->", 4, error);
    if (error) return error;
    if (close == std::string_view::npos) return Corrupt("the document ends inside a comment");
    pos_ += close + 3;
    return std::nullopt;
  }

  std::optional<Error> CData() {
    std::optional<Error> error;
    const std::size_t close = FindInToken("]]>", 9, error);
    if (error) return error;
    if (close == std::string_view::npos) return Corrupt("the document ends inside CDATA");
    if (starts_.empty()) return Corrupt("CDATA outside the document element");
    const char* s = buf_.data() + pos_ + 9;
    const char* e = buf_.data() + pos_ + close;
    if (scratch_.size() < static_cast<std::size_t>(e - s)) scratch_.resize(static_cast<std::size_t>(e - s));
    Out out{scratch_.data()};
    if (auto bad = Decode(s, e, out, Mode::kCData)) return bad;
    pos_ += close + 3;
    if (out.p != scratch_.data()) handler_.Text(scratch_.data(), static_cast<std::size_t>(out.p - scratch_.data()));
    return std::nullopt;
  }

  std::optional<Error> CharacterData() {
    const char* s = buf_.data() + pos_;
    const auto* lt = static_cast<const char*>(std::memchr(s, '<', end_ - pos_));
    const char* e = lt != nullptr ? lt : buf_.data() + end_;
    if (lt == nullptr && !eof_) {
      if (end_ - pos_ < kMaxToken) return Fill();  // read on until the text ends, within one token's size
      e = SafeCut(s, e);
    }
    if (starts_.empty()) {
      if (!std::all_of(s, e, IsSpace)) return Corrupt("text outside the document element");
      pos_ += static_cast<std::size_t>(e - s);
      return std::nullopt;
    }
    pos_ += static_cast<std::size_t>(e - s);
    if (IsPlain(s, e)) {
      handler_.Text(s, static_cast<std::size_t>(e - s));
      return std::nullopt;
    }
    if (scratch_.size() < static_cast<std::size_t>(e - s)) scratch_.resize(static_cast<std::size_t>(e - s));
    Out out{scratch_.data()};
    if (auto bad = Decode(s, e, out, Mode::kText)) return bad;
    handler_.Text(scratch_.data(), static_cast<std::size_t>(out.p - scratch_.data()));
    return std::nullopt;
  }

  // Where a long run of text can be cut without splitting an entity, a UTF-8 sequence or a CR LF. Cutting before a
  // sequence that was complete is harmless: it is read again with what follows.
  static const char* SafeCut(const char* s, const char* e) {
    const char* cut = e;
    for (const char* p = e; p > s && e - p < 12; --p) {
      if (p[-1] == ';') break;
      if (p[-1] == '&') {
        cut = p - 1;
        break;
      }
    }
    for (const char* p = cut; p > s && cut - p < 4; --p) {
      const auto c = static_cast<unsigned char>(p[-1]);
      if (c < 0x80) break;
      if ((c & 0xC0) == 0xC0) {
        cut = p - 1;
        break;
      }
    }
    if (cut > s && cut[-1] == '\r') --cut;
    return cut > s ? cut : e;
  }

  // Decodes character data or an attribute value [s, e) into out: entities and character references, line ends,
  // and (attribute) white space normalised as XML specifies. CORRUPT for malformed UTF-8, a forbidden character, an
  // undefined entity or a '<' in an attribute value.
  std::optional<Error> Decode(const char* s, const char* e, Out& out, Mode mode) {
    for (const char* p = s; p < e;) {
      const char c = *p;
      if (c >= 0x20 && c != '&' && c != '<') {  // printable ASCII (a signed char: UTF-8 bytes are negative)
        out.Put(c);
        ++p;
        continue;
      }
      if (c == '&' && mode != Mode::kCData) {
        const char* semi = static_cast<const char*>(std::memchr(p, ';', std::min<std::ptrdiff_t>(e - p, 12)));
        if (semi == nullptr) return Corrupt("an unterminated entity reference");
        const std::string_view ref(p + 1, static_cast<std::size_t>(semi - p - 1));
        if (ref == "lt") {
          out.Put('<');
        } else if (ref == "gt") {
          out.Put('>');
        } else if (ref == "amp") {
          out.Put('&');
        } else if (ref == "quot") {
          out.Put('"');
        } else if (ref == "apos") {
          out.Put('\'');
        } else if (ref.size() >= 2 && ref[0] == '#') {
          const bool hex = ref[1] == 'x';
          const std::string_view digits = ref.substr(hex ? 2 : 1);
          std::uint32_t cp = 0;
          if (digits.empty()) return Corrupt("an empty character reference");
          for (const char d : digits) {
            int v;
            if (d >= '0' && d <= '9') {
              v = d - '0';
            } else if (hex && d >= 'a' && d <= 'f') {
              v = d - 'a' + 10;
            } else if (hex && d >= 'A' && d <= 'F') {
              v = d - 'A' + 10;
            } else {
              return Corrupt("a malformed character reference");
            }
            cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
            if (cp > 0x10FFFF) return Corrupt("a character reference out of range");
          }
          if (!IsXmlChar(cp)) return Corrupt("a character reference to a character XML forbids");
          out.p += utf8::Encode(cp, out.p);
        } else {
          return Corrupt("an undefined entity reference");
        }
        p = semi + 1;
        continue;
      }
      if (mode == Mode::kAttribute && c == '<') return Corrupt("'<' in an attribute value");
      const std::size_t n = XmlCharLength(p, e);
      if (n == 0) return Corrupt("malformed UTF-8 or a character XML forbids");
      if (c == '\r') {
        out.Put(mode == Mode::kAttribute ? ' ' : '\n');
        if (p + 1 < e && p[1] == '\n') ++p;
      } else if (mode == Mode::kAttribute && (c == '\n' || c == '\t')) {
        out.Put(' ');
      } else {
        out.Append(p, n);
      }
      p += n;
    }
    return std::nullopt;
  }

  XmlHandler& handler_;
  const Limits& limits_;
  std::string_view part_;
  const Source* source_ = nullptr;

  std::vector<char> buf_;
  std::size_t pos_ = 0;      // next unread byte
  std::size_t end_ = 0;      // end of the bytes read
  std::size_t counted_ = 0;  // newlines are counted up to here
  long line_ = 1;
  bool eof_ = false;

  std::string names_;  // the open elements, NUL-separated
  std::vector<std::size_t> starts_;
  bool root_seen_ = false;
  bool root_closed_ = false;

  std::vector<char> arena_;  // the current tag's name and attributes, NUL-terminated
  std::vector<const char*> atts_;
  std::vector<char> scratch_;  // decoded text
};

std::optional<Error> ParseXml(Zip& zip, const ZipEntry& entry, XmlHandler& handler, const Limits& limits) {
  if (auto error = zip.OpenEntry(entry)) return error;
  XmlReader reader(handler, limits, entry.name);
  bool complete = false;
  std::optional<Error> error = reader.Run(
      [&](char* buffer, std::size_t size, std::optional<Error>& e) { return zip.ReadEntry(buffer, size, e); },
      complete);
  std::optional<Error> closed = zip.CloseEntry(complete);
  if (error) return error;
  return closed;
}

std::optional<Error> ParseXml(std::string_view document, XmlHandler& handler, const Limits& limits, std::size_t chunk) {
  XmlReader reader(handler, limits, "document");
  bool complete = false;
  std::size_t at = 0;
  return reader.Run(
      [&](char* buffer, std::size_t size, std::optional<Error>&) {
        const std::size_t n = std::min({size, chunk, document.size() - at});
        std::memcpy(buffer, document.data() + at, n);
        at += n;
        return static_cast<std::int64_t>(n);
      },
      complete);
}

}  // namespace archive::sheet::internal
