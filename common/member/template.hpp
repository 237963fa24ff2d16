#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// The column layout of the member import template (schemas/import/member_template.json), compiled into the
// binary and parsed once at start-up.
namespace archive::member {

// The template file is malformed: a defect of the build, not of any user's input. The message names the column
// and the field to fix.
class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class ColumnKind { kText, kIdCard, kDate, kEnum, kPhone, kDevNumber, kOrgRef };

struct ColumnDef {
  std::string key;                   // stable English snake_case, e.g. "id_card"
  std::string header;                // the official Chinese header, e.g. "身份证号码"
  std::vector<std::string> aliases;  // other headers accepted for this column, e.g. "身份证号"
  bool required = false;             // the cell must not be empty (and the column must be present)
  ColumnKind kind = ColumnKind::kText;
  std::vector<std::string> values;                   // kEnum: the allowed values, in the template's order
  std::map<std::string, std::string> value_aliases;  // kEnum: accepted spellings -> allowed value
  std::string implied_suffix;  // kEnum: a value missing only this suffix is accepted, e.g. "汉" for "汉族"
  bool person_name = false;    // kText: the person's name rules (no digits, symbols or control characters)
  int max_length = 0;          // in characters (code points); 0 means no limit
  bool text_format = false;    // the template formats the column as 文本 so Excel keeps every digit
  std::string description;     // Chinese, for the instructions sheet
  std::string example;         // a sample value for the instructions sheet; may be empty
};

// A parsed template. Immutable after Parse, so one instance may be shared by many threads.
class MemberTemplate {
 public:
  // Parses the JSON text of a template. Throws TemplateError for malformed JSON, unknown fields, an unknown kind,
  // duplicate keys, headers or aliases that would match more than one column, an enum without values, or when a
  // column the row rules rely on (name, id_card, joined_on, ...) is absent or has another kind.
  static MemberTemplate Parse(std::string_view json_text);

  const std::string& title() const { return title_; }
  const std::string& sheet_name() const { return sheet_name_; }
  int version() const { return version_; }
  const std::vector<ColumnDef>& columns() const { return columns_; }

  // The column with this key, or nullptr.
  const ColumnDef* Find(std::string_view key) const;
  // The column whose header or alias matches a header cell after the tolerant normalization of HeaderKey
  // (header.hpp); nullptr when none does.
  const ColumnDef* MatchHeader(std::string_view header_cell) const;

 private:
  std::string title_;
  std::string sheet_name_;
  int version_ = 0;
  std::vector<ColumnDef> columns_;
  std::map<std::string, std::size_t, std::less<>> by_header_;  // HeaderKey(header or alias) -> column index
};

// The template compiled into this binary from schemas/import/member_template.json. Parses on every call, so
// call it once at start-up and keep the result; throws TemplateError if the embedded file is broken.
MemberTemplate BuiltinMemberTemplate();

// The embedded text of schemas/import/<name>, e.g. "member_template.json"; nullopt when there is no such file.
std::optional<std::string_view> EmbeddedImportFile(std::string_view name);

std::string_view KindName(ColumnKind kind);

}  // namespace archive::member
