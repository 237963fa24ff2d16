// The pre-review benchmark (issue 3), side by side in one run:
//  - ours: the sandboxed checks (prereview-sandbox children, warm) per document, one child on one core
//    (p50/p95 wall), then two children fed by two threads (documents per second on two cores);
//  - naive: what a user would script: `qpdf --check`, `pdftoppm` page 1 at 200 dpi, the `tesseract` CLI on it
//    (OMP_THREAD_LIMIT=1 for both, so neither oversubscribes the shared cores);
//  - which planted defects each catches on a formgen corpus (labels.jsonl).
//
//   prereview-bench --corpus DIR [--docs N] [--config FILE]
// DIR is a formgen corpus (formgen --out DIR --dpi 200); the timing uses its clean, noisy and skewed forms (the
// typical 8-page 200 dpi scan), the defect table every form.
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "common/config/config.hpp"
#include "common/prereview/sandboxed.hpp"
#include "tools/bench/prereview_score.hpp"

namespace archive::prereview {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Doc {
  nlohmann::json label;
  std::string path;
  std::string bytes;
};

double Ms(SteadyClock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

// Runs a shell command line, returns its exit status and stdout.
std::pair<int, std::string> Shell(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, out};
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// The naive pipeline on one file: whether it flags the file, and why.
struct Naive {
  bool flagged = false;
  std::string why;
};

Naive RunNaive(const Doc& doc, const std::filesystem::path& scratch) {
  Naive n;
  const std::string quoted = "'" + doc.path + "'";
  const auto [qpdf, qpdf_out] = Shell("qpdf --check " + quoted + " >/dev/null 2>&1; echo $?");
  if (std::stoi(qpdf_out) != 0 && std::stoi(qpdf_out) != 3) {  // 3: warnings only
    return {true, "qpdf"};
  }
  const std::string page = (scratch / "p").string();
  const auto [render, render_out] =
      Shell("pdftoppm -r 200 -f 1 -l 1 -gray -singlefile " + quoted + " '" + page + "' 2>/dev/null; echo $?");
  if (std::stoi(render_out) != 0) return {true, "pdftoppm"};
  const auto [ocr, text] = Shell("tesseract '" + page + ".pgm' - -l eng 2>/dev/null");
  std::string digits;
  for (const char c : text) {
    if (c >= '0' && c <= '9') digits += c;
  }
  const std::string record = doc.label.value("record_number", "");
  if (digits.find(record) == std::string::npos) return {true, "number not found"};
  return n;
}

int Main(int argc, char** argv) {
  std::string corpus;
  std::size_t docs = 30;
  std::string config_file;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--corpus" && i + 1 < argc) {
      corpus = argv[++i];
    } else if (a == "--docs" && i + 1 < argc) {
      docs = std::stoul(argv[++i]);
    } else if (a == "--config" && i + 1 < argc) {
      config_file = argv[++i];
    } else {
      std::cerr << "usage: prereview-bench --corpus DIR [--docs N] [--config FILE]\n";
      return 2;
    }
  }
  if (corpus.empty()) {
    std::cerr << "usage: prereview-bench --corpus DIR [--docs N] [--config FILE]\n";
    return 2;
  }
  // The thresholds of FILE's "prereview" section (default: ARCHIVE_CONFIG, or none: the defaults), to compare a
  // setting with the defaults side by side.
  archive::config::Section settings = archive::config::Load(config_file).Child("prereview");
  const Config configured = Config::From(settings);
  ::setenv("OMP_THREAD_LIMIT", "1", 1);
  std::vector<Doc> all;
  {
    std::ifstream labels(std::filesystem::path(corpus) / "labels.jsonl");
    std::string line;
    while (std::getline(labels, line)) {
      Doc d;
      d.label = nlohmann::json::parse(line);
      d.path = (std::filesystem::path(corpus) / d.label.at("file").get<std::string>()).string();
      std::ifstream in(d.path, std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      d.bytes = bytes.str();
      all.push_back(std::move(d));
    }
  }
  std::vector<const Doc*> typical;
  for (const auto& d : all) {
    const std::string c = d.label["case"];
    if ((c == "clean" || c == "noisy" || c == "skewed") && typical.size() < docs) typical.push_back(&d);
  }
  if (typical.empty()) {
    std::cerr << "prereview-bench: no clean, noisy or skewed forms in " << corpus << "\n";
    return 1;
  }
  const std::string program = SandboxProgramBesideSelf();

  // Ours, one child: per-document wall.
  std::vector<double> ours;
  {
    Config one = configured;
    one.children = 1;
    SandboxedChecker checker(program, one);
    checker.Check(typical[0]->bytes, score::ExpectationsOf(typical[0]->label));  // warm the child
    for (const Doc* d : typical) {
      const auto start = SteadyClock::now();
      checker.Check(d->bytes, score::ExpectationsOf(d->label));
      ours.push_back(Ms(SteadyClock::now() - start));
    }
  }
  // Ours in this process: CPU time per document (what the load of other processes on the machine does not
  // change), next to the wall time above.
  std::vector<double> cpu;
  {
    Checker in_process{configured};
    const auto thread_cpu = [] {
      timespec t{};
      ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
      return static_cast<double>(t.tv_sec) * 1000 + static_cast<double>(t.tv_nsec) / 1e6;
    };
    for (const Doc* d : typical) {
      const double start = thread_cpu();
      in_process.Check(d->bytes, score::ExpectationsOf(d->label));
      cpu.push_back(thread_cpu() - start);
    }
  }
  // Ours, two children and two threads: throughput.
  double throughput = 0;
  {
    Config two = configured;
    two.children = 2;
    SandboxedChecker checker(program, two);
    std::vector<std::thread> warm;
    for (int t = 0; t < 2; ++t) {
      warm.emplace_back([&] { checker.Check(typical[0]->bytes, score::ExpectationsOf(typical[0]->label)); });
    }
    for (auto& t : warm) t.join();
    std::atomic<std::size_t> next{0};
    const std::size_t total = typical.size() * 2;
    const auto start = SteadyClock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&] {
        for (std::size_t i = next++; i < total; i = next++) {
          const Doc* d = typical[i % typical.size()];
          checker.Check(d->bytes, score::ExpectationsOf(d->label));
        }
      });
    }
    for (auto& t : threads) t.join();
    throughput = static_cast<double>(total) / (Ms(SteadyClock::now() - start) / 1000);
  }
  // Naive, one at a time.
  const auto scratch = std::filesystem::temp_directory_path() / fmt::format("prereview-bench-{}", ::getpid());
  std::filesystem::create_directories(scratch);
  std::vector<double> naive;
  for (const Doc* d : typical) {
    const auto start = SteadyClock::now();
    RunNaive(*d, scratch);
    naive.push_back(Ms(SteadyClock::now() - start));
  }

  fmt::print("per document, 8-page {} dpi scans ({} clean/noisy/skewed forms), wall ms:\n",
             typical[0]->label.value("dpi", 0), typical.size());
  fmt::print("{:<34} {:>8} {:>8}\n", "", "p50", "p95");
  fmt::print("{:<34} {:>8.0f} {:>8.0f}\n", "ours (sandboxed, warm, 1 core)", Percentile(ours, 0.5),
             Percentile(ours, 0.95));
  fmt::print("{:<34} {:>8.0f} {:>8.0f}\n", "naive (qpdf+pdftoppm+tesseract)", Percentile(naive, 0.5),
             Percentile(naive, 0.95));
  fmt::print("{:<34} {:>8.0f} {:>8.0f}\n", "ours, CPU ms in-process", Percentile(cpu, 0.5), Percentile(cpu, 0.95));
  fmt::print("ratio naive/ours: p50 {:.1f}x, p95 {:.1f}x\n", Percentile(naive, 0.5) / Percentile(ours, 0.5),
             Percentile(naive, 0.95) / Percentile(ours, 0.95));
  fmt::print("ours, 2 children on 2 cores: {:.2f} documents/s; naive, 1 at a time: {:.2f} documents/s\n\n", throughput,
             1000.0 / (std::accumulate(naive.begin(), naive.end(), 0.0) / naive.size()));

  // Which planted defects each catches: one form per case.
  fmt::print("{:<16} {:<44} {:<10} {:<10}\n", "case", "planted", "ours", "naive");
  std::set<std::string> seen;
  SandboxedChecker checker(program, configured);
  int ours_caught = 0, naive_caught = 0, planted_cases = 0, ours_false = 0, naive_false = 0;
  for (const auto& d : all) {
    const std::string c = d.label["case"];
    if (!seen.insert(c).second) continue;
    std::vector<std::string> planted;
    for (const auto& f : d.label["findings"]) planted.push_back(f["code"]);
    std::sort(planted.begin(), planted.end());
    planted.erase(std::unique(planted.begin(), planted.end()), planted.end());
    const Report report = checker.Check(d.bytes, score::ExpectationsOf(d.label));
    score::Tally tally;
    score::Add(tally, d.label, report);
    int fn = 0;
    for (const auto& [code, counts] : tally.by_code) fn += code == "DUPLICATE_FILE" ? 0 : counts.fn;
    const Naive n = RunNaive(d, scratch);
    std::string ours_text, naive_text;
    const bool needs_db = planted.size() == 1 && planted[0] == "DUPLICATE_FILE";
    if (planted.empty()) {
      ours_text = report.verdict == Verdict::kFail ? "FALSE FAIL" : "ok";
      naive_text = n.flagged ? "FALSE FLAG" : "ok";
      ours_false += report.verdict == Verdict::kFail ? 1 : 0;
      naive_false += n.flagged ? 1 : 0;
    } else if (needs_db) {
      ours_text = "(worker)";
      naive_text = "-";
    } else {
      ++planted_cases;
      ours_text = fn == 0 ? "caught" : "missed";
      naive_text = n.flagged ? "flagged" : "missed";
      ours_caught += fn == 0 ? 1 : 0;
      naive_caught += n.flagged ? 1 : 0;
    }
    std::string planted_text;
    for (const auto& p : planted) planted_text += (planted_text.empty() ? "" : ",") + p;
    fmt::print("{:<16} {:<44} {:<10} {:<10}{}\n", c, planted_text.empty() ? "-" : planted_text, ours_text, naive_text,
               n.flagged ? " (" + n.why + ")" : "");
  }
  fmt::print(
      "\ndefect cases caught: ours {}/{}, naive {}/{} (naive 'flagged' = any failure, not the right code);"
      " false alarms on good forms: ours {}, naive {}\n",
      ours_caught, planted_cases, naive_caught, planted_cases, ours_false, naive_false);
  fmt::print("command: prereview-bench --corpus {} --docs {}\n", corpus, docs);
  std::filesystem::remove_all(scratch);
  return 0;
}

}  // namespace
}  // namespace archive::prereview

int main(int argc, char** argv) {
  return archive::prereview::Main(argc, argv);
}
