#include "common/member/template.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "common/member/header.hpp"

namespace archive::embedded {
const std::map<std::string, std::string_view, std::less<>>& import_templates();
}  // namespace archive::embedded

namespace archive::member {

namespace {

using nlohmann::json;

const std::set<std::string, std::less<>> kTopFields = {"$comment", "template",   "version",
                                                       "title",    "sheet_name", "columns"};
const std::set<std::string, std::less<>> kColumnFields = {
    "$comment",       "key",         "header",     "aliases",     "required",    "kind",   "values", "value_aliases",
    "implied_suffix", "person_name", "max_length", "text_format", "description", "example"};

std::optional<ColumnKind> KindFromName(std::string_view name) {
  for (ColumnKind kind : {ColumnKind::kText, ColumnKind::kIdCard, ColumnKind::kDate, ColumnKind::kEnum,
                          ColumnKind::kPhone, ColumnKind::kDevNumber, ColumnKind::kOrgRef}) {
    if (KindName(kind) == name) return kind;
  }
  return std::nullopt;
}

bool IsSnakeCase(std::string_view key) {
  if (key.empty() || key.front() < 'a' || key.front() > 'z') return false;
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

template <typename T>
T Get(const json& object, const char* field, const std::string& where, T fallback) {
  const auto it = object.find(field);
  if (it == object.end()) return fallback;
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw TemplateError(fmt::format("member template: {}.{} has the wrong type", where, field));
  }
}

void RejectUnknown(const json& object, const std::set<std::string, std::less<>>& known, const std::string& where) {
  for (const auto& [name, value] : object.items()) {
    if (!known.contains(name))
      throw TemplateError(fmt::format("member template: {} has unknown field \"{}\"", where, name));
  }
}

ColumnDef ParseColumn(const json& value, std::size_t index) {
  std::string where = fmt::format("columns[{}]", index);
  if (!value.is_object()) throw TemplateError(fmt::format("member template: {} is not an object", where));
  ColumnDef c;
  c.key = Get<std::string>(value, "key", where, "");
  if (!IsSnakeCase(c.key)) throw TemplateError(fmt::format("member template: {}.key must be snake_case", where));
  where = fmt::format("column \"{}\"", c.key);
  RejectUnknown(value, kColumnFields, where);
  c.header = Get<std::string>(value, "header", where, "");
  if (c.header.empty()) throw TemplateError(fmt::format("member template: {} has no header", where));
  c.aliases = Get<std::vector<std::string>>(value, "aliases", where, {});
  c.required = Get<bool>(value, "required", where, false);
  const std::string kind = Get<std::string>(value, "kind", where, "");
  const auto parsed_kind = KindFromName(kind);
  if (!parsed_kind) throw TemplateError(fmt::format("member template: {} has unknown kind \"{}\"", where, kind));
  c.kind = *parsed_kind;
  c.values = Get<std::vector<std::string>>(value, "values", where, {});
  c.value_aliases = Get<std::map<std::string, std::string>>(value, "value_aliases", where, {});
  c.implied_suffix = Get<std::string>(value, "implied_suffix", where, "");
  c.person_name = Get<bool>(value, "person_name", where, false);
  c.max_length = Get<int>(value, "max_length", where, 0);
  c.text_format = Get<bool>(value, "text_format", where, false);
  c.description = Get<std::string>(value, "description", where, "");
  c.example = Get<std::string>(value, "example", where, "");
  if (c.max_length < 0) throw TemplateError(fmt::format("member template: {}.max_length is negative", where));
  if (c.kind == ColumnKind::kEnum) {
    if (c.values.empty()) throw TemplateError(fmt::format("member template: {} is an enum without values", where));
    const std::set<std::string> values(c.values.begin(), c.values.end());
    if (values.size() != c.values.size()) {
      throw TemplateError(fmt::format("member template: {} lists a value twice", where));
    }
    for (const auto& [alias, target] : c.value_aliases) {
      if (!values.contains(target)) {
        throw TemplateError(fmt::format("member template: {}.value_aliases maps \"{}\" to \"{}\", which is not a value",
                                        where, alias, target));
      }
    }
  } else if (!c.values.empty() || !c.value_aliases.empty() || !c.implied_suffix.empty()) {
    throw TemplateError(fmt::format("member template: {} has values but is not an enum", where));
  }
  if (c.person_name && c.kind != ColumnKind::kText) {
    throw TemplateError(fmt::format("member template: {}.person_name needs kind text", where));
  }
  return c;
}

// The columns the row rules read by key, with the kind each must have.
struct Expected {
  std::string_view key;
  ColumnKind kind;
  bool must_exist;
};
constexpr Expected kExpected[] = {
    {"name", ColumnKind::kText, true},
    {"id_card", ColumnKind::kIdCard, true},
    {"joined_on", ColumnKind::kDate, true},
    {"birth_date", ColumnKind::kDate, false},
    {"gender", ColumnKind::kEnum, false},
    {"ethnicity", ColumnKind::kEnum, false},
    {"dev_number", ColumnKind::kDevNumber, false},
    {"branch", ColumnKind::kOrgRef, false},
    {"phone", ColumnKind::kPhone, false},
    {"education", ColumnKind::kEnum, false},
    {"political_status", ColumnKind::kEnum, false},
    {"is_cadre", ColumnKind::kEnum, false},
};

}  // namespace

std::string_view KindName(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kText:
      return "text";
    case ColumnKind::kIdCard:
      return "id_card";
    case ColumnKind::kDate:
      return "date";
    case ColumnKind::kEnum:
      return "enum";
    case ColumnKind::kPhone:
      return "phone";
    case ColumnKind::kDevNumber:
      return "dev_number";
    case ColumnKind::kOrgRef:
      return "org_ref";
  }
  return "unknown";
}

MemberTemplate MemberTemplate::Parse(std::string_view json_text) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::exception& e) {
    throw TemplateError(fmt::format("member template: invalid JSON: {}", e.what()));
  }
  if (!doc.is_object()) throw TemplateError("member template: the document is not an object");
  RejectUnknown(doc, kTopFields, "the document");
  MemberTemplate t;
  t.title_ = Get<std::string>(doc, "title", "the document", "");
  t.sheet_name_ = Get<std::string>(doc, "sheet_name", "the document", "");
  t.version_ = Get<int>(doc, "version", "the document", 0);
  const auto columns = doc.find("columns");
  if (columns == doc.end() || !columns->is_array() || columns->empty()) {
    throw TemplateError("member template: \"columns\" must be a non-empty array");
  }
  for (std::size_t i = 0; i < columns->size(); ++i) {
    ColumnDef column = ParseColumn((*columns)[i], i);
    if (t.Find(column.key) != nullptr) {
      throw TemplateError(fmt::format("member template: column key \"{}\" appears twice", column.key));
    }
    std::vector<std::string> names = column.aliases;
    names.insert(names.begin(), column.header);
    for (const std::string& name : names) {
      const std::string key = HeaderKey(name);
      if (key.empty())
        throw TemplateError(fmt::format("member template: column \"{}\" has an empty alias", column.key));
      const auto [it, inserted] = t.by_header_.emplace(key, t.columns_.size());
      if (!inserted && it->second != t.columns_.size()) {
        throw TemplateError(fmt::format("member template: header \"{}\" of column \"{}\" also matches column \"{}\"",
                                        name, column.key, t.columns_[it->second].key));
      }
    }
    t.columns_.push_back(std::move(column));
  }
  for (const Expected& expected : kExpected) {
    const ColumnDef* column = t.Find(expected.key);
    if (column == nullptr) {
      if (expected.must_exist)
        throw TemplateError(fmt::format("member template: column \"{}\" is missing", expected.key));
      continue;
    }
    if (column->kind != expected.kind) {
      throw TemplateError(
          fmt::format("member template: column \"{}\" must have kind \"{}\"", expected.key, KindName(expected.kind)));
    }
  }
  for (ColumnKind single : {ColumnKind::kIdCard, ColumnKind::kDevNumber}) {
    const auto count =
        std::count_if(t.columns_.begin(), t.columns_.end(), [single](const ColumnDef& c) { return c.kind == single; });
    if (count > 1) {
      throw TemplateError(fmt::format("member template: only one column may have kind \"{}\"", KindName(single)));
    }
  }
  if (const ColumnDef* gender = t.Find("gender")) {
    for (const std::string& v : gender->values) {
      if (v != "男" && v != "女") throw TemplateError("member template: column \"gender\" may only list 男 and 女");
    }
  }
  if (const ColumnDef* cadre = t.Find("is_cadre")) {
    for (const std::string& v : cadre->values) {
      if (v != "是" && v != "否") throw TemplateError("member template: column \"is_cadre\" may only list 是 and 否");
    }
  }
  return t;
}

const ColumnDef* MemberTemplate::Find(std::string_view key) const {
  for (const ColumnDef& column : columns_) {
    if (column.key == key) return &column;
  }
  return nullptr;
}

const ColumnDef* MemberTemplate::MatchHeader(std::string_view header_cell) const {
  std::string key = HeaderKey(header_cell);
  if (key.empty()) return nullptr;
  if (const auto it = by_header_.find(key); it != by_header_.end()) return &columns_[it->second];
  // A header with an explanation appended, e.g. "入团年月(格式:2024-05)": try it without the last bracket group.
  for (const auto& [open, close] :
       {std::pair<std::string_view, std::string_view>{"(", ")"}, {"【", "】"}, {"[", "]"}}) {
    if (key.size() > close.size() && key.ends_with(close)) {
      const std::size_t at = key.rfind(open);
      if (at != std::string::npos && at > 0) {
        const std::string shorter = HeaderKey(key.substr(0, at));
        if (const auto it = by_header_.find(shorter); it != by_header_.end()) return &columns_[it->second];
      }
    }
  }
  return nullptr;
}

std::optional<std::string_view> EmbeddedImportFile(std::string_view name) {
  const auto& files = embedded::import_templates();
  const auto it = files.find(name);
  if (it == files.end()) return std::nullopt;
  return it->second;
}

MemberTemplate BuiltinMemberTemplate() {
  const auto text = EmbeddedImportFile("member_template.json");
  if (!text) throw TemplateError("member template: schemas/import/member_template.json is not embedded");
  return MemberTemplate::Parse(*text);
}

}  // namespace archive::member
