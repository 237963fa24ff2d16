#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/member/cell.hpp"
#include "common/member/date.hpp"
#include "common/member/fields.hpp"
#include "common/member/finding.hpp"
#include "common/member/template.hpp"
#include "common/member/validation_config.hpp"

// One member row: every field rule plus the rules that span fields. Checks that need the database (an ID or
// development number already in use, the branch's existence and the importer's scope) belong to the import
// worker; duplicates inside one file are caught by DuplicateTracker.
namespace archive::member {

// A member as the row describes it, normalized. Fields are unset when the cell was empty or failed its rule.
struct Member {
  std::string name;
  std::string id_card;                // 18 characters, upper-case X
  std::optional<std::string> gender;  // 男/女; from the ID number when the cell is empty
  std::optional<std::string> ethnicity;
  std::optional<Date> birth_date;  // from the ID number when it is valid (the ID is authoritative)
  std::optional<Date> joined_on;   // 入团年月; a month-only input is the 1st of the month
  bool joined_on_month_only = false;
  std::optional<std::string> dev_number;
  std::optional<std::string> branch;  // 所在团支部, name or code as typed (compare with FoldForMatch)
  std::optional<std::string> phone;   // 11 digits
  std::optional<std::string> education;
  std::optional<std::string> political_status;
  std::optional<bool> is_cadre;
  std::optional<std::string> cadre_post;
  std::map<std::string, std::string> other;  // template columns without a field here, by key, normalized text
  bool needs_e_archive = false;              // R1: admitted on or after config.e_archive_required_from
};

struct RowResult {
  Member member;
  std::vector<Finding> failures;  // empty: the row may be imported
  std::vector<Finding> notes;     // informational, e.g. a converted Excel serial date

  bool ok() const { return failures.empty(); }
};

// Validates one data row. `cells` maps column keys to cells (CellsByKey); an absent key reads as an empty cell and
// keys the template does not know are ignored. `today` bounds dates (DATE_FUTURE); `date1904` is the workbook's
// date system. Beyond the field rules (fields.hpp) it checks:
//   ID_BIRTH_MISMATCH / ID_SEX_MISMATCH  出生年月 / 性别 disagree with the ID number (month-only birth dates compare
//                                        year and month);
//   JOINED_BEFORE_BIRTH, AGE_OUT_OF_RANGE  the age at admission, in full years, within [min_join_age, max_join_age]
//                                        (for a month-only admission date any day of that month is given the benefit);
//   DEV_NUMBER_YEAR                      R9;
//   REQUIRED_MISSING                     发展团员编号 for members admitted on or after dev_number_required_from, and
//                                        所在团支部 when config.require_branch.
// Pure and thread-safe.
RowResult ValidateRow(const MemberTemplate& tmpl, const std::map<std::string, CellValue>& cells,
                      const ValidationConfig& config, const Date& today, bool date1904);

// Duplicates within one file: the same ID number or development number on two rows. Not thread-safe: one tracker
// per batch, fed rows in file order. Memory grows with the rows added (two short strings each).
class DuplicateTracker {
 public:
  // Records the member's ID number and development number (when set) for `row_number` (the row number the admin
  // sees in Excel) and returns DUPLICATE_ID_IN_FILE / DUPLICATE_DEV_NUMBER_IN_FILE naming the first row where a
  // value was seen. A value keeps its first row.
  std::vector<Finding> Add(std::size_t row_number, const Member& member);
  // Makes room for the numbers of `rows` rows at once, so that the sets are not rebuilt as they grow.
  void Reserve(std::size_t rows);

 private:
  std::unordered_map<std::string, std::size_t> id_rows_;
  std::unordered_map<std::string, std::size_t> dev_number_rows_;
};

}  // namespace archive::member
