#pragma once

#include <optional>
#include <string>

// The member rules' view of one spreadsheet cell. The sheet readers (xlsx, xls, csv) and the HTTP API adapt
// their own cells to this struct, so this library depends on none of them.
namespace archive::member {

struct CellValue {
  enum class Kind { kEmpty, kText, kNumber, kBool, kError, kFormulaNoValue };

  Kind kind = Kind::kEmpty;
  // The value as the file stores it:
  //   kText     the string;
  //   kNumber   the number as written in the file (xlsx <v>, or the reader's shortest round-trip form), e.g.
  //             "420106200801011000", "4.2010620080101101E+17", "45361" or "2024.03";
  //   kBool     "TRUE" or "FALSE";
  //   kError    the error literal, e.g. "#N/A";
  //   kFormulaNoValue  a formula saved without its result (one with a saved result comes as that result): the
  //             formula with its leading '=' when the reader has it, else empty.
  std::string text;
  std::string number_format;    // e.g. "General", "@", "0", "yyyy-mm-dd"; empty when unknown
  bool is_date_format = false;  // the reader decided number_format shows a date

  static CellValue Text(std::string text) { return {Kind::kText, std::move(text), "@", false}; }
  static CellValue Number(std::string raw, std::string format = "General", bool is_date = false) {
    return {Kind::kNumber, std::move(raw), std::move(format), is_date};
  }
  static CellValue FormulaNoValue(std::string formula) {
    return {Kind::kFormulaNoValue, std::move(formula), "", false};
  }
  static CellValue Error(std::string literal) { return {Kind::kError, std::move(literal), "", false}; }
  static CellValue Bool(bool value) { return {Kind::kBool, value ? "TRUE" : "FALSE", "", false}; }
};

// The value of a kNumber cell, parsed without regard to the locale; nullopt for any other kind or for text that
// is not a finite number.
std::optional<double> NumberOf(const CellValue& cell);

}  // namespace archive::member
