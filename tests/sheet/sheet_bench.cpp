// Parsing speed of the xlsx reader on a member import of realistic shape: 50,000 rows x 12 columns, every cell a
// shared string except the date column. Prints cells/s (best of the runs) and the peak RSS while reading (the
// high-water mark is reset after the workbook is generated: /proc/self/clear_refs).
//   sheet-bench [rows] [runs]        generates the workbook
//   sheet-bench FILE [runs]          reads a workbook from a file instead (any format)
//   sheet-bench --write FILE [rows]  only writes the generated workbook
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "common/sheet/sheet.hpp"
#include "tests/sheet/fixtures.hpp"

namespace {

using archive::sheet::ColumnName;

// VmHWM of /proc/self/status, in KiB.
long PeakRssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

std::string MemberWorkbook(int rows) {
  static constexpr const char* kGenders[] = {"男", "女"};
  static constexpr const char* kEthnic[] = {"汉族", "回族", "壮族", "满族", "维吾尔族", "土家族"};
  static constexpr const char* kPolitics[] = {"共青团员", "中共预备党员"};
  static constexpr const char* kOrgs[] = {"第一团支部", "第二团支部", "第三团支部", "化学系团总支", "机关团支部"};
  std::vector<std::string> strings = {"姓名",         "性别",     "民族",     "身份证号码", "出生日期", "入团时间",
                                      "发展团员编号", "政治面貌", "手机号码", "所在团支部", "籍贯",     "备注"};
  const auto add = [&](std::string s) {
    strings.push_back(std::move(s));
    return strings.size() - 1;
  };
  std::vector<std::size_t> fixed;
  for (const char* s : kGenders) fixed.push_back(add(s));
  for (const char* s : kEthnic) fixed.push_back(add(s));
  for (const char* s : kPolitics) fixed.push_back(add(s));
  for (const char* s : kOrgs) fixed.push_back(add(s));
  const std::size_t blank_note = add("无");

  std::string xml;
  xml.reserve(static_cast<std::size_t>(rows) * 700);
  xml += "<row r=\"1\">";
  for (int c = 0; c < 12; ++c) {
    xml += "<c r=\"" + ColumnName(c) + "1\" t=\"s\"><v>" + std::to_string(c) + "</v></c>";
  }
  xml += "</row>";
  for (int r = 2; r <= rows + 1; ++r) {
    const std::string n = std::to_string(r);
    const std::size_t values[12] = {
        add("团员" + n),
        fixed[r % 2],
        fixed[2 + r % 6],
        add("42010620" + std::to_string(10000000 + r) + "12"),
        0,  // the birth date is a number
        add("2020-0" + std::to_string(1 + r % 9) + "-1" + std::to_string(r % 10)),
        add("2020" + std::to_string(10000000 + r)),
        fixed[8 + r % 2],
        add("138" + std::to_string(10000000 + r)),
        fixed[10 + r % 5],
        add("湖北省武汉市" + std::to_string(r % 97) + "区"),
        blank_note,
    };
    xml += "<row r=\"" + n + "\" spans=\"1:12\">";
    for (int c = 0; c < 12; ++c) {
      const std::string ref = ColumnName(c) + n;
      if (c == 4) {
        xml += "<c r=\"" + ref + "\" s=\"1\"><v>" + std::to_string(36000 + r % 5000) + "</v></c>";
      } else {
        xml += "<c r=\"" + ref + "\" t=\"s\"><v>" + std::to_string(values[c]) + "</v></c>";
      }
    }
    xml += "</row>";
  }
  std::vector<std::string> items;
  items.reserve(strings.size());
  for (const auto& s : strings) items.push_back("<t>" + s + "</t>");
  archive::sheet::testing::XlsxSpec spec;
  spec.sheets = {{"团员信息", archive::sheet::testing::SheetXml(xml), ""}};
  spec.shared_strings = archive::sheet::testing::SharedStringsXml(items);
  spec.styles = archive::sheet::testing::StylesXml({{176, "yyyy-mm-dd"}}, {0, 176});
  return archive::sheet::testing::Xlsx(spec);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 && std::string(argv[1]) == "--write") {
    std::ofstream(argv[2], std::ios::binary) << MemberWorkbook(argc > 3 ? std::atoi(argv[3]) : 50000);
    return 0;
  }
  const bool from_file = argc > 1 && std::ifstream(argv[1]).good();
  const int rows = argc > 1 && !from_file ? std::atoi(argv[1]) : 50000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  std::string bytes;
  if (from_file) {
    std::ifstream in(argv[1], std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    std::printf("workbook: %s, %zu bytes\n", argv[1], bytes.size());
  } else {
    bytes = MemberWorkbook(rows);
    std::printf("workbook: %d rows x 12 columns, %zu bytes; peak RSS while generating %.1f MiB\n", rows, bytes.size(),
                static_cast<double>(PeakRssKib()) / 1024);
  }
  std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM to the current RSS
  const long before = PeakRssKib();

  // Wall time, and CPU time of this thread: on a shared machine the second is the steadier measure.
  const auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  };
  double best = 1e30;
  double best_cpu = 1e30;
  std::int64_t cells = 0;
  for (int run = 0; run < runs; ++run) {
    std::int64_t seen = 0;
    std::size_t text_bytes = 0;
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_now();
    const archive::sheet::Result result = archive::sheet::Read(
        bytes, archive::sheet::Limits{}, [&](const archive::sheet::SheetInfo&, const archive::sheet::Row& row) {
          seen += static_cast<std::int64_t>(row.cells.size());
          for (const auto& cell : row.cells) text_bytes += cell.text.size();
          return true;
        });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = cpu_now() - cpu_start;
    if (result.error) {
      std::fprintf(stderr, "read failed: %s %s\n", std::string(result.error->name()).c_str(),
                   result.error->detail.c_str());
      return 1;
    }
    cells = seen;
    best = std::min(best, seconds);
    best_cpu = std::min(best_cpu, cpu);
    std::printf("run %d: %.1f ms (%.1f ms CPU), %lld cells, %zu text bytes\n", run + 1, seconds * 1000, cpu * 1000,
                static_cast<long long>(seen), text_bytes);
  }
  const long peak = PeakRssKib();
  std::printf(
      "best: %.1f ms, %.2f M cells/s (CPU: %.1f ms, %.2f M cells per CPU second); peak RSS while reading %.1f MiB "
      "(%.1f MiB above the RSS before)\n",
      best * 1000, static_cast<double>(cells) / best / 1e6, best_cpu * 1000,
      static_cast<double>(cells) / best_cpu / 1e6, static_cast<double>(peak) / 1024,
      static_cast<double>(peak - before) / 1024);
  return 0;
}
