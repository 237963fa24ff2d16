#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <variant>
#include "api/access.hpp"
#include "api/app.hpp"
#include "common/base/clock.hpp"
#include "common/member/date.hpp"
#include "common/pg/pg.hpp"

// A member as the handlers load it, and its JSON forms.
namespace archive::api {

struct MemberRow {
  MemberPlace place;
  std::string name;
  std::string id_card;
  std::optional<std::string> gender;
  std::string joined_on;
  std::optional<std::string> dev_number;
  std::string status;
  std::optional<std::string> deadline;
  std::optional<std::int64_t> current_version_id;
  std::string org_name;
  std::string status_changed_at;
};

// The member, or nullopt. lock = true takes the row lock (api_member_lock) for a change.
std::optional<MemberRow> LoadMember(pg::Tx& tx, std::int64_t id, bool lock);

// The member named by the path parameter {id}, when the caller may read them (CanRead); otherwise the 400 or
// 404 to answer. lock = true takes the row lock.
std::variant<MemberRow, Response> ReadableMember(pg::Tx& tx, const Call& call, bool lock);

Response MemberNotFound();

// Today in China Standard Time (UTC+8), the calendar the League's dates are in.
member::Date Today(const Clock& clock);

// The Chinese name of an archive status, as users see it (R4).
std::string StatusText(std::string_view status);

// The member with the ID card number masked (first 6 + last 4): lists and single reads alike.
nlohmann::json MemberJson(const MemberRow& m);

}  // namespace archive::api
