#include "tools/formgen/corpus.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <set>
#include <stdexcept>

#include "common/base/crypto.hpp"
#include "common/pdf/drawing.hpp"
#include "common/pdf/writer.hpp"
#include "tools/formgen/effects.hpp"

namespace archive::formgen {
namespace {

struct CaseEntry {
  Case c;
  std::string_view name;
};

constexpr CaseEntry kCases[] = {
    {Case::kClean, "clean"},
    {Case::kNoisy, "noisy"},
    {Case::kSkewed, "skewed"},
    {Case::kBlurry, "blurry"},
    {Case::kBlankPage, "blank_page"},
    {Case::kMissingPage, "missing_page"},
    {Case::kRotatedPage, "rotated_page"},
    {Case::kGrayscale, "grayscale"},
    {Case::kSealMissing, "seal_missing"},
    {Case::kLowResolution, "low_resolution"},
    {Case::kPhonePhoto, "phone_photo"},
    {Case::kNumberMismatch, "number_mismatch"},
    {Case::kNameMismatch, "name_mismatch"},
    {Case::kEncrypted, "encrypted"},
    {Case::kJavaScript, "javascript"},
    {Case::kTruncated, "truncated"},
    {Case::kOversize, "oversize"},
    {Case::kNotPdf, "not_pdf"},
    {Case::kVector, "vector"},
    {Case::kDuplicate, "duplicate"},
    {Case::kRescan, "rescan"},
    {Case::kRotatedCover, "rotated_cover"},
};

constexpr int kPages = 8;
constexpr int kLowDpi = 72;
// An uncompressed RGB A4 scan at 120 dpi is 4.2 MB a page, so 8 pages come to 33 MB whatever --dpi says.
constexpr int kOversizeDpi = 120;
constexpr pdf::Color kWhite{255, 255, 255};

nlohmann::json Box(const pdf::Region& r) {
  auto round = [](double v) { return std::round(v * 10) / 10; };
  return {{"x", round(r.x)}, {"y", round(r.y)}, {"w", round(r.width)}, {"h", round(r.height)}};
}

nlohmann::json Finding(std::string_view code, std::optional<int> page = {}) {
  nlohmann::json f = {{"code", code}};
  if (page) f["page"] = *page;
  return f;
}

std::string FileName(Case c, int n) {
  return std::string(CaseName(c)) + "-" + std::to_string(n) + ".pdf";
}

// A record number that differs from `number` the way a typing mistake would.
std::string WrongNumber(const std::string& number, int variant, Rng& rng, std::string& how) {
  std::string wrong = number;
  switch (variant % 3) {
    case 0: {
      how = "one_digit_off";
      const int at = rng.Int(4, 11);
      wrong[at] = static_cast<char>('0' + (wrong[at] - '0' + rng.Int(1, 9)) % 10);
      break;
    }
    case 1: {
      how = "two_digits_swapped";
      const int start = rng.Int(4, 10);
      for (int k = 0; k < 7; ++k) {
        const int at = 4 + (start - 4 + k) % 7;
        if (wrong[at] != wrong[at + 1]) {
          std::swap(wrong[at], wrong[at + 1]);
          return wrong;
        }
      }
      wrong[11] = static_cast<char>('0' + (wrong[11] - '0' + 1) % 10);  // eight equal digits: one off instead
      break;
    }
    default: {
      how = "wrong_year";
      const int year = std::stoi(number.substr(0, 4));
      const int other = year == 2020 ? 2021 : (rng.Chance(0.5) ? year - 1 : year + 1);
      wrong.replace(0, 4, std::to_string(other));
      break;
    }
  }
  return wrong;
}

std::u32string WrongName(const std::u32string& name, int variant, Rng& rng, std::string& how) {
  if (variant % 2 == 0) {
    how = "one_character_off";
    std::u32string wrong = name;
    while (wrong == name) {
      Rng pick(rng.Next());
      std::u32string other = RandomName(pick);
      wrong.back() = other.back();
    }
    return wrong;
  }
  how = "different_person";
  std::u32string wrong = name;
  while (wrong == name) wrong = RandomName(rng);
  return wrong;
}

std::string NotPdfHtml(const Person& person) {
  return "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head><meta charset=\"utf-8\"><title>入团志愿书</title></head>\n"
         "<body>\n<h1>中国共产主义青年团入团志愿书</h1>\n<p>编号：" +
         person.number + "</p>\n<p>姓名：" + Utf8(person.name) +
         "</p>\n<p>（这是一个被改名为 .pdf 的网页。）</p>\n</body>\n</html>\n";
}

template <typename T>
T Take(std::variant<T, pdf::Error>&& result, std::optional<pdf::Error>& failure) {
  if (auto* error = std::get_if<pdf::Error>(&result)) {
    failure = std::move(*error);
    return T{};
  }
  return std::move(std::get<T>(result));
}

}  // namespace

const std::vector<Case>& AllCases() {
  static const std::vector<Case> cases = [] {
    std::vector<Case> all;
    for (const CaseEntry& e : kCases) all.push_back(e.c);
    return all;
  }();
  return cases;
}

std::string_view CaseName(Case c) {
  for (const CaseEntry& e : kCases) {
    if (e.c == c) return e.name;
  }
  return "unknown";
}

std::optional<Case> ParseCase(std::string_view name) {
  for (const CaseEntry& e : kCases) {
    if (e.name == name) return e.c;
  }
  return std::nullopt;
}

std::string Usage() {
  std::string cases;
  for (const CaseEntry& e : kCases) cases += std::string(cases.empty() ? "" : ", ") + std::string(e.name);
  return "usage: formgen --out DIR [--count N] [--seed S] [--dpi D] [--only CASE] [--print-font PATH] "
         "[--hand-font PATH]\n"
         "  writes DIR/<case>-<n>.pdf for n < N (default 1) of every case, and DIR/labels.jsonl\n"
         "  cases: " +
         cases + "\n";
}

std::variant<Options, std::string> ParseArgs(const std::vector<std::string>& args) {
  Options options;
  auto number = [](const std::string& text, auto& field, long long low, long long high) {
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high) return false;
    field = static_cast<std::remove_reference_t<decltype(field)>>(value);
    return true;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--help" || flag == "-h") return Usage();
    if (i + 1 >= args.size()) return "formgen: " + flag + " needs a value\n" + Usage();
    const std::string& value = args[++i];
    if (flag == "--out") {
      options.out = value;
    } else if (flag == "--count") {
      if (!number(value, options.count, 1, 100000)) return "formgen: --count must be 1..100000\n";
    } else if (flag == "--seed") {
      if (!number(value, options.seed, 0, (1LL << 62))) return "formgen: --seed must be a non-negative integer\n";
    } else if (flag == "--dpi") {
      if (!number(value, options.dpi, 50, 600)) return "formgen: --dpi must be 50..600\n";
    } else if (flag == "--only") {
      options.only = ParseCase(value);
      if (!options.only) return "formgen: unknown case " + value + "\n" + Usage();
    } else if (flag == "--print-font") {
      options.fonts.print = value;
    } else if (flag == "--hand-font") {
      options.fonts.hand = value;
    } else {
      return "formgen: unknown option " + flag + "\n" + Usage();
    }
  }
  if (options.out.empty()) return "formgen: --out is required\n" + Usage();
  return options;
}

std::variant<Generator, pdf::Error> Generator::Create(pdf::Context& context, const FontFiles& files) {
  auto fonts = LoadFonts(context, files);
  if (auto* error = std::get_if<pdf::Error>(&fonts)) return std::move(*error);
  return Generator(context, std::move(std::get<Fonts>(fonts)));
}

std::variant<GeneratedForm, pdf::Error> Generator::Generate(Case c, int n, std::uint64_t seed, int dpi) {
  // A duplicate is the clean form of the same n, byte for byte; a rescan is the same sheet scanned again.
  const Case source = c == Case::kDuplicate || c == Case::kRescan ? Case::kClean : c;
  // The rescan's own draws, so that the sheet (drawn from rng) stays the clean form's.
  Rng rescan(MixSeed(seed, static_cast<std::uint64_t>(c), static_cast<std::uint64_t>(n)));
  const double rescan_turn = (rescan.Chance(0.5) ? 1 : -1) * std::round(rescan.Uniform(0.3, 1.0) * 100) / 100;
  const std::uint64_t form_seed = MixSeed(seed, static_cast<std::uint64_t>(source), static_cast<std::uint64_t>(n));
  Rng rng(form_seed);
  const Person person = RandomPerson(rng);
  // A digitally made form is typed, not written by hand.
  const Form form =
      BuildForm(fonts_, person, FormOptions{.seal = c != Case::kSealMissing, .handwritten = c != Case::kVector}, rng);

  GeneratedForm out;
  out.file = FileName(c, n);
  nlohmann::json& label = out.label;
  label["file"] = out.file;
  label["case"] = CaseName(c);
  label["number"] = person.number;
  label["name"] = Utf8(person.name);
  label["record_number"] = person.number;
  label["record_name"] = Utf8(person.name);
  label["branch"] = Utf8(person.branch);
  label["number_box_pt"] = Box(form.number_box);
  label["seal_box_pt"] = Box(form.seal_box);
  nlohmann::json findings = nlohmann::json::array();
  std::string variant;

  if (c == Case::kNotPdf) {
    out.bytes = NotPdfHtml(person);
    label["kind"] = "html";
    label["pages"] = 0;
    label["dpi"] = nullptr;
    label["color"] = nullptr;
    findings.push_back(Finding("NOT_PDF"));
  } else {
    auto created = pdf::Writer::Create(*context_);
    if (auto* error = std::get_if<pdf::Error>(&created)) return std::move(*error);
    pdf::Writer& writer = std::get<pdf::Writer>(created);
    pdf::SaveOptions save;
    save.random_seed = static_cast<std::uint32_t>(form_seed);
    const bool vector = c == Case::kVector;
    const int scan_dpi = c == Case::kLowResolution ? kLowDpi : c == Case::kOversize ? kOversizeDpi : dpi;
    const pdf::ColorMode mode = c == Case::kGrayscale ? pdf::ColorMode::kGray : pdf::ColorMode::kRgb;

    // Which pages the case touches (0-based), drawn before any page so the choice does not depend on effects.
    std::set<int> blurred;
    int blank = -1, missing = -1, upside_down = -1, sideways = -1;
    std::vector<double> skews;
    switch (c) {
      case Case::kBlurry: {
        if (n % 3 == 0) blurred.insert(0);
        const int extra = rng.Int(1, 2);
        while (static_cast<int>(blurred.size()) < extra + (n % 3 == 0 ? 1 : 0)) blurred.insert(rng.Int(1, kPages - 1));
        break;
      }
      case Case::kBlankPage:
        blank = rng.Int(1, kPages - 2);
        break;
      case Case::kMissingPage:
        missing = rng.Int(1, kPages - 2);
        break;
      case Case::kRotatedPage:
        upside_down = rng.Int(1, kPages - 2);
        do sideways = rng.Int(1, kPages - 2);
        while (sideways == upside_down);
        break;
      case Case::kSkewed:
        for (int i = 0; i < kPages; ++i) {
          const double angle = rng.Uniform(1.0, 3.0);
          skews.push_back(std::round((rng.Chance(0.5) ? angle : -angle) * 100) / 100);
        }
        break;
      default:
        break;
    }

    for (int i = 0; i < kPages; ++i) {
      if (i == missing) continue;
      std::optional<pdf::Error> failure;
      if (vector) {
        failure = writer.AddVectorPage(form.pages[i]);
        if (failure) return std::move(*failure);
        continue;
      }
      pdf::Raster raster = Take(pdf::Rasterize(*context_, form.pages[i], scan_dpi, mode), failure);
      if (failure) return std::move(*failure);
      pdf::ImagePageOptions image{.dpi = static_cast<double>(scan_dpi)};
      switch (c) {
        case Case::kNoisy:
          AddGaussianNoise(raster, rng.Uniform(10, 18), rng);
          AddSaltAndPepper(raster, rng.Uniform(0.002, 0.006), rng);
          break;
        case Case::kSkewed:
          Rotate(raster, skews[i], kWhite);
          break;
        case Case::kBlurry:
          // sigma 4 px at 100 dpi (about 0.7 mm): strokes of 10-15 pt writing merge into smears.
          if (blurred.count(i) != 0) Blur(raster, 4.0 * scan_dpi / 100.0);
          break;
        case Case::kBlankPage:
          if (i == blank) raster = BlankPaper(raster.width, raster.height, mode, rng);
          break;
        case Case::kRotatedPage:
          if (i == upside_down) RotateHalfTurn(raster);
          if (i == sideways) RotateQuarterTurnClockwise(raster);
          break;
        case Case::kRotatedCover:
          if (i == 0 && n % 2 == 0) RotateHalfTurn(raster);
          if (i == 0 && n % 2 == 1) RotateQuarterTurnClockwise(raster);
          break;
        case Case::kRescan:
          Rotate(raster, rescan_turn, kWhite);
          AddGaussianNoise(raster, rescan.Uniform(4, 10), rescan);
          break;
        case Case::kPhonePhoto: {
          const double w = raster.width, h = raster.height;
          auto inset = [&](double size) { return rng.Uniform(0.02, 0.07) * size; };
          // One inset per statement, so the draws stay in order.
          const double tlx = inset(w), tly = inset(h), trx = inset(w), tr_y = inset(h);
          const double brx = inset(w), bry = inset(h), blx = inset(w), bly = inset(h);
          WarpPerspective(raster, {pdf::Point{tlx, tly}, {w - trx, tr_y}, {w - brx, h - bry}, {blx, h - bly}},
                          pdf::Color{74, 62, 50});
          const double cx = rng.Uniform(0.2, 0.8), cy = rng.Uniform(0.1, 0.5);
          const double dark = rng.Uniform(0.62, 0.78);
          UnevenLighting(raster, cx, cy, 1.04, dark, {1.0, 0.96, 0.88});
          Blur(raster, 0.7);  // one [1 2 1] pass: the camera's softness, on top of the resampling
          AddGaussianNoise(raster, 4, rng);
          image.jpeg_quality = 80;
          break;
        }
        case Case::kOversize:
          image.encoding = pdf::ImageEncoding::kNone;
          save.compress = false;  // or MuPDF would deflate the raw samples on the way out
          break;
        default:
          break;
      }
      failure = writer.AddImagePage(raster, image);
      if (failure) return std::move(*failure);
    }

    switch (c) {
      case Case::kBlurry:
        for (int page : blurred) findings.push_back(Finding("BLURRY_PAGE", page + 1));
        if (blurred.count(0) != 0) findings.push_back(Finding("NUMBER_UNREADABLE", 1));
        break;
      case Case::kBlankPage:
        findings.push_back(Finding("BLANK_PAGE", blank + 1));
        break;
      case Case::kMissingPage: {
        nlohmann::json f = Finding("PAGE_COUNT");
        f["expected"] = kPages;
        f["actual"] = kPages - 1;
        f["missing_page"] = missing + 1;
        findings.push_back(f);
        break;
      }
      case Case::kRotatedPage: {
        nlohmann::json a = Finding("ORIENTATION", upside_down + 1);
        a["rotation"] = 180;
        nlohmann::json b = Finding("ORIENTATION", sideways + 1);
        b["rotation"] = 90;
        findings.push_back(upside_down < sideways ? a : b);
        findings.push_back(upside_down < sideways ? b : a);
        break;
      }
      case Case::kGrayscale: {
        nlohmann::json f = Finding("SEAL_MISSING", kPages);
        f["hint"] = "grayscale";
        findings.push_back(f);
        break;
      }
      case Case::kSealMissing:
        findings.push_back(Finding("SEAL_MISSING", kPages));
        break;
      case Case::kLowResolution:
        for (int page = 1; page <= kPages; ++page) findings.push_back(Finding("LOW_RESOLUTION", page));
        break;
      case Case::kNumberMismatch:
        label["record_number"] = WrongNumber(person.number, n, rng, variant);
        findings.push_back(Finding("NUMBER_MISMATCH", 1));
        break;
      case Case::kNameMismatch:
        label["record_name"] = Utf8(WrongName(person.name, n, rng, variant));
        findings.push_back(Finding("NAME_MISMATCH", 1));
        break;
      case Case::kEncrypted:
        save.owner_password = "owner-" + std::to_string(form_seed % 100000);
        if (n % 2 == 0) {
          variant = "user_password";
          save.user_password = "123456";
          label["password"] = save.user_password;
        } else {
          variant = "owner_password_only";
        }
        label["owner_password"] = save.owner_password;
        findings.push_back(Finding("ENCRYPTED"));
        break;
      case Case::kJavaScript: {
        if (auto failure = writer.SetOpenActionJavaScript("app.alert('入团志愿书');")) return std::move(*failure);
        nlohmann::json f = Finding("ACTIVE_CONTENT");
        f["kinds"] = {"JavaScript", "OpenAction"};
        findings.push_back(f);
        break;
      }
      case Case::kOversize:
        findings.push_back(Finding("TOO_LARGE"));
        break;
      case Case::kRotatedCover: {
        nlohmann::json f = Finding("ORIENTATION", 1);
        f["rotation"] = n % 2 == 0 ? 180 : 90;
        findings.push_back(f);
        break;
      }
      case Case::kRescan: {
        nlohmann::json f = Finding("DUPLICATE_FILE", 1);
        f["duplicate_of"] = FileName(Case::kClean, n);
        findings.push_back(f);
        label["duplicate_of"] = FileName(Case::kClean, n);
        label["skew_degrees"] = nlohmann::json::array({rescan_turn});
        break;
      }
      case Case::kDuplicate: {
        nlohmann::json f = Finding("DUPLICATE_FILE");
        f["duplicate_of"] = FileName(Case::kClean, n);
        findings.push_back(f);
        label["duplicate_of"] = FileName(Case::kClean, n);
        break;
      }
      default:
        break;
    }

    auto saved = writer.Save(save);
    if (auto* error = std::get_if<pdf::Error>(&saved)) return std::move(*error);
    out.bytes = std::move(std::get<std::string>(saved));
    if (c == Case::kTruncated) {
      const double fraction = rng.Uniform(0.35, 0.65);
      out.bytes.resize(static_cast<std::size_t>(static_cast<double>(out.bytes.size()) * fraction));
      variant = "cut_at_" + std::to_string(static_cast<int>(fraction * 100)) + "_percent";
      nlohmann::json f = Finding("CORRUPT");
      f["or"] = {"REPAIRED"};  // MuPDF may rebuild what is left; either way the file is not whole
      findings.push_back(f);
    }
    label["kind"] = vector ? "vector" : "scan";
    label["pages"] = missing >= 0 ? kPages - 1 : kPages;
    label["dpi"] = vector ? nlohmann::json(nullptr) : nlohmann::json(scan_dpi);
    label["color"] = mode == pdf::ColorMode::kGray ? "gray" : "rgb";
    if (!skews.empty()) label["skew_degrees"] = skews;
  }
  label["variant"] = variant.empty() ? nlohmann::json(nullptr) : nlohmann::json(variant);
  label["findings"] = findings;
  label["sha256"] = Sha256Hex(out.bytes);
  label["size"] = out.bytes.size();
  label["seed"] = std::to_string(form_seed);  // a string: 64-bit integers lose digits in JavaScript
  return out;
}

int WriteCorpus(const Options& options, std::ostream& log) {
  const auto started = std::chrono::steady_clock::now();
  std::filesystem::create_directories(options.out);
  pdf::Context context;
  auto created = Generator::Create(context, options.fonts);
  if (auto* error = std::get_if<pdf::Error>(&created)) {
    throw std::runtime_error("formgen: cannot load the fonts (--print-font/--hand-font): " + error->detail);
  }
  Generator& generator = std::get<Generator>(created);
  const std::filesystem::path labels_path = options.out / "labels.jsonl";
  std::ofstream labels(labels_path, std::ios::binary | std::ios::trunc);
  if (!labels) throw std::runtime_error("formgen: cannot write " + labels_path.string());
  int written = 0;
  for (Case c : AllCases()) {
    if (options.only && *options.only != c) continue;
    for (int n = 0; n < options.count; ++n) {
      auto generated = generator.Generate(c, n, options.seed, options.dpi);
      if (auto* error = std::get_if<pdf::Error>(&generated)) {
        throw std::runtime_error("formgen: cannot make " + FileName(c, n) + ": " + error->detail);
      }
      const GeneratedForm& form = std::get<GeneratedForm>(generated);
      const std::filesystem::path path = options.out / form.file;
      std::ofstream file(path, std::ios::binary | std::ios::trunc);
      file.write(form.bytes.data(), static_cast<std::streamsize>(form.bytes.size()));
      if (!file) throw std::runtime_error("formgen: cannot write " + path.string());
      labels << form.label.dump() << '\n';
      ++written;
    }
  }
  labels.flush();
  if (!labels) throw std::runtime_error("formgen: cannot write " + labels_path.string());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  log << "formgen: wrote " << written << " forms and labels.jsonl to " << options.out.string() << " in " << seconds
      << " s (" << (written > 0 ? seconds * 1000 / written : 0) << " ms per form)\n";
  return written;
}

}  // namespace archive::formgen
