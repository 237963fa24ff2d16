#pragma once

#include <optional>
#include <string_view>

// The states of a member's archive and of a decision (docs/rules.md R1, R4, R6), with the names the database
// stores and the words users read. Pure functions.
namespace archive::lifecycle {

enum class ArchiveStatus { kExempt, kNotUploaded, kPending, kAuthenticated, kRejected };

// "PENDING" and so on: the value of members.archive_status.
std::string_view StatusName(ArchiveStatus status);
std::optional<ArchiveStatus> ParseStatus(std::string_view name);
// What users read, e.g. 尚未认证 for PENDING (R4).
std::string_view StatusText(ArchiveStatus status);

// A person's decision on an upload (R4) or a change request (R6).
enum class Decision { kApproved, kRejected };
std::string_view DecisionName(Decision decision);  // "APPROVED", "REJECTED"
std::optional<Decision> ParseDecision(std::string_view name);

// Who stored a version: an organization that waits for a decision (团支部, 团总支), or one that decides (3.2.2).
enum class UploaderKind { kBranch, kCommittee };
std::string_view UploaderKindName(UploaderKind kind);  // "branch", "committee"
std::optional<UploaderKind> ParseUploaderKind(std::string_view name);

}  // namespace archive::lifecycle
