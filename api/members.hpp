#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <variant>

#include "api/access.hpp"
#include "api/app.hpp"
#include "common/base/clock.hpp"
#include "common/lifecycle/life.hpp"
#include "common/lifecycle/pg_store.hpp"
#include "common/lifecycle/registry.hpp"
#include "common/member/date.hpp"
#include "common/pg/pg.hpp"

// A member as the handlers load it, and its JSON forms.
namespace archive::api {

using MemberRow = lifecycle::MemberRecord;

// The member named by the path parameter {id}, when the caller may read them (CanRead); otherwise the 400 or
// 404 to answer. lock = true takes the row lock.
std::variant<MemberRow, Response> ReadableMember(pg::Tx& tx, const Call& call, bool lock);

Response MemberNotFound();

// A refusal of a transition (common/lifecycle/life.hpp) as the response to send.
Response Refused(const lifecycle::Refusal& refusal);

// The caller of call as one who looks numbers up in the national registry (common/lifecycle/registry.hpp).
lifecycle::Asker AskerOf(const Call& call);

// The transitions' actor for the caller of call.
lifecycle::Actor ActorOf(const Call& call);

// The Chinese text of a status as the database stores it ("PENDING"); the name itself when unknown.
std::string StatusTextOf(std::string_view name);

// The member with the ID card number masked (first 6 + last 4): lists and single reads alike.
nlohmann::json MemberJson(const MemberRow& m);

template <typename F>
Response Api::ManageMember(Call& call, F&& act) {
  return call.db.InTransaction([&](pg::Tx& tx) -> Response {
    auto found = ReadableMember(tx, call, true);
    if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
    const auto& m = std::get<MemberRow>(found);
    if (!CanManage(call.caller, m.place)) return Forbidden();
    lifecycle::PgStore store(tx);
    lifecycle::Life life(store, config_.policy, clock_);
    return act(life, m, tx);
  });
}

}  // namespace archive::api
