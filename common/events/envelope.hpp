#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "common/events/schema.hpp"

namespace archive::events {

// One event as it travels through Kafka: a small JSON object that points at files by URI and never carries them.
//
//   {"id": "<uuid>", "type": "archive.uploaded", "version": 1, "occurred_at": "2024-05-01T08:30:00.000Z",
//    "producer": "archive-api", "key": "<partition key>", "trace_id": "<optional>", "payload": {...}}
//
// `id` is what consumers record in their inbox table, so it must be unique per event, never per delivery.
// `(type, version)` selects the payload schema. `key` is the Kafka partition key (a member or batch id).
struct Envelope {
  std::string id;
  std::string type;
  int version = 1;
  std::string occurred_at;
  std::string producer;
  std::string key;
  std::string trace_id;  // Empty means absent: ToJson leaves it out.
  nlohmann::json payload = nlohmann::json::object();

  friend bool operator==(const Envelope&, const Envelope&) = default;
};

// The envelope as a JSON object, with "trace_id" only when it is set. It is not validated.
nlohmann::json ToJson(const Envelope& envelope);

// Compact UTF-8 JSON text of ToJson(envelope). Throws nlohmann::json::type_error when a string in the envelope is
// not valid UTF-8: clean text from files before it goes into a payload.
std::string Serialize(const Envelope& envelope);

// A new envelope with a fresh random UUID v4 as id, `now` as occurred_at and no trace_id.
Envelope MakeEnvelope(std::string type, int version, std::string producer, std::string key, nlohmann::json payload,
                      std::chrono::system_clock::time_point now);

// A random (version 4) UUID in lower case, e.g. for an import batch id. Each thread draws from its own generator,
// seeded from std::random_device and reseeded after fork(), so parent and child never repeat each other's ids.
// Unique, not unpredictable: don't use it as a secret or a token.
std::string NewUuidV4();

// `time` in UTC as RFC 3339 with milliseconds, e.g. "2024-05-01T08:30:00.123Z". Years 0000 to 9999.
std::string FormatUtcMillis(std::chrono::system_clock::time_point time);

// Why Parse refused a message. Every value is a final verdict for that message: it will never parse, so a
// consumer dead-letters it. Switch over it without a default so a new code can't slip past.
enum class ParseErrorCode {
  kNotJson,         // The text is not JSON (including truncated text and invalid UTF-8).
  kBadEnvelope,     // JSON, but not a valid envelope (see schemas/events/envelope.v1.json).
  kUnknownType,     // A valid envelope whose type has no schema in this build.
  kUnknownVersion,  // The type is known, but not at this version.
  kBadPayload,      // The payload breaks its type's schema.
};

// The stable machine code: "NOT_JSON", "BAD_ENVELOPE", "UNKNOWN_TYPE", "UNKNOWN_VERSION" or "BAD_PAYLOAD".
std::string_view CodeName(ParseErrorCode code);

struct ParseError {
  ParseErrorCode code;
  // English for operators: where and which rule, e.g. "payload/member_id: required property is missing" or
  // "version: must be at least 1". Locations are relative to the envelope, without the leading '/', and
  // "envelope" stands for the whole message. It names fields and rules but never repeats a field's value, so it is
  // safe to log and to store with a dead letter. The one value it repeats is the envelope's type, which the
  // envelope schema has already restricted to a short lower-case name.
  std::string detail;

  friend bool operator==(const ParseError&, const ParseError&) = default;
};

// The event schemas of one build, by (type, version), plus the envelope schema.
//
// Schema files are named envelope.v1.json for the envelope and "<type>.v<version>.json" for each payload, e.g.
// archive.uploaded.v1.json. In the product the files are compiled in from schemas/events (archive_embed); tests
// may read them from disk.
//
// Thread-safety: the const methods may run concurrently. Add is for setup and must not race with anything.
class Registry {
 public:
  // `files` maps a file name to its JSON text. Throws std::invalid_argument naming the file when a name doesn't
  // follow the convention, envelope.v1.json is missing, two files define the same (type, version), a text is not
  // JSON, or a schema fails Schema::Compile.
  explicit Registry(const std::map<std::string, std::string_view, std::less<>>& files);

  // Registers one more payload schema. Throws std::invalid_argument when the type is not a valid event type name,
  // the version is below 1, (type, version) is already registered, or the schema fails Schema::Compile.
  void Add(std::string type, int version, const nlohmann::json& payload_schema);

  // Reads one message: the text must be JSON, an envelope per envelope.v1.json, of a registered (type, version),
  // with a payload valid against that schema. Failures are values; this only throws std::bad_alloc.
  std::variant<Envelope, ParseError> Parse(std::string_view text) const;

  // Whether any version of `type` is registered.
  bool Knows(std::string_view type) const;

 private:
  Schema envelope_;
  std::map<std::string, std::map<int, Schema>, std::less<>> payloads_;
};

}  // namespace archive::events
