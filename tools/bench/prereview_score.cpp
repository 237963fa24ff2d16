#include "tools/bench/prereview_score.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <set>

namespace archive::prereview::score {
namespace {

bool Matches(const Finding& f, const nlohmann::json& want) {
  if (CodeName(f.code) != want.at("code").get<std::string>()) return false;
  if (!want.contains("page")) return true;
  return f.page && *f.page == want["page"].get<int>();
}

bool Alternative(const Finding& f, const nlohmann::json& want) {
  if (!want.contains("or")) return false;
  for (const auto& alt : want["or"]) {
    if (CodeName(f.code) == alt.get<std::string>()) return true;
  }
  return false;
}

}  // namespace

Expectations ExpectationsOf(const nlohmann::json& label) {
  Expectations e;
  e.number = label.value("record_number", "");
  e.name = label.value("record_name", "");
  const std::string printed = label.value("number", "");
  if (printed.size() >= 4) e.admission_year = std::stoi(printed.substr(0, 4));
  return e;
}

void Add(Tally& tally, const nlohmann::json& label, const Report& report) {
  const std::string file = label.at("file");
  const std::string kase = label.at("case");
  std::vector<nlohmann::json> wanted;
  for (const auto& w : label.at("findings")) {
    if (w.at("code") != "DUPLICATE_FILE") wanted.push_back(w);
  }
  std::vector<bool> used(report.findings.size(), false);
  for (const auto& w : wanted) {
    bool found = false;
    for (std::size_t i = 0; i < report.findings.size(); ++i) {
      if (Matches(report.findings[i], w) || Alternative(report.findings[i], w)) {
        if (!found) {
          tally.by_code[std::string(CodeName(report.findings[i].code))].tp++;
          found = true;
        }
        used[i] = true;
      }
    }
    if (!found) {
      tally.by_code[w.at("code").get<std::string>()].fn++;
      tally.problems.push_back(fmt::format("{}: missed {}", file, w.dump()));
    }
  }
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    if (used[i] || kase == "truncated") continue;
    const Finding& f = report.findings[i];
    tally.by_code[std::string(CodeName(f.code))].fp++;
    tally.problems.push_back(fmt::format("{}: unexpected {} page {} {}", file, CodeName(f.code),
                                         f.page ? std::to_string(*f.page) : "-", f.values.dump()));
  }
  static const std::set<std::string> kClean{"clean", "noisy", "skewed", "phone_photo", "vector"};
  if (kClean.count(kase) != 0) {
    const bool bad = report.verdict == Verdict::kFail || report.Has(Code::kNumberMismatch);
    tally.clean_failures += bad ? 1 : 0;
  }
  const std::string kind = label.value("kind", "");
  const bool unreadable = std::any_of(wanted.begin(), wanted.end(),
                                      [](const nlohmann::json& w) { return w.at("code") == "NUMBER_UNREADABLE"; });
  static const std::set<std::string> kIntegrity{"encrypted", "javascript", "truncated", "oversize", "not_pdf"};
  if ((kind == "scan" || kind == "vector") && !unreadable && kIntegrity.count(kase) == 0) {
    tally.readable_numbers++;
    if (report.number_read && *report.number_read == label.at("number").get<std::string>()) {
      tally.exact_numbers++;
    } else {
      tally.problems.push_back(fmt::format("{}: number read {} (printed {})", file,
                                           report.number_read.value_or("nothing"),
                                           label.at("number").get<std::string>()));
    }
  }
}

void Print(const Tally& tally, std::ostream& out) {
  fmt::print(out, "{:<18} {:>5} {:>5} {:>5} {:>10} {:>8}\n", "check", "tp", "fp", "fn", "precision", "recall");
  for (const auto& [code, c] : tally.by_code) {
    const auto ratio = [](int a, int b) { return b == 0 ? std::string("-") : fmt::format("{:.3f}", double(a) / b); };
    fmt::print(out, "{:<18} {:>5} {:>5} {:>5} {:>10} {:>8}\n", code, c.tp, c.fp, c.fn, ratio(c.tp, c.tp + c.fp),
               ratio(c.tp, c.tp + c.fn));
  }
  fmt::print(out, "page-1 number read exactly: {}/{} ({:.1f}%)\n", tally.exact_numbers, tally.readable_numbers,
             tally.readable_numbers == 0 ? 0.0 : 100.0 * tally.exact_numbers / tally.readable_numbers);
  fmt::print(out, "FAIL or NUMBER_MISMATCH on clean/noisy/skewed/phone/vector forms: {}\n", tally.clean_failures);
}

}  // namespace archive::prereview::score
