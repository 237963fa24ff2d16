#include "common/events/envelope.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#ifndef ARCHIVE_SOURCE_DIR
#error "ARCHIVE_SOURCE_DIR must name the source tree, so the test can read schemas/events"
#endif

namespace archive::events {

// Let GoogleTest print envelopes and errors when an expectation fails.
void PrintTo(const Envelope& envelope, std::ostream* out) {
  *out << Serialize(envelope);
}
void PrintTo(const ParseError& error, std::ostream* out) {
  *out << CodeName(error.code) << ": " << error.detail;
}

namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using FileMap = std::map<std::string, std::string_view, std::less<>>;

// The schema files from schemas/events, read from disk. In the product the same map comes from the generated
// source that embeds them.
class SchemaFiles {
 public:
  SchemaFiles() {
    const std::filesystem::path directory = std::filesystem::path(ARCHIVE_SOURCE_DIR) / "schemas" / "events";
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
      if (entry.path().extension() != ".json") {
        continue;
      }
      std::ifstream file(entry.path(), std::ios::binary);
      if (!file) {
        throw std::runtime_error("cannot read " + entry.path().string());
      }
      texts_[entry.path().filename().string()].assign(std::istreambuf_iterator<char>(file),
                                                      std::istreambuf_iterator<char>());
    }
  }

  FileMap Map() const {
    FileMap files;
    for (const auto& [name, text] : texts_) {
      files.emplace(name, text);
    }
    return files;
  }

 private:
  std::map<std::string, std::string> texts_;
};

const std::chrono::system_clock::time_point kNow = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} +
                                                   std::chrono::hours{8} + std::chrono::minutes{30} +
                                                   std::chrono::seconds{5} + std::chrono::microseconds{7'999};

json UploadedPayload() {
  return {{"member_id", 1001},
          {"version_id", 55},
          {"version_no", 2},
          {"blob",
           {{"uri", "file:///var/lib/archive/blobs/ab/abcdef.pdf"},
            {"sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
            {"size", 734003}}},
          {"uploaded_by", 12},
          {"uploader_org_id", 340},
          {"uploader_kind", "branch"}};
}

json NotificationPayload(const std::string& id_card) {
  return {{"org_id", 340},
          {"day", "2024-05-01"},
          {"title", "团员档案上传提醒"},
          {"text", "组织内有团员档案尚未上传"},
          {"members",
           {{{"member_id", 1001},
             {"name", "张三"},
             {"id_card_masked", id_card},
             {"deadline", "2024-05-20"},
             {"state", "NOT_UPLOADED"}}}}};
}

// A valid archive.uploaded message as JSON, for tests to break one field at a time.
json UploadedMessage() {
  return {{"id", "123e4567-e89b-42d3-a456-426614174000"},
          {"type", "archive.uploaded"},
          {"version", 1},
          {"occurred_at", "2024-05-01T08:30:05.007Z"},
          {"producer", "archive-api"},
          {"key", "1001"},
          {"payload", UploadedPayload()}};
}

class RegistryTest : public ::testing::Test {
 protected:
  ParseError ErrorFrom(std::string_view text) const {
    auto result = registry_.Parse(text);
    if (auto* envelope = std::get_if<Envelope>(&result)) {
      ADD_FAILURE() << "parsed although it should not: " << Serialize(*envelope);
      return {};
    }
    return std::get<ParseError>(result);
  }

  ParseError ErrorFromJson(const json& message) const { return ErrorFrom(message.dump()); }

  Envelope EnvelopeFrom(std::string_view text) const {
    auto result = registry_.Parse(text);
    if (auto* error = std::get_if<ParseError>(&result)) {
      ADD_FAILURE() << "did not parse: " << CodeName(error->code) << ": " << error->detail;
      return {};
    }
    return std::get<Envelope>(result);
  }

  SchemaFiles files_;
  Registry registry_{files_.Map()};
};

// Loading the schemas

TEST_F(RegistryTest, KnowsEveryEventTypeInSchemasEvents) {
  for (const char* type : {"archive.uploaded", "archive.pre-reviewed", "import.requested", "deadline.sweep-requested",
                           "deadline.swept", "archive.notifications", "ledger.entry", "prereview.requested"}) {
    EXPECT_TRUE(registry_.Knows(type)) << type;
  }
  EXPECT_FALSE(registry_.Knows("archive.deleted"));
  EXPECT_FALSE(registry_.Knows("envelope"));
}

TEST(RegistryLoading, ThrowsWhenTheEnvelopeSchemaIsMissing) {
  const FileMap files = {{"ledger.entry.v1.json", "{}"}};
  EXPECT_THROW(Registry{files}, std::invalid_argument);
}

TEST(RegistryLoading, ThrowsOnAFileNameThatDoesNotFollowTheConvention) {
  for (const char* name : {"ledger.entry.json", "ledger.entry.v0.json", "ledger.entry.v01.json", "Ledger.v1.json",
                           "ledger.entry.v1.yaml", "ledger..entry.v1.json", "envelope.v2.json", "notes.txt"}) {
    const FileMap files = {{"envelope.v1.json", "true"}, {name, "true"}};
    EXPECT_THROW(Registry{files}, std::invalid_argument) << name;
  }
}

TEST(RegistryLoading, ThrowsNamingTheFileWhenASchemaIsNotJson) {
  const FileMap files = {{"envelope.v1.json", "true"}, {"ledger.entry.v1.json", R"({"type": )"}};
  try {
    Registry registry{files};
    FAIL() << "loaded a schema that is not JSON";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("ledger.entry.v1.json is not JSON"));
  }
}

TEST(RegistryLoading, ThrowsNamingTheFileKeywordAndPointerOfAnUnsupportedKeyword) {
  const FileMap files = {{"envelope.v1.json", "true"},
                         {"ledger.entry.v1.json", R"({"properties": {"seq": {"multipleOf": 2}}})"}};
  try {
    Registry registry{files};
    FAIL() << "loaded a schema with an unsupported keyword";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("ledger.entry.v1.json"));
    EXPECT_THAT(error.what(), HasSubstr("/properties/seq"));
    EXPECT_THAT(error.what(), HasSubstr("\"multipleOf\""));
  }
}

TEST_F(RegistryTest, AcceptsAPayloadSchemaAddedLater) {
  // Given a new type registered at run time,
  registry_.Add("test.thing", 2, {{"type", "object"}, {"required", {"n"}}});
  json message = UploadedMessage();
  message["type"] = "test.thing";
  message["version"] = 2;
  message["payload"] = {{"n", 1}};
  // when a message of that type arrives, then it parses, and a bad payload is still caught.
  EXPECT_EQ(EnvelopeFrom(message.dump()).type, "test.thing");
  message["payload"] = json::object();
  EXPECT_EQ(ErrorFromJson(message),
            (ParseError{ParseErrorCode::kBadPayload, "payload/n: required property is missing"}));
}

TEST_F(RegistryTest, RefusesToAddATypeVersionTwiceOrABadName) {
  EXPECT_THROW(registry_.Add("archive.uploaded", 1, true), std::invalid_argument);
  EXPECT_THROW(registry_.Add("Archive.Uploaded", 1, true), std::invalid_argument);
  EXPECT_THROW(registry_.Add("archive.uploaded.", 2, true), std::invalid_argument);
  EXPECT_THROW(registry_.Add("archive.uploaded", 0, true), std::invalid_argument);
  EXPECT_THROW(registry_.Add("test.thing", 1, {{"oneOf", json::array()}}), std::invalid_argument);
  EXPECT_NO_THROW(registry_.Add("archive.uploaded", 2, true));
}

// Messages that parse

TEST_F(RegistryTest, ParsesASerializedEnvelopeBackIntoTheSameEnvelope) {
  // Given an envelope made by a producer,
  const Envelope sent = MakeEnvelope("archive.uploaded", 1, "archive-api", "1001", UploadedPayload(), kNow);
  // when it goes through Kafka as text and is parsed,
  const Envelope received = EnvelopeFrom(Serialize(sent));
  // then the consumer sees exactly what was sent.
  EXPECT_EQ(received, sent);
  EXPECT_EQ(received.trace_id, "");
}

TEST_F(RegistryTest, KeepsTheTraceIdThroughARoundTrip) {
  Envelope sent = MakeEnvelope("ledger.entry", 1, "selftest", "7", {{"seq", 7}, {"produced_at_us", 1}}, kNow);
  sent.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  EXPECT_EQ(EnvelopeFrom(Serialize(sent)), sent);
}

TEST_F(RegistryTest, AcceptsAValidPayloadForEveryEventType) {
  const std::vector<std::pair<std::string, json>> cases = {
      {"archive.uploaded", UploadedPayload()},
      {"archive.pre-reviewed",
       {{"member_id", 1001},
        {"version_id", 55},
        {"verdict", "WARN"},
        {"findings",
         {{{"code", "BLURRY_PAGE"}, {"severity", "warn"}, {"page", 3}},
          {{"code", "SEAL_MISSING"}, {"severity", "fail"}, {"page", nullptr}}}}}},
      {"archive.pre-reviewed", {{"member_id", 1}, {"version_id", 1}, {"verdict", "PASS"}, {"findings", json::array()}}},
      {"import.requested",
       {{"batch_id", "0f8fad5b-d9cb-469f-a165-70867728950e"},
        {"org_id", 340},
        {"requested_by", 12},
        {"blob",
         {{"uri", "file:///var/lib/archive/imports/x.xlsx"},
          {"sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
          {"size", 0}}},
        {"filename", "2024年新团员名单.xlsx"},
        {"format", "xlsx"},
        {"dry_run", false}}},
      {"deadline.sweep-requested", {{"as_of", "2024-05-01T00:00:00+08:00"}, {"requested_by", "scheduler"}}},
      {"deadline.sweep-requested",
       {{"as_of", "2024-05-01T00:00:00Z"}, {"requested_by", "ops:li"}, {"reason", "replay after outage"}}},
      {"deadline.swept",
       {{"sweep_id", 7},
        {"as_of", "2024-05-01T01:00:00Z"},
        {"day", "2024-05-01"},
        {"created", 20000},
        {"resolved", 3}}},
      {"archive.notifications", NotificationPayload("110101********1234")},
      {"ledger.entry", {{"seq", 0}, {"produced_at_us", 1714552205007999}}},
  };
  for (const auto& [type, payload] : cases) {
    const Envelope sent = MakeEnvelope(type, 1, "test", "k", payload, kNow);
    EXPECT_EQ(EnvelopeFrom(Serialize(sent)), sent) << type;
  }
}

TEST_F(RegistryTest, AcceptsAVersionWrittenAsAWholeNumberWithAFraction) {
  json message = UploadedMessage();
  message["version"] = 1.0;
  EXPECT_EQ(EnvelopeFrom(message.dump()).version, 1);
}

// Not JSON

TEST_F(RegistryTest, RejectsTextThatIsNotJson) {
  const ParseError error = ErrorFrom("archive.uploaded member 1001");
  EXPECT_EQ(error.code, ParseErrorCode::kNotJson);
  EXPECT_EQ(error.detail, "text is not JSON: syntax error at byte 1 of 28");
}

TEST_F(RegistryTest, RejectsTruncatedJson) {
  const std::string text = UploadedMessage().dump();
  const ParseError error = ErrorFrom(std::string_view(text).substr(0, text.size() / 2));
  EXPECT_EQ(error.code, ParseErrorCode::kNotJson);
  EXPECT_THAT(error.detail, HasSubstr("ends unexpectedly after"));
}

TEST_F(RegistryTest, RejectsAnEmptyMessage) {
  EXPECT_EQ(ErrorFrom(""),
            (ParseError{ParseErrorCode::kNotJson, "text is not JSON: it ends unexpectedly after 0 bytes"}));
}

TEST_F(RegistryTest, RejectsInvalidUtf8AsNotJson) {
  std::string text = UploadedMessage().dump();
  text.replace(text.find("archive-api"), 1, "\xC3\x28");
  EXPECT_EQ(ErrorFrom(text).code, ParseErrorCode::kNotJson);
}

TEST_F(RegistryTest, RejectsANumberBeyondTheRangeOfADouble) {
  std::string text = UploadedMessage().dump();
  text.replace(text.find("\"version\":1"), 11, "\"version\":1e999");
  EXPECT_EQ(ErrorFrom(text).code, ParseErrorCode::kNotJson);
}

// Bad envelopes

TEST_F(RegistryTest, RejectsJsonThatIsNotAnObject) {
  EXPECT_EQ(ErrorFrom("[]"), (ParseError{ParseErrorCode::kBadEnvelope, "envelope: must be of type object, not array"}));
  EXPECT_EQ(ErrorFrom("null").code, ParseErrorCode::kBadEnvelope);
}

TEST_F(RegistryTest, RejectsAnEnvelopeMissingARequiredField) {
  for (const char* field : {"id", "type", "version", "occurred_at", "producer", "key", "payload"}) {
    json message = UploadedMessage();
    message.erase(field);
    EXPECT_EQ(ErrorFromJson(message),
              (ParseError{ParseErrorCode::kBadEnvelope, std::string(field) + ": required property is missing"}));
  }
}

TEST_F(RegistryTest, RejectsEnvelopeFieldsOfTheWrongType) {
  const std::vector<std::tuple<std::string, json, std::string>> cases = {
      {"id", 42, "id: must be of type string, not integer"},
      {"version", "1", "version: must be of type integer, not string"},
      {"version", 1.5, "version: must be of type integer, not number"},
      {"payload", json::array(), "payload: must be of type object, not array"},
      {"payload", nullptr, "payload: must be of type object, not null"},
      {"trace_id", 7, "trace_id: must be of type string, not integer"},
  };
  for (const auto& [field, value, detail] : cases) {
    json message = UploadedMessage();
    message[field] = value;
    EXPECT_EQ(ErrorFromJson(message), (ParseError{ParseErrorCode::kBadEnvelope, detail})) << field;
  }
}

TEST_F(RegistryTest, RejectsEnvelopeFieldsThatBreakTheirRules) {
  const std::vector<std::tuple<std::string, json, std::string>> cases = {
      {"id", "not-a-uuid", "id: must be a UUID such as 123e4567-e89b-42d3-a456-426614174000"},
      {"type", "Archive.Uploaded", "type: must match the pattern ^[a-z][a-z0-9]*([.-][a-z0-9]+)*$"},
      {"type", "archive..uploaded", "type: must match the pattern ^[a-z][a-z0-9]*([.-][a-z0-9]+)*$"},
      {"type", std::string(129, 'a'), "type: must be at most 128 characters long"},
      {"version", 0, "version: must be at least 1"},
      {"occurred_at", "2024-05-01 08:30:05",
       "occurred_at: must be an RFC 3339 date-time such as 2024-05-01T08:30:00.000Z"},
      {"producer", "", "producer: must be at least 1 character long"},
      {"producer", std::string(65, 'p'), "producer: must be at most 64 characters long"},
      {"key", std::string(129, 'k'), "key: must be at most 128 characters long"},
      {"trace_id", std::string(65, 't'), "trace_id: must be at most 64 characters long"},
  };
  for (const auto& [field, value, detail] : cases) {
    json message = UploadedMessage();
    message[field] = value;
    EXPECT_EQ(ErrorFromJson(message), (ParseError{ParseErrorCode::kBadEnvelope, detail})) << field;
  }
}

TEST_F(RegistryTest, RejectsAnEnvelopeWithAnUnexpectedField) {
  json message = UploadedMessage();
  message["member_id"] = 1001;
  EXPECT_EQ(ErrorFromJson(message), (ParseError{ParseErrorCode::kBadEnvelope, "member_id: property is not allowed"}));
}

TEST_F(RegistryTest, RejectsAMessageNestedFarTooDeepWithoutCrashing) {
  // Given a hostile message of 200 000 nested arrays inside the payload,
  json message = UploadedMessage();
  const std::string text = message.dump();
  const std::string deep = std::string(200'000, '[') + std::string(200'000, ']');
  std::string hostile = text;
  hostile.replace(hostile.find("\"payload\":{") + 11, 0, "\"deep\":" + deep + ",");
  // when it is parsed, then it is refused as a whole.
  EXPECT_EQ(ErrorFrom(hostile),
            (ParseError{ParseErrorCode::kBadEnvelope, "envelope: value is nested deeper than 64 levels"}));
}

// Unknown types and versions

TEST_F(RegistryTest, RejectsAnUnknownType) {
  json message = UploadedMessage();
  message["type"] = "archive.deleted";
  EXPECT_EQ(ErrorFromJson(message),
            (ParseError{ParseErrorCode::kUnknownType, "type: event type archive.deleted has no schema in this build"}));
}

TEST_F(RegistryTest, RejectsAnUnknownVersionOfAKnownType) {
  json message = UploadedMessage();
  message["version"] = 7;
  EXPECT_EQ(ErrorFromJson(message),
            (ParseError{ParseErrorCode::kUnknownVersion,
                        "version: event type archive.uploaded has no schema for version 7 in this build; known "
                        "versions: 1"}));
}

TEST_F(RegistryTest, RejectsAVersionTooLargeForAnIntAsUnknown) {
  json message = UploadedMessage();
  message["version"] = 4294967297LL;
  EXPECT_EQ(ErrorFromJson(message).code, ParseErrorCode::kUnknownVersion);
  message["version"] = 1e300;
  EXPECT_EQ(ErrorFromJson(message).code, ParseErrorCode::kUnknownVersion);
}

// Bad payloads

TEST_F(RegistryTest, RejectsAPayloadWithAMissingRequiredField) {
  json message = UploadedMessage();
  message["payload"].erase("member_id");
  EXPECT_EQ(ErrorFromJson(message),
            (ParseError{ParseErrorCode::kBadPayload, "payload/member_id: required property is missing"}));
}

TEST_F(RegistryTest, RejectsAPayloadFieldOfTheWrongTypeOrOutOfRange) {
  const std::vector<std::tuple<json::json_pointer, json, std::string>> cases = {
      {json::json_pointer("/member_id"), "1001", "payload/member_id: must be of type integer, not string"},
      {json::json_pointer("/member_id"), 0, "payload/member_id: must be at least 1"},
      {json::json_pointer("/member_id"), json::parse("9223372036854775808"),
       "payload/member_id: must be at most 9223372036854775807"},
      {json::json_pointer("/blob/size"), -1, "payload/blob/size: must be at least 0"},
      {json::json_pointer("/blob/sha256"), std::string(64, 'A'),
       "payload/blob/sha256: must match the pattern ^[0-9a-f]{64}$"},
      {json::json_pointer("/blob/sha256"), "abc", "payload/blob/sha256: must be at least 64 characters long"},
      {json::json_pointer("/uploader_kind"), "member",
       R"(payload/uploader_kind: must be one of "branch", "committee")"},
      {json::json_pointer("/blob/extra"), 1, "payload/blob/extra: property is not allowed"},
      {json::json_pointer("/note"), "x", "payload/note: property is not allowed"},
  };
  for (const auto& [pointer, value, detail] : cases) {
    json message = UploadedMessage();
    message["payload"][pointer] = value;
    EXPECT_EQ(ErrorFromJson(message), (ParseError{ParseErrorCode::kBadPayload, detail})) << pointer;
  }
}

TEST_F(RegistryTest, ReportsABadFindingByItsIndex) {
  json message = UploadedMessage();
  message["type"] = "archive.pre-reviewed";
  message["payload"] = {{"member_id", 1},
                        {"version_id", 1},
                        {"verdict", "FAIL"},
                        {"findings",
                         {{{"code", "BLANK_PAGE"}, {"severity", "warn"}, {"page", 2}},
                          {{"code", "seal missing"}, {"severity", "fail"}, {"page", nullptr}}}}};
  EXPECT_EQ(ErrorFromJson(message),
            (ParseError{ParseErrorCode::kBadPayload,
                        "payload/findings/1/code: must match the pattern ^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$"}));
}

TEST_F(RegistryTest, RejectsANotificationWithAnUnmaskedIdCardNumber) {
  json message = UploadedMessage();
  message["type"] = "archive.notifications";
  message["payload"] = NotificationPayload("110101199003071234");
  EXPECT_EQ(ErrorFromJson(message), (ParseError{ParseErrorCode::kBadPayload,
                                                "payload/members/0/id_card_masked: must match the pattern \\*{4}"}));
}

// Details are safe to log

TEST_F(RegistryTest, NeverEchoesTheOffendingValueInADetail) {
  // Given messages whose offending values are personal data,
  const std::string id_card = "110101199003071234";
  std::string name = "欧阳";
  for (int i = 0; i < 120; ++i) {
    name += "娜";  // Longer than the schema's 100 characters.
  }
  std::vector<std::string> texts;
  json message = UploadedMessage();
  message["type"] = "archive.notifications";
  message["payload"] = NotificationPayload(id_card);
  texts.push_back(message.dump());
  message["payload"] = NotificationPayload("110101********1234");
  message["payload"]["members"][0]["name"] = name;
  texts.push_back(message.dump());
  message["payload"]["members"][0]["name"] = 110101199003071234LL;
  texts.push_back(message.dump());
  message["payload"] = NotificationPayload("110101********1234");
  message["key"] = id_card + std::string(200, '0');
  texts.push_back(message.dump());
  message = UploadedMessage();
  message["payload"]["uploader_kind"] = id_card;
  texts.push_back(message.dump());
  texts.push_back(R"({"payload": {"name": ")" + name + R"(", "id": )" + id_card + "x}");
  texts.push_back(R"({"payload": {"name": ")" + name);
  // when they are refused, then no detail repeats the value.
  for (const auto& text : texts) {
    const ParseError error = ErrorFrom(text);
    EXPECT_THAT(error.detail, Not(HasSubstr(id_card)));
    EXPECT_THAT(error.detail, Not(HasSubstr("欧阳")));
    EXPECT_THAT(error.detail, Not(HasSubstr("娜")));
  }
}

TEST(ParseErrorCodes, HaveStableMachineNames) {
  EXPECT_EQ(CodeName(ParseErrorCode::kNotJson), "NOT_JSON");
  EXPECT_EQ(CodeName(ParseErrorCode::kBadEnvelope), "BAD_ENVELOPE");
  EXPECT_EQ(CodeName(ParseErrorCode::kUnknownType), "UNKNOWN_TYPE");
  EXPECT_EQ(CodeName(ParseErrorCode::kUnknownVersion), "UNKNOWN_VERSION");
  EXPECT_EQ(CodeName(ParseErrorCode::kBadPayload), "BAD_PAYLOAD");
}

// Making envelopes

TEST(MakeEnvelope, StampsOccurredAtInUtcWithMilliseconds) {
  const Envelope envelope = MakeEnvelope("ledger.entry", 1, "selftest", "1", json::object(), kNow);
  EXPECT_EQ(envelope.occurred_at, "2024-05-01T08:30:05.007Z");
}

TEST(MakeEnvelope, FillsEveryFieldFromItsArguments) {
  const Envelope envelope = MakeEnvelope("ledger.entry", 3, "selftest", "key-1", {{"seq", 1}}, kNow);
  EXPECT_EQ(envelope.type, "ledger.entry");
  EXPECT_EQ(envelope.version, 3);
  EXPECT_EQ(envelope.producer, "selftest");
  EXPECT_EQ(envelope.key, "key-1");
  EXPECT_EQ(envelope.payload, (json{{"seq", 1}}));
  EXPECT_EQ(envelope.trace_id, "");
}

// xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx in lower-case hex, with V one of 8, 9, a, b.
bool IsLowerCaseUuidV4(const std::string& id) {
  constexpr std::string_view kShape = "xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx";
  constexpr std::string_view kHex = "0123456789abcdef";
  if (id.size() != kShape.size()) {
    return false;
  }
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char shape = kShape[i];
    const bool ok = shape == 'x'   ? kHex.find(id[i]) != std::string_view::npos
                    : shape == 'V' ? std::string_view("89ab").find(id[i]) != std::string_view::npos
                                   : id[i] == shape;
    if (!ok) {
      return false;
    }
  }
  return true;
}

TEST(MakeEnvelope, GivesEachEnvelopeAFreshVersion4Uuid) {
  std::set<std::string> ids;
  for (int i = 0; i < 10'000; ++i) {
    const Envelope envelope = MakeEnvelope("ledger.entry", 1, "selftest", "1", json::object(), kNow);
    ASSERT_TRUE(IsLowerCaseUuidV4(envelope.id)) << envelope.id;
    ids.insert(envelope.id);
  }
  EXPECT_EQ(ids.size(), 10'000U);
}

TEST(NewUuidV4, DrawsDifferentIdsOnDifferentThreads) {
  std::array<std::vector<std::string>, 4> drawn;
  std::vector<std::thread> threads;
  for (auto& ids : drawn) {
    threads.emplace_back([&ids] {
      for (int i = 0; i < 1000; ++i) {
        ids.push_back(NewUuidV4());
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  std::set<std::string> unique;
  for (const auto& ids : drawn) {
    unique.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(unique.size(), 4000U);
}

TEST(NewUuidV4, DoesNotRepeatTheParentsIdsInAForkedChild) {
  // Given a process whose generator is already seeded,
  NewUuidV4();
  std::array<int, 2> pipe_ends{};
  ASSERT_EQ(pipe(pipe_ends.data()), 0);
  // when it forks and both draw their next id,
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string id = NewUuidV4();
    const bool written = write(pipe_ends[1], id.data(), id.size()) == static_cast<ssize_t>(id.size());
    _exit(written ? 0 : 1);
  }
  const std::string parent_id = NewUuidV4();
  std::string child_id(36, '\0');
  const ssize_t read_bytes = read(pipe_ends[0], child_id.data(), child_id.size());
  int status = 0;
  waitpid(child, &status, 0);
  close(pipe_ends[0]);
  close(pipe_ends[1]);
  // then the ids differ.
  ASSERT_EQ(read_bytes, 36);
  EXPECT_NE(child_id, parent_id);
}

TEST(FormatUtcMillis, FloorsToTheMillisecondEvenBeforeTheEpoch) {
  using std::chrono::milliseconds;
  using std::chrono::system_clock;
  EXPECT_EQ(FormatUtcMillis(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatUtcMillis(system_clock::time_point{} - std::chrono::microseconds{1}), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatUtcMillis(std::chrono::sys_days{std::chrono::year{2024} / 2 / 29} + milliseconds{86'399'999}),
            "2024-02-29T23:59:59.999Z");
}

// Serializing

TEST(Serialize, LeavesOutAnEmptyTraceIdAndKeepsASetOne) {
  Envelope envelope = MakeEnvelope("ledger.entry", 1, "selftest", "1", {{"seq", 1}}, kNow);
  EXPECT_FALSE(ToJson(envelope).contains("trace_id"));
  envelope.trace_id = "abc";
  EXPECT_EQ(ToJson(envelope).at("trace_id"), "abc");
}

TEST(Serialize, WritesCompactUtf8Json) {
  Envelope envelope = MakeEnvelope("ledger.entry", 1, "selftest", "1", {{"note", "团员"}}, kNow);
  envelope.id = "123e4567-e89b-42d3-a456-426614174000";
  EXPECT_EQ(Serialize(envelope),
            R"({"id":"123e4567-e89b-42d3-a456-426614174000","key":"1","occurred_at":"2024-05-01T08:30:05.007Z",)"
            R"("payload":{"note":"团员"},"producer":"selftest","type":"ledger.entry","version":1})");
}

}  // namespace
}  // namespace archive::events
