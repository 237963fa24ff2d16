#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/clock.hpp"
#include "common/lifecycle/life.hpp"
#include "common/lifecycle/policy.hpp"
#include "common/pg/pg.hpp"

// Looking a number up in the national registry without making it an oracle (docs/api.md, "Numbers registered
// elsewhere").
//
// One person is registered once nationally, so entering a member, importing members, editing an ID number or
// correcting a development number must look the number up across the whole country. What the asker learns about a
// number that a member outside their subtree holds is only that it is registered elsewhere and that a transfer
// (组织关系转接) is the way, never the organization. Each such answer (a "hit") writes an audit row (the holder, the
// number masked) and counts against the asker's allowance, policy.registered_elsewhere_per_day, in PostgreSQL
// (daily_counts), so every API replica and import worker shares it. Once it is used up, every lookup of that asker is
// refused until the next day of the policy's calendar, whether or not the number is held, so that the refusal tells
// nothing either.
namespace archive::lifecycle {

// Who looks a number up.
struct Asker {
  std::optional<std::int64_t> user_id;  // none for ops (archivectl): audited, never limited
  std::string actor;                    // the login, or the command
  std::string subtree;                  // ltree path of the asker's organization; empty: the whole country (ops)
  std::optional<std::string> remote_addr;
};

// A number found held by a member outside the asker's subtree.
struct Hit {
  std::string kind;   // "id_card" or "dev_number"
  std::string value;  // as the audit row keeps it: an ID number masked (first 6 + last 4), a development number
  std::int64_t member_id = 0;  // the holder
};

// Whether an organization at holder_path (ltree text) lies outside what asker may see.
bool Elsewhere(const Asker& asker, std::string_view holder_path);

// The Chinese reasons for a number registered elsewhere, as an import row's failure: no organization in them.
std::string IdRegisteredElsewhere();
std::string DevNumberRegisteredElsewhere(std::string_view number);
// The refusal once the asker's allowance is used up: 429 LOOKUP_LIMIT_REACHED.
Refusal LookupLimitReached(int per_day);

// The lookups of one transaction. Not thread-safe; tx must outlive it.
class Registry {
 public:
  Registry(pg::Tx& tx, const Policy& policy, const Clock& clock) : tx_(tx), policy_(policy), clock_(clock) {}

  // How many more hits asker may be told today (0 or less: refuse every lookup); nullopt for ops.
  std::optional<int> Remaining(const Asker& asker);

  // Counts hits against asker's day and queues one audit row per hit (action "member.registered_elsewhere";
  // detail: the kind, the masked value, context, and extra's keys). Returns the asker's count for the day after
  // these (0 for ops). Call it only after any savepoint that could roll it back is settled.
  int Record(const Asker& asker, const std::vector<Hit>& hits, std::string_view context,
             const nlohmann::json& extra = nlohmann::json::object());

  // One request's lookup (entering a member, editing an ID number, correcting a development number): the
  // refusal to answer, or nullopt when no member other than except holds id_card or dev_number. An asker whose
  // allowance is used up gets 429 before anything is looked up; a number held elsewhere is recorded and refused
  // with 409 DUPLICATE_ID_CARD or DUPLICATE_DEV_NUMBER and the wording above; one held inside the asker's subtree
  // with the same codes, as before.
  std::optional<Refusal> Check(const Asker& asker, const std::optional<std::string>& id_card,
                               const std::optional<std::string>& dev_number, std::optional<std::int64_t> except,
                               std::string_view context);

 private:
  std::string Today() const;

  pg::Tx& tx_;
  const Policy& policy_;
  const Clock& clock_;
};

}  // namespace archive::lifecycle
