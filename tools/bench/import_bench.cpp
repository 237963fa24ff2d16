// The batch import benchmark (issue: import). On the local stack (tools/devstack up) it builds a template
// sheet of valid members with libxlsxwriter, then times the whole import of one batch: the sandboxed parse,
// the validation of every row, the database checks and the set-based insert, committed.
//
//   import-bench [--rows 50000]
#include <sys/resource.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/base/crypto.hpp"
#include "common/log/log.hpp"
#include "common/testing/testing.hpp"
#include "tools/archivectl/args.hpp"
#include "workers/import/importer.hpp"

namespace archive::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::string MakeSheet(long rows) {
  const auto path = std::filesystem::temp_directory_path() / (RandomHex(6) + ".xlsx");
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  lxw_workbook* book = workbook_new_opt(path.c_str(), &options);
  lxw_worksheet* ws = workbook_add_worksheet(book, "团员信息");
  const char* headers[] = {"姓名",     "身份证号码",   "性别",       "民族",     "出生年月",
                           "入团年月", "发展团员编号", "所在团支部", "手机号码", "学历"};
  for (int c = 0; c < 10; ++c) worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), headers[c], nullptr);
  for (long r = 1; r <= rows; ++r) {
    const int day = static_cast<int>(r % 336 % 28) + 1;  // 336 birth dates × a sequence number: unique IDs
    const int month = static_cast<int>(r % 336 / 28) + 1;
    const std::string birth = fmt::format("2008{:02d}{:02d}", month, day);
    const bool male = r % 2 == 1;
    const std::string sequence = fmt::format("{:03d}", (r / 336 * 2 + (male ? 1 : 0)) % 1000);
    const std::string id = testing::MakeIdCard(birth, sequence);
    const auto row = static_cast<lxw_row_t>(r);
    static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"};
    static const char* kGiven[] = {"伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超"};
    const std::string name = std::string(kSurnames[r % 10]) + kGiven[(r / 10) % 14] + kGiven[(r / 140) % 14];
    worksheet_write_string(ws, row, 0, name.c_str(), nullptr);
    worksheet_write_string(ws, row, 1, id.c_str(), nullptr);
    worksheet_write_string(ws, row, 2, male ? "男" : "女", nullptr);
    worksheet_write_string(ws, row, 3, "汉族", nullptr);
    worksheet_write_string(ws, row, 4, fmt::format("2008-{:02d}", month).c_str(), nullptr);
    worksheet_write_string(ws, row, 5, "2024-03-10", nullptr);
    worksheet_write_string(ws, row, 6, fmt::format("2024{:08d}", r).c_str(), nullptr);
    worksheet_write_string(ws, row, 7, r % 2 ? "B1" : "B2", nullptr);
    worksheet_write_string(ws, row, 8, fmt::format("138{:08d}", r).c_str(), nullptr);
    worksheet_write_string(ws, row, 9, "普通高中", nullptr);
  }
  workbook_close(book);
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::filesystem::remove(path);
  return bytes.str();
}

long ChildrenMaxRssKiB() {
  rusage usage{};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  return usage.ru_maxrss;
}

double Seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

// User + system CPU seconds of this process (who = RUSAGE_SELF) or of its waited-for children.
double CpuSeconds(int who) {
  rusage usage{};
  ::getrusage(who, &usage);
  return Seconds(usage.ru_utime) + Seconds(usage.ru_stime);
}

// User + system CPU seconds of another process on this machine (the PostgreSQL backend), from /proc.
double ProcessCpuSeconds(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::stod(field);  // utime, stime
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// VmHWM of /proc/self/status, in KiB.
long PeakRssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

int Main(const std::vector<std::string>& words) {
  const ctl::Args args(words, {});
  args.Allow({"rows"});
  const long rows = args.Number("rows", 50000);
  const std::string bytes = MakeSheet(rows);
  testing::TestSchema schema;
  pg::Connection db(schema.url(), "import-bench");
  const auto blob_root = std::filesystem::temp_directory_path() / ("import-bench-" + RandomHex(4));
  blob::FileStore blobs(blob_root);
  const auto ref = blobs.Put(bytes);
  const std::string batch = RandomUuid();
  db.InTransaction([&](pg::Tx& tx) {
    tx.ExecScript(
        "INSERT INTO organizations (id, code, name, kind, parent_id, path) VALUES (1, 'S', '示例中学团委', "
        "'committee', NULL, '1'), (2, 'B1', '一班团支部', 'branch', 1, '1.2'), (3, 'B2', '二班团支部', 'branch', 1, "
        "'1.3')");
    tx.Run("import_batch_create", batch, 1, std::nullopt, "bench.xlsx", "xlsx", ref.uri, ref.sha256, ref.size, false);
  });
  const auto layout = member::BuiltinMemberTemplate();
  auto parser =
      std::make_unique<import::SandboxedParser>(testing::BinaryPath("bin/import-sandbox"), sandbox::Limits{}, 1);
  SystemClock clock;
  import::Importer importer(import::Config{}, layout, *parser, blobs, clock);
  parser->Parse("warm-up", sheet::Limits{}, [](auto&&...) {});  // start the sandbox child, as a running worker has it
  const long backend = testing::QueryInt(db, "SELECT pg_backend_pid()");
  std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM: what follows is the import's own peak
  const long rss_before = PeakRssKiB();
  const double self_cpu = CpuSeconds(RUSAGE_SELF);
  const double backend_cpu = ProcessCpuSeconds(backend);
  const auto start = Clock::now();
  const import::Result result = db.InTransaction([&](pg::Tx& tx) { return importer.Run(tx, batch, nullptr); });
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double self_used = CpuSeconds(RUSAGE_SELF) - self_cpu;
  const double backend_used = ProcessCpuSeconds(backend) - backend_cpu;
  const long rss_peak = PeakRssKiB();
  parser.reset();  // the pool waits for its child, whose peak RSS and CPU then count
  const double child_used = CpuSeconds(RUSAGE_CHILDREN);
  fmt::print("import-bench: {} rows ({} bytes of xlsx) on {} cores\n", rows, bytes.size(),
             std::thread::hardware_concurrency());
  fmt::print("| measure | figure |\n|---|---|\n");
  fmt::print("| result | {} |\n", result.Summary());
  fmt::print("| parse + validate + check + insert + commit | {:.2f} s ({:.0f} rows/s) |\n", seconds, rows / seconds);
  fmt::print("| CPU: worker process / sandbox child / PostgreSQL backend | {:.2f} s / {:.2f} s / {:.2f} s |\n",
             self_used, child_used, backend_used);
  fmt::print("| peak RSS, worker process, during the import | {} MiB ({} MiB above the RSS before) |\n",
             rss_peak / 1024, (rss_peak - rss_before) / 1024);
  fmt::print("| peak RSS, sandbox child (parse) | {} MiB |\n", ChildrenMaxRssKiB() / 1024);
  for (const auto& row : result.rows) {
    if (row.imported) continue;
    fmt::print("first failed row {}: {}\n", row.row_number, fmt::join(row.reasons, "; "));
    break;
  }
  std::filesystem::remove_all(blob_root);
  return result.imported == rows ? 0 : 1;
}

}  // namespace
}  // namespace archive::bench

int main(int argc, char** argv) {
  archive::log::Setup(archive::log::Format::kText, spdlog::level::warn);
  return archive::bench::Main(std::vector<std::string>(argv + 1, argv + argc));
}
