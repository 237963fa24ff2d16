#include "tools/archivectl/prereview.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/config/config.hpp"
#include "common/lifecycle/policy.hpp"
#include "common/prereview/sandboxed.hpp"
#include "tools/archivectl/commands.hpp"

namespace archive::ctl {

int Prereview(const Args& args, std::ostream& out) {
  constexpr const char* kUsage =
      "prereview check FILE --number N --name NAME [--admission-year Y] [--evidence DIR] [--json]";
  if (args.positional().size() != 3 || args.positional()[1] != "check") throw UsageError(kUsage);
  args.Allow({"number", "name", "admission-year", "evidence", "json"});
  const std::string path = args.positional()[2];
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read " + path);
  std::stringstream bytes;
  bytes << in.rdbuf();

  prereview::Expectations expected;
  expected.number = args.Require("number");
  expected.name = args.Require("name");
  const long year = args.Number("admission-year", 0);
  if (year != 0) expected.admission_year = static_cast<int>(year);
  if (expected.number.size() != 12 || expected.number.find_first_not_of("0123456789") != std::string::npos) {
    throw UsageError("--number must be the 12-digit development number");
  }

  auto settings = config::Load();
  auto section = settings.Child("prereview");
  const auto config = prereview::Config::FromFile(section, lifecycle::Policy::FromSettings(settings).max_archive_bytes);
  prereview::SandboxedChecker checker(prereview::SandboxProgramBesideSelf(), config);
  prereview::Report report = checker.Check(bytes.str(), expected);

  if (const auto dir = args.Option("evidence")) {
    std::filesystem::create_directories(*dir);
    for (const auto& f : report.findings) {
      if (!f.evidence) continue;
      std::ofstream png(std::filesystem::path(*dir) / f.evidence->name, std::ios::binary);
      png << f.evidence->png;
    }
  }
  if (args.Flag("json")) {
    auto j = prereview::ToJson(report);
    j["file"] = path;
    out << j.dump(2) << "\n";
  } else {
    fmt::print(out, "{}: {} ({} pages, number read {}, name read {})\n", path, prereview::VerdictName(report.verdict),
               report.page_count, report.number_read.value_or("-"), report.name_read.value_or("-"));
    for (const auto& f : report.findings) {
      fmt::print(out, "  {:<5} {:<18} {:<7} {}\n", prereview::SeverityName(f.severity), prereview::CodeName(f.code),
                 f.page ? fmt::format("page {}", *f.page) : "", f.message);
      if (!f.values.empty()) fmt::print(out, "        {}\n", f.values.dump());
    }
  }
  return report.verdict == prereview::Verdict::kFail ? kFailed : kOk;
}

}  // namespace archive::ctl
