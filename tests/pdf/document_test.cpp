#include "common/pdf/document.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>

#include "common/pdf/writer.hpp"
#include "tests/pdf/raw_pdf.hpp"

namespace archive::pdf {
namespace {

using testing::DeflatedZeros;
using testing::OnePage;
using testing::OnePageWithImage;
using testing::RawPdf;

// The value of a result that should have succeeded (a copy: results are usually temporaries).
template <typename T>
T Ok(std::variant<T, Error> result) {
  if (const auto* error = std::get_if<Error>(&result)) {
    ADD_FAILURE() << "unexpected " << CodeName(error->code) << ": " << error->detail;
    return T{};
  }
  return std::move(std::get<T>(result));
}

Document OpenOk(Context& context, std::string bytes) {
  auto opened = Document::Open(context, std::move(bytes));
  if (auto* error = std::get_if<Error>(&opened)) {
    throw std::runtime_error("open failed: " + std::string(CodeName(error->code)) + ": " + error->detail);
  }
  return std::move(std::get<Document>(opened));
}

template <typename T>
ErrorCode CodeOf(const std::variant<T, Error>& result) {
  EXPECT_TRUE(std::holds_alternative<Error>(result)) << "expected an error";
  return std::holds_alternative<Error>(result) ? std::get<Error>(result).code : ErrorCode::kBadRequest;
}

// A page that is one flate-compressed 8-bit gray image of width x height pixels, all `value`.
std::string ImagePage(int width, int height, unsigned char value) {
  const std::string samples(static_cast<std::size_t>(width) * height, static_cast<char>(value));
  uLongf size = compressBound(samples.size());
  std::string data(size, '\0');
  compress(reinterpret_cast<Bytef*>(data.data()), &size, reinterpret_cast<const Bytef*>(samples.data()),
           samples.size());
  data.resize(size);
  return OnePageWithImage("/Type /XObject /Subtype /Image /Width " + std::to_string(width) + " /Height " +
                              std::to_string(height) +
                              " /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
                          data);
}

TEST(DocumentOpen, CallsZeroBytesNotAPdf) {
  Context context;
  EXPECT_EQ(CodeOf(Document::Open(context, "")), ErrorCode::kNotPdf);
}

TEST(DocumentOpen, CallsRandomBytesNotAPdf) {
  Context context;
  std::mt19937 random(7);
  std::string bytes(64 * 1024, '\0');
  for (char& b : bytes) b = static_cast<char>(random());
  EXPECT_EQ(CodeOf(Document::Open(context, bytes)), ErrorCode::kNotPdf);
}

TEST(DocumentOpen, CallsAnHtmlPageNamedPdfNotAPdf) {
  // Given an HTML page (its name is irrelevant: only the bytes are judged)
  Context context;
  const std::string html = "<!DOCTYPE html><html><head><title>入团志愿书.pdf</title></head><body>PDF</body></html>";
  // When it is opened, then it is not a PDF.
  EXPECT_EQ(CodeOf(Document::Open(context, html)), ErrorCode::kNotPdf);
}

TEST(DocumentOpen, FindsTheHeaderWithinTheFirstKilobyteOnly) {
  Context context;
  const std::string pdf = OnePage();
  EXPECT_EQ(OpenOk(context, std::string(1000, ' ') + pdf).page_count(), 1);
  EXPECT_EQ(CodeOf(Document::Open(context, std::string(1100, ' ') + pdf)), ErrorCode::kNotPdf);
}

TEST(DocumentOpen, CallsGarbageAfterTheHeaderCorrupt) {
  Context context;
  std::mt19937 random(11);
  std::string bytes = "%PDF-1.7\n";
  for (int i = 0; i < 4096; ++i) bytes += static_cast<char>(random());
  EXPECT_EQ(CodeOf(Document::Open(context, bytes)), ErrorCode::kCorrupt);
}

TEST(DocumentOpen, CountsTenThousandPagesFromThePageTree) {
  // Given a flat page tree of 10,000 empty pages
  RawPdf raw;
  const int catalog = raw.Reserve();
  const int pages = raw.Reserve();
  std::string kids;
  for (int i = 0; i < 10000; ++i) {
    const int page = raw.Add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>");
    kids += std::to_string(page) + " 0 R ";
  }
  raw.Set(pages, "<< /Type /Pages /Kids [" + kids + "] /Count 10000 >>");
  raw.Set(catalog, "<< /Type /Catalog /Pages 2 0 R >>");
  Context context;
  // When it is opened
  Document document = OpenOk(context, raw.Build(catalog));
  // Then the count comes from the tree, and the last page is reachable
  EXPECT_EQ(document.page_count(), 10000);
  const PageInfo last = Ok(document.Page(9999));
  EXPECT_NEAR(last.width_pt, 595, 0.01);
  EXPECT_FALSE(document.repaired());
}

TEST(DocumentOpen, RefusesAPdfThatNeedsAUserPassword) {
  Context context;
  auto writer = std::move(std::get<Writer>(Writer::Create(context)));
  ASSERT_FALSE(writer.AddImagePage(Raster::White(100, 140, ColorMode::kGray), {.dpi = 10}));
  SaveOptions save;
  save.user_password = "123456";
  save.owner_password = "owner";
  const std::string bytes = std::get<std::string>(writer.Save(save));
  EXPECT_EQ(CodeOf(Document::Open(context, bytes)), ErrorCode::kEncrypted);
}

TEST(DocumentOpen, OpensAnOwnerPasswordOnlyPdfButSaysItIsEncrypted) {
  Context context;
  auto writer = std::move(std::get<Writer>(Writer::Create(context)));
  ASSERT_FALSE(writer.AddImagePage(Raster::White(100, 140, ColorMode::kGray), {.dpi = 10}));
  SaveOptions save;
  save.owner_password = "owner";
  Document document = OpenOk(context, std::get<std::string>(writer.Save(save)));
  EXPECT_TRUE(document.encrypted());
  EXPECT_EQ(document.page_count(), 1);

  Document plain = OpenOk(context, OnePage());
  EXPECT_FALSE(plain.encrypted());
}

TEST(DocumentOpen, CallsATruncatedFileCorruptOrRepaired) {
  // Given a valid two-image-page file cut in half
  Context context;
  auto writer = std::move(std::get<Writer>(Writer::Create(context)));
  Raster noise = Raster::White(300, 420, ColorMode::kGray);
  std::mt19937 random(3);
  for (auto& p : noise.pixels) p = static_cast<std::uint8_t>(random());
  ASSERT_FALSE(writer.AddImagePage(noise, {.dpi = 50, .encoding = ImageEncoding::kFlate}));
  ASSERT_FALSE(writer.AddImagePage(noise, {.dpi = 50, .encoding = ImageEncoding::kFlate}));
  std::string bytes = std::get<std::string>(writer.Save({}));
  bytes.resize(bytes.size() / 2);
  // When it is opened, then MuPDF either gives up or had to repair it
  const auto opened = Document::Open(context, bytes);
  if (const auto* error = std::get_if<Error>(&opened)) {
    EXPECT_EQ(error->code, ErrorCode::kCorrupt);
  } else {
    EXPECT_TRUE(std::get<Document>(opened).repaired());
  }
}

TEST(DocumentPage, MeasuresTheEffectiveDpiOfAScannedPage) {
  // Given an A4 page that is one 150 dpi image (1240 x 1754 pixels on 595 x 842 pt)
  Context context;
  Document document = OpenOk(context, ImagePage(1240, 1754, 200));
  // When the page is inspected
  const PageInfo info = Ok(document.Page(0));
  // Then the image is found, with its resolution, without decoding it
  EXPECT_EQ(info.image_count, 1);
  ASSERT_TRUE(info.largest_image.has_value());
  EXPECT_EQ(info.largest_image->pixel_width, 1240);
  EXPECT_NEAR(info.largest_image->dpi(), 150, 0.5);
  EXPECT_NEAR(info.largest_image->page_coverage, 1.0, 0.01);
  EXPECT_NEAR(info.width_pt, 595, 0.01);
  EXPECT_NEAR(info.height_pt, 842, 0.01);
}

TEST(DocumentPage, ReportsTheRotationOfARotatedPage) {
  Context context;
  Document document = OpenOk(context, OnePage("", "/Rotate 90"));
  const PageInfo info = Ok(document.Page(0));
  EXPECT_EQ(info.rotation, 90);
  EXPECT_NEAR(info.width_pt, 842, 0.01);  // shown landscape
  EXPECT_NEAR(info.height_pt, 595, 0.01);
}

TEST(DocumentPage, SaysWhichPageCannotBeLoaded) {
  // Given a page tree whose second kid is a Pages node that contains itself
  RawPdf raw;
  raw.Add("<< /Type /Catalog /Pages 2 0 R >>");
  raw.Add("<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>");
  raw.Add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>");
  raw.Add("<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
  Context context;
  Document document = OpenOk(context, raw.Build(1));
  ASSERT_EQ(document.page_count(), 2);
  EXPECT_TRUE(std::holds_alternative<Raster>(document.Render(0, {.dpi = 20})));
  // When the second page is rendered, then the error names it
  const auto rendered = document.Render(1, {.dpi = 20});
  ASSERT_EQ(CodeOf(rendered), ErrorCode::kCorrupt);
  EXPECT_EQ(std::get<Error>(rendered).page, 1);
  EXPECT_NE(std::get<Error>(rendered).detail.find("page 2"), std::string::npos);
}

TEST(DocumentRender, RendersARegionAtTheRequestedSize) {
  Context context;
  Document document = OpenOk(context, ImagePage(620, 877, 0));
  // A 1 x 0.5 inch region at 200 dpi is 200 x 100 pixels
  const Raster gray = Ok(document.Render(0, {.dpi = 200, .color = ColorMode::kGray, .region = Region{36, 72, 72, 36}}));
  EXPECT_EQ(gray.width, 200);
  EXPECT_EQ(gray.height, 100);
  EXPECT_EQ(gray.channels, 1);
  EXPECT_EQ(gray.stride, 200u);
  ASSERT_EQ(gray.pixels.size(), 200u * 100u);
  EXPECT_EQ(gray.pixels[5050], 0);  // the black image
  // A whole page is rounded outwards: 595 x 842 pt at 100 dpi is 826.4 x 1169.4 pixels
  const Raster rgb = Ok(document.Render(0, {.dpi = 100, .color = ColorMode::kRgb}));
  EXPECT_EQ(rgb.channels, 3);
  EXPECT_EQ(rgb.width, 827);
  EXPECT_EQ(rgb.height, 1170);
  EXPECT_EQ(rgb.stride, 827u * 3);
}

TEST(DocumentRender, RefusesARegionOutsideThePage) {
  Context context;
  Document document = OpenOk(context, OnePage());
  EXPECT_EQ(CodeOf(document.Render(0, {.dpi = 100, .region = Region{700, 10, 50, 50}})), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf(document.Render(3, {.dpi = 100})), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf(document.Render(0, {.dpi = 0})), ErrorCode::kBadRequest);
}

TEST(DocumentRender, RefusesAnOutputOverThePixelCap) {
  // A4 at 1600 dpi is 13228 x 18711 = 247 Mpx, over the default 100 Mpx
  Context context;
  Document document = OpenOk(context, OnePage());
  EXPECT_EQ(CodeOf(document.Render(0, {.dpi = 1600})), ErrorCode::kTooBig);
  EXPECT_LT(context.peak_bytes(), std::size_t{64} << 20);
}

TEST(DocumentRender, RefusesAGigapixelImageWithoutDecodingIt) {
  // Given a page with an image that declares 40000 x 25000 pixels (its data is a few bytes)
  Context context;
  Document document = OpenOk(
      context, OnePageWithImage("/Type /XObject /Subtype /Image /Width 40000 /Height 25000 /ColorSpace /DeviceGray "
                                "/BitsPerComponent 8 /Filter /FlateDecode",
                                DeflatedZeros(1000)));
  // Then inspecting the page reports the declared size
  EXPECT_EQ(Ok(document.Page(0)).max_image_pixels, 1'000'000'000);
  // And rendering it, even small, is refused by the image cap before anything is allocated
  const auto rendered = document.Render(0, {.dpi = 10});
  ASSERT_EQ(CodeOf(rendered), ErrorCode::kTooBig);
  EXPECT_EQ(std::get<Error>(rendered).page, 0);
  EXPECT_LT(context.peak_bytes(), std::size_t{64} << 20);
}

TEST(DocumentRender, TurnsADecompressionBombIntoAMemoryLimitError) {
  // Given a context capped at 24 MB, and a page whose 6000 x 6000 RGB image inflates to 108 MB from 100 kB
  Context context(ContextOptions{.memory_bytes = std::size_t{24} << 20, .store_bytes = std::size_t{4} << 20});
  const std::string bomb = DeflatedZeros(std::size_t{6000} * 6000 * 3);
  ASSERT_LT(bomb.size(), std::size_t{1} << 20);
  Document document =
      OpenOk(context, OnePageWithImage("/Type /XObject /Subtype /Image /Width 6000 /Height 6000 /ColorSpace /DeviceRGB "
                                       "/BitsPerComponent 8 /Filter /FlateDecode",
                                       bomb));
  const std::size_t before = context.bytes_in_use();
  // When it is rendered at 300 dpi (the 8.7 MB output fits; MuPDF decodes the image at half size, 27 MB)
  const auto rendered = document.Render(0, {.dpi = 300, .color = ColorMode::kGray});
  // Then the allocator refuses, and the error says so instead of the process dying
  ASSERT_EQ(CodeOf(rendered), ErrorCode::kMemoryLimit);
  EXPECT_EQ(std::get<Error>(rendered).page, 0);
  EXPECT_GE(context.refused_allocations(), 1);
  EXPECT_LE(context.peak_bytes(), std::size_t{24} << 20);
  EXPECT_LE(context.bytes_in_use(), before + (std::size_t{4} << 20));  // nothing leaked beyond the store
  // And the context is still good for the next document
  Document next = OpenOk(context, ImagePage(200, 280, 128));
  EXPECT_EQ(Ok(next.Render(0, {.dpi = 20})).width, 166);
}

TEST(DocumentRender, DecodesABigImageAtTheResolutionItIsShownAt) {
  // The same 108 MB image shown at 20 dpi: MuPDF subsamples while inflating, so 24 MB are enough.
  Context context(ContextOptions{.memory_bytes = std::size_t{24} << 20, .store_bytes = std::size_t{4} << 20});
  Document document =
      OpenOk(context, OnePageWithImage("/Type /XObject /Subtype /Image /Width 6000 /Height 6000 /ColorSpace /DeviceRGB "
                                       "/BitsPerComponent 8 /Filter /FlateDecode",
                                       DeflatedZeros(std::size_t{6000} * 6000 * 3)));
  EXPECT_EQ(Ok(document.Render(0, {.dpi = 20})).width, 166);
  EXPECT_EQ(context.refused_allocations(), 0);
}

TEST(DocumentText, TurnsAFontBombIntoAMemoryLimitError) {
  // Given a page whose embedded TrueType font stream inflates to 200 MB under a 64 MB cap
  Context context(ContextOptions{.memory_bytes = std::size_t{64} << 20, .store_bytes = std::size_t{16} << 20});
  const std::string bomb = DeflatedZeros(std::size_t{200} << 20);
  RawPdf raw;
  raw.Add("<< /Type /Catalog /Pages 2 0 R >>");
  raw.Add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  raw.Add(
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
      "/Contents 4 0 R >>");
  raw.AddStream("", "BT /F1 12 Tf 72 720 Td (bomb) Tj ET");
  raw.Add("<< /Type /Font /Subtype /TrueType /BaseFont /Bomb /FirstChar 32 /LastChar 126 /FontDescriptor 6 0 R >>");
  raw.Add(
      "<< /Type /FontDescriptor /FontName /Bomb /Flags 32 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 800 "
      "/Descent -200 /CapHeight 700 /StemV 80 /FontFile2 7 0 R >>");
  raw.AddStream("/Filter /FlateDecode", bomb);
  Document document = OpenOk(context, raw.Build(1));
  // When its text is extracted, then the limit is reported, not an out-of-memory kill
  EXPECT_EQ(CodeOf(document.Text(0)), ErrorCode::kMemoryLimit);
}

TEST(DocumentActiveContent, FindsJavaScriptInAnOpenAction) {
  Context context;
  auto writer = std::move(std::get<Writer>(Writer::Create(context)));
  ASSERT_FALSE(writer.AddImagePage(Raster::White(100, 140, ColorMode::kGray), {.dpi = 10}));
  ASSERT_FALSE(writer.SetOpenActionJavaScript("app.alert('hi');"));
  Document document = OpenOk(context, std::get<std::string>(writer.Save({})));
  const ActiveContent found = Ok(document.ScanActiveContent());
  EXPECT_TRUE(found.javascript);
  EXPECT_TRUE(found.open_action);
  EXPECT_TRUE(found.Any());
  EXPECT_FALSE(found.incomplete);
  EXPECT_EQ(found.Names(), (std::vector<std::string>{"JavaScript", "OpenAction"}));
}

TEST(DocumentActiveContent, FindsEachKindOfAction) {
  Context context;
  struct Example {
    std::string catalog;
    std::string page;
    std::vector<std::string> objects;
    std::string expected;
  };
  const std::vector<Example> examples = {
      {"/Names << /JavaScript 4 0 R >>", "", {"<< /Names [(a) << /S /JavaScript /JS (x) >>] >>"}, "JavaScript"},
      {"", "/AA << /O << /S /Launch /F (calc.exe) >> >>", {}, "AA"},
      {"", "/AA << /O << /S /Launch /F (calc.exe) >> >>", {}, "Launch"},
      {"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
       "",
       {"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
        "<< /Type /EmbeddedFile /Length 0 >>\nstream\n\nendstream"},
       "EmbeddedFiles"},
      {"", "/Annots [4 0 R]", {"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>"}, "RichMedia"},
      {"/OpenAction << /S /GoToR /F (other.pdf) /D [0 /Fit] >>", "", {}, "GoToR"},
      {"",
       "/Annots [4 0 R]",
       {"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /SubmitForm /F (x) >> >>"},
       "SubmitForm"},
      {"/OpenAction << /S /ImportData /F (x.fdf) >>", "", {}, "ImportData"},
  };
  for (const Example& e : examples) {
    Document document = OpenOk(context, OnePage(e.catalog, e.page, e.objects));
    const ActiveContent found = Ok(document.ScanActiveContent());
    const auto names = found.Names();
    EXPECT_NE(std::find(names.begin(), names.end(), e.expected), names.end()) << e.expected;
  }
}

TEST(DocumentActiveContent, IgnoresAPlainOpenActionDestination) {
  // Many writers add /OpenAction [page /Fit]: a destination, not an action.
  Context context;
  Document a = OpenOk(context, OnePage("/OpenAction [3 0 R /Fit]"));
  EXPECT_FALSE(Ok(a.ScanActiveContent()).Any());
  Document b = OpenOk(context, OnePage("/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"));
  EXPECT_FALSE(Ok(b.ScanActiveContent()).Any());
}

std::string Nested(int levels, char open, char close, const std::string& inner) {
  std::string out;
  out.reserve(levels * 8 + inner.size());
  for (int i = 0; i < levels; ++i) out += open == '<' ? "<< /A " : "[";
  out += inner;
  for (int i = 0; i < levels; ++i) out += close == '>' ? " >>" : "]";
  return out;
}

TEST(DocumentActiveContent, SurvivesTenThousandLevelsOfNesting) {
  Context context;
  for (const char kind : {'[', '<'}) {
    // Given a catalog entry nested 10,000 deep, with JavaScript at the bottom
    const std::string deep =
        kind == '[' ? Nested(10000, '[', ']', "<< /S /JavaScript /JS (x) >>") : Nested(10000, '<', '>', "(x)");
    // When it is opened, then it is a value, not a stack overflow: MuPDF's parser gives up on the catalog, which
    // leaves no page tree
    EXPECT_EQ(CodeOf(Document::Open(context, OnePage("/Deep " + deep))), ErrorCode::kCorrupt) << kind;
  }
}

TEST(DocumentActiveContent, WalksNoDeeperThanItsBound) {
  Context context;  // max_walk_depth 64
  // 50 levels: the JavaScript at the bottom is found
  Document shallow = OpenOk(context, OnePage("/Deep " + Nested(50, '[', ']', "<< /S /JavaScript /JS (x) >>")));
  const ActiveContent near = Ok(shallow.ScanActiveContent());
  EXPECT_TRUE(near.javascript);
  EXPECT_FALSE(near.incomplete);
  // 100 levels: the walk stops at its bound and says so
  Document deep = OpenOk(context, OnePage("/Deep " + Nested(100, '[', ']', "<< /S /JavaScript /JS (x) >>")));
  const ActiveContent far = Ok(deep.ScanActiveContent());
  EXPECT_FALSE(far.javascript);
  EXPECT_TRUE(far.incomplete);
}

TEST(DocumentActiveContent, StopsAtTheObjectBound) {
  // Given a chain of 1,000 indirect dictionaries and a bound of 100 objects
  RawPdf raw;
  raw.Add("<< /Type /Catalog /Pages 2 0 R /Next 4 0 R >>");
  raw.Add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  raw.Add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>");
  for (int i = 0; i < 1000; ++i) raw.Add("[<< /Next " + std::to_string(i + 5) + " 0 R >>]");
  raw.Add("<< /S /JavaScript /JS (at the end) >>");
  Context context(ContextOptions{.max_walk_depth = 100000, .max_walk_objects = 100});
  Document document = OpenOk(context, raw.Build(1));
  const ActiveContent found = Ok(document.ScanActiveContent());
  EXPECT_TRUE(found.incomplete);
  EXPECT_FALSE(found.javascript);

  Context roomy;
  Document again = OpenOk(roomy, raw.Build(1));
  EXPECT_TRUE(Ok(again.ScanActiveContent()).incomplete);  // depth 2000 > default 64
}

TEST(DocumentAbort, AnAbortedDocumentRefusesFurtherWork) {
  Context context;
  Document document = OpenOk(context, ImagePage(620, 877, 0));
  document.RequestAbort();
  EXPECT_EQ(CodeOf(document.Render(0, {.dpi = 50})), ErrorCode::kAborted);
  EXPECT_EQ(CodeOf(document.Page(0)), ErrorCode::kAborted);
  EXPECT_EQ(CodeOf(document.Text(0)), ErrorCode::kAborted);
  EXPECT_EQ(CodeOf(document.ScanActiveContent()), ErrorCode::kAborted);
}

TEST(DocumentAbort, AWatchdogThreadCanStopARender) {
  // Given a page with 200,000 drawing operators, rendered while another thread aborts
  std::string ops;
  for (int i = 0; i < 200000; ++i) ops += "10 10 500 700 re f\n";
  RawPdf raw;
  raw.Add("<< /Type /Catalog /Pages 2 0 R >>");
  raw.Add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  raw.Add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>");
  raw.AddStream("", ops);
  Context context;
  Document document = OpenOk(context, raw.Build(1));
  std::thread watchdog([&] { document.RequestAbort(); });
  const auto rendered = document.Render(0, {.dpi = 300});
  watchdog.join();
  // Then either the abort came first (kAborted), or the render finished before it; the next call is refused.
  if (const auto* error = std::get_if<Error>(&rendered)) {
    EXPECT_EQ(error->code, ErrorCode::kAborted);
  }
  EXPECT_EQ(CodeOf(document.Render(0, {.dpi = 10})), ErrorCode::kAborted);
}

TEST(DocumentThreads, EachThreadWithItsOwnContextWorksInParallel) {
  // One Context per thread (MuPDF contexts have no locks here): both threads render the same bytes.
  const std::string bytes = ImagePage(620, 877, 60);
  std::vector<int> widths(2, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      Context context;
      auto opened = Document::Open(context, bytes);
      if (auto* document = std::get_if<Document>(&opened)) {
        for (int i = 0; i < 5; ++i) {
          auto rendered = document->Render(0, {.dpi = 72});
          if (auto* raster = std::get_if<Raster>(&rendered)) widths[t] = raster->width;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(widths, (std::vector<int>{595, 595}));
}

TEST(DocumentText, ReturnsNothingForAScan) {
  Context context;
  Document document = OpenOk(context, ImagePage(200, 280, 100));
  EXPECT_EQ(Ok(document.Text(0)).find_first_not_of(" \n"), std::string::npos);
}

}  // namespace
}  // namespace archive::pdf
