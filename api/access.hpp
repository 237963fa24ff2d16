#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/lifecycle/status.hpp"
#include "common/lifecycle/store.hpp"

// Who may do what (docs/rules.md R4, R5, R6, R9), as pure functions over the caller and the member's organization,
// so the rules live in one place and a unit test can walk them. "Direct superior" is the parent organization
// (organizations.parent_id); "approver" is the nearest organization above that decides (organizations.approver_id,
// over the org_kinds table), however many 团总支 lie between. Every rule also needs the member's organization
// inside the caller's subtree.
namespace archive::api {

enum class Role { kBranchAdmin, kCommitteeAdmin, kMember, kOps };

std::optional<Role> ParseRole(std::string_view text);
std::string_view RoleName(Role role);

struct Caller {
  std::int64_t user_id = 0;
  std::string login;
  Role role = Role::kOps;
  std::optional<std::int64_t> org_id;     // none for ops
  std::string org_path;                   // ltree text, e.g. "1.17.342"
  std::string org_kind;                   // organizations.kind
  bool org_decides = false;               // org_kinds.decides: a 团委, 团工委 or leading body
  std::optional<std::int64_t> member_id;  // for the member role only

  bool IsAdmin() const { return role == Role::kBranchAdmin || role == Role::kCommitteeAdmin; }
  // Whether path (an organization's ltree text) lies in this admin's subtree, its own organization included.
  bool Covers(std::string_view path) const;
  // kBranch for an admin of a 团支部/团总支, whose uploads wait for a decision (R4); kCommittee otherwise (3.2.2).
  lifecycle::UploaderKind UploaderKind() const;
};

// Whether path is root or lies below it, as ltree's path <@ root.
bool InSubtree(std::string_view path, std::string_view root);

// The facts about a member that access decisions need.
using MemberPlace = lifecycle::Place;

// Read the member, their archive and its files: an admin whose subtree holds the member, or the member.
bool CanRead(const Caller& caller, const MemberPlace& member);
// R5: enter a member, upload or replace the archive, ask for a change: an admin of the member's own organization
// or of its direct superior.
bool CanManage(const Caller& caller, const MemberPlace& member);
// R4, R6: approve or reject the archive or a change request: a committee admin of the member's approver, the nearest
// deciding organization above the member's own.
bool CanDecide(const Caller& caller, const MemberPlace& member);
// R9: correct the development number: whoever CanManage, and the member themself.
bool CanCorrectDevNumber(const Caller& caller, const MemberPlace& member);

}  // namespace archive::api
