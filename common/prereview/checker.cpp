#include "common/prereview/checker.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <utility>
#include <variant>

#include "common/base/utf8.hpp"
#include "common/image/image.hpp"
#include "common/ocr/ocr.hpp"
#include "common/pdf/context.hpp"
#include "common/pdf/document.hpp"
#include "common/prereview/glyph.hpp"
#include "common/prereview/number.hpp"

namespace archive::prereview {
namespace {

image::Image ToImage(pdf::Raster&& raster) {
  return image::Image{raster.width, raster.height, raster.channels, std::move(raster.pixels)};
}

pdf::Region ToRegion(const Box& b) {
  return pdf::Region{b.x, b.y, b.width, b.height};
}

// Where a box of the upright page (width × height points) is on a scan turned clockwise by `turn` degrees (0,
// 90, 180 or 270).
Box Turned(const Box& b, int turn, double width, double height) {
  switch (turn) {
    case 90:
      return Box{height - b.y - b.height, b.x, b.height, b.width};
    case 180:
      return Box{width - b.x - b.width, height - b.y - b.height, b.width, b.height};
    case 270:
      return Box{b.y, width - b.x - b.width, b.height, b.width};
    default:
      return b;
  }
}

// The part of a page's image inside a box on it (points; the page is width × height points).
image::Image CropBox(const image::Image& page, const Box& b, double width, double height) {
  return image::Crop(page, b.x / width, b.y / height, (b.x + b.width) / width, (b.y + b.height) / height);
}

// The characters to change, add or remove to make one into the other (Levenshtein): a stray stroke read as an
// extra character in front of a name ("了丁辰" for 丁辰) is one difference, not one per shifted character.
int CharacterDifferences(std::u32string_view x, std::u32string_view y) {
  std::vector<int> row(y.size() + 1);
  for (std::size_t j = 0; j <= y.size(); ++j) row[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= x.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= y.size(); ++j) {
      const int above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] != y[j - 1] ? 1 : 0)});
      diagonal = above;
    }
  }
  return row[y.size()];
}

// A character of a Chinese name (the CJK unified ideographs and their extension A).
bool Chinese(char32_t c) {
  return c >= 0x3400 && c <= 0x9fff;
}

// How many characters the two have in common, in order (the longest common subsequence).
int CommonCharacters(std::u32string_view x, std::u32string_view y) {
  std::vector<int> row(y.size() + 1, 0);
  for (std::size_t i = 1; i <= x.size(); ++i) {
    int diagonal = 0;
    for (std::size_t j = 1; j <= y.size(); ++j) {
      const int above = row[j];
      row[j] = x[i - 1] == y[j - 1] ? diagonal + 1 : std::max(row[j], row[j - 1]);
      diagonal = above;
    }
  }
  return row[y.size()];
}

// Where in the number box a 12-digit number could be: for each text line (a run of inked rows), the rightmost
// group of glyphs (columns of ink with gaps under a third of the line's height) that is 3.5 to 12 line-heights
// wide, with a margin. The label "编号：" ends in a wide gap, so it falls into a group of its own. Lines are
// returned top first; at most `limit`.
std::vector<image::Image> NumberLines(const image::Image& gray, std::size_t limit) {
  std::vector<image::Image> out;
  if (gray.width < 8 || gray.height < 8) return out;
  const int t = image::OtsuThreshold(gray);
  const auto ink = [&](int x, int y) { return gray.At(x, y) < t; };
  std::vector<int> rows(gray.height, 0);
  for (int y = 0; y < gray.height; ++y) {
    for (int x = 0; x < gray.width; ++x) rows[y] += ink(x, y) ? 1 : 0;
  }
  int y = 0;
  while (y < gray.height && out.size() < limit) {
    if (rows[y] < 3) {
      ++y;
      continue;
    }
    const int y0 = y;
    int last = y;
    while (y < gray.height && (rows[y] >= 3 || y - last <= 2)) {
      if (rows[y] >= 3) last = y;
      ++y;
    }
    const int y1 = last + 1;
    const int h = y1 - y0;
    if (h < 12 || h > 160) continue;
    std::vector<bool> column(gray.width, false);
    for (int x = 0; x < gray.width; ++x) {
      int n = 0;
      for (int yy = y0; yy < y1; ++yy) n += ink(x, yy) ? 1 : 0;
      column[x] = n >= 1;
    }
    const int max_gap = std::max(3, h / 3);
    int best_x0 = -1, best_x1 = -1;
    for (int x = 0; x < gray.width;) {
      if (!column[x]) {
        ++x;
        continue;
      }
      const int gx0 = x;
      int end = x;
      while (x < gray.width && (column[x] || x - end <= max_gap)) {
        if (column[x]) end = x;
        ++x;
      }
      const int w = end + 1 - gx0;
      if (w >= h * 7 / 2 && w <= h * 12) {
        best_x0 = gx0;
        best_x1 = end + 1;
      }
    }
    if (best_x0 < 0) continue;
    const int m = std::max(4, h / 3);
    const double fx0 = std::max(0, best_x0 - m) / static_cast<double>(gray.width);
    const double fx1 = std::min(gray.width, best_x1 + m) / static_cast<double>(gray.width);
    const double fy0 = std::max(0, y0 - m) / static_cast<double>(gray.height);
    const double fy1 = std::min(gray.height, y1 + m) / static_cast<double>(gray.height);
    out.push_back(image::Crop(gray, fx0, fy0, fx1, fy1));
  }
  return out;
}

// The share of pixels whose channels differ by at least min_chroma: zero for a gray scan rendered in colour,
// and above zero for a colour scan of black-and-blue writing on paper (the paper and the ink carry a tint).
double ChromaShare(const image::Image& rgb, int min_chroma) {
  if (rgb.channels != 3 || rgb.pixels.empty()) return 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i + 2 < rgb.pixels.size(); i += 3) {
    const int r = rgb.pixels[i], g = rgb.pixels[i + 1], b = rgb.pixels[i + 2];
    n += std::max({r, g, b}) - std::min({r, g, b}) >= min_chroma ? 1 : 0;
  }
  return static_cast<double>(n) * 3 / static_cast<double>(rgb.pixels.size());
}

// Below this share of ink, the place of page 1's digits (Config::cover_mark_box) is empty: twelve digits fill
// about 3 % of it.
constexpr double kEmptyMark = 0.005;

// Below this share of ink a crop holds nothing to OCR.
constexpr double kMinInkToRead = 0.0005;

// v to `decimals` places, as the nearest double to the decimal (0.82, not 82 * 0.01 = 0.8200000000000001).
double Round(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale + 0.0;  // + 0.0: -0 becomes 0
}

std::string Megabytes(double bytes) {
  return fmt::format("{:.1f}", bytes / (1024.0 * 1024.0));
}

// An integrity failure of the input as a finding. kBadRequest cannot come from a page that exists; it is
// reported as corruption rather than trusted.
void AddPdfError(Report& report, const pdf::Error& error) {
  const std::optional<int> page = error.page ? std::optional<int>(*error.page + 1) : std::nullopt;
  const nlohmann::json values{{"reason", pdf::CodeName(error.code)}, {"detail", error.detail}};
  switch (error.code) {
    case pdf::ErrorCode::kNotPdf:
      report.Add(Code::kNotPdf, std::nullopt,
                 "文件不是PDF格式（按文件内容判断），请将《入团志愿书》扫描为PDF后重新上传。", values);
      return;
    case pdf::ErrorCode::kEncrypted:
      report.Add(Code::kEncrypted, std::nullopt, "文件设置了打开密码，系统无法查看，请去除密码后重新上传。", values);
      return;
    case pdf::ErrorCode::kAborted:
      report.Add(Code::kTimeout, page, "文件处理超时，文件可能过于复杂或已损坏，请重新扫描后上传。", values);
      return;
    case pdf::ErrorCode::kMemoryLimit:
    case pdf::ErrorCode::kTooBig:
      report.Add(Code::kCorrupt, page,
                 page ? fmt::format("第{}页的图像过大，无法显示，请用常规分辨率（200dpi左右）重新扫描后上传。", *page)
                      : std::string("文件中的图像过大，无法显示，请用常规分辨率（200dpi左右）重新扫描后上传。"),
                 values);
      return;
    case pdf::ErrorCode::kCorrupt:
    case pdf::ErrorCode::kBadRequest:
      report.Add(Code::kCorrupt, page,
                 page ? fmt::format("第{}页已损坏，无法显示，请重新扫描后上传。", *page)
                      : std::string("文件已损坏，无法打开，请重新扫描后上传。"),
                 values);
      return;
  }
}

template <typename T>
const T* Ok(std::variant<T, pdf::Error>& result, Report& report) {
  if (const auto* error = std::get_if<pdf::Error>(&result)) {
    AddPdfError(report, *error);
    return nullptr;
  }
  return &std::get<T>(result);
}

}  // namespace

struct Checker::State {
  Config config;
  pdf::Context context;
  ocr::Reader reader;
  GlyphFonts glyphs;

  State(Config c, const std::string& tessdata)
      : config(std::move(c)),
        context(pdf::ContextOptions{.memory_bytes = static_cast<std::size_t>(config.memory_bytes),
                                    .store_bytes = static_cast<std::size_t>(config.memory_bytes / 8),
                                    .max_render_pixels = config.max_image_pixels,
                                    .max_image_pixels = config.max_image_pixels}),
        reader(tessdata),
        glyphs(config.glyph_fonts) {}
};

Checker::Checker(Config config, const std::string& tessdata)
    : state_(std::make_unique<State>(std::move(config), tessdata)) {}

Checker::~Checker() = default;

namespace {

// One document's checks. Stops at the first integrity failure: nothing after it is worth the time.
class Run {
 public:
  Run(const Config& config, pdf::Context& context, ocr::Reader& reader, GlyphFonts& glyphs,
      const Expectations& expected)
      : config_(config), context_(context), reader_(reader), glyphs_(glyphs), expected_(expected) {}

  Report Go(std::string_view bytes) {
    if (static_cast<long>(bytes.size()) > config_.max_bytes) return TooLarge(bytes.size(), config_.max_bytes);
    auto opened = pdf::Document::Open(context_, std::string(bytes));
    if (auto* error = std::get_if<pdf::Error>(&opened)) {
      AddPdfError(report_, *error);
      return std::move(report_);
    }
    pdf::Document& document = std::get<pdf::Document>(opened);
    report_.page_count = document.page_count();
    if (document.encrypted()) {
      report_.Add(Code::kEncrypted, std::nullopt, "文件经过加密（设有权限密码），请去除加密后重新上传。",
                  {{"password_to_open", false}});
      return std::move(report_);
    }
    auto active = document.ScanActiveContent();
    const pdf::ActiveContent* found = Ok(active, report_);
    if (found == nullptr) return std::move(report_);
    if (found->Any()) {
      report_.Add(Code::kActiveContent, std::nullopt,
                  fmt::format("文件含有脚本或嵌入内容（{}），存在安全风险，请用扫描仪直接生成PDF后重新上传。",
                              fmt::join(found->Names(), "、")),
                  {{"kinds", found->Names()}});
      return std::move(report_);
    }
    if (document.page_count() != config_.expected_pages) {
      report_.Add(Code::kPageCount, std::nullopt,
                  fmt::format("《入团志愿书》应为{}页，上传的文件为{}页，请检查是否缺页、多页或传错文件。",
                              config_.expected_pages, document.page_count()),
                  {{"expected", config_.expected_pages}, {"actual", document.page_count()}});
    }
    const int pages = std::min(document.page_count(), config_.max_pages_examined);
    for (int i = 0; i < pages; ++i) {
      if (!Page(document, i)) return Finish(document);
    }
    if (!Identity(document)) return Finish(document);
    const int approval = config_.approval_page == 0 ? document.page_count() : config_.approval_page;
    if (approval <= pages) Seal(document, approval - 1);
    return Finish(document);
  }

 private:
  Report Finish(pdf::Document& document) {
    if (document.repaired() && !report_.IntegrityFailed()) {
      report_.Add(Code::kRepaired, std::nullopt,
                  "文件结构有损坏（可能未完整保存或传输中断），系统已自动修复后读取，建议重新生成PDF后上传。");
    }
    return std::move(report_);
  }

  // Resolution, blank, blur and orientation of one page. False after an integrity failure.
  bool Page(pdf::Document& document, int index) {
    const int page = index + 1;
    auto info_result = document.Page(index);
    const pdf::PageInfo* info = Ok(info_result, report_);
    if (info == nullptr) return false;
    PageMeasure m;
    m.page = page;
    m.width_pt = info->width_pt;
    m.height_pt = info->height_pt;
    if (info->largest_image && info->largest_image->page_coverage > 0.5) m.dpi = info->largest_image->dpi();

    auto rendered = document.Render(index, {.dpi = config_.quality_dpi, .color = pdf::ColorMode::kGray});
    if (Ok(rendered, report_) == nullptr) return false;
    // Measured on the page with its lighting evened out, so a photo's shadows are not taken for ink.
    image::Image gray = image::Flatten(ToImage(std::move(std::get<pdf::Raster>(rendered))),
                                       std::max(8, static_cast<int>(config_.quality_dpi * 0.4)));
    m.ink = image::InkRatio(gray);
    m.faint = image::InkRatio(gray, config_.faint_below);
    const double band = std::clamp(config_.orientation_band_pt / m.height_pt, 0.0, 0.5);
    m.top_ink = image::InkRatio(image::Crop(gray, 0, 0, 1, band));
    m.bottom_ink = image::InkRatio(image::Crop(gray, 0, 1 - band, 1, 1));
    // Blank: neither ink nor the faint gray that a blurred page's writing turns into.
    const bool blank = m.ink <= config_.blank_max_ink && m.faint <= config_.blank_max_faint;
    m.sharpness = blank ? 0 : image::Sharpness(gray);
    const bool blurry = !blank && (m.ink <= config_.blank_max_ink || m.sharpness < config_.blurry_max_sharpness);
    if (index == 0) {
      page1_blurry_ = blurry;
      page1_low_resolution_ = m.dpi && *m.dpi + 0.5 < config_.min_dpi;
      if (!blank) page1_turn_ = CoverTurn(m, gray);
    }

    if (m.dpi && *m.dpi + 0.5 < config_.min_dpi) {
      report_.Add(Code::kLowResolution, page,
                  fmt::format("第{}页的扫描分辨率约为{:.0f}dpi，低于{:.0f}dpi，字迹可能看不清，请调高分辨率重新扫描。",
                              page, *m.dpi, config_.min_dpi),
                  {{"dpi", Round(*m.dpi, 1)}, {"min_dpi", config_.min_dpi}});
    }
    if (blank) {
      report_
          .Add(Code::kBlankPage, page, fmt::format("第{}页是空白页，请检查是否扫描错页或漏扫了内容。", page),
               {{"ink", m.ink}, {"max_ink", config_.blank_max_ink}})
          .evidence = Evidence{fmt::format("page{}.png", page), image::EncodePng(gray)};
    } else {
      if (blurry) {
        report_
            .Add(Code::kBlurryPage, page, fmt::format("第{}页扫描模糊，字迹看不清，请重新扫描。", page),
                 {{"sharpness", Round(m.sharpness, 2)}, {"min_sharpness", config_.blurry_max_sharpness}})
            .evidence = Evidence{fmt::format("page{}.png", page), image::EncodePng(gray)};
      }
      if (index > 0) Orientation(m, gray);
      // An upside-down cover is confirmed by reading the number there (Number), when there is one to read: the
      // ink of a place alone can be a phone photo's table.
      if (index == 0 && page1_turn_ == 180 && !expected_.number.empty()) {
        page1_turn_ = 0;
        page1_maybe_upside_down_ = true;
        page1_thumbnail_ = gray;
      } else if (index == 0 && page1_turn_ != 0) {
        AddOrientation(m, gray, page1_turn_ == 180 ? 180 : 90);
      }
    }
    report_.pages.push_back(m);
    return true;
  }

  void Orientation(const PageMeasure& m, const image::Image& gray) {
    int rotation = 0;
    if (m.width_pt > m.height_pt * 1.1) {
      rotation = 90;
    } else if (m.top_ink >= config_.orientation_min_ink && m.top_ink > m.bottom_ink * config_.orientation_ratio) {
      rotation = 180;
    }
    if (rotation != 0) AddOrientation(m, gray, rotation);
  }

  // How page 1 is turned (clockwise, as a scan of the upright cover): where the digits of its number are
  // (Config::cover_mark_box). Page 1 has no page number to go by.
  int CoverTurn(const PageMeasure& m, const image::Image& gray) const {
    const auto ink = [&](int turn) {
      const bool sideways = turn % 180 != 0;
      const double width = sideways ? m.height_pt : m.width_pt, height = sideways ? m.width_pt : m.height_pt;
      return image::InkRatio(
          CropBox(gray, Turned(config_.cover_mark_box, turn, width, height), m.width_pt, m.height_pt));
    };
    if (m.width_pt > m.height_pt * 1.1) return ink(270) > ink(90) ? 270 : 90;
    // Upside down: the digits' place is (nearly) empty and its counterpart is not. The place's own ink matters
    // too: a phone photo's dark table can fill the counterpart's corner while the digits are where they belong.
    const double upright = ink(0), turned = ink(180);
    return upright < kEmptyMark && turned >= config_.orientation_min_ink && turned > upright * config_.orientation_ratio
               ? 180
               : 0;
  }

  void AddOrientation(const PageMeasure& m, const image::Image& gray, int rotation) {
    report_
        .Add(Code::kOrientation, m.page,
             fmt::format("第{}页方向不正（{}），请摆正后重新扫描。", m.page, rotation == 180 ? "上下颠倒" : "横向放置"),
             {{"rotation", rotation}})
        .evidence = Evidence{fmt::format("page{}.png", m.page), image::EncodePng(gray)};
  }

  // The number and the name on page 1. False after an integrity failure.
  bool Identity(pdf::Document& document) {
    if (document.page_count() < 1 || (expected_.number.empty() && expected_.name.empty())) return true;
    if (!expected_.number.empty() && !Number(document)) return false;
    if (!expected_.name.empty() && !Name(document)) return false;
    return true;
  }

  struct NumberRead {
    image::Image crop;
    std::optional<std::string> read;
    int confidence = 0;
    std::optional<std::uint64_t> hash;
  };

  // Reads the number box of page 1 as turned by page1_turn_. nullopt after an integrity failure.
  std::optional<NumberRead> ReadNumber(pdf::Document& document) {
    auto rendered = document.Render(
        0, {.dpi = config_.number_dpi, .color = pdf::ColorMode::kGray, .region = Page1Region(config_.number_box)});
    if (Ok(rendered, report_) == nullptr) return std::nullopt;
    NumberRead out;
    out.crop = image::Median3(
        image::Flatten(image::Rotate(ToImage(std::move(std::get<pdf::Raster>(rendered))), 360 - page1_turn_),
                       static_cast<int>(config_.number_dpi * 0.4)));
    std::optional<std::string>& read = out.read;
    read = TextLayerNumber(document);
    out.confidence = 100;
    std::vector<image::Image> lines = NumberLines(out.crop, 3);
    // Page 1's fingerprint for DUPLICATE_FILE: the line of the number, which no other member's form has (none
    // when no line looks like a number: a phone photo's box holds the table's edge too).
    if (!lines.empty()) out.hash = image::LineProfileHash(lines.front());
    if (!read) {
      // The lines that look like a number first, then the whole box.
      std::vector<image::Image> tries;
      for (auto& line : lines) {
        image::Image binary = image::Binarize(line, image::OtsuThreshold(line));
        tries.push_back(std::move(line));
        tries.push_back(std::move(binary));
      }
      tries.push_back(out.crop);
      out.confidence = 0;
      // A confident read that differs from the record is checked against the remaining regions: a read there
      // that equals the record wins, because a misread does not land on the record's number (a 5 read as 9 in
      // one region is read right in another), while a sheet that carries another number gives it in none.
      for (const auto& region : tries) {
        if (image::InkRatio(region) < kMinInkToRead) continue;  // Tesseract has nothing to read, and says so
        const ocr::Text text = reader_.Digits(
            {region.pixels.data(), region.width, region.height, region.width, static_cast<int>(config_.number_dpi)});
        const std::optional<std::string> number = ExtractNumber(text.text);
        if (!number) continue;
        if (*number == expected_.number) {
          read = number;
          out.confidence = text.confidence;
          break;
        }
        if (read && text.confidence <= out.confidence) continue;
        read = number;
        out.confidence = text.confidence;
      }
    }
    return out;
  }

  bool Number(pdf::Document& document) {
    std::optional<NumberRead> upright = ReadNumber(document);
    if (!upright) return false;
    if (!upright->read && page1_maybe_upside_down_) {
      page1_turn_ = 180;
      std::optional<NumberRead> turned = ReadNumber(document);
      if (!turned) return false;
      if (turned->read) {
        upright = std::move(turned);
        AddOrientation(report_.pages.front(), page1_thumbnail_, 180);
      } else {
        page1_turn_ = 0;
      }
    }
    const image::Image& crop = upright->crop;
    const std::optional<std::string>& read = upright->read;
    const int confidence = upright->confidence;
    if (upright->hash) report_.page1_hash = upright->hash;
    report_.number_read = read;
    report_.number_confidence = confidence;
    const auto evidence = [&] { return Evidence{"page1-number.png", image::EncodePng(crop)}; };
    // A read equal to the record is right whatever the confidence: a misread does not land on the record's number.
    if (read && *read == expected_.number) return true;
    const bool trusted = read && confidence >= config_.number_min_confidence;
    // A blurred or low-resolution page 1 gives no read to blame the record with.
    if (!trusted || page1_blurry_ || page1_low_resolution_) {
      report_
          .Add(Code::kNumberUnreadable, 1,
               "无法识别第1页右上角的团员编号，请确认编号填写完整、清晰，扫描时不要遮挡或倾斜。",
               {{"read", read ? nlohmann::json(*read) : nlohmann::json()}, {"confidence", confidence}})
          .evidence = evidence();
      return true;
    }
    const NumberDiagnosis why = DiagnoseNumber(*read, expected_.number, expected_.admission_year);
    report_
        .Add(Code::kNumberMismatch, 1,
             fmt::format("第1页上的团员编号为{}，与系统中的发展团员编号{}不一致：{}。请核对：系统记录有误请更正编号，"
                         "档案有误请重新上传。",
                         *read, expected_.number, why.text),
             {{"read", *read}, {"expected", expected_.number}, {"cause", why.cause}, {"confidence", confidence}})
        .evidence = evidence();
    return true;
  }

  // A box of the upright cover on page 1 as scanned (turned by page1_turn_).
  pdf::Region Page1Region(const Box& box) const {
    if (page1_turn_ == 0 || report_.pages.empty()) return ToRegion(box);
    const PageMeasure& m = report_.pages.front();
    const bool sideways = page1_turn_ % 180 != 0;
    return ToRegion(Turned(box, page1_turn_, sideways ? m.height_pt : m.width_pt, sideways ? m.width_pt : m.height_pt));
  }

  // Page 1's text layer (empty for a scan, or when it cannot be extracted), extracted once.
  const std::string& Page1Text(pdf::Document& document) {
    if (!page1_text_) {
      auto text = document.Text(0);
      page1_text_ = std::holds_alternative<std::string>(text) ? std::move(std::get<std::string>(text)) : "";
    }
    return *page1_text_;
  }

  // A digitally made PDF carries the number in its text layer: exact, and cheaper than OCR.
  std::optional<std::string> TextLayerNumber(pdf::Document& document) {
    static const std::regex kNumber("编号[:：]\\s*([0-9]{12})");
    std::smatch match;
    if (std::regex_search(Page1Text(document), match, kNumber)) return match[1].str();
    return std::nullopt;
  }

  // Whether the name written differs from the record's in a character, judged on the ink of each character
  // against glyphs (prereview/glyph.hpp) in every glyph font, the line cut into as many characters as the
  // record's name has. A misread of the record's character still looks like it, so a character is another one
  // - where a read as long as the record's differs, when the ink looks like the read character
  //   (glyph_min_correlation) and not like the record's (glyph_min_margin less): the read is right there;
  // - or, whatever was read (a misread, nothing), when the ink looks nothing like the record's character (below
  //   glyph_max_absent), the read does not have that character, and every other character looks like the
  //   record's (glyph_min_correlation), which shows that the cells and the hand are ones the fonts can be
  //   compared with.
  // Not judged: a line that does not split into as many characters, a record's character a font lacks, a record
  // that is not all Chinese characters, 一 (a single stroke, as is a ruled line or a dash), and a page 1 under
  // min_dpi (a character of 20 pixels).
  struct CharacterOff {
    std::size_t position = 0;
    bool read_is_written = false;  // the first case: the read character is what is written
    std::vector<double> read;      // the correlation of the ink with the read character, per font (first case)
    std::vector<double> record;    // ... with the record's
  };
  std::optional<CharacterOff> DifferentCharacter(const image::Image& crop, const std::u32string& read,
                                                 const std::u32string& record) {
    if (glyphs_.size() == 0 || record.empty() || page1_low_resolution_ ||
        !std::all_of(record.begin(), record.end(), Chinese)) {
      return std::nullopt;
    }
    const int ink_below = image::OtsuThreshold(crop);
    const std::vector<CellBox> cells = CharacterCells(crop, record.size(), ink_below);
    if (cells.size() != record.size()) return std::nullopt;
    std::vector<GlyphShape> ink;
    for (const CellBox& cell : cells) ink.push_back(ShapeIn(crop, cell, ink_below));
    // The ink of each place against a character's glyph in each font; empty where a font lacks it.
    const auto scores = [&](std::size_t place, char32_t c) {
      std::vector<double> out;
      for (const GlyphShape& glyph : glyphs_.Shapes(c)) {
        if (glyph.empty()) return std::vector<double>{};
        out.push_back(Correlation(ink[place], glyph));
      }
      return out;
    };
    const auto rounded = [](std::vector<double> v) {
      for (double& s : v) s = Round(s, 2);
      return v;
    };
    std::vector<std::vector<double>> as_record;
    for (std::size_t i = 0; i < record.size(); ++i) {
      as_record.push_back(scores(i, record[i]));
      if (as_record.back().empty()) return std::nullopt;
    }
    if (read.size() == record.size()) {
      for (std::size_t i = 0; i < read.size(); ++i) {
        if (read[i] == record[i] || read[i] == U'一' || !Chinese(read[i])) continue;
        const std::vector<double> as_read = scores(i, read[i]);
        bool written = !as_read.empty();
        for (std::size_t font = 0; font < as_read.size(); ++font) {
          written = written && as_read[font] >= config_.glyph_min_correlation &&
                    as_read[font] - as_record[i][font] >= config_.glyph_min_margin;
        }
        if (written) return CharacterOff{i, true, rounded(as_read), rounded(as_record[i])};
      }
    }
    // A character the read has (at its place, or anywhere in a read of another length) is not taken for absent,
    // and 一 (a single stroke, like any dash or line) is no evidence either way.
    const auto read_has = [&](std::size_t i) {
      return read.size() == record.size() ? read[i] == record[i] : read.find(record[i]) != std::u32string::npos;
    };
    std::optional<std::size_t> absent;
    bool present = false;
    for (std::size_t i = 0; i < record.size(); ++i) {
      if (record[i] == U'一') continue;
      const auto [low, high] = std::minmax_element(as_record[i].begin(), as_record[i].end());
      if (*high < config_.glyph_max_absent && !absent && !read_has(i)) {
        absent = i;
      } else if (*low < config_.glyph_min_correlation) {
        return std::nullopt;  // neither there nor clearly absent, or a second character absent
      } else {
        present = true;
      }
    }
    if (!absent || !present) return std::nullopt;
    return CharacterOff{*absent, false, {}, rounded(as_record[*absent])};
  }

  // Whether a read of another length than the record's name is what is written: the line cut into as many
  // characters as were read, each looks like its read character (glyph_min_correlation in every glyph font).
  // A name of another length is another name. Returns the weakest correlation of each read character; nullopt
  // when not judged (reads of one character or with 一, records with 一: a dropped or added stroke).
  std::optional<std::vector<double>> ReadNameWritten(const image::Image& crop, const std::u32string& read,
                                                     const std::u32string& record) {
    const auto plain = [](const std::u32string& s) {
      return std::all_of(s.begin(), s.end(), [](char32_t c) { return Chinese(c) && c != U'一'; });
    };
    if (glyphs_.size() == 0 || read.size() == record.size() || read.size() < 2 || page1_low_resolution_ ||
        !plain(read) || !plain(record)) {
      return std::nullopt;
    }
    const int ink_below = image::OtsuThreshold(crop);
    const std::vector<CellBox> cells = CharacterCells(crop, read.size(), ink_below);
    if (cells.size() != read.size()) return std::nullopt;
    std::vector<double> weakest;
    for (std::size_t i = 0; i < read.size(); ++i) {
      const GlyphShape written = ShapeIn(crop, cells[i], ink_below);
      double low = 1;
      for (const GlyphShape& glyph : glyphs_.Shapes(read[i])) low = std::min(low, Correlation(written, glyph));
      weakest.push_back(Round(low, 2));
    }
    for (const double w : weakest) {
      if (w < config_.glyph_min_correlation) return std::nullopt;
    }
    return weakest;
  }

  bool Name(pdf::Document& document) {
    // A digitally made PDF that carries the record's name in its text layer was filled in with it.
    if (Page1Text(document).find(expected_.name) != std::string::npos) return true;
    auto rendered = document.Render(
        0, {.dpi = config_.name_dpi, .color = pdf::ColorMode::kGray, .region = Page1Region(config_.name_box)});
    if (Ok(rendered, report_) == nullptr) return false;
    image::Image crop = image::Rotate(ToImage(std::move(std::get<pdf::Raster>(rendered))), 360 - page1_turn_);
    if (page1_blurry_ || image::InkRatio(crop) < kMinInkToRead) return true;
    const ocr::Text text = reader_.ChineseLine(
        {crop.pixels.data(), crop.width, crop.height, crop.width, static_cast<int>(config_.name_dpi)});
    report_.name_read = text.text;
    report_.name_confidence = text.confidence;
    const std::u32string read = utf8::Decode(text.text), record = utf8::Decode(expected_.name);
    if (read == record) return true;
    const int differences = CharacterDifferences(read, record);
    const auto name_mismatch = [&](std::string detail, nlohmann::json values) {
      values.update({{"read", text.text},
                     {"expected", expected_.name},
                     {"differences", differences},
                     {"confidence", text.confidence}});
      report_
          .Add(Code::kNameMismatch, 1,
               fmt::format("第1页上的姓名{}与系统中的姓名“{}”不一致{}，请核对是否传错了档案或姓名录入有误。",
                           text.text.empty() ? "" : fmt::format("识别为“{}”，", text.text), expected_.name, detail),
               std::move(values))
          .evidence = Evidence{"page1-name.png", image::EncodePng(crop)};
    };
    // The ink of the characters first, whatever was read: the recognizer misreads handwriting at any confidence.
    if (const auto off = DifferentCharacter(crop, read, record)) {
      const std::string at = utf8::Encode(record.substr(off->position, 1));
      name_mismatch(off->read_is_written ? fmt::format("（第{}个字识别为“{}”，不是“{}”）", off->position + 1,
                                                       utf8::Encode(read.substr(off->position, 1)), at)
                                         : fmt::format("（第{}个字不是“{}”）", off->position + 1, at),
                    {{"character",
                      {{"position", off->position + 1},
                       {"read_is_written", off->read_is_written},
                       {"read_correlation", off->read},
                       {"record_correlation", off->record}}}});
      return true;
    }
    if (const auto weakest = ReadNameWritten(crop, read, record)) {
      name_mismatch(fmt::format("（写的是{}个字）", read.size()), {{"read_correlation", *weakest}});
      return true;
    }
    if (text.text.empty() || text.confidence < config_.name_confirmed_min_confidence ||
        differences < config_.name_min_differences) {
      return true;
    }
    // A name is written in Chinese characters; anything else in the read is the OCR guessing.
    int written = 0;
    for (const char32_t c : read) {
      if (!Chinese(c)) return true;
      // 一 is also what a ruled line of the form reads as (a phone photo's table edge read "一一").
      written += c != U'一' ? 1 : 0;
    }
    // The free read alone is not evidence: handwriting is misread at any confidence ("引悦倍" for 马悦悦 at 74),
    // and read with low confidence whether it is the record's name or not. The box is read again, allowed only
    // the record's characters: the recognizer places one only where the image supports it, so a misread of the
    // record's name keeps most of them ("程清" for 程清鑫 read 程清大) and another name loses them. A mismatch
    // needs name_min_differences of the record's characters lost, and below name_min_confidence all of them.
    const ocr::Text among = reader_.ChineseLineAmong(
        {crop.pixels.data(), crop.width, crop.height, crop.width, static_cast<int>(config_.name_dpi)}, expected_.name);
    const int lost = static_cast<int>(record.size()) - CommonCharacters(utf8::Decode(among.text), record);
    const bool confident = text.confidence >= config_.name_min_confidence;
    if (lost < (confident ? config_.name_min_differences : static_cast<int>(record.size())) ||
        (!confident && written < 2)) {
      return true;
    }
    name_mismatch("", {{"read_among_record", among.text}});
    return true;
  }

  void Seal(pdf::Document& document, int index) {
    auto rendered = document.Render(index, {.dpi = config_.seal_dpi, .color = pdf::ColorMode::kRgb});
    if (Ok(rendered, report_) == nullptr) return;
    image::Image rgb = ToImage(std::move(std::get<pdf::Raster>(rendered)));
    const double red = image::RedRatio(image::Crop(rgb, 0, 0.5, 1, 1));
    if (red >= config_.seal_min_red) return;
    const int page = index + 1;
    const double chroma = ChromaShare(rgb, config_.colour_min_chroma);
    const bool colour = chroma >= config_.colour_min_share;
    report_
        .Add(Code::kSealMissing, page,
             colour ? fmt::format("第{}页（上级团委审批意见）没有发现红色公章，请确认已盖章后重新扫描。", page)
                    : fmt::format(
                          "第{}页（上级团委审批意见）是黑白或灰度扫描，无法辨认红色公章，请用彩色模式重新扫描。", page),
             colour ? nlohmann::json{{"red", red}, {"min_red", config_.seal_min_red}, {"colour", chroma}}
                    : nlohmann::json{{"red", red},
                                     {"min_red", config_.seal_min_red},
                                     {"colour", chroma},
                                     {"hint", "grayscale"}})
        .evidence = Evidence{fmt::format("page{}-seal.png", page), image::EncodePng(rgb)};
  }

  const Config& config_;
  pdf::Context& context_;
  ocr::Reader& reader_;
  GlyphFonts& glyphs_;
  const Expectations& expected_;
  Report report_;
  bool page1_blurry_ = false;
  bool page1_low_resolution_ = false;
  int page1_turn_ = 0;                     // how page 1 is turned, clockwise: 0, 90, 180 or 270
  bool page1_maybe_upside_down_ = false;   // the digits' place is empty and its half-turn counterpart inked
  image::Image page1_thumbnail_;           // page 1 at quality_dpi, for ORIENTATION's evidence
  std::optional<std::string> page1_text_;  // Page1Text
};

}  // namespace

Report TooLarge(std::size_t size, long max_bytes) {
  Report report;
  report.Add(Code::kTooLarge, std::nullopt,
             fmt::format("文件大小为{}MB，超过{}MB的上限，请降低扫描分辨率（200dpi左右）或压缩后重新上传。",
                         Megabytes(static_cast<double>(size)), Megabytes(static_cast<double>(max_bytes))),
             {{"size_bytes", size}, {"max_bytes", max_bytes}});
  return report;
}

Report Checker::Check(std::string_view bytes, const Expectations& expected) {
  return Run(state_->config, state_->context, state_->reader, state_->glyphs, expected).Go(bytes);
}

}  // namespace archive::prereview
