#include "common/events/envelope.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <utility>

namespace archive::events {

namespace {

using nlohmann::json;

constexpr std::string_view kEnvelopeFile = "envelope.v1.json";
constexpr std::string_view kJsonSuffix = ".json";

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// The same rule as the envelope schema's pattern for "type": ^[a-z][a-z0-9]*([.-][a-z0-9]+)*$
bool IsEventTypeName(std::string_view name) {
  if (name.empty() || name.front() < 'a' || name.front() > 'z' || !IsLowerAlnum(name.back())) {
    return false;
  }
  for (std::size_t i = 1; i < name.size(); ++i) {
    const bool separator = name[i] == '.' || name[i] == '-';
    if (!separator && !IsLowerAlnum(name[i])) {
      return false;
    }
    if (separator && !IsLowerAlnum(name[i - 1])) {
      return false;
    }
  }
  return true;
}

// "<type>.v<version>.json", with a version from 1 to 999999 written without leading zeros.
std::pair<std::string, int> ParseFileName(std::string_view name) {
  const auto fail = [&]() -> std::invalid_argument {
    return std::invalid_argument("event schema file \"" + std::string(name) +
                                 "\" is not named <type>.v<version>.json, e.g. archive.uploaded.v1.json");
  };
  if (!name.ends_with(kJsonSuffix)) {
    throw fail();
  }
  const std::string_view stem = name.substr(0, name.size() - kJsonSuffix.size());
  const std::size_t marker = stem.rfind(".v");
  if (marker == std::string_view::npos) {
    throw fail();
  }
  const std::string_view type = stem.substr(0, marker);
  const std::string_view digits = stem.substr(marker + 2);
  if (!IsEventTypeName(type) || digits.empty() || digits.size() > 6 || digits.front() == '0' ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw fail();
  }
  return {std::string(type), std::stoi(std::string(digits))};
}

json ParseSchemaFile(std::string_view name, std::string_view text) {
  try {
    return json::parse(text);
  } catch (const json::exception& error) {
    throw std::invalid_argument("event schema file " + std::string(name) + " is not JSON: " + error.what());
  }
}

Schema CompileEnvelopeSchema(const std::map<std::string, std::string_view, std::less<>>& files) {
  const auto file = files.find(kEnvelopeFile);
  if (file == files.end()) {
    throw std::invalid_argument("event schemas: " + std::string(kEnvelopeFile) +
                                " is missing from the schema files (schemas/events)");
  }
  try {
    return Schema::Compile(ParseSchemaFile(file->first, file->second));
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument("event schema file " + file->first + ": " + error.what());
  }
}

std::optional<int> AsInt(const json& number) {
  constexpr int kMax = std::numeric_limits<int>::max();
  if (number.is_number_unsigned()) {
    const auto value = number.get<std::uint64_t>();
    return value <= static_cast<std::uint64_t>(kMax) ? std::optional<int>(static_cast<int>(value)) : std::nullopt;
  }
  if (number.is_number_integer()) {
    const auto value = number.get<std::int64_t>();
    return std::in_range<int>(value) ? std::optional<int>(static_cast<int>(value)) : std::nullopt;
  }
  if (number.is_number_float()) {
    const double value = number.get<double>();
    if (std::trunc(value) == value && value >= std::numeric_limits<int>::min() && value <= kMax) {
      return static_cast<int>(value);
    }
  }
  return std::nullopt;
}

// A violation's place relative to the envelope, e.g. "payload/member_id", or "envelope" for the whole message.
std::string Locate(std::string_view prefix, const Violation& violation) {
  std::string location = std::string(prefix) + violation.pointer;
  if (!location.empty() && location.front() == '/') {
    location.erase(0, 1);
  }
  return (location.empty() ? "envelope" : location) + ": " + violation.message;
}

std::string DescribeSyntaxError(std::size_t byte, std::size_t size) {
  // nlohmann's own message quotes the text around the error, which may be personal data, so only the position
  // is reported.
  if (byte > size) {
    return "text is not JSON: it ends unexpectedly after " + std::to_string(size) + " bytes";
  }
  return "text is not JSON: syntax error at byte " + std::to_string(byte) + " of " + std::to_string(size);
}

std::string ListVersions(const std::map<int, Schema>& versions) {
  std::string text;
  for (const auto& [version, schema] : versions) {
    text += (text.empty() ? "" : ", ") + std::to_string(version);
  }
  return text;
}

// Reads the fields of a message that has passed the envelope schema, so every field is there with its type.
Envelope ToEnvelope(json& message, int version) {
  Envelope envelope;
  envelope.id = message.at("id").get<std::string>();
  envelope.type = message.at("type").get<std::string>();
  envelope.version = version;
  envelope.occurred_at = message.at("occurred_at").get<std::string>();
  envelope.producer = message.at("producer").get<std::string>();
  envelope.key = message.at("key").get<std::string>();
  if (const auto trace_id = message.find("trace_id"); trace_id != message.end()) {
    envelope.trace_id = trace_id->get<std::string>();
  }
  envelope.payload = std::move(message.at("payload"));
  return envelope;
}

class UuidGenerator {
 public:
  std::string Next() {
    if (const pid_t pid = getpid(); pid != seeded_in_) {
      Seed();
      seeded_in_ = pid;
    }
    std::array<std::uint8_t, 16> bytes{};
    for (std::size_t half = 0; half < 2; ++half) {
      std::uint64_t random = engine_();
      for (std::size_t i = 0; i < 8; ++i) {
        bytes.at(half * 8 + i) = static_cast<std::uint8_t>(random & 0xFFU);
        random >>= 8U;
      }
    }
    bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0FU) | 0x40U);  // Version 4.
    bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3FU) | 0x80U);  // RFC 4122 variant.
    constexpr std::string_view kHex = "0123456789abcdef";
    std::string text;
    text.reserve(36);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10) {
        text += '-';
      }
      text += kHex[bytes[i] >> 4U];
      text += kHex[bytes[i] & 0x0FU];
    }
    return text;
  }

 private:
  void Seed() {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device(), device(), device()};
    engine_.seed(seed);
  }

  std::mt19937_64 engine_;
  pid_t seeded_in_ = 0;
};

}  // namespace

json ToJson(const Envelope& envelope) {
  json object = {
      {"id", envelope.id},
      {"type", envelope.type},
      {"version", envelope.version},
      {"occurred_at", envelope.occurred_at},
      {"producer", envelope.producer},
      {"key", envelope.key},
      {"payload", envelope.payload},
  };
  if (!envelope.trace_id.empty()) {
    object["trace_id"] = envelope.trace_id;
  }
  return object;
}

std::string Serialize(const Envelope& envelope) {
  return ToJson(envelope).dump();
}

std::string NewUuidV4() {
  thread_local UuidGenerator generator;
  return generator.Next();
}

std::string FormatUtcMillis(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto millis = floor<milliseconds>(time);
  const auto day = floor<days>(millis);
  const year_month_day date{day};
  const hh_mm_ss clock{millis - day};
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text.data();
}

Envelope MakeEnvelope(std::string type, int version, std::string producer, std::string key, json payload,
                      std::chrono::system_clock::time_point now) {
  Envelope envelope;
  envelope.id = NewUuidV4();
  envelope.type = std::move(type);
  envelope.version = version;
  envelope.occurred_at = FormatUtcMillis(now);
  envelope.producer = std::move(producer);
  envelope.key = std::move(key);
  envelope.payload = std::move(payload);
  return envelope;
}

std::string_view CodeName(ParseErrorCode code) {
  switch (code) {
    case ParseErrorCode::kNotJson:
      return "NOT_JSON";
    case ParseErrorCode::kBadEnvelope:
      return "BAD_ENVELOPE";
    case ParseErrorCode::kUnknownType:
      return "UNKNOWN_TYPE";
    case ParseErrorCode::kUnknownVersion:
      return "UNKNOWN_VERSION";
    case ParseErrorCode::kBadPayload:
      return "BAD_PAYLOAD";
  }
  return "UNKNOWN_PARSE_ERROR";
}

Registry::Registry(const std::map<std::string, std::string_view, std::less<>>& files)
    : envelope_(CompileEnvelopeSchema(files)) {
  for (const auto& [name, text] : files) {
    if (name == kEnvelopeFile) {
      continue;
    }
    auto [type, version] = ParseFileName(name);
    if (type == "envelope") {
      throw std::invalid_argument("event schema file " + name + ": only " + std::string(kEnvelopeFile) +
                                  " describes the envelope, and \"envelope\" is not an event type");
    }
    try {
      Add(std::move(type), version, ParseSchemaFile(name, text));
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument("event schema file " + name + ": " + error.what());
    }
  }
}

void Registry::Add(std::string type, int version, const json& payload_schema) {
  if (!IsEventTypeName(type)) {
    throw std::invalid_argument("event type \"" + type + "\" must match ^[a-z][a-z0-9]*([.-][a-z0-9]+)*$");
  }
  if (version < 1) {
    throw std::invalid_argument("event type " + type + ": version " + std::to_string(version) + " must be at least 1");
  }
  auto schema = Schema::Compile(payload_schema);
  const auto versions = payloads_.try_emplace(std::move(type)).first;
  if (!versions->second.try_emplace(version, std::move(schema)).second) {
    throw std::invalid_argument("event type " + versions->first + " version " + std::to_string(version) +
                                " is already registered");
  }
}

std::variant<Envelope, ParseError> Registry::Parse(std::string_view text) const {
  json message;
  try {
    message = json::parse(text);
  } catch (const json::parse_error& error) {
    return ParseError{ParseErrorCode::kNotJson, DescribeSyntaxError(error.byte, text.size())};
  } catch (const json::exception& error) {
    // Only out_of_range 406 gets here: a number too large for a double.
    return ParseError{ParseErrorCode::kNotJson, "text is not JSON this parser accepts (nlohmann::json error " +
                                                    std::to_string(error.id) +
                                                    ", e.g. a number beyond the range of a double)"};
  }
  if (auto violation = envelope_.Validate(message)) {
    return ParseError{ParseErrorCode::kBadEnvelope, Locate("", *violation)};
  }
  const auto& type = message.at("type").get_ref<const std::string&>();
  const auto versions = payloads_.find(type);
  if (versions == payloads_.end()) {
    return ParseError{ParseErrorCode::kUnknownType, "type: event type " + type + " has no schema in this build"};
  }
  const auto version = AsInt(message.at("version"));
  const auto schema = version ? versions->second.find(*version) : versions->second.end();
  if (schema == versions->second.end()) {
    return ParseError{ParseErrorCode::kUnknownVersion,
                      "version: event type " + type + " has no schema for version " + message.at("version").dump() +
                          " in this build; known versions: " + ListVersions(versions->second)};
  }
  if (auto violation = schema->second.Validate(message.at("payload"))) {
    return ParseError{ParseErrorCode::kBadPayload, Locate("payload", *violation)};
  }
  return ToEnvelope(message, *version);
}

bool Registry::Knows(std::string_view type) const {
  return payloads_.find(type) != payloads_.end();
}

}  // namespace archive::events
