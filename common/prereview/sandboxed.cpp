#include "common/prereview/sandboxed.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/log/log.hpp"

namespace archive::prereview {
namespace {

void PutU64(std::string& out, std::uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}

bool TakeU64(std::string_view& in, std::uint64_t& v) {
  if (in.size() < 8) return false;
  std::memcpy(&v, in.data(), 8);
  in.remove_prefix(8);
  return true;
}

bool TakeStr(std::string_view& in, std::string_view& s) {
  std::uint64_t n = 0;
  if (!TakeU64(in, n) || n > in.size()) return false;
  s = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}

nlohmann::json BoxJson(const Box& b) {
  return {{"x", b.x}, {"y", b.y}, {"width", b.width}, {"height", b.height}};
}

}  // namespace

std::string EncodeRequest(std::string_view pdf, const Expectations& expected) {
  const nlohmann::json head{
      {"number", expected.number},
      {"name", expected.name},
      {"admission_year", expected.admission_year ? nlohmann::json(*expected.admission_year) : nlohmann::json()}};
  const std::string text = head.dump();
  std::string out;
  out.reserve(8 + text.size() + pdf.size());
  PutU64(out, text.size());
  out += text;
  out += pdf;
  return out;
}

std::optional<std::pair<Expectations, std::string_view>> DecodeRequest(std::string_view request) {
  std::string_view head;
  if (!TakeStr(request, head)) return std::nullopt;
  const auto j = nlohmann::json::parse(head, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  Expectations e;
  e.number = j.value("number", "");
  e.name = j.value("name", "");
  if (j.contains("admission_year") && j["admission_year"].is_number_integer()) {
    e.admission_year = j["admission_year"].get<int>();
  }
  return std::make_pair(std::move(e), request);
}

std::string EncodeReply(const Report& report) {
  const std::string text = ToJson(report).dump();
  std::string out;
  PutU64(out, text.size());
  out += text;
  for (const auto& f : report.findings) {
    if (!f.evidence) continue;
    PutU64(out, f.evidence->png.size());
    out += f.evidence->png;
  }
  return out;
}

std::optional<Report> DecodeReply(std::string_view reply) {
  std::string_view text;
  if (!TakeStr(reply, text)) return std::nullopt;
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  Report report;
  try {
    report = FromJson(j);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  for (auto& f : report.findings) {
    if (!f.evidence) continue;
    std::string_view png;
    if (!TakeStr(reply, png)) return std::nullopt;
    f.evidence->png.assign(png);
  }
  if (!reply.empty()) return std::nullopt;
  return report;
}

nlohmann::json ConfigJson(const Config& c) {
  return {{"max_bytes", c.max_bytes},
          {"expected_pages", c.expected_pages},
          {"max_pages_examined", c.max_pages_examined},
          {"approval_page", c.approval_page},
          {"quality_dpi", c.quality_dpi},
          {"min_dpi", c.min_dpi},
          {"blank_max_ink", c.blank_max_ink},
          {"blank_max_faint", c.blank_max_faint},
          {"faint_below", c.faint_below},
          {"blurry_max_sharpness", c.blurry_max_sharpness},
          {"orientation_band_pt", c.orientation_band_pt},
          {"orientation_ratio", c.orientation_ratio},
          {"orientation_min_ink", c.orientation_min_ink},
          {"seal_dpi", c.seal_dpi},
          {"seal_min_red", c.seal_min_red},
          {"colour_min_chroma", c.colour_min_chroma},
          {"colour_min_share", c.colour_min_share},
          {"number_box", BoxJson(c.number_box)},
          {"number_dpi", c.number_dpi},
          {"number_min_confidence", c.number_min_confidence},
          {"name_box", BoxJson(c.name_box)},
          {"name_dpi", c.name_dpi},
          {"name_min_confidence", c.name_min_confidence},
          {"name_min_differences", c.name_min_differences},
          {"name_confirmed_min_confidence", c.name_confirmed_min_confidence},
          {"glyph_fonts", c.glyph_fonts},
          {"glyph_min_correlation", c.glyph_min_correlation},
          {"glyph_min_margin", c.glyph_min_margin},
          {"glyph_max_absent", c.glyph_max_absent},
          {"cover_mark_box", BoxJson(c.cover_mark_box)},
          {"duplicate_max_distance", c.duplicate_max_distance},
          {"memory_bytes", c.memory_bytes},
          {"max_image_pixels", c.max_image_pixels},
          {"timeout_ms", c.timeout.count()},
          {"child_memory_bytes", c.child_memory_bytes},
          {"children", c.children}};
}

int ServeChild(int argc, char** argv) {
  const auto settings = nlohmann::json::parse(argc > 1 ? argv[1] : "{}", nullptr, false);
  if (settings.is_discarded()) return 2;
  config::Section section(settings, "prereview");
  Checker checker(Config::From(section));
  return sandbox::Serve([&](std::string_view request) {
    const auto decoded = DecodeRequest(request);
    if (!decoded) return std::string();  // the parent sees a garbled reply
    return EncodeReply(checker.Check(decoded->second, decoded->first));
  });
}

sandbox::Pool SandboxedChecker::MakePool(std::string program, const Config& config) {
  ::setenv("OMP_THREAD_LIMIT", "1", 0);
  sandbox::Limits limits;
  limits.address_space_bytes = config.child_memory_bytes;
  limits.wall_per_job = config.timeout;
  limits.cpu_per_job = std::chrono::duration_cast<std::chrono::seconds>(config.timeout) + std::chrono::seconds(1);
  limits.max_request_bytes = config.max_bytes + (1 << 20);
  return sandbox::Pool(std::move(program), {ConfigJson(config).dump()}, limits, config.children);
}

SandboxedChecker::SandboxedChecker(std::string program, const Config& config, metrics::Registry* metrics)
    : config_(config), pool_(MakePool(std::move(program), config)), metrics_(metrics) {
  if (metrics_ == nullptr) return;
  check_seconds_ = &metrics_->GetHistogram("prereview_check_seconds",
                                           "Wall time of one sandboxed pre-review check, failed ones included.", {},
                                           {0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60});
  for (const auto failure : {sandbox::Failure::kCrashed, sandbox::Failure::kTimedOut, sandbox::Failure::kMemoryLimit,
                             sandbox::Failure::kProtocol}) {
    CountFailure(sandbox::FailureName(failure), 0);
  }
  CountFailure("garbled", 0);
}

void SandboxedChecker::CountFailure(std::string_view kind, double by) {
  if (metrics_ == nullptr) return;
  metrics_
      ->GetCounter("prereview_sandbox_failures_total", "Pre-review checks whose sandbox child failed, by kind.",
                   {{"kind", std::string(kind)}})
      .Inc(by);
}

Report SandboxedChecker::Check(std::string_view bytes, const Expectations& expected) {
  Report report;
  if (static_cast<long>(bytes.size()) > config_.max_bytes) {
    // Refused before it costs a child anything; the same finding the child would give.
    return TooLarge(bytes.size(), config_.max_bytes);
  }
  const std::string request = EncodeRequest(bytes, expected);
  for (int attempt = 1;; ++attempt) {
    const auto start = std::chrono::steady_clock::now();
    const sandbox::Reply reply = pool_.Call(request);
    if (check_seconds_ != nullptr) {
      check_seconds_->Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    if (reply.bytes) {
      if (auto decoded = DecodeReply(*reply.bytes)) return std::move(*decoded);
    }
    const std::string detail = reply.bytes ? "garbled reply" : reply.detail;
    // The one place a sandbox failure is counted.
    CountFailure(reply.failure ? sandbox::FailureName(*reply.failure) : "garbled");
    log::Get("prereview")
        ->warn("the pre-review child failed on a file ({} bytes, attempt {}): {}", bytes.size(), attempt, detail);
    if (reply.failure == sandbox::Failure::kTimedOut) {
      if (attempt < 2) continue;
      report.Add(Code::kTimeout, std::nullopt,
                 fmt::format("文件处理超过{}秒仍未完成，文件可能过于复杂或已损坏，请重新扫描后上传。",
                             config_.timeout.count() / 1000),
                 {{"detail", detail}, {"attempts", attempt}});
      return report;
    }
    if (reply.failure == sandbox::Failure::kMemoryLimit) {
      report.Add(Code::kCorrupt, std::nullopt, "文件过于复杂或含有超大图像，无法在限定内存内打开，请重新扫描后上传。",
                 {{"reason", "memory_limit"}, {"detail", reply.detail}});
      return report;
    }
    throw SandboxFailure(
        fmt::format("the pre-review sandbox failed ({}): {}; the upload is retried, then dead-lettered",
                    reply.failure ? sandbox::FailureName(*reply.failure) : "garbled", detail));
  }
}

std::string SandboxProgramBesideSelf() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (self.parent_path() / "prereview-sandbox").string();
}

}  // namespace archive::prereview
