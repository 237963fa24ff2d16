// Writes the fuzz seed corpus: small valid workbooks of each format, built with the unit tests' fixtures.
//   sheet-fuzz-seeds DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/sheet/fixtures.hpp"

namespace t = archive::sheet::testing;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
  };

  t::XlsxSpec stored;
  stored.level = 0;
  stored.sheets = {{"团员信息",
                    t::SheetXml("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>姓名</t></is></c><c r=\"B1\"><v>"
                                "4.20106200801011E+17</v></c></row>"),
                    ""}};
  write("simple-stored.xlsx", t::Xlsx(stored));
  write("simple.xlsx", t::SimpleXlsx({{"姓名", "身份证号码", "入团时间"},
                                      {"张三", "420106200801011234", "43952"},
                                      {"李四", "4.20106200801011E+17", "43953"}}));
  t::XlsxSpec spec;
  spec.date1904 = true;
  spec.styles = t::StylesXml({{176, "yyyy\"年\"m\"月\"d\"日\""}}, {0, 176, 49});
  spec.shared_strings = t::SharedStringsXml({"<t>姓名</t>", "<r><t>张</t></r><r><t>三</t></r>",
                                             "<t>李四</t><rPh sb=\"0\" eb=\"1\"><t>x</t></rPh>", "<t>a_x000D_b</t>"});
  spec.sheets = {
      {"填写说明", t::SheetXml("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"), ""},
      {"团员信息",
       t::SheetXml(
           "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>3</v></c></row>"
           "<row r=\"3\" hidden=\"1\"><c r=\"A3\" t=\"s\"><v>1</v></c><c r=\"B3\" s=\"1\"><v>42490</v></c>"
           "<c r=\"C3\"><f>1+1</f><v>2</v></c><c r=\"D3\" t=\"b\"><v>1</v></c><c r=\"E3\" t=\"e\"><v>#N/A</v></c>"
           "<c r=\"F3\" t=\"inlineStr\"><is><t>内联</t></is></c></row>",
           "<mergeCells count=\"1\"><mergeCell ref=\"A1:C1\"/></mergeCells>"),
       ""},
      {"隐藏", t::SheetXml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"), "hidden"}};
  write("rich.xlsx", t::Xlsx(spec));
  spec.level = 0;  // stored: byte mutations land in the XML instead of breaking the deflate stream
  write("rich-stored.xlsx", t::Xlsx(spec));

  t::XlsSpec xls;
  xls.formats = {{176, "yyyy-mm-dd"}};
  xls.xf_formats = {0, 176, 49};
  xls.strings = {"姓名", "张三", "420106200801011234"};
  xls.sheets.push_back({"填写说明", 0, t::XlsLabel(0, 0, "说明")});
  xls.sheets.push_back({"团员信息", 0,
                        t::XlsRow(1, true) + t::XlsLabelSst(0, 0, 0) + t::XlsLabelSst(1, 0, 1) +
                            t::XlsLabelSst(1, 1, 2, 2) + t::XlsNumber(1, 2, 43952, 1) + t::XlsRk(1, 3, 7) +
                            t::XlsFormulaString(1, 4, "x") + t::XlsFormulaNumber(1, 5, 2) + t::XlsBool(1, 6, true) +
                            t::XlsError(1, 7, 0x2A) + t::XlsMerge(0, 0, 0, 3)});
  write("member.xls", t::Xls(xls));
  write("encrypted.xlsx", t::EncryptedXlsx());

  const std::string csv =
      "姓名,身份证号码,备注\r\n张三,420106200801011234,\"a,\"\"b\"\"\r\nc\"\r\n李四,4.20106E+17,\r\n";
  write("utf8.csv", csv);
  write("bom.csv", "\xEF\xBB\xBF" + csv);
  write("gb18030.csv", t::ToGb18030(csv));
  write("tab.csv", "sep=\t\n姓名\t年龄\n张三\t12\n");
  // A bare part, for the XML reader itself.
  write(
      "part.xml",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<x:w xmlns:x=\"u\"><row r=\"1\"><c r=\"A1\" "
      "t=\"inlineStr\"><is><t "
      "xml:space=\"preserve\">张&amp;&#x4E09; </t></is></c><!-- c --><c r='B1'><v><![CDATA[1<2]]></v></c></row><?p q?>"
      "</x:w>");
  return 0;
}
