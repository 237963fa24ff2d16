#include "common/events/schema.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace archive::events {

// Lets GoogleTest print a violation when an expectation fails.
void PrintTo(const Violation& violation, std::ostream* out) {
  *out << ToString(violation);
}

namespace {

using nlohmann::json;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

std::optional<Violation> Validate(const json& schema, const json& value) {
  return Schema::Compile(schema).Validate(value);
}

// The message of the std::invalid_argument that Schema::Compile throws, or "" when it compiles.
std::string CompileError(const json& schema) {
  try {
    Schema::Compile(schema);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

json NestedArrays(int depth) {
  json value = 0;
  for (int level = 0; level < depth; ++level) {
    json outer = json::array();
    outer.push_back(std::move(value));
    value = std::move(outer);
  }
  return value;
}

// type

TEST(SchemaType, AcceptsEachKindOfValueForItsOwnTypeName) {
  const std::vector<std::pair<std::string, json>> cases = {
      {"object", json::object()}, {"array", json::array()}, {"string", "text"}, {"integer", 42}, {"number", 4.5},
      {"boolean", false},         {"null", nullptr},
  };
  for (const auto& [type, value] : cases) {
    EXPECT_EQ(Validate({{"type", type}}, value), std::nullopt) << type;
  }
}

TEST(SchemaType, RejectsAValueOfAnotherTypeNamingBothTypes) {
  // Given a schema for strings, when an integer arrives, then the message names the wanted and the found type.
  EXPECT_EQ(Validate({{"type", "string"}}, 42), (Violation{"", "must be of type string, not integer"}));
  EXPECT_EQ(Validate({{"type", "object"}}, json::array()), (Violation{"", "must be of type object, not array"}));
  EXPECT_EQ(Validate({{"type", "null"}}, false), (Violation{"", "must be of type null, not boolean"}));
}

TEST(SchemaType, CountsANumberWithoutAFractionAsAnInteger) {
  EXPECT_EQ(Validate({{"type", "integer"}}, 1.0), std::nullopt);
  EXPECT_EQ(Validate({{"type", "integer"}}, -7), std::nullopt);
  EXPECT_EQ(Validate({{"type", "integer"}}, std::numeric_limits<std::uint64_t>::max()), std::nullopt);
  EXPECT_EQ(Validate({{"type", "integer"}}, 1.5), (Violation{"", "must be of type integer, not number"}));
  EXPECT_EQ(Validate({{"type", "integer"}}, "1"), (Violation{"", "must be of type integer, not string"}));
}

TEST(SchemaType, AcceptsIntegersWhereANumberIsExpected) {
  EXPECT_EQ(Validate({{"type", "number"}}, 3), std::nullopt);
  EXPECT_EQ(Validate({{"type", "number"}}, true), (Violation{"", "must be of type number, not boolean"}));
}

TEST(SchemaType, AcceptsAnyOfSeveralListedTypes) {
  const json schema = {{"type", {"integer", "null"}}};
  EXPECT_EQ(Validate(schema, 3), std::nullopt);
  EXPECT_EQ(Validate(schema, nullptr), std::nullopt);
  EXPECT_EQ(Validate(schema, "3"), (Violation{"", "must be of type integer or null, not string"}));
}

// properties, required, additionalProperties

TEST(SchemaObject, AcceptsAnObjectWithEveryRequiredProperty) {
  const json schema = {
      {"type", "object"}, {"properties", {{"member_id", {{"type", "integer"}}}}}, {"required", {"member_id"}}};
  EXPECT_EQ(Validate(schema, {{"member_id", 7}}), std::nullopt);
}

TEST(SchemaObject, ReportsAMissingRequiredPropertyAtThePointerWhereItBelongs) {
  const json schema = {{"required", {"member_id", "version_id"}}};
  EXPECT_EQ(Validate(schema, {{"member_id", 7}}), (Violation{"/version_id", "required property is missing"}));
}

TEST(SchemaObject, ValidatesEachDeclaredPropertyAgainstItsSchema) {
  const json schema = {{"properties", {{"size", {{"type", "integer"}}}}}};
  EXPECT_EQ(Validate(schema, {{"size", 10}}), std::nullopt);
  EXPECT_EQ(Validate(schema, {{"size", "10"}}), (Violation{"/size", "must be of type integer, not string"}));
}

TEST(SchemaObject, ReportsANestedViolationWithItsFullPointer) {
  const json schema = {{"properties", {{"blob", {{"properties", {{"size", {{"type", "integer"}, {"minimum", 0}}}}}}}}}};
  EXPECT_EQ(Validate(schema, {{"blob", {{"size", -1}}}}), (Violation{"/blob/size", "must be at least 0"}));
}

TEST(SchemaObject, AllowsUndeclaredPropertiesByDefault) {
  EXPECT_EQ(Validate({{"properties", json::object()}}, {{"extra", 1}}), std::nullopt);
  EXPECT_EQ(Validate({{"additionalProperties", true}}, {{"extra", 1}}), std::nullopt);
}

TEST(SchemaObject, RejectsAnUndeclaredPropertyWhenAdditionalPropertiesIsFalse) {
  const json schema = {{"properties", {{"known", true}}}, {"additionalProperties", false}};
  EXPECT_EQ(Validate(schema, {{"known", 1}}), std::nullopt);
  EXPECT_EQ(Validate(schema, {{"known", 1}, {"extra", 2}}), (Violation{"/extra", "property is not allowed"}));
}

TEST(SchemaObject, EscapesSlashAndTildeInPointers) {
  const json schema = {{"required", {"a/b", "m~n"}}};
  EXPECT_EQ(Validate(schema, {{"m~n", 1}}), (Violation{"/a~1b", "required property is missing"}));
  EXPECT_EQ(Validate(schema, {{"a/b", 1}}), (Violation{"/m~0n", "required property is missing"}));
}

TEST(SchemaObject, ShortensAndSanitizesAnUndeclaredPropertyNameTakenFromTheValue) {
  // Given a hostile property name with a line break and hundreds of characters,
  const std::string name = "bad\nname" + std::string(300, 'x');
  // when additionalProperties rejects it,
  const auto violation = Validate({{"additionalProperties", false}}, {{name, 1}});
  // then the pointer keeps a bounded, single-line prefix of it.
  ASSERT_TRUE(violation.has_value());
  EXPECT_EQ(violation->pointer, "/bad?name" + std::string(56, 'x') + "...");
}

TEST(SchemaObject, IgnoresObjectKeywordsOnOtherTypes) {
  const json schema = {{"properties", {{"a", false}}}, {"required", {"a"}}, {"additionalProperties", false}};
  EXPECT_EQ(Validate(schema, "not an object"), std::nullopt);
  EXPECT_EQ(Validate(schema, json::array()), std::nullopt);
}

// enum and const

TEST(SchemaEnum, AcceptsAListedValue) {
  EXPECT_EQ(Validate({{"enum", {"PASS", "WARN", "FAIL"}}}, "WARN"), std::nullopt);
}

TEST(SchemaEnum, RejectsAnUnlistedValueListingTheAllowedOnesButNotTheValue) {
  const auto violation = Validate({{"enum", {"PASS", "WARN", "FAIL"}}}, "MAYBE");
  EXPECT_EQ(violation, (Violation{"", R"(must be one of "PASS", "WARN", "FAIL")"}));
}

TEST(SchemaEnum, ComparesNumbersByValueAndOtherValuesByType) {
  EXPECT_EQ(Validate({{"enum", {1, "1"}}}, 1.0), std::nullopt);
  EXPECT_NE(Validate({{"enum", {1}}}, true), std::nullopt);
  EXPECT_NE(Validate({{"enum", {nullptr}}}, 0), std::nullopt);
}

TEST(SchemaEnum, SummarizesALongListInsteadOfPrintingIt) {
  json values = json::array();
  for (int i = 0; i < 50; ++i) {
    values.push_back("VALUE_" + std::to_string(i));
  }
  EXPECT_EQ(Validate({{"enum", values}}, "OTHER"), (Violation{"", "must be one of the 50 values the schema lists"}));
}

TEST(SchemaConst, AcceptsOnlyTheConstantValue) {
  const json schema = {{"const", {{"a", 1}}}};
  EXPECT_EQ(Validate(schema, {{"a", 1}}), std::nullopt);
  EXPECT_EQ(Validate(schema, {{"a", 2}}), (Violation{"", R"(must be {"a":1})"}));
  EXPECT_EQ(Validate({{"const", "x"}}, "y"), (Violation{"", R"(must be "x")"}));
}

// minLength, maxLength, pattern

TEST(SchemaString, AcceptsLengthsWithinTheBoundsInclusive) {
  const json schema = {{"minLength", 2}, {"maxLength", 3}};
  EXPECT_EQ(Validate(schema, "ab"), std::nullopt);
  EXPECT_EQ(Validate(schema, "abc"), std::nullopt);
}

TEST(SchemaString, RejectsAStringShorterThanMinLength) {
  EXPECT_EQ(Validate({{"minLength", 2}}, "a"), (Violation{"", "must be at least 2 characters long"}));
  EXPECT_EQ(Validate({{"minLength", 1}}, ""), (Violation{"", "must be at least 1 character long"}));
}

TEST(SchemaString, RejectsAStringLongerThanMaxLength) {
  EXPECT_EQ(Validate({{"maxLength", 3}}, "abcd"), (Violation{"", "must be at most 3 characters long"}));
}

TEST(SchemaString, CountsLengthInCodePointsNotBytes) {
  // "张三" is 2 code points in 6 bytes; the emoji is 1 code point in 4 bytes.
  EXPECT_EQ(Validate({{"maxLength", 2}}, "张三"), std::nullopt);
  EXPECT_EQ(Validate({{"minLength", 3}}, "张三"), (Violation{"", "must be at least 3 characters long"}));
  EXPECT_EQ(Validate({{"maxLength", 1}}, "\xF0\x9F\x98\x80"), std::nullopt);
  EXPECT_EQ(Validate({{"maxLength", 2}}, "张三丰"), (Violation{"", "must be at most 2 characters long"}));
}

TEST(SchemaString, MatchesAPatternAnywhereInTheStringUnlessAnchored) {
  EXPECT_EQ(Validate({{"pattern", "b"}, {"maxLength", 10}}, "abc"), std::nullopt);
  EXPECT_EQ(Validate({{"pattern", "^[0-9a-f]{4}$"}, {"maxLength", 4}}, "09af"), std::nullopt);
}

TEST(SchemaString, RejectsAStringThatDoesNotMatchThePatternWithoutEchoingIt) {
  const auto violation = Validate({{"pattern", "^[0-9a-f]{4}$"}, {"maxLength", 4}}, "09AF");
  EXPECT_EQ(violation, (Violation{"", "must match the pattern ^[0-9a-f]{4}$"}));
}

TEST(SchemaString, ChecksMaxLengthBeforeThePatternSoTheRegexNeverSeesALongString) {
  // A string far longer than std::regex could walk without overflowing the stack fails on maxLength instead.
  const json schema = {{"pattern", "^[a-z]*$"}, {"maxLength", 16}};
  EXPECT_EQ(Validate(schema, std::string(1'000'000, 'a')), (Violation{"", "must be at most 16 characters long"}));
}

TEST(SchemaString, IgnoresStringKeywordsOnOtherTypes) {
  const json schema = {{"minLength", 5}, {"pattern", "^x$"}, {"maxLength", 5}, {"format", "uuid"}};
  EXPECT_EQ(Validate(schema, 12), std::nullopt);
  EXPECT_EQ(Validate(schema, nullptr), std::nullopt);
}

// format

TEST(SchemaFormat, AcceptsRfc3339DateTimes) {
  for (const char* text : {"2024-05-01T08:30:00Z", "2024-05-01T08:30:00.123Z", "2024-05-01T08:30:00.1234567Z",
                           "2024-05-01t08:30:00z", "2024-05-01T08:30:00+08:00", "2024-05-01T08:30:00-05:30",
                           "2024-02-29T00:00:00Z", "2016-12-31T23:59:60Z", "2016-12-31T15:59:60-08:00"}) {
    EXPECT_EQ(Validate({{"format", "date-time"}}, text), std::nullopt) << text;
  }
}

TEST(SchemaFormat, RejectsMalformedDateTimes) {
  for (const char* text : {"",
                           "2024-05-01",
                           "2024-05-01 08:30:00Z",
                           "2024-05-01T08:30:00",
                           "2024-05-01T08:30Z",
                           "2024-13-01T00:00:00Z",
                           "2023-02-29T00:00:00Z",
                           "2024-04-31T00:00:00Z",
                           "2024-05-01T24:00:00Z",
                           "2024-05-01T08:60:00Z",
                           "2024-05-01T08:30:61Z",
                           "2024-05-01T08:30:60Z",
                           "2024-05-01T08:30:00.Z",
                           "2024-05-01T08:30:00+0800",
                           "2024-05-01T08:30:00+24:00",
                           "2024-05-01T08:30:00+08:60",
                           "2024-05-01T08:30:00ZZ",
                           "24-05-01T08:30:00Z",
                           "2024-05-01T8:30:00Z",
                           "2024-05-01T08:30:00.12a3Z"}) {
    EXPECT_EQ(Validate({{"format", "date-time"}}, text),
              (Violation{"", "must be an RFC 3339 date-time such as 2024-05-01T08:30:00.000Z"}))
        << text;
  }
}

TEST(SchemaFormat, AcceptsFullDatesThatExist) {
  for (const char* text : {"2024-05-01", "2024-02-29", "2000-02-29", "1999-12-31"}) {
    EXPECT_EQ(Validate({{"format", "date"}}, text), std::nullopt) << text;
  }
}

TEST(SchemaFormat, RejectsDatesThatAreMalformedOrDoNotExist) {
  for (const char* text : {"", "2024-02-30", "2023-02-29", "2100-02-29", "2024-00-10", "2024-05-00", "2024-5-01",
                           "20240501", "2024-05-01T00:00:00Z", "2024/05/01"}) {
    EXPECT_EQ(Validate({{"format", "date"}}, text), (Violation{"", "must be a date such as 2024-05-01"})) << text;
  }
}

TEST(SchemaFormat, AcceptsUuidsInEitherCase) {
  for (const char* text : {"123e4567-e89b-42d3-a456-426614174000", "123E4567-E89B-42D3-A456-426614174000",
                           "00000000-0000-0000-0000-000000000000"}) {
    EXPECT_EQ(Validate({{"format", "uuid"}}, text), std::nullopt) << text;
  }
}

TEST(SchemaFormat, RejectsMalformedUuids) {
  for (const char* text : {"", "123e4567e89b42d3a456426614174000", "123e4567-e89b-42d3-a456-42661417400",
                           "123e4567-e89b-42d3-a456-4266141740000", "123e4567-e89b-42d3-a456_426614174000",
                           "g23e4567-e89b-42d3-a456-426614174000", "{123e4567-e89b-42d3-a456-426614174000}"}) {
    EXPECT_EQ(Validate({{"format", "uuid"}}, text),
              (Violation{"", "must be a UUID such as 123e4567-e89b-42d3-a456-426614174000"}))
        << text;
  }
}

// minimum, maximum

TEST(SchemaNumber, AcceptsNumbersWithinTheBoundsInclusive) {
  const json schema = {{"minimum", 1}, {"maximum", 10}};
  for (const json& number : {json(1), json(10), json(5.5), json(1.0)}) {
    EXPECT_EQ(Validate(schema, number), std::nullopt) << number;
  }
}

TEST(SchemaNumber, RejectsNumbersOutsideTheBounds) {
  const json schema = {{"minimum", 1}, {"maximum", 10}};
  EXPECT_EQ(Validate(schema, 0), (Violation{"", "must be at least 1"}));
  EXPECT_EQ(Validate(schema, 0.999), (Violation{"", "must be at least 1"}));
  EXPECT_EQ(Validate(schema, -5), (Violation{"", "must be at least 1"}));
  EXPECT_EQ(Validate(schema, 10.5), (Violation{"", "must be at most 10"}));
  EXPECT_EQ(Validate({{"maximum", -0.5}}, 0), (Violation{"", "must be at most -0.5"}));
}

TEST(SchemaNumber, ComparesLargeIntegersExactly) {
  // Given the int64 range that PostgreSQL's bigint accepts,
  const json schema = {{"minimum", std::numeric_limits<std::int64_t>::min()},
                       {"maximum", std::numeric_limits<std::int64_t>::max()}};
  // then its edges pass and the first unsigned integer beyond it fails, although all are the same as doubles.
  EXPECT_EQ(Validate(schema, std::numeric_limits<std::int64_t>::max()), std::nullopt);
  EXPECT_EQ(Validate(schema, std::numeric_limits<std::int64_t>::min()), std::nullopt);
  EXPECT_EQ(Validate(schema, json::parse("9223372036854775808")),
            (Violation{"", "must be at most 9223372036854775807"}));
}

TEST(SchemaNumber, IgnoresNumberKeywordsOnOtherTypes) {
  EXPECT_EQ(Validate({{"minimum", 1}}, "0"), std::nullopt);
}

// items, minItems, maxItems

TEST(SchemaArray, ValidatesEveryItemAndReportsTheIndex) {
  const json schema = {{"items", {{"type", "integer"}}}};
  EXPECT_EQ(Validate(schema, {1, 2, 3}), std::nullopt);
  EXPECT_EQ(Validate(schema, json::array()), std::nullopt);
  EXPECT_EQ(Validate(schema, {1, 2, "3"}), (Violation{"/2", "must be of type integer, not string"}));
}

TEST(SchemaArray, ReportsAViolationInsideAnItemObject) {
  const json schema = {{"items", {{"required", {"code"}}}}};
  EXPECT_EQ(Validate(schema, {{{"code", "A"}}, json::object()}),
            (Violation{"/1/code", "required property is missing"}));
}

TEST(SchemaArray, EnforcesMinItemsAndMaxItemsInclusive) {
  const json schema = {{"minItems", 1}, {"maxItems", 2}};
  EXPECT_EQ(Validate(schema, {1}), std::nullopt);
  EXPECT_EQ(Validate(schema, {1, 2}), std::nullopt);
  EXPECT_EQ(Validate(schema, json::array()), (Violation{"", "must have at least 1 item"}));
  EXPECT_EQ(Validate(schema, {1, 2, 3}), (Violation{"", "must have at most 2 items"}));
}

TEST(SchemaArray, IgnoresArrayKeywordsOnOtherTypes) {
  EXPECT_EQ(Validate({{"minItems", 1}, {"items", false}}, {{"a", 1}}), std::nullopt);
}

// Boolean schemas

TEST(SchemaBoolean, TrueAcceptsEverythingAndFalseRejectsEverything) {
  EXPECT_EQ(Validate(true, {{"anything", {1, 2}}}), std::nullopt);
  EXPECT_EQ(Validate(false, nullptr), (Violation{"", "no value is allowed here"}));
  EXPECT_EQ(Validate({{"items", false}}, {1}), (Violation{"/0", "no value is allowed here"}));
}

// Keywords a schema may carry, and those it may not

TEST(SchemaCompile, IgnoresAnnotationKeywords) {
  const json schema = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                       {"$id", "urn:example"},
                       {"title", "t"},
                       {"description", "d"},
                       {"$comment", "c"},
                       {"examples", {1, 2}},
                       {"type", "integer"}};
  EXPECT_EQ(Validate(schema, 1), std::nullopt);
}

TEST(SchemaCompile, RejectsAnUnsupportedKeywordNamingItAndItsPointer) {
  // Given a nested schema that relies on patternProperties, which this validator doesn't implement,
  const json schema = {{"properties", {{"blob", {{"patternProperties", {{"^x", true}}}}}}}};
  // when it is compiled, then the error says which keyword and where.
  EXPECT_THAT(CompileError(schema),
              AllOf(HasSubstr("/properties/blob"), HasSubstr("keyword \"patternProperties\" is not supported")));
}

TEST(SchemaCompile, RejectsEveryKeywordOutsideTheSupportedSubset) {
  for (const char* keyword : {"$ref",
                              "$defs",
                              "allOf",
                              "anyOf",
                              "oneOf",
                              "not",
                              "if",
                              "then",
                              "else",
                              "exclusiveMinimum",
                              "exclusiveMaximum",
                              "multipleOf",
                              "uniqueItems",
                              "prefixItems",
                              "contains",
                              "patternProperties",
                              "propertyNames",
                              "minProperties",
                              "maxProperties",
                              "dependentRequired",
                              "unevaluatedProperties",
                              "default",
                              "deprecated",
                              "readOnly",
                              "contentEncoding",
                              "typo"}) {
    EXPECT_THAT(CompileError({{keyword, true}}), HasSubstr(std::string("keyword \"") + keyword + "\""));
  }
}

TEST(SchemaCompile, ReportsAnUnsupportedKeywordAtTheRootAsRoot) {
  EXPECT_THAT(CompileError({{"oneOf", json::array()}}), HasSubstr("JSON Schema at (root): keyword \"oneOf\""));
}

TEST(SchemaCompile, ReportsAnUnsupportedKeywordInsideItems) {
  EXPECT_THAT(CompileError({{"items", {{"uniqueItems", true}}}}), HasSubstr("at /items: keyword \"uniqueItems\""));
}

TEST(SchemaCompile, RejectsAnAdditionalPropertiesSubschema) {
  EXPECT_THAT(CompileError({{"additionalProperties", {{"type", "string"}}}}),
              HasSubstr("\"additionalProperties\" must be true or false"));
}

TEST(SchemaCompile, RejectsTheArrayFormOfItems) {
  EXPECT_THAT(CompileError({{"items", {true, false}}}), HasSubstr("\"items\" must be a single schema"));
}

TEST(SchemaCompile, RejectsUnknownTypesAndFormats) {
  EXPECT_THAT(CompileError({{"type", "float"}}), HasSubstr("keyword \"type\""));
  EXPECT_THAT(CompileError({{"type", json::array()}}), HasSubstr("keyword \"type\""));
  EXPECT_THAT(CompileError({{"type", {"string", "string"}}}), HasSubstr("lists a type twice"));
  EXPECT_THAT(CompileError({{"format", "email"}}), HasSubstr("keyword \"format\""));
}

TEST(SchemaCompile, RejectsKeywordsWithTheWrongKindOfValue) {
  for (const json& schema :
       {json{{"minLength", -1}}, json{{"maxLength", "3"}}, json{{"minItems", 1.5}}, json{{"required", "a"}},
        json{{"required", {1}}}, json{{"properties", {1}}}, json{{"enum", json::array()}}, json{{"enum", "a"}},
        json{{"minimum", "0"}}, json{{"pattern", 1}}}) {
    EXPECT_THAT(CompileError(schema), HasSubstr("JSON Schema at (root): keyword")) << schema;
  }
}

TEST(SchemaCompile, RejectsAPatternThatStdRegexCannotCompileWhenLoadingNotWhenValidating) {
  EXPECT_THAT(CompileError({{"pattern", "(unclosed"}, {"maxLength", 8}}), HasSubstr("keyword \"pattern\""));
}

TEST(SchemaCompile, RejectsAPatternWithoutABoundingMaxLength) {
  EXPECT_THAT(CompileError({{"pattern", "^a$"}}), HasSubstr("needs \"maxLength\" of at most 256"));
  EXPECT_THAT(CompileError({{"pattern", "^a$"}, {"maxLength", 257}}), HasSubstr("needs \"maxLength\""));
  EXPECT_EQ(CompileError({{"pattern", "^a$"}, {"maxLength", 256}}), "");
}

TEST(SchemaCompile, RejectsBoundsThatNoValueCanMeet) {
  EXPECT_THAT(CompileError({{"minLength", 3}, {"maxLength", 2}}), HasSubstr("above maxLength"));
  EXPECT_THAT(CompileError({{"minItems", 3}, {"maxItems", 2}}), HasSubstr("above maxItems"));
  EXPECT_THAT(CompileError({{"minimum", 3}, {"maximum", 2.5}}), HasSubstr("above maximum"));
}

TEST(SchemaCompile, RejectsARequiredPropertyThatAdditionalPropertiesForbids) {
  const json schema = {{"properties", {{"a", true}}}, {"required", {"a", "b"}}, {"additionalProperties", false}};
  EXPECT_THAT(CompileError(schema), HasSubstr("names \"b\""));
}

TEST(SchemaCompile, RejectsASchemaThatIsNotAnObjectOrABoolean) {
  EXPECT_THAT(CompileError(json::array()), HasSubstr("must be an object or a boolean"));
  EXPECT_THAT(CompileError({{"properties", {{"a", 1}}}}), HasSubstr("JSON Schema at /properties/a"));
}

TEST(SchemaCompile, RejectsSchemasNestedDeeperThanTheLimit) {
  json schema = true;
  for (int level = 0; level < kMaxDepth; ++level) {
    schema = json{{"items", std::move(schema)}};
  }
  EXPECT_EQ(CompileError(schema), "");
  EXPECT_THAT(CompileError(json{{"items", schema}}), HasSubstr("deeper than 64"));
}

// Depth of values

TEST(SchemaDepth, AcceptsAValueNestedExactlyToTheLimit) {
  EXPECT_EQ(Validate(true, NestedArrays(kMaxDepth)), std::nullopt);
}

TEST(SchemaDepth, RejectsAValueNestedOneLevelDeeperThanTheLimit) {
  EXPECT_EQ(Validate(true, NestedArrays(kMaxDepth + 1)), (Violation{"", "value is nested deeper than 64 levels"}));
  EXPECT_EQ(Validate({{"type", "object"}}, {{"a", NestedArrays(kMaxDepth)}}),
            (Violation{"", "value is nested deeper than 64 levels"}));
}

TEST(SchemaDepth, SurvivesAValueNestedAHundredThousandLevelsDeep) {
  // Given a value that would overflow the stack of any recursive walk, when it is validated against a schema
  // that compares it with const, then validation fails cleanly.
  EXPECT_EQ(Validate({{"const", 1}}, NestedArrays(100'000)), (Violation{"", "value is nested deeper than 64 levels"}));
}

// Thread-safety

TEST(SchemaThreads, ValidatesFromManyThreadsAtOnce) {
  const Schema schema =
      Schema::Compile({{"items", {{"type", "string"}, {"pattern", "^[A-Z]+(_[A-Z]+)*$"}, {"maxLength", 64}}}});
  const json good = {"SEAL_MISSING", "BLANK_PAGE", "TIMEOUT"};
  const json bad = {"SEAL_MISSING", "blank page"};
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (std::size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        failures[t] += schema.Validate(good).has_value() ? 1 : 0;
        failures[t] += schema.Validate(bad) == Violation{"/1", "must match the pattern ^[A-Z]+(_[A-Z]+)*$"} ? 0 : 1;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_THAT(failures, ::testing::Each(0));
}

TEST(SchemaCopies, ShareTheCompiledFormAndOutliveTheOriginal) {
  std::optional<Schema> copy;
  {
    const Schema original = Schema::Compile({{"type", "integer"}});
    copy = original;
  }
  EXPECT_EQ(copy->Validate(1), std::nullopt);
  EXPECT_THAT(ToString(*copy->Validate("1")), AllOf(HasSubstr("(root): "), Not(HasSubstr("\"1\""))));
}

}  // namespace
}  // namespace archive::events
