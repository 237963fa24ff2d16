#include "common/member/row.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/base/text.hpp"

namespace archive::member {

namespace {

std::string Q(std::string_view text) {
  return fmt::format("“{}”", text);
}

template <typename T>
std::optional<T> Take(FieldOutcome<T> outcome, RowResult& result) {
  result.failures.insert(result.failures.end(), outcome.failures.begin(), outcome.failures.end());
  result.notes.insert(result.notes.end(), outcome.notes.begin(), outcome.notes.end());
  return std::move(outcome.value);
}

bool HasFailure(const RowResult& result, std::string_view column_key) {
  return std::any_of(result.failures.begin(), result.failures.end(),
                     [&](const Finding& f) { return f.column_key == column_key; });
}

std::string ShowDate(const DateValue& value) {
  return value.precision == DatePrecision::kDay ? FormatDate(value.date) : FormatMonth(value.date);
}

struct Columns {
  const ColumnDef* id_card;
  const ColumnDef* gender;
  const ColumnDef* birth_date;
  const ColumnDef* joined_on;
  const ColumnDef* dev_number;
  const ColumnDef* branch;
};

void CheckAgainstId(const IdCardInfo& id, const std::optional<DateValue>& birth_cell, const Columns& c,
                    RowResult& result) {
  const std::string masked = MaskIdCard(id.number);
  const Member& m = result.member;
  if (birth_cell && c.birth_date != nullptr) {
    const bool same = birth_cell->precision == DatePrecision::kDay ? birth_cell->date == id.birth
                                                                   : (birth_cell->date.year() == id.birth.year() &&
                                                                      birth_cell->date.month() == id.birth.month());
    if (!same) {
      result.failures.push_back(
          {std::string(codes::kIdBirthMismatch), c.birth_date->key,
           fmt::format(
               "{}（{}）与{}（{}）中的出生日期 {} 不一致。一般以身份证为准：请改正{}（也可以不填，系统会按身份证号码"
               "填写）；如果是身份证号码填错了，请改正号码。",
               Q(c.birth_date->header), ShowDate(*birth_cell), Q(c.id_card->header), masked, FormatDate(id.birth),
               Q(c.birth_date->header)),
           masked});
    }
  }
  if (m.gender && c.gender != nullptr) {
    const std::string from_id = id.male ? "男" : "女";
    if (*m.gender != from_id) {
      result.failures.push_back(
          {std::string(codes::kIdSexMismatch), c.gender->key,
           fmt::format("{}填写为{}，但{}（{}）对应的性别是{}。请改正{}（也可以不填，系统会按身份证号码填写）；"
                       "如果是身份证号码填错了，请改正号码。",
                       Q(c.gender->header), Q(*m.gender), Q(c.id_card->header), masked, Q(from_id),
                       Q(c.gender->header)),
           masked});
    }
  }
}

void CheckAge(const Date& birth, const DateValue& joined, const ValidationConfig& config, const Columns& c,
              RowResult& result) {
  // A month-only admission date could be any day of that month; only fail when every day would.
  const Date earliest = joined.date;
  const Date latest = joined.precision == DatePrecision::kMonth ? EndOfMonth(joined.date) : joined.date;
  if (latest < birth) {
    result.failures.push_back({std::string(codes::kJoinedBeforeBirth), c.joined_on->key,
                               fmt::format("{}（{}）早于出生日期（{}）。请核对后改正。", Q(c.joined_on->header),
                                           ShowDate(joined), FormatDate(birth)),
                               ShowDate(joined)});
    return;
  }
  const int oldest = AgeOn(birth, latest);
  const int youngest = AgeOn(birth, earliest);
  if (oldest >= config.min_join_age && youngest <= config.max_join_age) return;
  const int age = oldest < config.min_join_age ? oldest : youngest;
  result.failures.push_back(
      {std::string(codes::kAgeOutOfRange), c.joined_on->key,
       fmt::format("入团时的年龄为 {} 周岁（出生日期 {}，{} {}），不在 {}–{} 周岁之间。请核对{}和{}是否填写正确。", age,
                   FormatDate(birth), c.joined_on->header, ShowDate(joined), config.min_join_age, config.max_join_age,
                   Q(c.joined_on->header), Q(c.id_card->header)),
       ShowDate(joined)});
}

}  // namespace

RowResult ValidateRow(const MemberTemplate& tmpl, const std::map<std::string, CellValue>& cells,
                      const ValidationConfig& config, const Date& today, bool date1904) {
  RowResult result;
  Member& m = result.member;
  const CellValue empty;
  const auto cell_of = [&](const std::string& key) -> const CellValue& {
    const auto it = cells.find(key);
    return it == cells.end() ? empty : it->second;
  };
  const Columns c{tmpl.Find("id_card"),   tmpl.Find("gender"),     tmpl.Find("birth_date"),
                  tmpl.Find("joined_on"), tmpl.Find("dev_number"), tmpl.Find("branch")};

  std::optional<IdCardInfo> id;
  std::optional<DateValue> birth_cell;
  std::optional<DateValue> joined;
  for (const ColumnDef& column : tmpl.columns()) {
    const CellValue& cell = cell_of(column.key);
    const std::string& key = column.key;
    switch (column.kind) {
      case ColumnKind::kIdCard:
        id = Take(ValidateIdCard(cell, column, today), result);
        if (id) m.id_card = id->number;
        break;
      case ColumnKind::kDate: {
        auto value = Take(ValidateDate(cell, column, date1904, today), result);
        if (key == "joined_on") {
          joined = value;
        } else if (key == "birth_date") {
          birth_cell = value;
        } else if (value) {
          m.other[key] = FormatDate(value->date);
        }
        break;
      }
      case ColumnKind::kEnum: {
        auto value = Take(ValidateEnum(cell, column), result);
        if (!value) break;
        if (key == "gender") {
          m.gender = value;
        } else if (key == "ethnicity") {
          m.ethnicity = value;
        } else if (key == "education") {
          m.education = value;
        } else if (key == "political_status") {
          m.political_status = value;
        } else if (key == "is_cadre") {
          m.is_cadre = *value == "是";
        } else {
          m.other[key] = *value;
        }
        break;
      }
      case ColumnKind::kPhone: {
        auto value = Take(ValidatePhone(cell, column), result);
        if (key == "phone") {
          m.phone = value;
        } else if (value) {
          m.other[key] = *value;
        }
        break;
      }
      case ColumnKind::kDevNumber:
        m.dev_number = Take(ValidateDevNumber(cell, column, config), result);
        break;
      case ColumnKind::kText:
      case ColumnKind::kOrgRef: {
        auto value = Take(ValidateText(cell, column), result);
        if (key == "name") {
          if (value) m.name = *value;
        } else if (key == "branch") {
          m.branch = value;
        } else if (key == "cadre_post") {
          m.cadre_post = value;
        } else if (value) {
          m.other[key] = *value;
        }
        break;
      }
    }
  }

  if (id) {
    CheckAgainstId(*id, birth_cell, c, result);
    // The ID gives the exact birth date, so a month-only 出生年月 needs no note.
    std::erase_if(result.notes,
                  [](const Finding& n) { return n.column_key == "birth_date" && n.code == codes::kDateMonthOnly; });
    m.birth_date = id->birth;
    if (!m.gender) m.gender = id->male ? "男" : "女";
  } else if (birth_cell) {
    m.birth_date = birth_cell->date;
  }

  if (joined) {
    m.joined_on = joined->date;
    m.joined_on_month_only = joined->precision == DatePrecision::kMonth;
    m.needs_e_archive = joined->date >= config.e_archive_required_from;
    if (m.birth_date) CheckAge(*m.birth_date, *joined, config, c, result);
    if (m.dev_number) {
      auto year = CheckDevNumberYear(*m.dev_number, *joined, *c.dev_number, *c.joined_on);
      result.failures.insert(result.failures.end(), year.begin(), year.end());
    } else if (c.dev_number != nullptr && joined->date >= config.dev_number_required_from &&
               !HasFailure(result, c.dev_number->key)) {
      result.failures.push_back(
          {std::string(codes::kRequiredMissing), c.dev_number->key,
           fmt::format("{} 及以后入团的团员必须填写{}（12 位，与《入团志愿书》首页的编号一致）。请补填后重新导入。",
                       FormatDate(config.dev_number_required_from), Q(c.dev_number->header)),
           ""});
    }
  }

  if (config.require_branch && c.branch != nullptr && !m.branch && !HasFailure(result, c.branch->key)) {
    result.failures.push_back(
        {std::string(codes::kRequiredMissing), c.branch->key,
         fmt::format("由团委、团工委或团总支导入时必须填写{}（团支部全称或组织编码）。请补填后重新导入。",
                     Q(c.branch->header)),
         ""});
  }
  return result;
}

void DuplicateTracker::Reserve(std::size_t rows) {
  id_rows_.reserve(rows);
  dev_number_rows_.reserve(rows);
}

std::vector<Finding> DuplicateTracker::Add(std::size_t row_number, const Member& member) {
  std::vector<Finding> found;
  if (!member.id_card.empty()) {
    const auto [it, inserted] = id_rows_.emplace(member.id_card, row_number);
    if (!inserted) {
      const std::string masked = MaskIdCard(member.id_card);
      found.push_back({std::string(codes::kDuplicateIdInFile), "id_card",
                       fmt::format("身份证号码（{}）与第 {} 行重复。同一名团员只能导入一次，请删除重复的行；"
                                   "如果是号码填错了，请改正。",
                                   masked, it->second),
                       masked});
    }
  }
  if (member.dev_number && !member.dev_number->empty()) {
    const auto [it, inserted] = dev_number_rows_.emplace(*member.dev_number, row_number);
    if (!inserted) {
      found.push_back({std::string(codes::kDuplicateDevNumberInFile), "dev_number",
                       fmt::format("发展团员编号 {} 与第 {} 行重复。每名团员的编号都不相同，请对照《入团志愿书》首页"
                                   "改正。",
                                   *member.dev_number, it->second),
                       *member.dev_number});
    }
  }
  return found;
}

}  // namespace archive::member
