#pragma once

#include <string>

namespace archive::member {

// One thing the rules found: a row failure, a batch-level error (a column missing) or an informational note
// (a value that was accepted after a change the admin should know about).
struct Finding {
  std::string code;        // stable English machine code, e.g. "ID_CHECKSUM"
  std::string column_key;  // the template column it concerns, e.g. "id_card"; empty for the whole row or batch
  std::string message;     // Chinese, for the branch secretary: what is wrong and how to fix it in Excel
  // The value as the rules read or normalized it, for the failure sheet. An ID card number only ever appears
  // masked (archive::MaskIdCard).
  std::string value;

  friend bool operator==(const Finding&, const Finding&) = default;
};

}  // namespace archive::member
