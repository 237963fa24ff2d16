#include "common/events/schema.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <compare>
#include <cstdint>
#include <regex>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace archive::events {

namespace {

using nlohmann::json;

enum TypeBit : unsigned {
  kObjectBit = 1U << 0U,
  kArrayBit = 1U << 1U,
  kStringBit = 1U << 2U,
  kIntegerBit = 1U << 3U,
  kNumberBit = 1U << 4U,
  kBooleanBit = 1U << 5U,
  kNullBit = 1U << 6U,
};

struct TypeName {
  std::string_view name;
  unsigned bit;
};

constexpr std::array<TypeName, 7> kTypeNames{{
    {"object", kObjectBit},
    {"array", kArrayBit},
    {"string", kStringBit},
    {"integer", kIntegerBit},
    {"number", kNumberBit},
    {"boolean", kBooleanBit},
    {"null", kNullBit},
}};

enum class Format { kNone, kDateTime, kDate, kUuid };

constexpr std::array<std::string_view, 6> kIgnoredKeywords{"$schema",     "$id",      "title",
                                                           "description", "$comment", "examples"};

constexpr std::string_view kSupportedKeywords =
    "type, properties, required, additionalProperties, enum, const, pattern, minLength, maxLength, minimum, "
    "maximum, items, minItems, maxItems, format";

// The longest property name, in bytes, that a violation pointer repeats from the validated value.
constexpr std::size_t kMaxKeyInPointer = 64;

// Enum and const values are listed in messages only while the list stays this short.
constexpr std::size_t kMaxListedValuesLength = 160;

}  // namespace

namespace detail {

struct SchemaNode {
  struct Property {
    std::string name;
    std::unique_ptr<SchemaNode> schema;
  };

  bool rejects_everything = false;
  unsigned types = 0;                // 0: any type.
  std::vector<Property> properties;  // Sorted by name.
  std::vector<std::string> required;
  bool additional_properties = true;
  std::optional<std::vector<json>> enum_values;
  std::optional<json> const_value;
  std::string pattern_source;
  std::optional<std::regex> pattern;
  std::optional<std::size_t> min_length;
  std::optional<std::size_t> max_length;
  std::optional<json> minimum;
  std::optional<json> maximum;
  std::unique_ptr<SchemaNode> items;
  std::optional<std::size_t> min_items;
  std::optional<std::size_t> max_items;
  Format format = Format::kNone;
};

}  // namespace detail

namespace {

using detail::SchemaNode;

std::string Where(const std::string& pointer) {
  return pointer.empty() ? "(root)" : pointer;
}

void AppendPointerToken(std::string& pointer, std::string_view token) {
  pointer += '/';
  for (const char c : token) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer += c;
    }
  }
}

// A property name that comes from the validated value rather than from the schema: bounded and printable, so a
// hostile name can neither flood a log line nor break it.
void AppendValueKey(std::string& pointer, std::string_view key) {
  std::string safe;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto byte = static_cast<unsigned char>(key[i]);
    const bool starts_code_point = (byte & 0xC0U) != 0x80U;
    if (starts_code_point && i >= kMaxKeyInPointer) {
      safe += "...";
      break;
    }
    safe += (byte < 0x20U || byte == 0x7FU) ? '?' : key[i];
  }
  AppendPointerToken(pointer, safe);
}

std::size_t CountCodePoints(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

bool IsIntegral(const json& value) {
  if (value.is_number_integer()) {
    return true;
  }
  if (!value.is_number_float()) {
    return false;
  }
  const double number = value.get<double>();
  return std::isfinite(number) && std::trunc(number) == number;
}

unsigned TypeBitsOf(const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      return kObjectBit;
    case json::value_t::array:
      return kArrayBit;
    case json::value_t::string:
      return kStringBit;
    case json::value_t::boolean:
      return kBooleanBit;
    case json::value_t::null:
      return kNullBit;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return IsIntegral(value) ? (kIntegerBit | kNumberBit) : kNumberBit;
    case json::value_t::binary:
    case json::value_t::discarded:
      return 0;
  }
  return 0;
}

std::string_view TypeNameOf(const json& value) {
  const unsigned bits = TypeBitsOf(value);
  for (const auto& type : kTypeNames) {
    if ((bits & type.bit) != 0) {
      return type.name;
    }
  }
  return "not a JSON value";
}

std::string DescribeTypes(unsigned types) {
  std::string text;
  for (const auto& type : kTypeNames) {
    if ((types & type.bit) != 0) {
      text += text.empty() ? "" : " or ";
      text += type.name;
    }
  }
  return text;
}

// Orders two JSON numbers. Integers compare exactly, even across int64 and uint64; anything involving a
// floating-point number compares as double.
std::partial_ordering CompareNumbers(const json& left, const json& right) {
  const auto exact = [](auto a, auto b) -> std::partial_ordering {
    if (std::cmp_less(a, b)) {
      return std::partial_ordering::less;
    }
    return std::cmp_equal(a, b) ? std::partial_ordering::equivalent : std::partial_ordering::greater;
  };
  if (left.is_number_integer() && right.is_number_integer()) {
    if (left.is_number_unsigned()) {
      return right.is_number_unsigned() ? exact(left.get<std::uint64_t>(), right.get<std::uint64_t>())
                                        : exact(left.get<std::uint64_t>(), right.get<std::int64_t>());
    }
    return right.is_number_unsigned() ? exact(left.get<std::int64_t>(), right.get<std::uint64_t>())
                                      : exact(left.get<std::int64_t>(), right.get<std::int64_t>());
  }
  return left.get<double>() <=> right.get<double>();
}

// True when arrays and objects nest deeper than `limit`. Iterative, so the check itself is safe on any input.
bool NestsDeeperThan(const json& root, int limit) {
  std::vector<std::pair<const json*, int>> pending;
  if (root.is_structured()) {
    pending.emplace_back(&root, 1);
  }
  while (!pending.empty()) {
    const auto [node, depth] = pending.back();
    pending.pop_back();
    if (depth > limit) {
      return true;
    }
    for (const auto& child : *node) {
      if (child.is_structured()) {
        pending.emplace_back(&child, depth + 1);
      }
    }
  }
  return false;
}

bool IsDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int ParseDigits(std::string_view text) {
  int value = 0;
  for (const char c : text) {
    value = value * 10 + (c - '0');
  }
  return value;
}

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays.at(static_cast<std::size_t>(month - 1));
}

// RFC 3339 full-date: YYYY-MM-DD, with a day that exists in that month.
bool IsFullDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !IsDigits(text.substr(0, 4)) ||
      !IsDigits(text.substr(5, 2)) || !IsDigits(text.substr(8, 2))) {
    return false;
  }
  const int year = ParseDigits(text.substr(0, 4));
  const int month = ParseDigits(text.substr(5, 2));
  const int day = ParseDigits(text.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

// Reads "HH:MM" with HH <= max_hour and MM <= 59.
std::optional<int> ParseHourMinute(std::string_view text, int max_hour) {
  if (text.size() != 5 || text[2] != ':' || !IsDigits(text.substr(0, 2)) || !IsDigits(text.substr(3, 2))) {
    return std::nullopt;
  }
  const int hour = ParseDigits(text.substr(0, 2));
  const int minute = ParseDigits(text.substr(3, 2));
  if (hour > max_hour || minute > 59) {
    return std::nullopt;
  }
  return hour * 60 + minute;
}

// RFC 3339 date-time: full-date "T" HH:MM:SS[.fraction] ("Z" / ("+" / "-") HH:MM). "T" and "Z" may be lower
// case (RFC 3339 section 5.6). A leap second (:60) is accepted only at 23:59 UTC.
bool IsDateTime(std::string_view text) {
  if (text.size() < 20 || !IsFullDate(text.substr(0, 10)) || (text[10] != 'T' && text[10] != 't')) {
    return false;
  }
  const auto local_minutes = ParseHourMinute(text.substr(11, 5), 23);
  if (!local_minutes || text[16] != ':' || !IsDigits(text.substr(17, 2))) {
    return false;
  }
  const int second = ParseDigits(text.substr(17, 2));
  std::size_t position = 19;
  if (text[position] == '.') {
    const std::size_t digits_start = ++position;
    while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
      ++position;
    }
    if (position == digits_start) {
      return false;
    }
  }
  const std::string_view offset = text.substr(position);
  int offset_minutes = 0;
  if (offset == "Z" || offset == "z") {
    offset_minutes = 0;
  } else if (offset.size() == 6 && (offset[0] == '+' || offset[0] == '-')) {
    const auto magnitude = ParseHourMinute(offset.substr(1), 23);
    if (!magnitude) {
      return false;
    }
    offset_minutes = offset[0] == '+' ? *magnitude : -*magnitude;
  } else {
    return false;
  }
  if (second <= 59) {
    return true;
  }
  constexpr int kMinutesPerDay = 24 * 60;
  const int utc_minutes = ((*local_minutes - offset_minutes) % kMinutesPerDay + kMinutesPerDay) % kMinutesPerDay;
  return second == 60 && utc_minutes == 23 * 60 + 59;
}

// RFC 4122 text form: 8-4-4-4-12 hexadecimal digits in either case. Any version and variant.
bool IsUuid(std::string_view text) {
  if (text.size() != 36) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') {
        return false;
      }
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

// "1 character", "2 characters".
std::string Count(std::size_t count, std::string_view noun) {
  return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

std::string ListValues(const std::vector<json>& values) {
  std::string text;
  for (const auto& value : values) {
    text += text.empty() ? "" : ", ";
    text += value.dump();
  }
  if (text.size() > kMaxListedValuesLength) {
    return values.size() == 1 ? "the value the schema defines"
                              : "one of the " + std::to_string(values.size()) + " values the schema lists";
  }
  return values.size() == 1 ? text : "one of " + text;
}

class Compiler {
 public:
  std::unique_ptr<SchemaNode> Compile(const json& schema, std::string& pointer, int depth) {
    if (depth > kMaxDepth) {
      Fail(pointer, "the schema nests deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    auto node = std::make_unique<SchemaNode>();
    if (schema.is_boolean()) {
      node->rejects_everything = !schema.get<bool>();
      return node;
    }
    if (!schema.is_object()) {
      Fail(pointer, "a schema must be an object or a boolean, not " + std::string(TypeNameOf(schema)));
    }
    for (const auto& [keyword, value] : schema.items()) {
      ReadKeyword(*node, keyword, value, pointer, depth);
    }
    CheckConsistency(*node, pointer);
    return node;
  }

 private:
  [[noreturn]] static void Fail(const std::string& pointer, const std::string& problem) {
    throw std::invalid_argument("JSON Schema at " + Where(pointer) + ": " + problem);
  }

  [[noreturn]] static void FailKeyword(const std::string& pointer, std::string_view keyword, std::string_view problem) {
    Fail(pointer, "keyword \"" + std::string(keyword) + "\" " + std::string(problem));
  }

  static std::size_t ReadCount(const json& value, const std::string& pointer, std::string_view keyword) {
    if (!value.is_number_integer() || (!value.is_number_unsigned() && value.get<std::int64_t>() < 0)) {
      FailKeyword(pointer, keyword, "must be a non-negative integer");
    }
    return value.get<std::size_t>();
  }

  static json ReadNumber(const json& value, const std::string& pointer, std::string_view keyword) {
    if (!value.is_number() || !std::isfinite(value.get<double>())) {
      FailKeyword(pointer, keyword, "must be a finite number");
    }
    return value;
  }

  static json ReadShallowValue(const json& value, const std::string& pointer, std::string_view keyword) {
    if (NestsDeeperThan(value, kMaxDepth)) {
      FailKeyword(pointer, keyword, "holds a value nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    return value;
  }

  static unsigned ReadTypeName(const json& value, const std::string& pointer) {
    if (value.is_string()) {
      for (const auto& type : kTypeNames) {
        if (type.name == value.get_ref<const std::string&>()) {
          return type.bit;
        }
      }
    }
    FailKeyword(pointer, "type",
                "must name object, array, string, integer, number, boolean or null, or be an array of them");
  }

  static unsigned ReadTypes(const json& value, const std::string& pointer) {
    if (!value.is_array()) {
      return ReadTypeName(value, pointer);
    }
    if (value.empty()) {
      FailKeyword(pointer, "type", "must not be an empty array");
    }
    unsigned types = 0;
    for (const auto& name : value) {
      const unsigned bit = ReadTypeName(name, pointer);
      if ((types & bit) != 0) {
        FailKeyword(pointer, "type", "lists a type twice");
      }
      types |= bit;
    }
    return types;
  }

  static Format ReadFormat(const json& value, const std::string& pointer) {
    if (value == "date-time") {
      return Format::kDateTime;
    }
    if (value == "date") {
      return Format::kDate;
    }
    if (value == "uuid") {
      return Format::kUuid;
    }
    FailKeyword(pointer, "format", "must be one of date-time, date or uuid");
  }

  void ReadKeyword(SchemaNode& node, const std::string& keyword, const json& value, std::string& pointer, int depth) {
    if (std::find(kIgnoredKeywords.begin(), kIgnoredKeywords.end(), keyword) != kIgnoredKeywords.end()) {
      return;
    }
    if (keyword == "type") {
      node.types = ReadTypes(value, pointer);
    } else if (keyword == "properties") {
      ReadProperties(node, value, pointer, depth);
    } else if (keyword == "required") {
      if (!value.is_array() ||
          !std::all_of(value.begin(), value.end(), [](const json& name) { return name.is_string(); })) {
        FailKeyword(pointer, keyword, "must be an array of property names");
      }
      node.required = value.get<std::vector<std::string>>();
    } else if (keyword == "additionalProperties") {
      if (!value.is_boolean()) {
        FailKeyword(pointer, keyword, "must be true or false here; subschemas are not supported");
      }
      node.additional_properties = value.get<bool>();
    } else if (keyword == "enum") {
      if (!value.is_array() || value.empty()) {
        FailKeyword(pointer, keyword, "must be a non-empty array");
      }
      node.enum_values = ReadShallowValue(value, pointer, keyword).get<std::vector<json>>();
    } else if (keyword == "const") {
      node.const_value = ReadShallowValue(value, pointer, keyword);
    } else if (keyword == "pattern") {
      ReadPattern(node, value, pointer);
    } else if (keyword == "minLength") {
      node.min_length = ReadCount(value, pointer, keyword);
    } else if (keyword == "maxLength") {
      node.max_length = ReadCount(value, pointer, keyword);
    } else if (keyword == "minimum") {
      node.minimum = ReadNumber(value, pointer, keyword);
    } else if (keyword == "maximum") {
      node.maximum = ReadNumber(value, pointer, keyword);
    } else if (keyword == "items") {
      if (!value.is_object() && !value.is_boolean()) {
        FailKeyword(pointer, keyword, "must be a single schema; the array form (prefixItems) is not supported");
      }
      const std::size_t size = pointer.size();
      AppendPointerToken(pointer, keyword);
      node.items = Compile(value, pointer, depth + 1);
      pointer.resize(size);
    } else if (keyword == "minItems") {
      node.min_items = ReadCount(value, pointer, keyword);
    } else if (keyword == "maxItems") {
      node.max_items = ReadCount(value, pointer, keyword);
    } else if (keyword == "format") {
      node.format = ReadFormat(value, pointer);
    } else {
      FailKeyword(pointer, keyword, "is not supported by this validator; use only " + std::string(kSupportedKeywords));
    }
  }

  void ReadProperties(SchemaNode& node, const json& value, std::string& pointer, int depth) {
    if (!value.is_object()) {
      FailKeyword(pointer, "properties", "must be an object of schemas");
    }
    const std::size_t size = pointer.size();
    for (const auto& [name, schema] : value.items()) {
      AppendPointerToken(pointer, "properties");
      AppendPointerToken(pointer, name);
      node.properties.push_back({name, Compile(schema, pointer, depth + 1)});
      pointer.resize(size);
    }
    // nlohmann::json iterates object members in key order, so the list is already sorted for binary search.
  }

  static void ReadPattern(SchemaNode& node, const json& value, const std::string& pointer) {
    if (!value.is_string()) {
      FailKeyword(pointer, "pattern", "must be a string");
    }
    node.pattern_source = value.get<std::string>();
    try {
      node.pattern.emplace(node.pattern_source, std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
      FailKeyword(pointer, "pattern",
                  "is not an ECMAScript regular expression std::regex accepts (" + std::string(error.what()) + ")");
    }
  }

  static void CheckConsistency(const SchemaNode& node, const std::string& pointer) {
    if (node.pattern && (!node.max_length || *node.max_length > kMaxPatternSubjectLength)) {
      FailKeyword(pointer, "pattern",
                  "needs \"maxLength\" of at most " + std::to_string(kMaxPatternSubjectLength) +
                      " in the same schema, because std::regex recurses once per character");
    }
    if (node.min_length && node.max_length && *node.min_length > *node.max_length) {
      FailKeyword(pointer, "minLength", "is above maxLength, so no string is valid");
    }
    if (node.min_items && node.max_items && *node.min_items > *node.max_items) {
      FailKeyword(pointer, "minItems", "is above maxItems, so no array is valid");
    }
    if (node.minimum && node.maximum && CompareNumbers(*node.minimum, *node.maximum) > 0) {
      FailKeyword(pointer, "minimum", "is above maximum, so no number is valid");
    }
    if (!node.additional_properties) {
      for (const auto& name : node.required) {
        const bool declared = std::any_of(node.properties.begin(), node.properties.end(),
                                          [&](const SchemaNode::Property& property) { return property.name == name; });
        if (!declared) {
          FailKeyword(pointer, "required",
                      "names \"" + name +
                          "\", which additionalProperties: false forbids because it is not in "
                          "properties");
        }
      }
    }
  }
};

class Validator {
 public:
  std::optional<Violation> Check(const SchemaNode& node, const json& value) {
    if (node.rejects_everything) {
      return Fail("no value is allowed here");
    }
    if (node.types != 0 && (TypeBitsOf(value) & node.types) == 0) {
      return Fail("must be of type " + DescribeTypes(node.types) + ", not " + std::string(TypeNameOf(value)));
    }
    if (node.enum_values && std::none_of(node.enum_values->begin(), node.enum_values->end(),
                                         [&](const json& allowed) { return allowed == value; })) {
      return Fail("must be " + ListValues(*node.enum_values));
    }
    if (node.const_value && *node.const_value != value) {
      return Fail("must be " + ListValues(std::vector<json>{*node.const_value}));
    }
    if (value.is_string()) {
      return CheckString(node, value.get_ref<const std::string&>());
    }
    if (value.is_number()) {
      return CheckNumber(node, value);
    }
    if (value.is_object()) {
      return CheckObject(node, value);
    }
    if (value.is_array()) {
      return CheckArray(node, value);
    }
    return std::nullopt;
  }

 private:
  Violation Fail(std::string message) const { return {pointer_, std::move(message)}; }

  std::optional<Violation> CheckString(const SchemaNode& node, const std::string& text) const {
    if (node.min_length || node.max_length) {
      const std::size_t length = CountCodePoints(text);
      if (node.min_length && length < *node.min_length) {
        return Fail("must be at least " + Count(*node.min_length, "character") + " long");
      }
      if (node.max_length && length > *node.max_length) {
        return Fail("must be at most " + Count(*node.max_length, "character") + " long");
      }
    }
    switch (node.format) {
      case Format::kNone:
        break;
      case Format::kDateTime:
        if (!IsDateTime(text)) {
          return Fail("must be an RFC 3339 date-time such as 2024-05-01T08:30:00.000Z");
        }
        break;
      case Format::kDate:
        if (!IsFullDate(text)) {
          return Fail("must be a date such as 2024-05-01");
        }
        break;
      case Format::kUuid:
        if (!IsUuid(text)) {
          return Fail("must be a UUID such as 123e4567-e89b-42d3-a456-426614174000");
        }
        break;
    }
    if (node.pattern && !std::regex_search(text, *node.pattern)) {
      return Fail("must match the pattern " + node.pattern_source);
    }
    return std::nullopt;
  }

  std::optional<Violation> CheckNumber(const SchemaNode& node, const json& number) const {
    if (node.minimum && !(CompareNumbers(number, *node.minimum) >= 0)) {
      return Fail("must be at least " + node.minimum->dump());
    }
    if (node.maximum && !(CompareNumbers(number, *node.maximum) <= 0)) {
      return Fail("must be at most " + node.maximum->dump());
    }
    return std::nullopt;
  }

  std::optional<Violation> CheckObject(const SchemaNode& node, const json& object) {
    const std::size_t size = pointer_.size();
    for (const auto& name : node.required) {
      if (!object.contains(name)) {
        AppendPointerToken(pointer_, name);
        return Fail("required property is missing");
      }
    }
    if (!node.additional_properties) {
      for (const auto& [key, member] : object.items()) {
        const auto declared = std::lower_bound(
            node.properties.begin(), node.properties.end(), key,
            [](const SchemaNode::Property& property, const std::string& name) { return property.name < name; });
        if (declared == node.properties.end() || declared->name != key) {
          AppendValueKey(pointer_, key);
          return Fail("property is not allowed");
        }
      }
    }
    for (const auto& property : node.properties) {
      const auto member = object.find(property.name);
      if (member == object.end()) {
        continue;
      }
      AppendPointerToken(pointer_, property.name);
      if (auto violation = Check(*property.schema, *member)) {
        return violation;
      }
      pointer_.resize(size);
    }
    return std::nullopt;
  }

  std::optional<Violation> CheckArray(const SchemaNode& node, const json& array) {
    if (node.min_items && array.size() < *node.min_items) {
      return Fail("must have at least " + Count(*node.min_items, "item"));
    }
    if (node.max_items && array.size() > *node.max_items) {
      return Fail("must have at most " + Count(*node.max_items, "item"));
    }
    if (!node.items) {
      return std::nullopt;
    }
    const std::size_t size = pointer_.size();
    for (std::size_t index = 0; index < array.size(); ++index) {
      AppendPointerToken(pointer_, std::to_string(index));
      if (auto violation = Check(*node.items, array[index])) {
        return violation;
      }
      pointer_.resize(size);
    }
    return std::nullopt;
  }

  std::string pointer_;
};

}  // namespace

std::string ToString(const Violation& violation) {
  return Where(violation.pointer) + ": " + violation.message;
}

Schema::Schema(std::shared_ptr<const detail::SchemaNode> root) : root_(std::move(root)) {}

Schema Schema::Compile(const nlohmann::json& schema) {
  std::string pointer;
  return Schema(Compiler().Compile(schema, pointer, 0));
}

std::optional<Violation> Schema::Validate(const nlohmann::json& value) const {
  // The schema's own depth is bounded at compile time, so Check recurses at most kMaxDepth deep. This check keeps
  // enum and const comparisons, and whoever walks the value after us, off deeply nested input.
  if (NestsDeeperThan(value, kMaxDepth)) {
    return Violation{"", "value is nested deeper than " + std::to_string(kMaxDepth) + " levels"};
  }
  return Validator().Check(*root_, value);
}

}  // namespace archive::events
