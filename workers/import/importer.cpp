#include "workers/import/importer.hpp"

#include <unistd.h>

#include <condition_variable>
#include <exception>
#include <filesystem>
#include <future>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/base/text.hpp"
#include "common/lifecycle/registry.hpp"
#include "common/log/log.hpp"
#include "common/member/header.hpp"
#include "common/member/workbooks.hpp"

namespace archive::import {
namespace {

constexpr char kSeparator = '\x1f';

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.push_back(kSeparator);
    out += parts[i];
  }
  return out;
}

std::string_view CellText(const member::CellValue& c) {
  return c.text;
}

// Rows per chunk. A chunk is validated, checked against the database and written as a whole; while PostgreSQL
// writes one chunk, the worker validates the next. Small enough that the first write starts early and the arrays
// held at once stay small, big enough that round trips don't matter.
constexpr std::size_t kChunkRows = 5000;

struct Pending {
  std::int64_t row_number = 0;
  member::RowResult result;
  std::vector<member::Finding> failures;
  std::optional<std::int64_t> org_id;
  std::int64_t member_id = 0;  // taken for a valid row before it is copied in (none in a dry run)
};

// A chunk on its way through the writer: its rows as validated, and as read (for the failure report).
struct Chunk {
  std::vector<Pending> rows;
  std::vector<SheetRow> read;
};

// The branches the rows name, looked up in the importer's subtree as they first appear.
class Branches {
 public:
  Branches(std::string org_path, std::optional<std::int64_t> importer_branch)
      : org_path_(std::move(org_path)), importer_branch_(importer_branch) {}

  // Sets each row's organization, or adds the reason it has none.
  void Resolve(pg::Tx& tx, std::vector<Pending>& rows) {
    std::set<std::string> unseen;
    for (const auto& p : rows) {
      if (p.result.member.branch && !seen_.contains(*p.result.member.branch)) unseen.insert(*p.result.member.branch);
    }
    if (!unseen.empty()) {
      const auto found = tx.Run("import_branches", org_path_, std::vector<std::string>(unseen.begin(), unseen.end()));
      for (std::size_t i = 0; i < found.size(); ++i) {
        const Candidate candidate{found.Int(i, 0), found.Text(i, 3)};
        if (unseen.contains(found.Text(i, 1))) by_code_[found.Text(i, 1)].push_back(candidate);
        if (unseen.contains(found.Text(i, 2))) by_name_[found.Text(i, 2)].push_back(candidate);
      }
      seen_.merge(unseen);
    }
    for (auto& p : rows) Resolve(p);
  }

 private:
  using Candidate = std::pair<std::int64_t, std::string>;  // id, kind

  void Resolve(Pending& p) {
    const auto& branch = p.result.member.branch;
    if (!branch) {
      p.org_id = importer_branch_;
      return;
    }
    const auto code = by_code_.find(*branch);
    const auto name = by_name_.find(*branch);
    const auto* candidates = code != by_code_.end() ? &code->second : name != by_name_.end() ? &name->second : nullptr;
    if (candidates == nullptr) {
      p.failures.push_back(
          {"BRANCH_NOT_FOUND", "branch",
           fmt::format("在您管理的组织中找不到团支部“{}”。请填写本组织或下级团支部的全称或组织编码。", *branch),
           *branch});
    } else if (candidates->size() > 1) {
      p.failures.push_back(
          {"BRANCH_AMBIGUOUS", "branch",
           fmt::format("有 {} 个团支部都叫“{}”。请改填团支部的组织编码。", candidates->size(), *branch), *branch});
    } else if (candidates->front().second != "branch" && candidates->front().second != "general_branch") {
      p.failures.push_back(
          {"BRANCH_NOT_A_BRANCH", "branch",
           fmt::format("“{}”不是团支部或团总支，团员只能导入到团支部。请填写团员所在团支部。", *branch), *branch});
    } else {
      p.org_id = candidates->front().first;
    }
  }

  std::string org_path_;
  std::optional<std::int64_t> importer_branch_;  // where rows without a branch go, when a branch imports
  std::set<std::string> seen_;
  std::map<std::string, std::vector<Candidate>> by_code_;
  std::map<std::string, std::vector<Candidate>> by_name_;
};

// Adds a failure to each row whose ID number or development number the database already holds, from before the
// batch (a value an earlier row of the batch holds is a duplicate in the file, reported as such). A holder outside
// the asker's subtree is not named: the reason says the number is registered elsewhere, and the hit is added to hits
// (common/lifecycle/registry.hpp).
void CheckTaken(pg::Tx& tx, const std::string& batch_id, const lifecycle::Asker& asker,
                const std::vector<Pending*>& rows, std::vector<lifecycle::Hit>& hits) {
  if (rows.empty()) return;
  std::vector<std::string> ids;
  std::vector<std::string> numbers;
  for (const Pending* p : rows) {
    if (!p->result.member.id_card.empty()) ids.push_back(p->result.member.id_card);
    if (p->result.member.dev_number) numbers.push_back(*p->result.member.dev_number);
  }
  struct Holder {
    std::int64_t org_id = 0;
    std::int64_t member_id = 0;
    std::string org_path;
    std::string org_name;
  };
  std::unordered_map<std::string, Holder> holders;  // ID number -> its holder
  if (!ids.empty()) {
    const auto found = tx.Run("import_existing_ids", ids, batch_id);
    for (std::size_t i = 0; i < found.size(); ++i)
      holders[found.Text(i, 0)] = {found.Int(i, 1), found.Int(i, 2), found.Text(i, 3), found.Text(i, 4)};
  }
  std::unordered_map<std::string, Holder> number_holders;  // development number -> its holder (org_name: the ID)
  if (!numbers.empty()) {
    const auto found = tx.Run("import_existing_dev_numbers", numbers, batch_id);
    for (std::size_t i = 0; i < found.size(); ++i)
      number_holders[found.Text(i, 0)] = {0, found.Int(i, 2), found.Text(i, 3), found.Text(i, 1)};
  }
  if (holders.empty() && number_holders.empty()) return;
  for (Pending* row : rows) {
    Pending& p = *row;
    const auto& m = p.result.member;
    if (const auto it = holders.find(m.id_card); it != holders.end()) {
      const Holder& h = it->second;
      if (lifecycle::Elsewhere(asker, h.org_path)) {
        p.failures.push_back(
            {"ID_IN_ANOTHER_ORG", "id_card", lifecycle::IdRegisteredElsewhere(), MaskIdCard(m.id_card)});
        hits.push_back({"id_card", MaskIdCard(m.id_card), h.member_id});
      } else if (p.org_id && h.org_id == *p.org_id) {
        p.failures.push_back({"ALREADY_IMPORTED", "id_card",
                              "该团员已在本团支部中，无需重复导入。请从表格中删除这一行。", MaskIdCard(m.id_card)});
      } else {
        // An organization the importer manages anyway: named in full.
        p.failures.push_back(
            {"ID_IN_ANOTHER_ORG", "id_card",
             fmt::format("该身份证号码已是“{}”的团员，不能重复导入。如需调整所在团支部，请在该团支部办理。",
                         h.org_name),
             MaskIdCard(m.id_card)});
      }
    }
    // A number held by this same person is the re-import ALREADY_IMPORTED reports, not a clash.
    const auto holder = m.dev_number ? number_holders.find(*m.dev_number) : number_holders.end();
    if (holder != number_holders.end() && holder->second.org_name != m.id_card) {
      if (lifecycle::Elsewhere(asker, holder->second.org_path)) {
        p.failures.push_back(
            {"DEV_NUMBER_TAKEN", "dev_number", lifecycle::DevNumberRegisteredElsewhere(*m.dev_number), *m.dev_number});
        hits.push_back({"dev_number", *m.dev_number, holder->second.member_id});
      } else {
        p.failures.push_back(
            {"DEV_NUMBER_TAKEN", "dev_number",
             fmt::format("发展团员编号 {} 已被其他团员使用。请核对《入团志愿书》第 1 页上的编号。", *m.dev_number),
             *m.dev_number});
      }
    }
  }
}

// A failed row as the failure report repeats it: the user's cells, the columns to highlight, the reasons.
member::FailedRow ReportRow(const member::HeaderMatch& match, const SheetRow& row,
                            const std::vector<member::Finding>& failures) {
  member::FailedRow failed;
  failed.row_number = static_cast<int>(row.number);
  for (const auto& [key, cell] : member::CellsByKey(match, row.cells)) failed.cells[key] = cell.text;
  for (const auto& f : failures) {
    if (!f.column_key.empty()) failed.bad_columns.push_back(f.column_key);
    failed.reasons.push_back(f.message);
  }
  return failed;
}

// Writes checked chunks in the batch's transaction: the valid rows as members, every row's outcome, and what the
// result lists. One chunk at a time.
class Writer {
 public:
  Writer(pg::Tx& tx, const Config& config, Result& result, const lifecycle::Asker& asker)
      : tx_(tx), config_(config), result_(result), asker_(asker) {}

  // Writes the chunk's rows; a row the database refuses gets its failure here.
  void Write(std::vector<Pending>& rows) {
    InsertOrCheck(rows);
    std::vector<pg::Value> row_numbers, codes, reasons;  // of the failed rows
    for (const auto& p : rows) {
      const auto& m = p.result.member;
      RowOutcome outcome{p.row_number, p.failures.empty(), {}, {}};
      for (const auto& f : p.failures) {
        outcome.codes.push_back(f.code);
        outcome.reasons.push_back(f.message);
      }
      if (outcome.imported) {
        ++result_.imported;
        if (m.needs_e_archive) {
          result_.needs_upload.push_back(
              {p.member_id, p.row_number, m.name, MaskIdCard(m.id_card), DeadlineOf(m).value_or("")});
        }
      } else {
        ++result_.failed;
        row_numbers.push_back(std::to_string(p.row_number));
        codes.push_back(Join(outcome.codes));
        reasons.push_back(Join(outcome.reasons));
      }
      result_.rows.push_back(std::move(outcome));
    }
    if (!row_numbers.empty()) tx_.Run("import_rows_insert", result_.batch_id, row_numbers, codes, reasons);
  }

  std::optional<std::int64_t> first_member;  // the range of ids of the members the batch created
  std::optional<std::int64_t> last_member;
  std::vector<lifecycle::Hit> hits;  // the numbers found registered outside the asker's subtree, so far

 private:
  pg::Value DeadlineOf(const member::Member& m) const {
    const auto deadline = config_.policy.Deadline(*m.joined_on);
    if (!deadline) return {};
    return member::FormatDate(*deadline);
  }

  // Inserts the valid rows, optimistically: a new member's ID and development numbers are checked by the insert
  // itself (the unique keys), and only a chunk that meets a number the database already holds is looked up, to tell
  // the user whose it is, and inserted again without those rows. A dry run only looks up.
  void InsertOrCheck(std::vector<Pending>& rows) {
    std::vector<Pending*> failed, valid;
    for (auto& p : rows) (p.failures.empty() ? valid : failed).push_back(&p);
    CheckTaken(tx_, result_.batch_id, asker_, failed,
               hits);  // every reason at once, so that one round of fixes is enough
    if (result_.dry_run) {
      CheckTaken(tx_, result_.batch_id, asker_, valid, hits);
      return;
    }
    if (valid.empty()) return;
    const auto ids = tx_.Run("import_member_ids", static_cast<std::int64_t>(valid.size()));
    for (std::size_t i = 0; i < valid.size(); ++i) valid[i]->member_id = ids.Int(i, 0);
    tx_.ExecScript("SAVEPOINT import_chunk");
    try {
      InsertMembers(valid);
      tx_.ExecScript("RELEASE SAVEPOINT import_chunk");
      return;
    } catch (const pg::SqlError& e) {
      if (!e.IsUniqueViolation()) throw;
    }
    tx_.ExecScript("ROLLBACK TO SAVEPOINT import_chunk");
    CheckTaken(tx_, result_.batch_id, asker_, valid, hits);
    InsertMembers(valid);  // the same ids: no one else was given them, and the copy that held them is undone
  }

  // The rows still without a failure as members, in one COPY.
  void InsertMembers(const std::vector<Pending*>& rows) {
    pg::CopyRows copy;
    for (const Pending* p : rows) {
      if (!p->failures.empty()) continue;
      const auto& m = p->result.member;
      copy.Add(p->member_id);
      copy.Add(*p->org_id);
      copy.Add(m.name);
      copy.Add(m.id_card);
      copy.Add(m.gender);
      copy.Add(m.ethnicity);
      copy.Add(m.birth_date ? pg::Value(member::FormatDate(*m.birth_date)) : pg::Value());
      copy.Add(member::FormatDate(*m.joined_on));
      copy.Add(m.dev_number);
      copy.Add(m.phone);
      copy.Add(m.education);
      copy.Add(m.needs_e_archive ? "NOT_UPLOADED" : "EXEMPT");
      copy.Add(DeadlineOf(m));
      copy.Add(result_.batch_id);
      copy.Add(p->row_number);
      copy.EndRow();
    }
    if (copy.empty()) return;
    tx_.Copy("import_members_copy", copy);
    for (const Pending* p : rows) {
      if (!p->failures.empty()) continue;
      first_member = first_member ? std::min(*first_member, p->member_id) : p->member_id;
      last_member = last_member ? std::max(*last_member, p->member_id) : p->member_id;
    }
  }

  pg::Tx& tx_;
  const Config& config_;
  Result& result_;
  const lifecycle::Asker& asker_;
};

// The rows of a sheet while the sandbox is still reading it: the parser runs on a thread of its own, and Next
// takes the rows it has read so far.
class SheetFeed {
 public:
  SheetFeed(SheetParser& parser, std::string bytes, const sheet::Limits& limits)
      : bytes_(std::move(bytes)),
        limits_(limits),
        reading_(std::async(std::launch::async, [this, &parser] { Read(parser); })) {}

  // Moves the rows read since the last call to the end of rows, waiting until there are some; false once the
  // reader has finished and every row was taken.
  bool Next(std::vector<SheetRow>& rows, sheet::SheetInfo& info) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !read_.empty() || done_; });
    if (failure_) std::rethrow_exception(failure_);
    if (read_.empty()) return false;
    info = info_;
    std::move(read_.begin(), read_.end(), std::back_inserter(rows));
    read_.clear();
    return true;
  }

  // Waits for the reader to finish: its error, the sheet's info and its merged ranges.
  const ParsedSheet& Finish() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return done_; });
    if (failure_) std::rethrow_exception(failure_);
    return end_;
  }

 private:
  void Read(SheetParser& parser) {
    ParsedSheet end;
    std::exception_ptr failure;
    try {
      end = parser.Parse(bytes_, limits_, [this](const sheet::SheetInfo& info, std::vector<SheetRow>&& rows) {
        const std::lock_guard lock(mutex_);
        info_ = info;
        std::move(rows.begin(), rows.end(), std::back_inserter(read_));
        ready_.notify_one();
      });
    } catch (...) {
      failure = std::current_exception();
    }
    const std::lock_guard lock(mutex_);
    end_ = std::move(end);
    failure_ = failure;
    done_ = true;
    ready_.notify_one();
  }

  const std::string bytes_;
  const sheet::Limits limits_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<SheetRow> read_;
  sheet::SheetInfo info_;
  ParsedSheet end_;
  std::exception_ptr failure_;
  bool done_ = false;
  std::future<void> reading_;  // last: the reader finishes before the rest goes
};

using Problem = std::pair<std::string, std::string>;  // code, Chinese message

// What makes the whole sheet unusable once it has been read: the reader's error, or cells merged below the header.
std::optional<Problem> SheetProblem(const ParsedSheet& end, std::optional<std::int64_t> header_row) {
  if (end.error) return Problem{std::string(end.error->name()), end.error->message};
  for (const auto& range : end.merged) {
    if (header_row && range.last_row > *header_row) {
      return Problem{"MERGED_CELLS",
                     fmt::format("表格中 {} 是合并单元格。导入表格不能有合并单元格，请取消合并、每行填写完整后再导入。",
                                 sheet::RangeName(range))};
    }
  }
  return std::nullopt;
}

// A data row that makes the rows unreliable: a hidden one. (A formula cell is not: it reads as its saved result, and
// one saved without a result fails only its own row, FORMULA_NO_VALUE.)
std::optional<Problem> RowProblem(const SheetRow& row) {
  if (row.hidden) {
    return Problem{"HIDDEN_ROWS",
                   fmt::format("表格第 {} 行是隐藏行。请取消隐藏、确认这些行的内容后再导入。", row.number)};
  }
  return std::nullopt;
}

// A sheet whose header was found but that has no data row below it.
Problem NoRows(std::int64_t header_row) {
  return Problem{
      "NO_ROWS",
      fmt::format("表格只有表头（第 {} 行），没有团员数据。请在表头下方逐行填写团员信息后再导入。", header_row)};
}

}  // namespace

Config Config::From(config::Section& section, const lifecycle::Policy& policy) {
  Config c;
  c.policy = policy;
  section.Read("max_rows", c.limits.max_rows);
  section.Read("max_file_bytes", c.limits.max_file_bytes);
  auto validation = section.Child("validation");
  c.validation = member::ValidationConfig::From(validation);
  c.validation.e_archive_required_from = policy.e_archive_required_from;
  section.RejectUnknown();
  return c;
}

SandboxedParser::SandboxedParser(std::string program, sandbox::Limits limits, int children)
    : pool_(std::move(program), {}, limits, children) {}

ParsedSheet SandboxedParser::Parse(std::string_view bytes, const sheet::Limits& limits, const RowSink& rows) {
  const sandbox::Reply reply = pool_.Call(EncodeRequest(limits, bytes), [&](std::string_view part) {
    auto decoded = Decode(part);
    if (!decoded || decoded->error) return false;
    rows(decoded->info, std::move(decoded->rows));
    return true;
  });
  if (reply.bytes) {
    if (auto decoded = Decode(*reply.bytes)) {
      if (!decoded->error && !decoded->rows.empty()) rows(decoded->info, std::move(decoded->rows));
      decoded->rows.clear();
      return std::move(*decoded);
    }
  }
  log::Get("import")->warn("the spreadsheet reader failed on a file: {}", reply.bytes ? "garbled reply" : reply.detail);
  const bool timed_out = reply.failure == sandbox::Failure::kTimedOut;
  ParsedSheet out;
  out.error = sheet::Error{
      sheet::ErrorCode::kCorrupt,
      timed_out ? "文件过于复杂，无法在限定时间内读取。请删除无关的工作表、格式和图片，另存为新的 .xlsx 文件后再导入。"
                : "文件已损坏或格式异常，无法读取。请用 Excel 打开后另存为新的 .xlsx 文件再导入。",
      reply.detail};
  return out;
}

std::string SandboxProgramBesideSelf(const std::string& name) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (self.parent_path() / name).string();
}

std::string Result::Summary() const {
  if (status == "FAILED") return fmt::format("导入失败：{}", error_message.value_or(""));
  if (dry_run) return fmt::format("检查完成（未导入）：{} 位团员可以导入，{} 位团员有错误", imported, failed);
  return fmt::format("成功导入 {} 位团员，{} 位团员导入失败", imported, failed);
}

Importer::Importer(Config config, const member::MemberTemplate& layout, SheetParser& parser, blob::Store& blobs,
                   const Clock& clock)
    : config_(std::move(config)), layout_(layout), parser_(parser), blobs_(blobs), clock_(clock) {}

Result Importer::Run(pg::Tx& tx, const std::string& batch_id, const Progress& progress) {
  Result result;
  result.batch_id = batch_id;
  const pg::Result batch = tx.Run("import_batch_load", batch_id);
  if (batch.empty()) throw std::invalid_argument(fmt::format("import batch {} does not exist", batch_id));
  const std::string status = batch.Text(0, 0);
  const std::int64_t importer_org = batch.Int(0, 1);
  const std::string org_path = batch.Text(0, 2);
  const std::string org_kind = batch.Text(0, 3);
  result.dry_run = batch.Bool(0, 6);
  if (status == "DONE" || status == "FAILED") {
    result.status = status;
    result.repeated = true;
    return result;  // already run: redelivery has no second effect
  }

  auto fail = [&](std::string code, std::string message) {
    Result failed;
    failed.batch_id = batch_id;
    failed.dry_run = result.dry_run;
    failed.status = "FAILED";
    failed.error_code = std::move(code);
    failed.error_message = std::move(message);
    tx.Run("import_batch_finish", batch_id, "FAILED", 0, 0, 0, std::nullopt, failed.error_code, failed.error_message,
           std::nullopt, std::nullopt);
    return failed;
  };

  // Who asked: their subtree is what the reasons may name; their allowance of answers about numbers registered
  // elsewhere bounds what one batch may tell (common/lifecycle/registry.hpp). Past it, the batch is refused whole:
  // row-by-row answers would tell which rows are held elsewhere.
  const lifecycle::Asker asker{.user_id = batch.IsNull(0, 8) ? std::nullopt : std::optional(batch.Int(0, 8)),
                               .actor = batch.IsNull(0, 9) ? "import-worker" : batch.Text(0, 9),
                               .subtree = batch.IsNull(0, 10) ? org_path : batch.Text(0, 10),
                               .remote_addr = std::nullopt};
  lifecycle::Registry registry(tx, config_.policy, clock_);
  const std::optional<int> remaining = registry.Remaining(asker);
  const auto limit_reached = [&] {
    const auto refusal = lifecycle::LookupLimitReached(config_.policy.registered_elsewhere_per_day);
    return Problem{refusal.code, refusal.message};
  };
  if (remaining && *remaining <= 0) {
    const auto [code, message] = limit_reached();
    return fail(code, message);
  }

  if (batch.Int(0, 5) > config_.limits.max_file_bytes) {
    return fail("TOO_LARGE",
                fmt::format("文件超过 {} MB，请分成几个文件分别导入。", config_.limits.max_file_bytes >> 20));
  }
  std::string bytes;
  try {
    std::stringstream in;
    in << blobs_.Open(batch.Text(0, 4))->rdbuf();
    bytes = in.str();
  } catch (const blob::NotFound&) {
    return fail("FILE_MISSING", "上传的文件已找不到，请重新上传。");
  }

  // The sandbox reads the sheet while the rows it has read are validated and written. A problem with the whole
  // sheet is refused whole: the reader's own error first (as if the sheet had been read before anything else),
  // and anything written already is rolled back.
  SheetFeed feed(parser_, std::move(bytes), config_.limits);
  std::vector<SheetRow> rows;  // read, not yet validated
  sheet::SheetInfo info;
  std::optional<std::int64_t> header_row;
  bool savepoint = false;  // taken before the first write
  Writer writer(tx, config_, result, asker);
  std::future<Chunk> writing;  // the chunk being written; declared after what it uses, so it finishes first
  const auto record_hits = [&] {
    return registry.Record(asker, writer.hits, result.dry_run ? "import.dry_run" : "import", {{"batch_id", batch_id}});
  };
  auto refuse = [&](Problem problem) {
    if (writing.valid()) writing.get();
    if (auto whole = SheetProblem(feed.Finish(), header_row)) problem = std::move(*whole);
    if (savepoint) tx.ExecScript("ROLLBACK TO SAVEPOINT import_rows");
    record_hits();  // the lookups happened, whatever the batch's fate: counted and audited after the rollback
    return fail(std::move(problem.first), std::move(problem.second));
  };
  const auto over_limit = [&] { return remaining && static_cast<int>(writer.hits.size()) > *remaining; };

  // The header row: by name, not position, among the first rows.
  while (rows.size() < 5 && feed.Next(rows, info)) {
  }
  std::vector<std::vector<std::string>> first_rows;
  for (std::size_t i = 0; i < rows.size() && i < 5; ++i) {
    auto& texts = first_rows.emplace_back();
    for (const auto& c : rows[i].cells) texts.emplace_back(CellText(c));
  }
  const auto header_index = member::FindHeaderRow(layout_, first_rows);
  if (!header_index) {
    const auto finding = member::HeaderNotFound(layout_);
    return refuse({finding.code, finding.message});
  }
  const auto match = member::MatchHeaderRow(layout_, first_rows[*header_index]);
  if (!match.ok()) {
    std::string message;
    for (const auto& e : match.errors) message += (message.empty() ? "" : "；") + e.message;
    return refuse({match.errors.front().code, message});
  }
  header_row = rows[*header_index].number;
  rows.erase(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(*header_index) + 1);

  // Every row against the rules and the database, a chunk at a time. While one chunk is written (on PostgreSQL's
  // core), the next is validated (on the worker's); the transaction is only ever used by one of the two at once.
  member::ValidationConfig rules = config_.validation;
  const bool importer_is_branch = org_kind == "branch" || org_kind == "general_branch";
  rules.require_branch = !importer_is_branch;
  const member::Date today = config_.policy.Today(clock_);
  member::DuplicateTracker duplicates;
  duplicates.Reserve(static_cast<std::size_t>(config_.limits.max_rows));  // a bucket per row: 8 bytes
  Branches branches(org_path, importer_is_branch ? std::optional(importer_org) : std::nullopt);
  int validated = 0;
  std::vector<member::FailedRow> failed_rows;
  auto written = [&] {  // waits for the chunk being written; its failed rows go to the report
    if (!writing.valid()) return;
    const Chunk chunk = writing.get();
    for (std::size_t i = 0; i < chunk.rows.size(); ++i) {
      if (!chunk.rows[i].failures.empty())
        failed_rows.push_back(ReportRow(match, chunk.read[i], chunk.rows[i].failures));
    }
  };
  tx.ExecScript("SAVEPOINT import_rows");
  savepoint = true;
  for (;;) {
    while (rows.size() < kChunkRows && feed.Next(rows, info)) {
    }
    if (rows.empty()) break;
    const auto taken = rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), kChunkRows));
    std::vector<SheetRow> chunk_rows(std::make_move_iterator(rows.begin()), std::make_move_iterator(taken));
    rows.erase(rows.begin(), taken);
    std::vector<Pending> chunk;
    chunk.reserve(chunk_rows.size());
    for (auto& row : chunk_rows) {
      if (auto problem = RowProblem(row)) return refuse(std::move(*problem));
      for (auto& c : row.cells) {
        if (c.kind == member::CellValue::Kind::kText) c.text = member::StripFormulaGuard(std::move(c.text));
      }
      Pending& p = chunk.emplace_back();
      p.row_number = row.number;
      p.result = member::ValidateRow(layout_, member::CellsByKey(match, row.cells), rules, today, info.date1904);
      p.failures = p.result.failures;
      if (!p.result.member.id_card.empty()) {
        for (auto& f : duplicates.Add(static_cast<std::size_t>(p.row_number), p.result.member))
          p.failures.push_back(std::move(f));
      }
    }
    written();
    if (over_limit()) return refuse(limit_reached());
    validated += static_cast<int>(chunk.size());
    branches.Resolve(tx, chunk);
    writing =
        std::async(std::launch::async, [&writer, chunk = std::move(chunk), read = std::move(chunk_rows)]() mutable {
          writer.Write(chunk);
          return Chunk{std::move(chunk), std::move(read)};
        });
    if (progress) progress(validated, validated + static_cast<int>(rows.size()));  // on its own connection
  }
  written();
  if (auto problem = SheetProblem(feed.Finish(), header_row)) return refuse(std::move(*problem));
  if (validated == 0) return refuse(NoRows(*header_row));
  if (over_limit()) return refuse(limit_reached());
  // Counted now, under the count's row lock until the batch commits: a batch of the same user that finished
  // meanwhile may have used what this one counted on.
  // (refuse's rollback undoes this count, and counts the hits again.)
  if (const int used = record_hits(); remaining && used > config_.policy.registered_elsewhere_per_day) {
    return refuse(limit_reached());
  }

  result.total = validated;
  if (!failed_rows.empty()) result.report_uri = blobs_.Put(member::WriteFailureReport(layout_, failed_rows)).uri;
  result.status = "DONE";
  tx.Run("import_batch_finish", batch_id, "DONE", result.total, result.imported, result.failed, result.report_uri,
         std::nullopt, std::nullopt, writer.first_member, writer.last_member);
  tx.Run("audit_record", std::nullopt, "import-worker", result.dry_run ? "member.import.dry_run" : "member.import",
         "import_batch", batch_id, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
         nlohmann::json{{"imported", result.imported}, {"failed", result.failed}}.dump());
  return result;
}

}  // namespace archive::import
