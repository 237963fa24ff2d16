#pragma once

#include <optional>
#include <string>
#include <string_view>

// The development number (发展团员编号, R9) read on page 1, and why it differs from the record.
namespace archive::prereview {

// Picks the 12-digit number out of what a digits-only OCR of the number box returned: the label "编号：" may
// come back as stray digits before it, so the rightmost 12 digits that start with "20" (R9: the first four are
// the admission year) win. nullopt when there are none: a read like 9023... is a misread "2", not a number to
// blame the record with.
std::optional<std::string> ExtractNumber(std::string_view digits);

struct NumberDiagnosis {
  // "swapped_digits", "one_digit_off", "wrong_year", "different"; the worker adds "other_member".
  std::string cause;
  // Chinese, says which side (the record or the PDF) is likely wrong when that can be told.
  std::string text;
};

// Why `read` (from the PDF) differs from `record` (the member's record). admission_year, when known, tells a
// wrong year on the PDF from a wrong year in the record.
NumberDiagnosis DiagnoseNumber(std::string_view read, std::string_view record, std::optional<int> admission_year);

}  // namespace archive::prereview
