#pragma once

#include "common/lifecycle/store.hpp"
#include "common/pg/pg.hpp"

// The Store over PostgreSQL: the statements of schemas/sql/queries (life_*, api_version_*, api_change_request_*,
// audit_record, notification_insert, the outbox) in the caller's transaction tx, which must outlive the store.
namespace archive::lifecycle {

// The member, or nullopt; lock = true takes the row lock (life_member_lock).
std::optional<MemberRecord> ReadMember(pg::Tx& tx, std::int64_t id, bool lock);

class PgStore final : public Store {
 public:
  explicit PgStore(pg::Tx& tx) : tx_(tx) {}

  std::optional<MemberRecord> LockMember(std::int64_t id) override;
  std::optional<VersionRecord> FindVersion(std::int64_t id) override;
  std::optional<VersionRecord> PreviousVersion(std::int64_t member_id, int version_no) override;
  VersionRecord AddVersion(const NewVersion& version) override;
  void SetStatus(std::int64_t member_id, ArchiveStatus to, std::optional<std::int64_t> current_version_id) override;
  bool RecordDecision(std::int64_t version_id, Decision decision, std::int64_t by,
                      const std::optional<std::string>& reason) override;
  void MarkWithdrawn(std::int64_t version_id, std::int64_t by) override;
  std::optional<ChangeRequestRecord> OpenChangeRequest(std::int64_t member_id) override;
  std::optional<ChangeRequestRecord> FindChangeRequest(std::int64_t id) override;
  std::int64_t AddChangeRequest(std::int64_t member_id, std::int64_t by, const std::string& reason) override;
  bool DecideChangeRequest(std::int64_t id, Decision decision, std::int64_t by,
                           const std::optional<std::string>& reason) override;
  void UseChangeRequest(std::int64_t member_id) override;
  void SetDevNumber(std::int64_t member_id, const std::string& number) override;
  void EditMember(std::int64_t member_id, const MemberEdit& edit) override;
  bool IdCardTaken(const std::string& id_card, std::int64_t except_member) override;
  bool DevNumberTaken(const std::string& number, std::int64_t except_member) override;
  void Publish(std::string_view topic, const events::Envelope& event) override;
  void Audit(const AuditEntry& entry) override;
  void Notify(const Notice& notice) override;

 private:
  pg::Tx& tx_;
};

}  // namespace archive::lifecycle
