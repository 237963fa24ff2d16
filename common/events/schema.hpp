#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace archive::events {

// The deepest nesting of arrays and objects that Schema::Validate accepts in a value, and that Schema::Compile
// accepts in a schema. A scalar has depth 0 and `[]` has depth 1. Deeper values fail validation, so neither this
// validator nor the code that later walks the value can exhaust the stack on hostile input.
inline constexpr int kMaxDepth = 64;

// "pattern" must be paired with a "maxLength" of at most this many code points in the same schema. libstdc++'s
// std::regex recurses once per character and overflows the stack on strings of a few thousand characters, so
// Validate checks maxLength first and the regex only ever sees a short string.
inline constexpr std::size_t kMaxPatternSubjectLength = 256;

// One broken rule, found by Schema::Validate.
struct Violation {
  // RFC 6901 JSON pointer to the offending value, "" for the validated value itself. A missing required property
  // is reported at the pointer where it should have been. A property name taken from the value (only for a property
  // that additionalProperties forbids) is cut to 64 bytes and has control characters replaced by '?'.
  std::string pointer;
  // The rule, in English for operators, e.g. "required property is missing" or "must be at most 255 characters
  // long". It never repeats the offending value, because payloads carry names and ID numbers.
  std::string message;

  friend bool operator==(const Violation&, const Violation&) = default;
};

// "<pointer>: <message>", with "(root)" standing for the empty pointer.
std::string ToString(const Violation& violation);

namespace detail {
struct SchemaNode;
}  // namespace detail

// A JSON Schema (draft 2020-12), compiled once and then used to validate many values.
//
// Only the subset our event schemas need is supported:
//   type (a name or an array of names: object, array, string, integer, number, boolean, null; "integer" is any
//   number without a fractional part, so 1.0 counts), properties, required, additionalProperties (a boolean only),
//   enum, const, pattern (ECMAScript std::regex with search semantics, so anchor it with ^...$; it works on
//   bytes, not code points), minLength and maxLength (in Unicode code points), minimum and maximum (inclusive),
//   items (a single schema), minItems, maxItems, and format with one of date-time (RFC 3339), date (RFC 3339
//   full-date) or uuid (RFC 4122 text form, any case).
// A schema may also be `true` (anything) or `false` (nothing). The annotations $schema, $id, title, description,
// $comment and examples are ignored. Every other keyword makes Compile throw, so no schema can rely on a rule
// that this validator would silently skip.
//
// Each keyword applies only to values of its own type, as JSON Schema says: "maxLength" ignores numbers and
// "properties" ignores arrays. Use "type" to pin the type.
//
// Thread-safety: a Schema never changes after Compile, so Validate may run on one instance from many threads.
// Copies are cheap and share the compiled form.
class Schema {
 public:
  // Compiles a schema. Throws std::invalid_argument naming the keyword and the JSON pointer within the schema when
  // the schema uses an unsupported keyword, gives a keyword a value of the wrong kind, has a pattern std::regex
  // can't compile or without a short enough maxLength, can never be satisfied (minLength above maxLength, a
  // required property that additionalProperties forbids) or nests deeper than kMaxDepth.
  static Schema Compile(const nlohmann::json& schema);

  // Returns the first broken rule, or nullopt when the value is valid. Keywords are checked in a fixed order (type,
  // enum, const, then the keywords of the value's type, then subschemas), so the result is deterministic. Values
  // nested deeper than kMaxDepth fail at the root with "value is nested deeper than 64 levels".
  std::optional<Violation> Validate(const nlohmann::json& value) const;

 private:
  explicit Schema(std::shared_ptr<const detail::SchemaNode> root);

  std::shared_ptr<const detail::SchemaNode> root_;
};

}  // namespace archive::events
