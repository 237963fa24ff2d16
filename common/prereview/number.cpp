#include "common/prereview/number.hpp"

#include <fmt/format.h>

#include <cctype>
#include <vector>

namespace archive::prereview {

std::optional<std::string> ExtractNumber(std::string_view digits) {
  std::vector<std::string> runs;
  std::string run;
  for (const char c : digits) {
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      run += c;
    } else if (!run.empty()) {
      runs.push_back(std::move(run));
      run.clear();
    }
  }
  if (!run.empty()) runs.push_back(std::move(run));
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    const std::string& r = *it;
    if (r.size() < 12) continue;
    // The number is at the end of the box; what comes before it may be the label read as digits.
    for (std::size_t start = r.size() - 12;; --start) {
      if (r.compare(start, 2, "20") == 0) return r.substr(start, 12);
      if (start == 0) break;
    }
  }
  return std::nullopt;
}

NumberDiagnosis DiagnoseNumber(std::string_view read, std::string_view record, std::optional<int> admission_year) {
  if (read.size() != record.size()) {
    return {"different", fmt::format("位数不同（档案{}位，系统{}位）", read.size(), record.size())};
  }
  std::vector<std::size_t> diff;
  for (std::size_t i = 0; i < read.size(); ++i) {
    if (read[i] != record[i]) diff.push_back(i);
  }
  const bool year_only = !diff.empty() && diff.back() < 4;
  if (year_only && read.size() >= 4) {
    const std::string read_year(read.substr(0, 4));
    const std::string record_year(record.substr(0, 4));
    if (admission_year) {
      const std::string admitted = std::to_string(*admission_year);
      if (read_year == admitted) {
        return {"wrong_year",
                fmt::format("系统记录的编号年份{}与入团时间{}年不符，档案上的编号正确，请更正系统中的编号", record_year,
                            admitted)};
      }
      if (record_year == admitted) {
        return {"wrong_year",
                fmt::format("档案上的编号年份{}与入团时间{}年不符，系统记录正确，请核对档案", read_year, admitted)};
      }
    }
    return {"wrong_year", fmt::format("年份不同（档案为{}，系统为{}）", read_year, record_year)};
  }
  if (diff.size() == 2 && diff[1] == diff[0] + 1 && read[diff[0]] == record[diff[1]] &&
      read[diff[1]] == record[diff[0]]) {
    return {"swapped_digits", fmt::format("第{}、{}位数字前后颠倒，可能是录入时输错", diff[0] + 1, diff[1] + 1)};
  }
  if (diff.size() == 1) {
    return {"one_digit_off", fmt::format("第{}位数字不同（档案为{}，系统为{}），可能是录入或书写错误", diff[0] + 1,
                                         read[diff[0]], record[diff[0]])};
  }
  return {"different", fmt::format("有{}位数字不同", diff.size())};
}

}  // namespace archive::prereview
