#include "common/prereview/report.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace archive::prereview {
namespace {

constexpr std::array<std::pair<Code, std::string_view>, 17> kNames{{
    {Code::kNotPdf, "NOT_PDF"},
    {Code::kTooLarge, "TOO_LARGE"},
    {Code::kEncrypted, "ENCRYPTED"},
    {Code::kActiveContent, "ACTIVE_CONTENT"},
    {Code::kCorrupt, "CORRUPT"},
    {Code::kRepaired, "REPAIRED"},
    {Code::kPageCount, "PAGE_COUNT"},
    {Code::kBlankPage, "BLANK_PAGE"},
    {Code::kBlurryPage, "BLURRY_PAGE"},
    {Code::kLowResolution, "LOW_RESOLUTION"},
    {Code::kOrientation, "ORIENTATION"},
    {Code::kSealMissing, "SEAL_MISSING"},
    {Code::kNumberMismatch, "NUMBER_MISMATCH"},
    {Code::kNumberUnreadable, "NUMBER_UNREADABLE"},
    {Code::kNameMismatch, "NAME_MISMATCH"},
    {Code::kDuplicateFile, "DUPLICATE_FILE"},
    {Code::kTimeout, "TIMEOUT"},
}};

}  // namespace

std::string_view CodeName(Code code) {
  for (const auto& [c, name] : kNames) {
    if (c == code) return name;
  }
  return "UNKNOWN";
}

std::optional<Code> ParseCode(std::string_view name) {
  for (const auto& [c, n] : kNames) {
    if (n == name) return c;
  }
  return std::nullopt;
}

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarn:
      return "warn";
    case Severity::kFail:
      return "fail";
  }
  return "fail";
}

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kWarn:
      return "WARN";
    case Verdict::kFail:
      return "FAIL";
  }
  return "FAIL";
}

bool IsIntegrity(Code code) {
  switch (code) {
    case Code::kNotPdf:
    case Code::kTooLarge:
    case Code::kEncrypted:
    case Code::kActiveContent:
    case Code::kCorrupt:
    case Code::kTimeout:
      return true;
    case Code::kRepaired:
    case Code::kPageCount:
    case Code::kBlankPage:
    case Code::kBlurryPage:
    case Code::kLowResolution:
    case Code::kOrientation:
    case Code::kSealMissing:
    case Code::kNumberMismatch:
    case Code::kNumberUnreadable:
    case Code::kNameMismatch:
    case Code::kDuplicateFile:
      return false;
  }
  return false;
}

Severity SeverityOf(Code code) {
  switch (code) {
    case Code::kNotPdf:
    case Code::kTooLarge:
    case Code::kEncrypted:
    case Code::kActiveContent:
    case Code::kCorrupt:
    case Code::kTimeout:
    case Code::kPageCount:
    case Code::kSealMissing:
    case Code::kNumberMismatch:
    case Code::kDuplicateFile:
      return Severity::kFail;
    case Code::kRepaired:
    case Code::kBlankPage:
    case Code::kBlurryPage:
    case Code::kLowResolution:
    case Code::kOrientation:
    case Code::kNumberUnreadable:
    case Code::kNameMismatch:
      return Severity::kWarn;
  }
  return Severity::kFail;
}

bool Report::Has(Code code) const {
  for (const auto& f : findings) {
    if (f.code == code) return true;
  }
  return false;
}

bool Report::IntegrityFailed() const {
  for (const auto& f : findings) {
    if (IsIntegrity(f.code)) return true;
  }
  return false;
}

Finding& Report::Add(Code code, std::optional<int> page, std::string message, nlohmann::json values) {
  if (values.is_null()) values = nlohmann::json::object();
  findings.push_back(Finding{code, SeverityOf(code), page, std::move(message), std::move(values), std::nullopt});
  RecomputeVerdict();
  return findings.back();
}

void Report::RecomputeVerdict() {
  verdict = Verdict::kPass;
  for (const auto& f : findings) {
    if (f.severity == Severity::kFail) {
      verdict = Verdict::kFail;
      return;
    }
    if (f.severity == Severity::kWarn) verdict = Verdict::kWarn;
  }
}

nlohmann::json ToJson(const Report& report) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : report.findings) {
    nlohmann::json j{{"code", CodeName(f.code)},
                     {"severity", SeverityName(f.severity)},
                     {"page", f.page ? nlohmann::json(*f.page) : nlohmann::json()},
                     {"message", f.message},
                     {"values", f.values}};
    if (f.evidence) j["evidence"] = f.evidence->name;
    findings.push_back(std::move(j));
  }
  nlohmann::json pages = nlohmann::json::array();
  for (const auto& p : report.pages) {
    pages.push_back({{"page", p.page},
                     {"width_pt", p.width_pt},
                     {"height_pt", p.height_pt},
                     {"dpi", p.dpi ? nlohmann::json(*p.dpi) : nlohmann::json()},
                     {"ink", p.ink},
                     {"faint", p.faint},
                     {"sharpness", p.sharpness},
                     {"top_ink", p.top_ink},
                     {"bottom_ink", p.bottom_ink}});
  }
  char hash[17] = "";
  if (report.page1_hash)
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(*report.page1_hash));
  return {{"verdict", VerdictName(report.verdict)},
          {"page_count", report.page_count},
          {"number_read", report.number_read ? nlohmann::json(*report.number_read) : nlohmann::json()},
          {"number_confidence", report.number_confidence},
          {"name_read", report.name_read ? nlohmann::json(*report.name_read) : nlohmann::json()},
          {"name_confidence", report.name_confidence},
          {"page1_hash", report.page1_hash ? nlohmann::json(std::string(hash)) : nlohmann::json()},
          {"findings", std::move(findings)},
          {"pages", std::move(pages)}};
}

Report FromJson(const nlohmann::json& json) {
  Report r;
  r.page_count = json.at("page_count").get<int>();
  if (!json.at("number_read").is_null()) r.number_read = json["number_read"].get<std::string>();
  r.number_confidence = json.at("number_confidence").get<int>();
  if (!json.at("name_read").is_null()) r.name_read = json["name_read"].get<std::string>();
  r.name_confidence = json.at("name_confidence").get<int>();
  if (!json.at("page1_hash").is_null()) {
    r.page1_hash = std::stoull(json["page1_hash"].get<std::string>(), nullptr, 16);
  }
  for (const auto& f : json.at("findings")) {
    const auto code = ParseCode(f.at("code").get<std::string>());
    if (!code) throw std::invalid_argument("unknown finding code " + f["code"].get<std::string>());
    Finding finding{*code,          SeverityOf(*code), std::nullopt, f.at("message").get<std::string>(),
                    f.at("values"), std::nullopt};
    if (!f.at("page").is_null()) finding.page = f["page"].get<int>();
    if (f.contains("evidence")) finding.evidence = Evidence{f["evidence"].get<std::string>(), ""};
    r.findings.push_back(std::move(finding));
  }
  for (const auto& p : json.at("pages")) {
    PageMeasure m;
    m.page = p.at("page").get<int>();
    m.width_pt = p.at("width_pt").get<double>();
    m.height_pt = p.at("height_pt").get<double>();
    if (!p.at("dpi").is_null()) m.dpi = p["dpi"].get<double>();
    m.ink = p.at("ink").get<double>();
    m.faint = p.at("faint").get<double>();
    m.sharpness = p.at("sharpness").get<double>();
    m.top_ink = p.at("top_ink").get<double>();
    m.bottom_ink = p.at("bottom_ink").get<double>();
    r.pages.push_back(m);
  }
  r.RecomputeVerdict();
  return r;
}

}  // namespace archive::prereview
