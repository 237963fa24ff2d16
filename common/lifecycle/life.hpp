#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "common/base/clock.hpp"
#include "common/lifecycle/policy.hpp"
#include "common/lifecycle/store.hpp"

// The archive's life (docs/rules.md R4, R6, R9; the status diagram there): every transition of a member's archive,
// each doing all of its effects in one place through the Store, in the caller's transaction: the version row, the
// status, the outbox event (archive.status-changed on every status change), the audit row and the 操作中心 notice.
//
// Who may act is the caller's to check first (api/access.hpp); these functions check the state. A refusal is a
// value with an HTTP status, a stable code and a Chinese message; nothing has been written when one is returned.
// Only a person's decision (Decide) and the committee rule of 3.2.2 (ApplyVerdict on a committee's upload) move a
// member to AUTHENTICATED or REJECTED. Not thread-safe: one Life per transaction.
namespace archive::lifecycle {

struct Actor {
  std::optional<std::int64_t> user_id;  // none for a worker
  std::string name;                     // login, or the worker's name
  std::optional<std::int64_t> org_id;
  UploaderKind kind = UploaderKind::kBranch;  // whether the actor's organization decides (org_kinds.decides)
  std::optional<std::string> remote_addr;
  std::optional<std::string> trace_id;
};

struct Refusal {
  int status = 409;
  std::string code;
  std::string message;
};

template <typename T>
using Result = std::variant<T, Refusal>;

enum class UploadKind { kFirst, kReplace };

struct FileRef {
  std::string uri;
  std::string sha256;
  std::int64_t size = 0;
};

// What a member edit (信息确认) would change, or changed once confirmed.
struct EditOutcome {
  MemberEdit edit;
  bool applied = false;
};

class Life {
 public:
  Life(Store& store, const Policy& policy, const Clock& clock) : store_(store), policy_(policy), clock_(clock) {}

  // Whether a new version of m may be stored now: before the body is read (m unlocked) and again under the lock.
  // A first upload needs NOT_UPLOADED. A replacement (替换档案) is allowed after a rejection, while the upload
  // waits for its decision once its pre-review is done (the uploader saw a FAIL and fixes it before the committee
  // looks), and after authentication only with an approved change request (R6).
  std::optional<Refusal> UploadRefusal(const MemberRecord& m, UploadKind kind);

  // Upload and Replace: a new version, the member PENDING, archive.uploaded for the pre-review.
  Result<VersionRecord> Upload(const Actor& actor, const MemberRecord& m, UploadKind kind, const FileRef& file);

  // 撤回: the current upload, undecided, is withdrawn (kept, marked) and the member goes back to the state of the
  // version before it: none (NOT_UPLOADED), rejected (REJECTED), approved or a committee's (AUTHENTICATED), or
  // still waiting (PENDING).
  Result<ArchiveStatus> Withdraw(const Actor& actor, const MemberRecord& m);

  // The pre-review's verdict on version v of m (the worker has recorded it and its findings). The machine advises:
  // a FAIL tells the uploader at once and leaves the member PENDING for the committee. A committee's upload that is
  // not FAIL needs no approval (3.2.2) and makes the member AUTHENTICATED. reasons: the findings' messages of a FAIL.
  void ApplyVerdict(const Actor& worker, const MemberRecord& m, const VersionRecord& v, std::string_view verdict,
                    const std::string& reasons, bool rerun);

  // Approve or Reject (with a reason) the current, undecided branch upload version_id of m (R4).
  Result<ArchiveStatus> Decide(const Actor& actor, const MemberRecord& m, std::int64_t version_id, Decision decision,
                               const std::optional<std::string>& reason);

  // R6: ask to change the file of an authenticated member.
  Result<std::int64_t> RequestChange(const Actor& actor, const MemberRecord& m, const std::string& reason);
  // R6: the committee's decision on change request id of m.
  Result<Decision> DecideChange(const Actor& actor, const MemberRecord& m, std::int64_t id, Decision decision,
                                const std::optional<std::string>& reason);

  // R9: the development number becomes number (already validated). The current upload, while it waits for its
  // decision, is pre-reviewed again, so a NUMBER_MISMATCH found against the old number does not stay. Returns
  // whether anything changed.
  Result<bool> CorrectNumber(const Actor& actor, const MemberRecord& m, const std::string& number);

  // 信息确认: name, ID card number and admission date before authentication. The admission date moves the deadline
  // (R3) and turns EXEMPT into NOT_UPLOADED or back (R1). With confirm false nothing is written: the outcome shows
  // what would change.
  Result<EditOutcome> EditMember(const Actor& actor, const MemberRecord& m, const std::string& name,
                                 const std::string& id_card, const member::Date& joined_on, bool confirm);

 private:
  // The one way a status changes: the row, the audit entry and archive.status-changed.
  void ChangeStatus(const Actor& actor, const MemberRecord& m, ArchiveStatus to,
                    std::optional<std::int64_t> current_version_id, std::string_view action,
                    const std::optional<std::string>& reason, nlohmann::json detail);
  // archive.status-changed, when to differs from m's status.
  void Announce(const Actor& actor, const MemberRecord& m, ArchiveStatus to, std::optional<std::int64_t> version_id,
                std::string_view action, const std::optional<std::string>& reason);
  void Tell(const MemberRecord& m, const VersionRecord& v, NoticeKind kind, std::string title, std::string text,
            nlohmann::json detail);
  AuditEntry Entry(const Actor& actor, std::string_view action, std::string_view object_type, std::string object_id,
                   const MemberRecord& m) const;

  Store& store_;
  const Policy& policy_;
  const Clock& clock_;
};

}  // namespace archive::lifecycle
