#include "tests/sheet/fixtures.hpp"

#include <iconv.h>
#include <zip.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace archive::sheet::testing {
namespace {

using Buffer = ZipWriter::Buffer;

voidpf ZCALLBACK BufOpen(voidpf opaque, const void*, int) {
  return opaque;
}

uLong ZCALLBACK BufRead(voidpf, voidpf stream, void* buf, uLong size) {
  auto* b = static_cast<Buffer*>(stream);
  const std::uint64_t n = b->pos < b->bytes.size() ? std::min<std::uint64_t>(size, b->bytes.size() - b->pos) : 0;
  std::memcpy(buf, b->bytes.data() + b->pos, n);
  b->pos += n;
  return static_cast<uLong>(n);
}

uLong ZCALLBACK BufWrite(voidpf, voidpf stream, const void* buf, uLong size) {
  auto* b = static_cast<Buffer*>(stream);
  if (b->pos + size > b->bytes.size()) b->bytes.resize(b->pos + size);
  std::memcpy(b->bytes.data() + b->pos, buf, size);
  b->pos += size;
  return size;
}

ZPOS64_T ZCALLBACK BufTell(voidpf, voidpf stream) {
  return static_cast<Buffer*>(stream)->pos;
}

long ZCALLBACK BufSeek(voidpf, voidpf stream, ZPOS64_T offset, int origin) {
  auto* b = static_cast<Buffer*>(stream);
  switch (origin) {
    case ZLIB_FILEFUNC_SEEK_SET:
      b->pos = offset;
      return 0;
    case ZLIB_FILEFUNC_SEEK_CUR:
      b->pos += offset;
      return 0;
    case ZLIB_FILEFUNC_SEEK_END:
      b->pos = b->bytes.size() + offset;
      return 0;
    default:
      return -1;
  }
}

int ZCALLBACK BufClose(voidpf, voidpf) {
  return 0;
}
int ZCALLBACK BufError(voidpf, voidpf) {
  return 0;
}

void Check(int rc, const char* what) {
  if (rc != ZIP_OK) throw std::runtime_error(std::string("minizip: ") + what + " failed");
}

constexpr const char* kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr const char* kPkgRelNs = "http://schemas.openxmlformats.org/package/2006/relationships";

}  // namespace

ZipWriter::ZipWriter() {
  zlib_filefunc64_def funcs{};
  funcs.zopen64_file = BufOpen;
  funcs.zread_file = BufRead;
  funcs.zwrite_file = BufWrite;
  funcs.ztell64_file = BufTell;
  funcs.zseek64_file = BufSeek;
  funcs.zclose_file = BufClose;
  funcs.zerror_file = BufError;
  funcs.opaque = &buffer_;
  zip_ = zipOpen2_64("memory", APPEND_STATUS_CREATE, nullptr, &funcs);
  if (zip_ == nullptr) throw std::runtime_error("minizip: zipOpen2_64 failed");
}

ZipWriter::~ZipWriter() {
  if (zip_ != nullptr) zipClose(static_cast<zipFile>(zip_), nullptr);
}

void ZipWriter::Add(const std::string& name, std::string_view content, int level, const char* password) {
  zip_fileinfo info{};
  const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(content.data()), static_cast<uInt>(content.size()));
  Check(zipOpenNewFileInZip3_64(static_cast<zipFile>(zip_), name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr,
                                level == 0 ? 0 : Z_DEFLATED, level, 0, -MAX_WBITS, DEF_MEM_LEVEL, Z_DEFAULT_STRATEGY,
                                password, crc, 0),
        "zipOpenNewFileInZip3_64");
  Write(content);
  End();
}

void ZipWriter::Begin(const std::string& name, int level) {
  zip_fileinfo info{};
  Check(zipOpenNewFileInZip64(static_cast<zipFile>(zip_), name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr,
                              level == 0 ? 0 : Z_DEFLATED, level, 0),
        "zipOpenNewFileInZip64");
}

void ZipWriter::Write(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = static_cast<unsigned>(std::min<std::size_t>(bytes.size(), 1u << 30));
    Check(zipWriteInFileInZip(static_cast<zipFile>(zip_), bytes.data(), n), "zipWriteInFileInZip");
    bytes.remove_prefix(n);
  }
}

void ZipWriter::End() {
  Check(zipCloseFileInZip(static_cast<zipFile>(zip_)), "zipCloseFileInZip");
}

std::string ZipWriter::Finish() {
  Check(zipClose(static_cast<zipFile>(zip_), nullptr), "zipClose");
  zip_ = nullptr;
  return std::move(buffer_.bytes);
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string SheetXml(std::string_view rows, std::string_view after) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"") + kMainNs +
         "\" xmlns:r=\"" + kRelNs + "\"><sheetData>" + std::string(rows) + "</sheetData>" + std::string(after) +
         "</worksheet>";
}

std::string SharedStringsXml(const std::vector<std::string>& items) {
  std::string xml = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"") +
                    kMainNs + "\" count=\"" + std::to_string(items.size()) + "\" uniqueCount=\"" +
                    std::to_string(items.size()) + "\">";
  for (const auto& item : items) xml += "<si>" + item + "</si>";
  return xml + "</sst>";
}

std::string StylesXml(const std::vector<std::pair<int, std::string>>& formats, const std::vector<int>& xf_formats) {
  std::string xml = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<styleSheet xmlns=\"") +
                    kMainNs + "\">";
  if (!formats.empty()) {
    xml += "<numFmts count=\"" + std::to_string(formats.size()) + "\">";
    for (const auto& [id, code] : formats) {
      xml += "<numFmt numFmtId=\"" + std::to_string(id) + "\" formatCode=\"" + XmlEscape(code) + "\"/>";
    }
    xml += "</numFmts>";
  }
  xml += "<cellStyleXfs count=\"1\"><xf numFmtId=\"49\"/></cellStyleXfs>";  // must not count as a cell style
  xml += "<cellXfs count=\"" + std::to_string(xf_formats.size()) + "\">";
  for (const int id : xf_formats) xml += "<xf numFmtId=\"" + std::to_string(id) + "\" applyNumberFormat=\"1\"/>";
  xml += "</cellXfs>";
  // A differential format's numFmt must not be taken for a cell format.
  xml += "<dxfs count=\"1\"><dxf><numFmt numFmtId=\"164\" formatCode=\"0.000\"/></dxf></dxfs>";
  return xml + "</styleSheet>";
}

std::string Xlsx(const XlsxSpec& spec) {
  std::vector<std::pair<std::string, std::string>> parts;
  std::string types = std::string(
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      "<Override PartName=\"/xl/workbook.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>");
  std::string workbook =
      std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"") + kMainNs +
      "\" xmlns:r=\"" + kRelNs + "\">";
  workbook += spec.date1904 ? "<workbookPr date1904=\"1\"/>" : "<workbookPr/>";
  workbook += "<sheets>";
  std::string rels =
      std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"") +
      kPkgRelNs + "\">";
  for (std::size_t i = 0; i < spec.sheets.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    const XlsxSheet& sheet = spec.sheets[i];
    workbook += "<sheet name=\"" + XmlEscape(sheet.name) + "\" sheetId=\"" + n + "\"" +
                (sheet.state.empty() ? "" : " state=\"" + sheet.state + "\"") + " r:id=\"rId" + n + "\"/>";
    rels += "<Relationship Id=\"rId" + n + "\" Type=\"" + kRelNs + "/worksheet\" Target=\"worksheets/sheet" + n +
            ".xml\"/>";
    types += "<Override PartName=\"/xl/worksheets/sheet" + n +
             ".xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
    parts.emplace_back("xl/worksheets/sheet" + n + ".xml", sheet.xml);
  }
  workbook += "</sheets></workbook>";
  if (!spec.styles.empty()) {
    rels += std::string("<Relationship Id=\"rIdStyles\" Type=\"") + kRelNs + "/styles\" Target=\"styles.xml\"/>";
    parts.emplace_back("xl/styles.xml", spec.styles);
  }
  if (!spec.shared_strings.empty()) {
    rels += std::string("<Relationship Id=\"rIdStrings\" Type=\"") + kRelNs +
            "/sharedStrings\" Target=\"sharedStrings.xml\"/>";
    parts.emplace_back("xl/sharedStrings.xml", spec.shared_strings);
  }
  rels += "</Relationships>";
  types += "</Types>";
  parts.emplace_back("xl/workbook.xml", workbook);
  parts.emplace_back("xl/_rels/workbook.xml.rels", rels);
  parts.emplace_back("[Content_Types].xml", types);
  parts.emplace_back("_rels/.rels",
                     std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships "
                                 "xmlns=\"") +
                         kPkgRelNs + "\"><Relationship Id=\"rId1\" Type=\"" + kRelNs +
                         "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
  for (const auto& part : spec.overrides) {
    auto it = std::find_if(parts.begin(), parts.end(), [&](const auto& p) { return p.first == part.first; });
    if (it != parts.end()) {
      it->second = part.second;
    } else {
      parts.push_back(part);
    }
  }
  ZipWriter zip;
  // [Content_Types].xml first, as Excel writes it.
  std::stable_partition(parts.begin(), parts.end(), [](const auto& p) { return p.first == "[Content_Types].xml"; });
  for (const auto& [name, content] : parts) {
    const bool encrypt = std::find(spec.encrypted.begin(), spec.encrypted.end(), name) != spec.encrypted.end();
    zip.Add(name, content, spec.level, encrypt ? "secret" : nullptr);
  }
  return zip.Finish();
}

std::string SimpleXlsx(const std::vector<std::vector<std::string>>& rows) {
  std::string xml;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    xml += "<row r=\"" + std::to_string(r + 1) + "\">";
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const std::string& value = rows[r][c];
      std::string ref;
      for (std::size_t n = c + 1; n > 0; n = (n - 1) / 26)
        ref.insert(ref.begin(), static_cast<char>('A' + (n - 1) % 26));
      ref += std::to_string(r + 1);
      double number = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (!value.empty() && ec == std::errc() && end == value.data() + value.size()) {
        xml += "<c r=\"" + ref + "\"><v>" + value + "</v></c>";
      } else if (!value.empty()) {
        xml += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + XmlEscape(value) + "</t></is></c>";
      }
    }
    xml += "</row>";
  }
  return Xlsx({.sheets = {{"团员信息", SheetXml(xml), ""}}});
}

std::string U16(std::uint16_t v) {
  return {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)};
}

std::string U32(std::uint32_t v) {
  return U16(static_cast<std::uint16_t>(v)) + U16(static_cast<std::uint16_t>(v >> 16));
}

std::string F64(double v) {
  std::string out(8, '\0');
  std::memcpy(out.data(), &v, 8);
  return out;
}

namespace {

// utf8 re-encoded with iconv into charset (4 output bytes per input byte is enough for both users).
std::string Reencode(std::string_view utf8, const char* charset) {
  iconv_t cd = iconv_open(charset, "UTF-8");
  std::string out(utf8.size() * 4 + 4, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  const std::size_t rc = iconv(cd, &in, &in_left, &o, &out_left);
  iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1)) throw std::runtime_error(std::string("iconv to ") + charset + " failed");
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

std::string Utf16Le(std::string_view utf8) {
  return Reencode(utf8, "UTF-16LE");
}

namespace {

std::string Latin1(std::string_view utf8) {
  iconv_t cd = iconv_open("ISO-8859-1", "UTF-8");
  std::string out(utf8.size(), '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  const std::size_t rc = iconv(cd, &in, &in_left, &o, &out_left);
  iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1)) throw std::runtime_error("text is not Latin-1");
  out.resize(out.size() - out_left);
  return out;
}

std::string CellHeader(std::uint16_t row, std::uint16_t col, std::uint16_t xf) {
  return U16(row) + U16(col) + U16(xf);
}

std::string Bof(std::uint16_t type) {
  return BiffRecord(0x0809, U16(0x0600) + U16(type) + U16(0x0DBB) + U16(0x07CC) + U32(0) + U32(0x06));
}

constexpr std::size_t kMaxRecord = 8224;

}  // namespace

std::string XlString(std::string_view utf8, bool wide) {
  const std::string chars = wide ? Utf16Le(utf8) : Latin1(utf8);
  const std::size_t count = wide ? chars.size() / 2 : chars.size();
  return U16(static_cast<std::uint16_t>(count)) + std::string(1, wide ? '\x01' : '\x00') + chars;
}

std::string XlShortString(std::string_view utf8, bool wide) {
  const std::string chars = wide ? Utf16Le(utf8) : Latin1(utf8);
  const std::size_t count = wide ? chars.size() / 2 : chars.size();
  return std::string(1, static_cast<char>(count)) + std::string(1, wide ? '\x01' : '\x00') + chars;
}

std::string BiffRecord(std::uint16_t type, std::string_view body) {
  return U16(type) + U16(static_cast<std::uint16_t>(body.size())) + std::string(body);
}

std::string XlsNumber(std::uint16_t row, std::uint16_t col, double v, std::uint16_t xf) {
  return BiffRecord(0x0203, CellHeader(row, col, xf) + F64(v));
}

std::string XlsRk(std::uint16_t row, std::uint16_t col, std::int32_t v, std::uint16_t xf) {
  return BiffRecord(0x027E, CellHeader(row, col, xf) + U32((static_cast<std::uint32_t>(v) << 2) | 0x02));
}

std::string XlsLabelSst(std::uint16_t row, std::uint16_t col, std::uint32_t index, std::uint16_t xf) {
  return BiffRecord(0x00FD, CellHeader(row, col, xf) + U32(index));
}

std::string XlsLabel(std::uint16_t row, std::uint16_t col, std::string_view utf8, std::uint16_t xf) {
  return BiffRecord(0x0204, CellHeader(row, col, xf) + XlString(utf8));
}

std::string XlsBool(std::uint16_t row, std::uint16_t col, bool v) {
  return BiffRecord(0x0205, CellHeader(row, col, 0) + std::string(1, v ? '\x01' : '\x00') + std::string(1, '\0'));
}

std::string XlsError(std::uint16_t row, std::uint16_t col, std::uint8_t code) {
  return BiffRecord(0x0205, CellHeader(row, col, 0) + std::string(1, static_cast<char>(code)) + std::string(1, '\1'));
}

namespace {

// =1+1 as parsed tokens: tInt 1, tInt 1, tAdd.
std::string OnePlusOne() {
  return U16(7) + std::string("\x1E\x01\x00\x1E\x01\x00\x03", 7);
}

}  // namespace

std::string XlsFormulaNumber(std::uint16_t row, std::uint16_t col, double v) {
  return BiffRecord(0x0006, CellHeader(row, col, 0) + F64(v) + U16(0) + U32(0) + OnePlusOne());
}

std::string XlsFormulaString(std::uint16_t row, std::uint16_t col, std::string_view utf8) {
  return XlsFormulaOther(row, col, 0) + BiffRecord(0x0207, XlString(utf8));
}

std::string XlsFormulaOther(std::uint16_t row, std::uint16_t col, std::uint8_t type, std::uint8_t value) {
  std::string result(8, '\0');
  result[0] = static_cast<char>(type);
  result[2] = static_cast<char>(value);
  result[6] = result[7] = '\xFF';
  return BiffRecord(0x0006, CellHeader(row, col, 0) + result + U16(0) + U32(0) + OnePlusOne());
}

std::string XlsRow(std::uint16_t row, bool hidden) {
  return BiffRecord(0x0208, U16(row) + U16(0) + U16(16) + U16(0x00FF) + U16(0) + U16(0) +
                                std::string(1, hidden ? '\x20' : '\x00') + std::string(1, '\x01') + U16(0x000F));
}

std::string XlsMerge(std::uint16_t first_row, std::uint16_t last_row, std::uint16_t first_col, std::uint16_t last_col) {
  return BiffRecord(0x00E5, U16(1) + U16(first_row) + U16(last_row) + U16(first_col) + U16(last_col));
}

namespace {

// The DIMENSIONS record Excel writes before the cells: the used range, from the cell records' row and column.
std::string Dimensions(std::string_view records) {
  const auto u16 = [&](std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(records[at]) |
                                      (static_cast<unsigned char>(records[at + 1]) << 8));
  };
  std::uint32_t rows = 0;
  std::uint16_t cols = 0;
  for (std::size_t at = 0; at + 4 <= records.size();) {
    const std::uint16_t type = u16(at);
    const std::uint16_t size = u16(at + 2);
    switch (type) {
      case 0x0006:
      case 0x00BD:
      case 0x00FD:
      case 0x0203:
      case 0x0204:
      case 0x0205:
      case 0x027E: {
        const std::uint16_t last_col = type == 0x00BD ? u16(at + 4 + size - 2) : u16(at + 6);
        rows = std::max<std::uint32_t>(rows, u16(at + 4) + 1u);
        cols = std::max<std::uint16_t>(cols, static_cast<std::uint16_t>(last_col + 1));
        break;
      }
      default:
        break;
    }
    at += 4 + size;
  }
  return BiffRecord(0x0200, U32(0) + U32(rows) + U16(0) + U16(cols) + U16(0));
}

}  // namespace

std::string XlsWorkbookStream(const XlsSpec& spec) {
  std::string globals = Bof(0x0005);
  globals += BiffRecord(0x0042, U16(1200));  // CODEPAGE: UTF-16
  globals += BiffRecord(0x0022, U16(spec.date1904 ? 1 : 0));
  for (const auto& [id, code] : spec.formats)
    globals += BiffRecord(0x041E, U16(static_cast<std::uint16_t>(id)) + XlString(code));
  std::vector<int> xfs = spec.xf_formats;
  if (xfs.empty()) xfs.assign(16, 0);
  for (const int id : xfs) {
    globals += BiffRecord(0x00E0, U16(0) + U16(static_cast<std::uint16_t>(id)) + std::string(16, '\0'));
  }
  std::vector<std::size_t> patch;
  for (const XlsSheet& sheet : spec.sheets) {
    patch.push_back(globals.size() + 4);
    globals += BiffRecord(0x0085, U32(0) + std::string(1, static_cast<char>(sheet.state)) + std::string(1, '\0') +
                                      XlShortString(sheet.name));
  }
  if (!spec.strings.empty()) {
    // The SST, continued in CONTINUE records at kMaxRecord bytes; a string cut in its characters goes on after a
    // fresh option byte, as Excel writes it.
    std::vector<std::string> bodies{U32(static_cast<std::uint32_t>(spec.strings.size())) +
                                    U32(static_cast<std::uint32_t>(spec.strings.size()))};
    for (const std::string& s : spec.strings) {
      const bool wide = std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
      const std::string chars = wide ? Utf16Le(s) : Latin1(s);
      const std::size_t width = wide ? 2 : 1;
      if (bodies.back().size() + 3 + width > kMaxRecord) bodies.emplace_back();
      bodies.back() += U16(static_cast<std::uint16_t>(chars.size() / width)) + std::string(1, wide ? '\x01' : '\x00');
      for (std::size_t at = 0; at < chars.size();) {
        std::size_t room = (kMaxRecord - bodies.back().size()) / width * width;
        if (room == 0) {
          bodies.emplace_back(1, wide ? '\x01' : '\x00');
          room = (kMaxRecord - 1) / width * width;
        }
        const std::size_t take = std::min(room, chars.size() - at);
        bodies.back() += chars.substr(at, take);
        at += take;
      }
    }
    globals += BiffRecord(0x00FC, bodies[0]);
    for (std::size_t i = 1; i < bodies.size(); ++i) globals += BiffRecord(0x003C, bodies[i]);
  }
  globals += spec.extra_globals;
  globals += BiffRecord(0x000A, "");
  std::string stream = globals;
  for (std::size_t i = 0; i < spec.sheets.size(); ++i) {
    const std::string offset = U32(static_cast<std::uint32_t>(stream.size()));
    stream.replace(patch[i], 4, offset);
    stream += Bof(0x0010) + Dimensions(spec.sheets[i].records) + spec.sheets[i].records + BiffRecord(0x000A, "");
  }
  return stream;
}

std::string CompoundFile(const std::vector<std::pair<std::string, std::string>>& streams) {
  constexpr std::uint32_t kSector = 512;
  constexpr std::uint32_t kMini = 64;
  constexpr std::uint32_t kEnd = 0xFFFFFFFE;
  constexpr std::uint32_t kFree = 0xFFFFFFFF;
  constexpr std::uint32_t kFatSect = 0xFFFFFFFD;
  const auto sectors = [](std::size_t bytes, std::size_t unit) { return (bytes + unit - 1) / unit; };

  std::string mini_stream;
  std::vector<std::uint32_t> mini_fat;
  struct Placed {
    std::uint32_t start = kEnd;
    bool mini = false;
  };
  std::vector<Placed> placed(streams.size());
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const std::string& data = streams[i].second;
    if (data.size() >= 4096 || data.empty()) continue;
    placed[i] = {static_cast<std::uint32_t>(mini_stream.size() / kMini), true};
    const std::size_t n = sectors(data.size(), kMini);
    for (std::size_t k = 0; k < n; ++k) {
      mini_fat.push_back(k + 1 < n ? static_cast<std::uint32_t>(mini_stream.size() / kMini + k + 1) : kEnd);
    }
    mini_stream += data;
    mini_stream.resize(mini_stream.size() + (n * kMini - data.size()), '\0');
  }
  const std::size_t dir_sectors = sectors((streams.size() + 1) * 128, kSector);
  const std::size_t mini_fat_sectors = sectors(mini_fat.size() * 4, kSector);
  const std::size_t mini_stream_sectors = sectors(mini_stream.size(), kSector);
  std::size_t other = dir_sectors + mini_fat_sectors + mini_stream_sectors;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    if (!placed[i].mini) other += sectors(streams[i].second.size(), kSector);
  }
  std::size_t fat_sectors = 1;
  while (fat_sectors * (kSector / 4) < other + fat_sectors) ++fat_sectors;
  if (fat_sectors > 109) throw std::runtime_error("compound file too large for the header DIFAT");

  std::vector<std::uint32_t> fat(fat_sectors * (kSector / 4), kFree);
  std::uint32_t next = 0;
  for (std::size_t i = 0; i < fat_sectors; ++i) fat[next++] = kFatSect;
  const auto chain = [&](std::size_t count) {
    const std::uint32_t start = count == 0 ? kEnd : next;
    for (std::size_t k = 0; k < count; ++k, ++next) fat[next] = k + 1 < count ? next + 1 : kEnd;
    return start;
  };
  const std::uint32_t dir_start = chain(dir_sectors);
  const std::uint32_t mini_fat_start = chain(mini_fat_sectors);
  const std::uint32_t mini_stream_start = chain(mini_stream_sectors);
  for (std::size_t i = 0; i < streams.size(); ++i) {
    if (!placed[i].mini && !streams[i].second.empty())
      placed[i].start = chain(sectors(streams[i].second.size(), kSector));
  }

  std::string header(512, '\0');
  const auto put32 = [](std::string& s, std::size_t at, std::uint32_t v) { s.replace(at, 4, U32(v)); };
  const auto put16 = [](std::string& s, std::size_t at, std::uint16_t v) { s.replace(at, 2, U16(v)); };
  header.replace(0, 8, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
  put16(header, 24, 0x3E);
  put16(header, 26, 3);
  put16(header, 28, 0xFFFE);
  put16(header, 30, 9);
  put16(header, 32, 6);
  put32(header, 44, static_cast<std::uint32_t>(fat_sectors));
  put32(header, 48, dir_start);
  put32(header, 56, 4096);
  put32(header, 60, mini_fat_start);
  put32(header, 64, static_cast<std::uint32_t>(mini_fat_sectors));
  put32(header, 68, kEnd);
  for (std::size_t i = 0; i < 109; ++i)
    put32(header, 76 + 4 * i, i < fat_sectors ? static_cast<std::uint32_t>(i) : kFree);

  const auto entry = [&](std::string_view name, std::uint8_t type, std::uint32_t child, std::uint32_t right,
                         std::uint32_t start, std::uint64_t size) {
    std::string e(128, '\0');
    const std::string utf16 = Utf16Le(name);
    e.replace(0, utf16.size(), utf16);
    put16(e, 64, static_cast<std::uint16_t>(utf16.size() + 2));
    e[66] = static_cast<char>(type);
    e[67] = 1;  // black
    put32(e, 68, kFree);
    put32(e, 72, right);
    put32(e, 76, child);
    put32(e, 116, start);
    put32(e, 120, static_cast<std::uint32_t>(size));
    return e;
  };
  std::string dir = entry("Root Entry", 5, streams.empty() ? kFree : 1, kFree,
                          mini_stream.empty() ? kEnd : mini_stream_start, mini_stream.size());
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const std::uint32_t right = i + 1 < streams.size() ? static_cast<std::uint32_t>(i + 2) : kFree;
    dir += entry(streams[i].first, 2, kFree, right, placed[i].start, streams[i].second.size());
  }
  while (dir.size() < dir_sectors * kSector) {
    std::string empty(128, '\0');
    put32(empty, 68, kFree);
    put32(empty, 72, kFree);
    put32(empty, 76, kFree);
    dir += empty;
  }

  std::string out = header;
  for (const std::uint32_t v : fat) out += U32(v);
  out += dir;
  std::string mini_fat_bytes;
  for (const std::uint32_t v : mini_fat) mini_fat_bytes += U32(v);
  mini_fat_bytes.resize(mini_fat_sectors * kSector, '\xFF');
  out += mini_fat_bytes;
  std::string mini_bytes = mini_stream;
  mini_bytes.resize(mini_stream_sectors * kSector, '\0');
  out += mini_bytes;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    if (placed[i].mini || streams[i].second.empty()) continue;
    std::string data = streams[i].second;
    data.resize(sectors(data.size(), kSector) * kSector, '\0');
    out += data;
  }
  return out;
}

std::string Xls(const XlsSpec& spec) {
  return CompoundFile({{"Workbook", XlsWorkbookStream(spec)}});
}

std::string EncryptedXlsx() {
  // EncryptionInfo starts with its version (4.4: agile encryption) and flags; the XML descriptor and the encrypted
  // package content are irrelevant to a reader that refuses them.
  const std::string info =
      U16(4) + U16(4) + U32(0x40) + "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><encryption/>";
  const std::string package = U32(1234) + U32(0) + std::string(5000, '\x5A');
  return CompoundFile({{"EncryptionInfo", info}, {"EncryptedPackage", package}});
}

std::string ToGb18030(std::string_view utf8) {
  return Reencode(utf8, "GB18030");
}

void PatchZipUncompressedSize(std::string& zip, std::string_view entry_name, std::uint32_t size) {
  const auto read32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(zip[at]) |
                                      (static_cast<unsigned char>(zip[at + 1]) << 8) |
                                      (static_cast<unsigned char>(zip[at + 2]) << 16) |
                                      (static_cast<std::uint32_t>(static_cast<unsigned char>(zip[at + 3])) << 24));
  };
  const auto read16 = [&](std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(zip[at]) |
                                      (static_cast<unsigned char>(zip[at + 1]) << 8));
  };
  bool patched = false;
  for (std::size_t at = 0; (at = zip.find("PK\x01\x02", at)) != std::string::npos; at += 4) {
    const std::uint16_t name_len = read16(at + 28);
    if (std::string_view(zip).substr(at + 46, name_len) != entry_name) continue;
    zip.replace(at + 24, 4, U32(size));
    const std::uint32_t local = read32(at + 42);
    zip.replace(local + 22, 4, U32(size));
    patched = true;
  }
  if (!patched) throw std::runtime_error("zip entry not found");
}

Collected ReadRows(std::string_view bytes, const Limits& limits) {
  Collected out;
  out.result = Read(bytes, limits, [&](const SheetInfo&, const Row& row) {
    out.rows.push_back(row);
    return true;
  });
  return out;
}

std::vector<std::string> Texts(const Row& row) {
  std::vector<std::string> texts;
  for (const Cell& cell : row.cells) texts.push_back(cell.text);
  return texts;
}

}  // namespace archive::sheet::testing
