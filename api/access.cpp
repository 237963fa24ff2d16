#include "api/access.hpp"

namespace archive::api {

std::optional<Role> ParseRole(std::string_view text) {
  if (text == "branch_admin") return Role::kBranchAdmin;
  if (text == "committee_admin") return Role::kCommitteeAdmin;
  if (text == "member") return Role::kMember;
  if (text == "ops") return Role::kOps;
  return std::nullopt;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kBranchAdmin:
      return "branch_admin";
    case Role::kCommitteeAdmin:
      return "committee_admin";
    case Role::kMember:
      return "member";
    case Role::kOps:
      return "ops";
  }
  return "ops";
}

bool InSubtree(std::string_view path, std::string_view root) {
  if (root.empty() || path.size() < root.size() || path.compare(0, root.size(), root) != 0) return false;
  return path.size() == root.size() || path[root.size()] == '.';
}

bool Caller::Covers(std::string_view path) const {
  return IsAdmin() && InSubtree(path, org_path);
}

lifecycle::UploaderKind Caller::UploaderKind() const {
  return org_decides ? lifecycle::UploaderKind::kCommittee : lifecycle::UploaderKind::kBranch;
}

bool CanRead(const Caller& caller, const MemberPlace& member) {
  if (caller.role == Role::kMember) return caller.member_id == member.member_id;
  return caller.Covers(member.org_path);
}

bool CanManage(const Caller& caller, const MemberPlace& member) {
  if (!caller.IsAdmin() || !caller.org_id) return false;
  return *caller.org_id == member.org_id || caller.org_id == member.parent_org_id;
}

bool CanDecide(const Caller& caller, const MemberPlace& member) {
  return caller.role == Role::kCommitteeAdmin && caller.org_id && caller.org_id == member.approver_org_id;
}

bool CanCorrectDevNumber(const Caller& caller, const MemberPlace& member) {
  return CanManage(caller, member) || (caller.role == Role::kMember && caller.member_id == member.member_id);
}

}  // namespace archive::api
