#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "common/config/config.hpp"
#include "common/prereview/checker.hpp"
#include "tools/bench/prereview_score.hpp"

// prereview-accuracy --corpus DIR [--config FILE] [--dump]
// Runs the pre-review checks (in this process, one thread) over a formgen corpus and prints each check's
// precision and recall against labels.jsonl, with the thresholds of FILE's "prereview" section (default:
// ARCHIVE_CONFIG, or none: the defaults). --dump also prints every report as a JSON line.
int main(int argc, char** argv) {
  using namespace archive::prereview;
  std::string corpus;
  std::string config_file;
  bool dump = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--corpus" && i + 1 < argc) {
      corpus = argv[++i];
    } else if (a == "--config" && i + 1 < argc) {
      config_file = argv[++i];
    } else if (a == "--dump") {
      dump = true;
    } else {
      std::cerr << "usage: prereview-accuracy --corpus DIR [--config FILE] [--dump]\n";
      return 2;
    }
  }
  if (corpus.empty()) {
    std::cerr << "usage: prereview-accuracy --corpus DIR [--config FILE] [--dump]\n";
    return 2;
  }
  ::setenv("OMP_THREAD_LIMIT", "1", 1);
  archive::config::Section settings = archive::config::Load(config_file).Child("prereview");
  Checker checker(Config::From(settings));
  std::ifstream labels(std::filesystem::path(corpus) / "labels.jsonl");
  if (!labels) {
    std::cerr << "prereview-accuracy: no labels.jsonl in " << corpus << " (make one with formgen --out DIR)\n";
    return 1;
  }
  score::Tally tally;
  std::string line;
  while (std::getline(labels, line)) {
    const auto label = nlohmann::json::parse(line);
    std::ifstream in(std::filesystem::path(corpus) / label.at("file").get<std::string>(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    const Report report = checker.Check(bytes.str(), score::ExpectationsOf(label));
    score::Add(tally, label, report);
    if (dump) {
      auto j = ToJson(report);
      j["file"] = label["file"];
      std::cout << j.dump() << "\n";
    }
  }
  for (const auto& p : tally.problems) std::cout << p << "\n";
  score::Print(tally, std::cout);
  fmt::print("command: prereview-accuracy --corpus {}{}\n", corpus,
             config_file.empty() ? "" : " --config " + config_file);
  return 0;
}
