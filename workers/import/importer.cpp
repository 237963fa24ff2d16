#include "workers/import/importer.hpp"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/base/text.hpp"
#include "common/log/log.hpp"
#include "common/member/header.hpp"
#include "workers/import/report.hpp"

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

// An organization's name as another organization's admin may see it: the ends kept, the middle hidden.
std::string MaskOrgName(const std::string& name) {
  std::vector<std::string> chars;
  for (std::size_t i = 0; i < name.size();) {
    std::size_t n = 1;
    const auto c = static_cast<unsigned char>(name[i]);
    if (c >= 0xF0)
      n = 4;
    else if (c >= 0xE0)
      n = 3;
    else if (c >= 0xC0)
      n = 2;
    chars.push_back(name.substr(i, n));
    i += n;
  }
  if (chars.size() <= 3) return chars.empty() ? "" : chars.front() + "**";
  std::string out = chars[0] + chars[1];
  for (std::size_t i = 2; i + 2 < chars.size(); ++i) out += "*";
  return out + chars[chars.size() - 2] + chars.back();
}

member::Date TodayInChina(const Clock& clock) {
  const auto local = clock.Now() + std::chrono::hours(8);
  return member::Date(std::chrono::floor<std::chrono::days>(local));
}

std::string_view CellText(const member::CellValue& c) {
  return c.text;
}

// Rows per INSERT: big enough that round trips don't matter, small enough to bound the arrays held at once.
constexpr std::size_t kInsertChunk = 10000;

struct Pending {
  std::int64_t row_number = 0;
  member::RowResult result;
  std::size_t sheet_row = 0;  // its index in the parsed sheet, whose cells the failure report repeats
  std::vector<member::Finding> failures;
  std::optional<std::int64_t> org_id;
};

}  // namespace

Config Config::From(config::Section& section) {
  Config c;
  section.Read("max_rows", c.limits.max_rows);
  section.Read("max_file_bytes", c.limits.max_file_bytes);
  section.Read("upload_window_days", c.upload_window_days);
  auto validation = section.Child("validation");
  c.validation = member::ValidationConfig::From(validation);
  section.RejectUnknown();
  return c;
}

SandboxedParser::SandboxedParser(std::string program, sandbox::Limits limits, int children)
    : pool_(std::move(program), {}, limits, children) {}

ParsedSheet SandboxedParser::Parse(std::string_view bytes) {
  const sandbox::Reply reply = pool_.Call(bytes);
  ParsedSheet out;
  if (reply.bytes) {
    if (auto decoded = Decode(*reply.bytes)) return std::move(*decoded);
  }
  log::Get("import")->warn("the spreadsheet reader failed on a file: {}", reply.bytes ? "garbled reply" : reply.detail);
  const bool timed_out = reply.failure == sandbox::Failure::kTimedOut;
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
    result.status = "FAILED";
    result.error_code = std::move(code);
    result.error_message = std::move(message);
    tx.Run("import_batch_finish", batch_id, "FAILED", 0, 0, 0, std::nullopt, result.error_code, result.error_message);
    return result;
  };

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

  ParsedSheet sheet = parser_.Parse(bytes);
  if (sheet.error) return fail(std::string(sheet.error->name()), sheet.error->message);

  // The header row: by name, not position, among the first rows.
  std::vector<std::vector<std::string>> first_rows;
  for (std::size_t i = 0; i < sheet.rows.size() && i < 5; ++i) {
    auto& texts = first_rows.emplace_back();
    for (const auto& c : sheet.rows[i].cells) texts.emplace_back(CellText(c));
  }
  const auto header_index = member::FindHeaderRow(layout_, first_rows);
  if (!header_index) {
    const auto finding = member::HeaderNotFound(layout_);
    return fail(finding.code, finding.message);
  }
  const auto match = member::MatchHeaderRow(layout_, first_rows[*header_index]);
  if (!match.ok()) {
    std::string message;
    for (const auto& e : match.errors) message += (message.empty() ? "" : "；") + e.message;
    return fail(match.errors.front().code, message);
  }
  const std::int64_t header_row = sheet.rows[*header_index].number;

  // Shapes that make rows unreliable are refused whole, before anything is imported.
  for (const auto& range : sheet.merged) {
    if (range.last_row > header_row) {
      return fail("MERGED_CELLS",
                  fmt::format("表格中 {} 是合并单元格。导入表格不能有合并单元格，请取消合并、每行填写完整后再导入。",
                              sheet::RangeName(range)));
    }
  }
  for (std::size_t i = *header_index + 1; i < sheet.rows.size(); ++i) {
    const auto& row = sheet.rows[i];
    if (row.hidden) {
      return fail("HIDDEN_ROWS",
                  fmt::format("表格第 {} 行是隐藏行。请取消隐藏、确认这些行的内容后再导入。", row.number));
    }
    for (std::size_t c = 0; c < row.cells.size(); ++c) {
      if (row.cells[c].kind == member::CellValue::Kind::kFormula) {
        return fail(
            "FORMULAS",
            fmt::format("表格第 {} 行 {} 列是公式，不是数值。请全选表格，复制后用“选择性粘贴 → 数值”粘贴，再导入。",
                        row.number, sheet::ColumnName(static_cast<int>(c))));
      }
    }
  }

  // Every row against the rules.
  member::ValidationConfig rules = config_.validation;
  const bool importer_is_branch = org_kind == "branch" || org_kind == "general_branch";
  rules.require_branch = !importer_is_branch;
  const member::Date today = TodayInChina(clock_);
  member::DuplicateTracker duplicates;
  std::vector<Pending> rows;
  const int total = static_cast<int>(sheet.rows.size() - *header_index - 1);
  rows.reserve(static_cast<std::size_t>(total));
  for (std::size_t i = *header_index + 1; i < sheet.rows.size(); ++i) {
    auto& cells = sheet.rows[i].cells;
    for (auto& c : cells) {
      if (c.kind == member::CellValue::Kind::kText) c.text = StripFormulaGuard(std::move(c.text));
    }
    const auto by_key = member::CellsByKey(match, cells);
    Pending p;
    p.row_number = sheet.rows[i].number;
    p.sheet_row = i;
    p.result = member::ValidateRow(layout_, by_key, rules, today, sheet.info.date1904);
    p.failures = p.result.failures;
    if (!p.result.member.id_card.empty()) {
      for (auto& f : duplicates.Add(static_cast<std::size_t>(p.row_number), p.result.member))
        p.failures.push_back(std::move(f));
    }
    rows.push_back(std::move(p));
    if (progress && rows.size() % 2000 == 0) progress(static_cast<int>(rows.size()), total);
  }

  // The branch of each row, inside the importer's own subtree.
  std::set<std::string> branch_names;
  for (const auto& p : rows) {
    if (p.result.member.branch) branch_names.insert(*p.result.member.branch);
  }
  std::map<std::string, std::vector<std::pair<std::int64_t, std::string>>> by_code;
  std::map<std::string, std::vector<std::pair<std::int64_t, std::string>>> by_name;
  if (!branch_names.empty()) {
    const auto found =
        tx.Run("import_branches", org_path, std::vector<std::string>(branch_names.begin(), branch_names.end()));
    for (std::size_t i = 0; i < found.size(); ++i) {
      by_code[found.Text(i, 1)].emplace_back(found.Int(i, 0), found.Text(i, 3));
      by_name[found.Text(i, 2)].emplace_back(found.Int(i, 0), found.Text(i, 3));
    }
  }
  for (auto& p : rows) {
    const auto& branch = p.result.member.branch;
    if (!branch) {
      if (importer_is_branch) p.org_id = importer_org;
      continue;
    }
    const auto* candidates = by_code.count(*branch)   ? &by_code[*branch]
                             : by_name.count(*branch) ? &by_name[*branch]
                                                      : nullptr;
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

  // ID numbers and development numbers already in the database.
  std::vector<std::string> ids;
  std::vector<std::string> numbers;
  for (const auto& p : rows) {
    if (!p.result.member.id_card.empty()) ids.push_back(p.result.member.id_card);
    if (p.result.member.dev_number) numbers.push_back(*p.result.member.dev_number);
  }
  std::map<std::string, std::pair<std::int64_t, std::string>> existing_ids;
  if (!ids.empty()) {
    const auto found = tx.Run("import_existing_ids", ids);
    for (std::size_t i = 0; i < found.size(); ++i) existing_ids[found.Text(i, 0)] = {found.Int(i, 1), found.Text(i, 2)};
  }
  std::unordered_map<std::string, std::string> number_holders;  // development number -> the holder's ID number
  if (!numbers.empty()) {
    const auto found = tx.Run("import_existing_dev_numbers", numbers);
    for (std::size_t i = 0; i < found.size(); ++i) number_holders[found.Text(i, 0)] = found.Text(i, 1);
  }
  for (auto& p : rows) {
    const auto& m = p.result.member;
    if (const auto it = existing_ids.find(m.id_card); it != existing_ids.end()) {
      if (p.org_id && it->second.first == *p.org_id) {
        p.failures.push_back({"ALREADY_IMPORTED", "id_card",
                              "该团员已在本团支部中，无需重复导入。请从表格中删除这一行。", MaskIdCard(m.id_card)});
      } else {
        p.failures.push_back(
            {"ID_IN_ANOTHER_ORG", "id_card",
             fmt::format("该身份证号码已是“{}”的团员。团员转到本组织应办理组织关系转接，不能重复导入。",
                         MaskOrgName(it->second.second)),
             MaskIdCard(m.id_card)});
      }
    }
    // A number held by this same person is the re-import ALREADY_IMPORTED reports, not a clash.
    const auto holder = m.dev_number ? number_holders.find(*m.dev_number) : number_holders.end();
    if (holder != number_holders.end() && holder->second != m.id_card) {
      p.failures.push_back(
          {"DEV_NUMBER_TAKEN", "dev_number",
           fmt::format("发展团员编号 {} 已被其他团员使用。请核对《入团志愿书》第 1 页上的编号。", *m.dev_number),
           *m.dev_number});
    }
  }

  // Import the valid rows: set-based statements of kInsertChunk rows each, so the worker holds one chunk's arrays
  // at a time.
  std::vector<const Pending*> valid;
  for (const auto& p : rows) {
    if (p.failures.empty()) valid.push_back(&p);
  }
  const auto deadline_of = [&](const member::Member& m) {
    return m.needs_e_archive
               ? pg::Value(member::FormatDate(
                     member::Date(std::chrono::sys_days(*m.joined_on) + std::chrono::days(config_.upload_window_days))))
               : pg::Value();
  };
  std::unordered_map<std::string, std::int64_t> member_ids;
  member_ids.reserve(valid.size());
  for (std::size_t start = 0; start < valid.size() && !result.dry_run; start += kInsertChunk) {
    const std::size_t end = std::min(valid.size(), start + kInsertChunk);
    std::vector<pg::Value> org_ids, names, id_cards, genders, ethnicities, births, joins, dev_numbers, phones,
        educations, statuses, deadlines;
    for (std::size_t i = start; i < end; ++i) {
      const auto& m = valid[i]->result.member;
      org_ids.push_back(std::to_string(*valid[i]->org_id));
      names.push_back(m.name);
      id_cards.push_back(m.id_card);
      genders.push_back(m.gender);
      ethnicities.push_back(m.ethnicity);
      births.push_back(m.birth_date ? pg::Value(member::FormatDate(*m.birth_date)) : pg::Value());
      joins.push_back(member::FormatDate(*m.joined_on));
      dev_numbers.push_back(m.dev_number);
      phones.push_back(m.phone);
      educations.push_back(m.education);
      statuses.push_back(m.needs_e_archive ? "NOT_UPLOADED" : "EXEMPT");
      deadlines.push_back(deadline_of(m));
    }
    const auto inserted = tx.Run("import_members_insert", org_ids, names, id_cards, genders, ethnicities, births, joins,
                                 dev_numbers, phones, educations, statuses, deadlines);
    for (std::size_t i = 0; i < inserted.size(); ++i) member_ids[inserted.Text(i, 1)] = inserted.Int(i, 0);
  }
  for (const Pending* p : valid) {
    const auto& m = p->result.member;
    if (!m.needs_e_archive) continue;
    result.needs_upload.push_back({result.dry_run ? 0 : member_ids[m.id_card], p->row_number, m.name,
                                   MaskIdCard(m.id_card), deadline_of(m).value_or("")});
  }

  // Record every row's outcome, and the failure report.
  std::vector<pg::Value> row_numbers, outcomes, row_members, codes, reasons;
  const auto flush_rows = [&] {
    if (!row_numbers.empty())
      tx.Run("import_rows_insert", batch_id, row_numbers, outcomes, row_members, codes, reasons);
    for (auto* column : {&row_numbers, &outcomes, &row_members, &codes, &reasons}) column->clear();
  };
  std::vector<FailedRow> failed_rows;
  for (const auto& p : rows) {
    RowOutcome outcome{p.row_number, p.failures.empty(), {}, {}};
    for (const auto& f : p.failures) {
      outcome.codes.push_back(f.code);
      outcome.reasons.push_back(f.message);
    }
    row_numbers.push_back(std::to_string(p.row_number));
    outcomes.push_back(outcome.imported ? "IMPORTED" : "FAILED");
    const auto id = member_ids.find(p.result.member.id_card);
    row_members.push_back(outcome.imported && id != member_ids.end() ? pg::Value(std::to_string(id->second))
                                                                     : pg::Value());
    codes.push_back(Join(outcome.codes));
    reasons.push_back(Join(outcome.reasons));
    if (outcome.imported) {
      ++result.imported;
    } else {
      ++result.failed;
      FailedRow& failed = failed_rows.emplace_back();
      failed.row_number = static_cast<int>(p.row_number);
      for (const auto& [key, cell] : member::CellsByKey(match, sheet.rows[p.sheet_row].cells))
        failed.cells[key] = cell.text;
      for (const auto& f : p.failures) {
        if (!f.column_key.empty()) failed.bad_columns.push_back(f.column_key);
        failed.reasons.push_back(f.message);
      }
    }
    result.rows.push_back(std::move(outcome));
    if (row_numbers.size() == kInsertChunk) flush_rows();
  }
  flush_rows();
  result.total = static_cast<int>(rows.size());
  if (!failed_rows.empty()) result.report_uri = blobs_.Put(WriteFailureReport(layout_, failed_rows)).uri;
  result.status = "DONE";
  tx.Run("import_batch_finish", batch_id, "DONE", result.total, result.imported, result.failed, result.report_uri,
         std::nullopt, std::nullopt);
  tx.Run("audit_record", std::nullopt, "import-worker", result.dry_run ? "member.import.dry_run" : "member.import",
         "import_batch", batch_id, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
         nlohmann::json{{"imported", result.imported}, {"failed", result.failed}}.dump());
  return result;
}

}  // namespace archive::import
