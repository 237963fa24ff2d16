#include "common/member/header.hpp"

#include <fmt/format.h>

#include <set>

#include "common/member/normalize.hpp"

namespace archive::member {

namespace {

// Markers admins and template authors append to headers; compared after FoldForMatch, so full-width brackets
// have already become ASCII.
constexpr std::string_view kMarkers[] = {"(必填)", "(必填项)", "[必填]",   "【必填】", "(选填)",  "(选填项)",
                                         "[选填]", "【选填】", "(非必填)", "(可选)",   "(可不填)"};

bool StripSuffix(std::string& s, std::string_view suffix) {
  if (s.size() >= suffix.size() && std::string_view(s).substr(s.size() - suffix.size()) == suffix) {
    s.resize(s.size() - suffix.size());
    return true;
  }
  return false;
}

std::string Quote(std::string_view text) {
  return fmt::format("“{}”", text);
}

}  // namespace

std::string HeaderKey(std::string_view header_cell) {
  std::string key = FoldForMatch(header_cell);
  for (bool changed = true; changed && !key.empty();) {
    changed = false;
    while (!key.empty() && key.front() == '*') {
      key.erase(key.begin());
      changed = true;
    }
    changed = StripSuffix(key, "*") || changed;
    changed = StripSuffix(key, ":") || changed;
    for (std::string_view marker : kMarkers) changed = StripSuffix(key, marker) || changed;
  }
  return key;
}

HeaderMatch MatchHeaderRow(const MemberTemplate& tmpl, const std::vector<std::string>& header_cells) {
  HeaderMatch match;
  match.key_at.resize(header_cells.size());
  for (std::size_t i = 0; i < header_cells.size(); ++i) {
    const std::string shown = CleanText(header_cells[i]);
    if (shown.empty()) continue;
    const ColumnDef* column = tmpl.MatchHeader(header_cells[i]);
    if (column == nullptr) {
      match.notes.push_back(
          {std::string(kUnknownColumn), "",
           fmt::format("第 {} 列{}不是导入模板中的列，导入时已忽略。", ColumnLetters(i), Quote(shown)), shown});
      continue;
    }
    const auto [it, inserted] = match.position_of.emplace(column->key, i);
    if (!inserted) {
      const std::size_t first = it->second;
      match.errors.push_back(
          {std::string(kDuplicateColumn), column->key,
           fmt::format(
               "第 {} 列{}和第 {} 列{}都是{}列，系统无法判断以哪一列为准。请删除多余的一列（或改正表头）后重新导入。",
               ColumnLetters(first), Quote(CleanText(header_cells[first])), ColumnLetters(i), Quote(shown),
               Quote(column->header)),
           column->header});
      continue;
    }
    match.key_at[i] = column->key;
  }
  for (const ColumnDef& column : tmpl.columns()) {
    if (!column.required || match.position_of.contains(column.key)) continue;
    match.errors.push_back(
        {std::string(kMissingColumn), column.key,
         fmt::format("表格中缺少{}列（必填）。请使用系统提供的导入模板，或在表头行补上名为{}的一列后重新导入。",
                     Quote(column.header), Quote(column.header)),
         column.header});
  }
  return match;
}

std::optional<std::size_t> FindHeaderRow(const MemberTemplate& tmpl, const std::vector<std::vector<std::string>>& rows,
                                         std::size_t max_rows) {
  std::optional<std::size_t> best;
  std::size_t best_score = 0;
  for (std::size_t r = 0; r < rows.size() && r < max_rows; ++r) {
    std::set<std::string> keys;
    bool has_required = false;
    for (const std::string& cell : rows[r]) {
      const ColumnDef* column = tmpl.MatchHeader(cell);
      if (column == nullptr) continue;
      keys.insert(column->key);
      has_required = has_required || column->required;
    }
    if (keys.size() >= 2 && has_required && keys.size() > best_score) {
      best = r;
      best_score = keys.size();
    }
  }
  return best;
}

Finding HeaderNotFound(const MemberTemplate& tmpl) {
  std::string names;
  int shown = 0;
  for (const ColumnDef& column : tmpl.columns()) {
    if (!column.required || shown == 3) continue;
    names += Quote(column.header);
    ++shown;
  }
  return {std::string(kHeaderNotFound), "",
          fmt::format(
              "没有找到表头行（应包含{}等列名）。请使用系统提供的导入模板，表头放在前 5 行之内，不要删除或改动表头。",
              names),
          ""};
}

std::map<std::string, CellValue> CellsByKey(const HeaderMatch& match, const std::vector<CellValue>& row) {
  std::map<std::string, CellValue> cells;
  for (std::size_t i = 0; i < row.size() && i < match.key_at.size(); ++i) {
    if (!match.key_at[i].empty()) cells.emplace(match.key_at[i], row[i]);
  }
  return cells;
}

}  // namespace archive::member
