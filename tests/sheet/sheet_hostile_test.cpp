// Files built to hurt the reader: each must be refused with the right code, without crashing, hanging or
// allocating without bound.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "common/sheet/sheet.hpp"
#include "tests/sheet/fixtures.hpp"

namespace archive::sheet {
namespace {

using testing::ReadRows;
using testing::SheetXml;
using testing::Xlsx;
using testing::XlsxSpec;

std::optional<ErrorCode> CodeOf(const testing::Collected& got) {
  if (!got.result.error) return std::nullopt;
  return got.result.error->code;
}

std::string WithSheetXml(const std::string& xml) {
  XlsxSpec spec;
  spec.sheets = {{"团员信息", xml, ""}};
  return Xlsx(spec);
}

constexpr const char* kWorkbookParts[][2] = {
    {"[Content_Types].xml",
     "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" "
     "ContentType=\"application/xml\"/></Types>"},
    {"_rels/.rels",
     "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" "
     "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
     "Target=\"xl/workbook.xml\"/></Relationships>"},
    {"xl/workbook.xml",
     "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
     "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"团员信息\" "
     "sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
    {"xl/_rels/workbook.xml.rels",
     "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" "
     "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
     "Target=\"worksheets/sheet1.xml\"/></Relationships>"},
};

// An xlsx whose one sheet has `rows` rows, streamed into the zip so that the XML never sits in memory whole.
std::string XlsxWithRows(std::int64_t rows) {
  testing::ZipWriter zip;
  for (const auto& part : kWorkbookParts) zip.Add(part[0], part[1]);
  zip.Begin("xl/worksheets/sheet1.xml", 1);
  zip.Write(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet "
      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
  std::string chunk;
  for (std::int64_t r = 1; r <= rows; ++r) {
    const std::string n = std::to_string(r);
    chunk += "<row r=\"" + n + "\"><c r=\"A" + n + "\" t=\"inlineStr\"><is><t>团员" + n + "</t></is></c><c r=\"B" + n +
             "\"><v>" + std::to_string(r * 7919 % 1000003) + "</v></c></row>";
    if (chunk.size() > (1 << 20)) {
      zip.Write(chunk);
      chunk.clear();
    }
  }
  zip.Write(chunk);
  zip.Write("</sheetData></worksheet>");
  zip.End();
  return zip.Finish();
}

TEST(HostileTest, StopsAMillionRowSheetAtTheRowLimit) {
  // Given Excel's maximum sheet: 1,048,576 rows
  const std::string bytes = XlsxWithRows(1048576);
  ASSERT_LT(bytes.size(), 20u << 20);

  // When it is read with the default limit of 100,000 rows
  std::int64_t calls = 0;
  const Result result = Read(bytes, Limits{}, [&](const SheetInfo&, const Row&) {
    ++calls;
    return true;
  });

  // Then the reader delivers exactly the first 100,000 rows and stops there
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->code, ErrorCode::kTooManyRows);
  EXPECT_THAT(result.error->message, ::testing::HasSubstr("100000"));
  EXPECT_EQ(calls, 100000);
  EXPECT_EQ(result.rows, 100000);
}

TEST(HostileTest, RefusesAZipBombByItsCompressionRatio) {
  // Given a sheet part of 30 MB of whitespace, which deflates about a thousandfold
  const std::string xml = SheetXml(std::string(30 << 20, ' '));
  const std::string bytes = WithSheetXml(xml);
  ASSERT_LT(bytes.size(), 1u << 20);
  const auto got = ReadRows(bytes);
  EXPECT_EQ(CodeOf(got), ErrorCode::kZipBomb);
  EXPECT_THAT(got.result.error->detail, ::testing::HasSubstr("xl/worksheets/sheet1.xml"));
}

TEST(HostileTest, RefusesPartsThatInflatePastTheByteBudget) {
  // Given parts that compress poorly but add up to more than the budget
  std::mt19937 random(7);
  std::string rows;
  for (int r = 1; rows.size() < (3 << 20); ++r) {
    rows += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) + "\"><v>" + std::to_string(random()) +
            "</v></c></row>";
  }
  Limits limits;
  limits.max_uncompressed_bytes = 2 << 20;
  const auto got = ReadRows(WithSheetXml(SheetXml(rows)), limits);
  EXPECT_EQ(CodeOf(got), ErrorCode::kZipBomb);
}

TEST(HostileTest, NeverInflatesPastADeclaredSize) {
  // Given a zip that declares the sheet part far smaller than it is
  std::string bytes = testing::SimpleXlsx({{"a", "b"}, {"c", "d"}});
  testing::PatchZipUncompressedSize(bytes, "xl/worksheets/sheet1.xml", 100);
  const auto got = ReadRows(bytes);
  EXPECT_EQ(CodeOf(got), ErrorCode::kCorrupt);
  EXPECT_TRUE(got.rows.empty());
}

TEST(HostileTest, RefusesADtdWithAnExternalEntity) {
  const std::string xxe =
      "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><worksheet "
      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" "
      "t=\"inlineStr\"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>";
  const auto got = ReadRows(WithSheetXml(xxe));
  EXPECT_EQ(CodeOf(got), ErrorCode::kXmlDtd);
  EXPECT_TRUE(got.rows.empty());
}

TEST(HostileTest, RefusesABillionLaughs) {
  std::string doc = "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY lol \"lol\">";
  for (int i = 1; i <= 9; ++i) {
    doc += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) doc += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    doc += "\">";
  }
  doc += "]><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>&lol9;</t></si></sst>";
  XlsxSpec spec;
  spec.sheets = {{"团员信息", SheetXml("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"), ""}};
  spec.shared_strings = doc;
  const auto got = ReadRows(Xlsx(spec));
  EXPECT_EQ(CodeOf(got), ErrorCode::kXmlDtd);
}

TEST(HostileTest, RefusesADtdInAnyPartItReads) {
  const std::string doctype =
      "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY % p SYSTEM \"http://example.invalid/\">%p;]>";
  for (const char* part : {"_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"}) {
    XlsxSpec spec;
    spec.sheets = {{"团员信息", SheetXml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"), ""}};
    spec.overrides = {{part, doctype + "<Relationships/>"}};
    EXPECT_EQ(CodeOf(ReadRows(Xlsx(spec))), ErrorCode::kXmlDtd) << part;
  }
  XlsxSpec spec;
  spec.sheets = {{"团员信息", SheetXml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"), ""}};
  spec.styles = doctype + "<styleSheet/>";
  EXPECT_EQ(CodeOf(ReadRows(Xlsx(spec))), ErrorCode::kXmlDtd);
}

TEST(HostileTest, RefusesAPasswordProtectedXlsx) {
  // Given what Excel saves with "Encrypt with Password": an OLE2 container, not a zip
  const std::string bytes = testing::EncryptedXlsx();
  ASSERT_EQ(Sniff(bytes), Format::kXls);
  const auto got = ReadRows(bytes);
  EXPECT_EQ(CodeOf(got), ErrorCode::kEncrypted);
  EXPECT_THAT(got.result.error->message, ::testing::HasSubstr("密码"));
}

TEST(HostileTest, RefusesAnEncryptedZipEntry) {
  XlsxSpec spec;
  spec.sheets = {{"团员信息", SheetXml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"), ""}};
  spec.encrypted = {"xl/worksheets/sheet1.xml"};
  EXPECT_EQ(CodeOf(ReadRows(Xlsx(spec))), ErrorCode::kEncrypted);
}

TEST(HostileTest, RefusesEmptyFilesAndEmptySheets) {
  EXPECT_EQ(CodeOf(ReadRows("")), ErrorCode::kEmptyFile);
  EXPECT_EQ(CodeOf(ReadRows(WithSheetXml(SheetXml("")))), ErrorCode::kEmptyFile);
  EXPECT_EQ(CodeOf(ReadRows(WithSheetXml(SheetXml("<row r=\"1\"/><row r=\"2\"><c r=\"A2\" s=\"1\"/></row>")))),
            ErrorCode::kEmptyFile);
}

TEST(HostileTest, RefusesHtmlDressedAsXls) {
  const auto got = ReadRows("<html><body><table><tr><td>姓名</td></tr></table></body></html>");
  EXPECT_EQ(CodeOf(got), ErrorCode::kUnsupportedFormat);
  EXPECT_THAT(got.result.error->message, ::testing::HasSubstr("网页"));
}

TEST(HostileTest, RefusesRandomBytes) {
  std::mt19937 random(42);
  for (int i = 0; i < 200; ++i) {
    std::string bytes(1 + random() % 5000, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    bytes[0] = '\0';  // not text
    EXPECT_EQ(CodeOf(ReadRows(bytes)), ErrorCode::kNotSpreadsheet);
  }
}

TEST(HostileTest, RefusesJunkBehindZipAndOle2Magic) {
  std::mt19937 random(43);
  for (int i = 0; i < 300; ++i) {
    std::string bytes(random() % 4000, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    const auto zip = ReadRows("PK\x03\x04" + bytes);
    ASSERT_TRUE(zip.result.error);
    EXPECT_EQ(zip.result.error->code, ErrorCode::kCorrupt);
    const auto ole = ReadRows(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + bytes);
    ASSERT_TRUE(ole.result.error);
    EXPECT_EQ(ole.result.error->code, ErrorCode::kCorrupt);
  }
}

TEST(HostileTest, RefusesEveryTruncationOfAWorkbook) {
  const std::string xlsx = testing::SimpleXlsx({{"姓名", "身份证号码"}, {"张三", "420106200801011234"}});
  for (std::size_t n = 4; n < xlsx.size(); n += 7) {  // from the zip magic on
    const auto got = ReadRows(xlsx.substr(0, n));
    ASSERT_TRUE(got.result.error) << n;
    EXPECT_EQ(got.result.error->code, ErrorCode::kCorrupt) << n;
  }
  testing::XlsSpec spec;
  spec.strings = {"姓名"};
  spec.sheets.push_back({"团员信息", 0, testing::XlsLabelSst(0, 0, 0) + testing::XlsNumber(1, 0, 1)});
  std::string stream = testing::XlsWorkbookStream(spec);
  stream.resize(5120, '\0');  // whole sectors: every cut loses part of the stream
  const std::string xls = testing::CompoundFile({{"Workbook", stream}});
  for (std::size_t n = 8; n < xls.size(); n += 61) {
    const auto got = ReadRows(xls.substr(0, n));
    ASSERT_TRUE(got.result.error) << n;
    EXPECT_EQ(got.result.error->code, ErrorCode::kCorrupt) << n;
  }
}

TEST(HostileTest, RefusesACycleInACompoundFileChain) {
  testing::XlsSpec spec;
  spec.sheets.push_back({"团员信息", 0, testing::XlsLabel(0, 0, "x")});
  std::string xls = testing::Xls(spec);
  // The directory is sector 1 and ends there (FAT entry 1 is ENDOFCHAIN); point it back at itself.
  xls.replace(512 + 4, 4, testing::U32(1));
  EXPECT_EQ(CodeOf(ReadRows(xls)), ErrorCode::kCorrupt);
}

TEST(HostileTest, SurvivesFlippedBytes) {
  // Not a fuzzer (tests/sheet/fuzz is), but a cheap net in every test run: damaged copies of each format must be
  // read or refused, never crash (the ASan build of the tests checks memory too).
  testing::XlsSpec spec;
  spec.strings = {"姓名", "张三"};
  spec.formats = {{176, "yyyy-mm-dd"}};
  spec.xf_formats = {0, 176};
  spec.sheets.push_back({"团员信息", 0,
                         testing::XlsRow(1, true) + testing::XlsLabelSst(0, 0, 0) + testing::XlsLabelSst(1, 0, 1) +
                             testing::XlsNumber(1, 1, 43952, 1) + testing::XlsFormulaString(1, 2, "x") +
                             testing::XlsMerge(0, 0, 0, 2)});
  const std::vector<std::string> originals = {
      testing::SimpleXlsx({{"姓名", "身份证号码", "12"}, {"张三", "420106200801011234", "4.2E+17"}}),
      testing::Xls(spec),
      "姓名,身份证号码\r\n\"张三\",\"420106\"\"200801011234\"\r\n",
  };
  std::mt19937 random(44);
  for (const std::string& original : originals) {
    for (int i = 0; i < 400; ++i) {
      std::string bytes = original;
      const int flips = 1 + static_cast<int>(random() % 4);
      for (int f = 0; f < flips; ++f) bytes[random() % bytes.size()] = static_cast<char>(random());
      const auto got = ReadRows(bytes);
      if (!got.result.error) {
        EXPECT_GT(got.rows.size(), 0u);
      }
    }
  }
}

}  // namespace
}  // namespace archive::sheet
