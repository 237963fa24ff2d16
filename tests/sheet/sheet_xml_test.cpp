// The xlsx parts' XML reader on its own: what it decodes, what it refuses, and that the result does not depend on
// where the input is cut into chunks.
#include <gtest/gtest.h>

#include <string>

#include "common/sheet/xml.hpp"

namespace archive::sheet::internal {
namespace {

// Writes every event as text: <name a="v">, "text", </name>. Adjacent text pieces are merged, since where character
// data is split is not part of the contract.
class Recorder : public XmlHandler {
 public:
  std::string events;
  std::string stop_at;  // Stop() at the start of this element

  void Start(const char* name, const char** atts) override {
    Flush();
    events += "<";
    events += name;
    for (; *atts != nullptr; atts += 2) events += std::string(" ") + atts[0] + "=\"" + atts[1] + "\"";
    events += ">";
    if (name == stop_at) Stop();
  }
  void End(const char* name) override {
    Flush();
    events += std::string("</") + name + ">";
  }
  void Text(const char* s, std::size_t len) override { text_.append(s, len); }
  void Flush() {
    if (!text_.empty()) events += "\"" + text_ + "\"";
    text_.clear();
  }

 private:
  std::string text_;
};

struct Parsed {
  std::optional<Error> error;
  std::string events;
};

Parsed Parse(const std::string& xml, std::size_t chunk = 1 << 18) {
  Limits limits;
  Recorder recorder;
  Parsed parsed;
  parsed.error = ParseXml(xml, recorder, limits, chunk);
  recorder.Flush();
  parsed.events = recorder.events;
  return parsed;
}

std::optional<ErrorCode> CodeOf(const std::string& xml) {
  const auto parsed = Parse(xml);
  if (!parsed.error) return std::nullopt;
  return parsed.error->code;
}

TEST(SheetXml, ReadsElementsAttributesAndTextWithPrefixesStripped) {
  const auto parsed = Parse(
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<x:worksheet xmlns:x=\"urn:x\"><x:c r='A1' t=\"s\"><x:v>12</x:v></x:c><br/></x:worksheet>");
  ASSERT_FALSE(parsed.error) << parsed.error->message;
  EXPECT_EQ(parsed.events, "<worksheet xmlns:x=\"urn:x\"><c r=\"A1\" t=\"s\"><v>\"12\"</v></c><br></br></worksheet>");
}

TEST(SheetXml, DecodesEntitiesCharacterReferencesAndCdata) {
  const auto parsed =
      Parse("<t a=\"&lt;&amp;&quot;&#x4E2D;\">&lt;王&gt; &amp; &apos;&quot; &#25991;&#x1F600;<![CDATA[<&b>]]></t>");
  ASSERT_FALSE(parsed.error) << parsed.error->message;
  EXPECT_EQ(parsed.events, "<t a=\"<&\"中\">\"<王> & '\" 文😀<&b>\"</t>");
}

TEST(SheetXml, NormalisesLineEndsAndAttributeWhiteSpaceAsXmlSpecifies) {
  const auto parsed = Parse("<t a=\"1\t2\r\n3\">x\r\ny\rz</t>");
  ASSERT_FALSE(parsed.error) << parsed.error->message;
  EXPECT_EQ(parsed.events, "<t a=\"1 2 3\">\"x\ny\nz\"</t>");
}

TEST(SheetXml, SkipsCommentsProcessingInstructionsAndAByteOrderMark) {
  const auto parsed = Parse("\xEF\xBB\xBF<!-- a > b --><?pi x?><t><!-- <c/> -->v<?x y?></t>\n<!-- end -->\n");
  ASSERT_FALSE(parsed.error) << parsed.error->message;
  EXPECT_EQ(parsed.events, "<t>\"v\"</t>");
}

TEST(SheetXml, GivesTheSameEventsWhereverTheInputIsCut) {
  const std::string xml =
      "<?xml version=\"1.0\"?><w><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>团员&amp;王&#x4E2D;\r\n"
      "x</t></is></c><c r=\"B1\"><v>3.5</v></c></row><!-- c --><![CDATA[a]]b]]></w>";
  const auto whole = Parse(xml);
  ASSERT_FALSE(whole.error) << whole.error->message;
  for (std::size_t chunk = 1; chunk <= 17; ++chunk) {
    const auto cut = Parse(xml, chunk);
    ASSERT_FALSE(cut.error) << "chunk " << chunk << ": " << cut.error->message;
    EXPECT_EQ(cut.events, whole.events) << "chunk " << chunk;
  }
}

TEST(SheetXml, RefusesADoctypeSoNoEntityCanBeDeclared) {
  EXPECT_EQ(CodeOf("<!DOCTYPE lolz [<!ENTITY lol \"lol\">]><t>&lol;</t>"), ErrorCode::kXmlDtd);
  EXPECT_EQ(CodeOf("<?xml version=\"1.0\"?><!DOCTYPE t SYSTEM \"file:///etc/passwd\"><t/>"), ErrorCode::kXmlDtd);
}

TEST(SheetXml, RefusesMalformedDocumentsAsCorrupt) {
  const char* bad[] = {
      "<t>",                                           // never closed
      "<t></u>",                                       // mismatched end tag
      "<t/><u/>",                                      // two document elements
      "text<t/>",                                      // text outside the document element
      "<t>&nbsp;</t>",                                 // an undefined entity
      "<t>&#0;</t>",                                   // a character XML forbids
      "<t>&#xD800;</t>",                               // a surrogate
      "<t>&amp</t>",                                   // an unterminated reference
      "<t a=\"1\"b=\"2\"/>",                           // attributes not separated
      "<t a=1/>",                                      // an unquoted value
      "<t a=\"<\"/>",                                  // '<' in a value
      "<t a=\"1/>",                                    // an unterminated value
      "<t>\xC3\x28</t>",                               // malformed UTF-8
      "<t>\xE0\x80\xAF</t>",                           // an overlong encoding
      "<t>\x01</t>",                                   // a control character
      "<t><!-- never closed </t>",                     // an unterminated comment
      "<t><![CDATA[ never closed </t>",                // unterminated CDATA
      "<?xml version=\"1.0\" encoding=\"GBK\"?><t/>",  // not UTF-8
      "\xFF\xFE<\0t\0/\0>\0",                          // UTF-16
      "<!ELEMENT t ANY><t/>",                          // a markup declaration outside a DTD
      "",                                              // no document element
  };
  for (const char* xml : bad) {
    const std::string doc(xml, xml == bad[18] ? 10 : std::char_traits<char>::length(xml));
    const auto parsed = Parse(doc);
    ASSERT_TRUE(parsed.error) << "accepted: " << doc;
    EXPECT_EQ(parsed.error->code, ErrorCode::kCorrupt) << doc;
    EXPECT_FALSE(parsed.error->message.empty());
  }
}

TEST(SheetXml, RefusesNestingBeyondTheDepthLimit) {
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += "<a>";
  EXPECT_EQ(CodeOf(deep), ErrorCode::kCorrupt);
}

TEST(SheetXml, RefusesATagLongerThanOneTokenMayBe) {
  const std::string huge = "<t a=\"" + std::string(2 << 20, 'x') + "\"/>";
  EXPECT_EQ(CodeOf(huge), ErrorCode::kCorrupt);
}

TEST(SheetXml, StreamsLongTextInPiecesWithoutSplittingCharacters) {
  std::string text;
  for (int i = 0; i < 400000; ++i) text += "中&amp;";  // 3 MB: longer than one token, so it arrives in pieces
  const auto parsed = Parse("<t>" + text + "</t>", 4093);
  ASSERT_FALSE(parsed.error) << parsed.error->message;
  std::string expected;
  for (int i = 0; i < 400000; ++i) expected += "中&";
  EXPECT_EQ(parsed.events, "<t>\"" + expected + "\"</t>");
}

TEST(SheetXml, StopsWhenTheHandlerSaysSo) {
  Limits limits;
  Recorder recorder;
  recorder.stop_at = "b";
  EXPECT_FALSE(ParseXml("<t><a/><b/><c/>", recorder, limits));  // not even well formed past the stop
  recorder.Flush();
  EXPECT_EQ(recorder.events, "<t><a></a><b>");
  EXPECT_TRUE(recorder.stopped());
}

TEST(SheetXml, ReportsTheLineOfAnError) {
  const auto parsed = Parse("<t>\n\n<a></b>\n</t>");
  ASSERT_TRUE(parsed.error);
  EXPECT_NE(parsed.error->detail.find("line 3"), std::string::npos) << parsed.error->detail;
}

}  // namespace
}  // namespace archive::sheet::internal
