#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/events/envelope.hpp"
#include "common/lifecycle/status.hpp"
#include "common/member/date.hpp"

// The typed rows of a member's archive and the one interface through which its transitions (life.hpp) read and
// write them. PgStore (pg_store.hpp) runs the statements of schemas/sql/queries/life_*.sql in the caller's
// transaction; the unit tests drive the transitions against an in-memory store.
namespace archive::lifecycle {

// Where a member sits in the organization tree: what access decisions need (api/access.hpp).
struct Place {
  std::int64_t member_id = 0;
  std::int64_t org_id = 0;
  std::optional<std::int64_t> parent_org_id;    // the direct superior (R5)
  std::optional<std::int64_t> approver_org_id;  // the nearest organization above that decides (R4)
  std::string org_path;                         // ltree text, e.g. "1.17.342"
};

struct MemberRecord {
  Place place;
  std::string org_name;
  std::string name;
  std::string id_card;
  std::optional<std::string> gender;
  member::Date joined_on;
  std::optional<std::string> dev_number;
  ArchiveStatus status = ArchiveStatus::kNotUploaded;
  std::optional<member::Date> deadline;
  std::optional<std::int64_t> current_version_id;
  std::string status_changed_at;
};

struct VersionRecord {
  std::int64_t id = 0;
  std::int64_t member_id = 0;
  int version_no = 0;
  std::string blob_uri;
  std::string sha256;
  std::int64_t size = 0;
  std::int64_t uploaded_by = 0;
  std::int64_t uploader_org_id = 0;
  UploaderKind uploader_kind = UploaderKind::kBranch;
  std::optional<std::string> verdict;  // PASS, WARN, FAIL once pre-reviewed
  std::optional<Decision> decision;
  bool withdrawn = false;
};

struct NewVersion {
  std::int64_t member_id = 0;
  std::string blob_uri;
  std::string sha256;
  std::int64_t size = 0;
  std::int64_t uploaded_by = 0;
  std::int64_t uploader_org_id = 0;
  UploaderKind uploader_kind = UploaderKind::kBranch;
};

enum class ChangeStatus { kPending, kApproved, kRejected, kUsed };

struct ChangeRequestRecord {
  std::int64_t id = 0;
  std::int64_t member_id = 0;
  ChangeStatus status = ChangeStatus::kPending;
  std::int64_t requested_by = 0;
};

// One audit_log row: who, what, from which state to which, why.
struct AuditEntry {
  std::optional<std::int64_t> user_id;  // none for a worker
  std::string actor;
  std::string action;
  std::string object_type;
  std::string object_id;
  std::optional<std::int64_t> member_id;
  std::optional<std::string> from_state;
  std::optional<std::string> to_state;
  std::optional<std::string> reason;
  std::optional<std::string> remote_addr;
  std::optional<std::string> trace_id;
  nlohmann::json detail = nlohmann::json::object();
};

// The kinds of the 操作中心 feed (notifications.kind).
enum class NoticeKind {
  kArchiveRejected,
  kArchiveApproved,
  kPrereviewFailed,
  kChangeApproved,
  kChangeRejected,
  kDigest
};
std::string_view NoticeKindName(NoticeKind kind);

// One item of an organization's 操作中心 feed.
struct Notice {
  std::int64_t org_id = 0;
  NoticeKind kind = NoticeKind::kArchiveRejected;
  std::optional<std::int64_t> member_id;
  std::optional<std::int64_t> version_id;
  std::string title;
  std::string text;
  nlohmann::json detail = nlohmann::json::object();
};

// The fields a member edit (信息确认) may change before authentication.
struct MemberEdit {
  std::string name;
  std::string id_card;
  member::Date joined_on;
  ArchiveStatus status = ArchiveStatus::kNotUploaded;
  std::optional<member::Date> deadline;
};

// Every read and write of the transitions. Implementations act in one transaction that the caller owns; a
// database failure is thrown (pg::Unavailable, pg::SqlError) and the caller's transaction rolls back.
class Store {
 public:
  virtual ~Store() = default;

  // The member, its row locked until the transaction ends: changes of one member queue here.
  virtual std::optional<MemberRecord> LockMember(std::int64_t id) = 0;
  virtual std::optional<VersionRecord> FindVersion(std::int64_t id) = 0;
  // The member's newest version numbered below version_no that was not withdrawn.
  virtual std::optional<VersionRecord> PreviousVersion(std::int64_t member_id, int version_no) = 0;
  // A new version, numbered after the member's last one.
  virtual VersionRecord AddVersion(const NewVersion& version) = 0;
  // The member's status and current version (none: no current version).
  virtual void SetStatus(std::int64_t member_id, ArchiveStatus to, std::optional<std::int64_t> current_version_id) = 0;
  // Records a decision on an undecided version; false when it was decided already.
  virtual bool RecordDecision(std::int64_t version_id, Decision decision, std::int64_t by,
                              const std::optional<std::string>& reason) = 0;
  virtual void MarkWithdrawn(std::int64_t version_id, std::int64_t by) = 0;
  // The member's change request that is PENDING or APPROVED, if any (at most one).
  virtual std::optional<ChangeRequestRecord> OpenChangeRequest(std::int64_t member_id) = 0;
  virtual std::optional<ChangeRequestRecord> FindChangeRequest(std::int64_t id) = 0;
  virtual std::int64_t AddChangeRequest(std::int64_t member_id, std::int64_t by, const std::string& reason) = 0;
  // Decides a PENDING change request; false when it was decided already.
  virtual bool DecideChangeRequest(std::int64_t id, Decision decision, std::int64_t by,
                                   const std::optional<std::string>& reason) = 0;
  // The member's APPROVED change request becomes USED by a new upload.
  virtual void UseChangeRequest(std::int64_t member_id) = 0;
  virtual void SetDevNumber(std::int64_t member_id, const std::string& number) = 0;
  virtual void EditMember(std::int64_t member_id, const MemberEdit& edit) = 0;
  // Whether another member holds this ID card number or development number.
  virtual bool IdCardTaken(const std::string& id_card, std::int64_t except_member) = 0;
  virtual bool DevNumberTaken(const std::string& number, std::int64_t except_member) = 0;
  // An event through the outbox, published after the transaction commits.
  virtual void Publish(std::string_view topic, const events::Envelope& event) = 0;
  virtual void Audit(const AuditEntry& entry) = 0;
  virtual void Notify(const Notice& notice) = 0;
};

}  // namespace archive::lifecycle
