#pragma once

#include <map>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "common/prereview/checker.hpp"
#include "common/prereview/report.hpp"

// Scores pre-review reports against formgen's labels (tools/formgen/README.md): per check, how many planted
// defects were found (true positives), missed (false negatives) and reported where none was planted (false
// positives); and how often page 1's number was read exactly. Shared by the accuracy test and the benchmark.
namespace archive::prereview::score {

struct Counts {
  int tp = 0;
  int fp = 0;
  int fn = 0;
};

struct Tally {
  std::map<std::string, Counts> by_code;
  int readable_numbers = 0;  // scans and vector forms whose page 1 is meant to be readable
  int exact_numbers = 0;
  int clean_failures = 0;  // a FAIL or a NUMBER_MISMATCH on a clean, noisy, skewed, phone-photo or vector form
  std::vector<std::string> problems;  // one line per miss or false alarm, naming the file
};

// The member record a label stands for: record_number, record_name, and the admission year (the printed
// number's first four digits, which formgen takes from the admission date).
Expectations ExpectationsOf(const nlohmann::json& label);

// Adds one file's outcome. DUPLICATE_FILE labels are skipped (the check needs the database). On a truncated
// file only the label's codes are scored: what else a damaged file shows (PAGE_COUNT, ...) cannot be labelled.
void Add(Tally& tally, const nlohmann::json& label, const Report& report);

// The table: code, tp, fp, fn, precision, recall; then the number-read rate.
void Print(const Tally& tally, std::ostream& out);

}  // namespace archive::prereview::score
