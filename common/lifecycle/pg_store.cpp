#include "common/lifecycle/pg_store.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "common/outbox/outbox.hpp"

namespace archive::lifecycle {
namespace {

member::Date DateOf(const std::string& text) {
  const auto date = member::ParseIsoDate(text);
  if (!date) throw std::runtime_error(fmt::format("the database returned \"{}\" for a date", text));
  return *date;
}

std::optional<std::int64_t> OptionalInt(const pg::Result& r, std::size_t col) {
  return r.IsNull(0, col) ? std::nullopt : std::optional(r.Int(0, col));
}

template <typename T>
T Known(std::optional<T> value, std::string_view what, const std::string& text) {
  if (!value) throw std::runtime_error(fmt::format("the database holds an unknown {} \"{}\"", what, text));
  return *value;
}

std::optional<VersionRecord> ReadVersion(const pg::Result& r) {
  if (r.empty()) return std::nullopt;
  VersionRecord v;
  v.id = r.Int(0, 0);
  v.member_id = r.Int(0, 1);
  v.version_no = static_cast<int>(r.Int(0, 2));
  v.blob_uri = r.Text(0, 3);
  v.sha256 = r.Text(0, 4);
  v.size = r.Int(0, 5);
  v.uploaded_by = r.Int(0, 6);
  v.uploader_org_id = r.Int(0, 7);
  v.uploader_kind = Known(ParseUploaderKind(r.Text(0, 8)), "uploader kind", r.Text(0, 8));
  v.verdict = r.At(0, 9);
  if (!r.IsNull(0, 10)) v.decision = Known(ParseDecision(r.Text(0, 10)), "decision", r.Text(0, 10));
  v.withdrawn = r.Bool(0, 11);
  return v;
}

std::optional<ChangeRequestRecord> ReadChangeRequest(const pg::Result& r, std::size_t status_col) {
  if (r.empty()) return std::nullopt;
  ChangeRequestRecord c;
  c.id = r.Int(0, 0);
  const auto& s = r.Text(0, status_col);
  c.status = s == "PENDING"    ? ChangeStatus::kPending
             : s == "APPROVED" ? ChangeStatus::kApproved
             : s == "REJECTED" ? ChangeStatus::kRejected
                               : ChangeStatus::kUsed;
  if (status_col == 2) c.member_id = r.Int(0, 1);
  return c;
}

// A detail column's JSON text: an object, {} when the detail is null.
std::string ObjectText(const nlohmann::json& detail) {
  return detail.is_null() ? "{}" : detail.dump();
}

std::optional<std::string> OptionalDate(const std::optional<member::Date>& date) {
  return date ? std::optional(member::FormatDate(*date)) : std::nullopt;
}

}  // namespace

std::optional<MemberRecord> ReadMember(pg::Tx& tx, std::int64_t id, bool lock) {
  const auto r = tx.Run(lock ? "life_member_lock" : "life_member_get", id);
  if (r.empty()) return std::nullopt;
  MemberRecord m;
  m.place.member_id = r.Int(0, 0);
  m.place.org_id = r.Int(0, 1);
  m.place.parent_org_id = OptionalInt(r, 2);
  m.place.approver_org_id = OptionalInt(r, 3);
  m.place.org_path = r.Text(0, 4);
  m.org_name = r.Text(0, 5);
  m.name = r.Text(0, 6);
  m.id_card = r.Text(0, 7);
  m.gender = r.At(0, 8);
  m.joined_on = DateOf(r.Text(0, 9));
  m.dev_number = r.At(0, 10);
  m.status = Known(ParseStatus(r.Text(0, 11)), "archive status", r.Text(0, 11));
  if (!r.IsNull(0, 12)) m.deadline = DateOf(r.Text(0, 12));
  m.current_version_id = OptionalInt(r, 13);
  m.status_changed_at = r.Text(0, 14);
  return m;
}

std::optional<MemberRecord> PgStore::LockMember(std::int64_t id) {
  return ReadMember(tx_, id, true);
}

std::optional<VersionRecord> PgStore::FindVersion(std::int64_t id) {
  return ReadVersion(tx_.Run("life_version_get", id));
}

std::optional<VersionRecord> PgStore::PreviousVersion(std::int64_t member_id, int version_no) {
  return ReadVersion(tx_.Run("life_version_previous", member_id, version_no));
}

VersionRecord PgStore::AddVersion(const NewVersion& n) {
  const auto r = tx_.Run("api_version_insert", n.member_id, n.blob_uri, n.sha256, n.size, n.uploaded_by,
                         n.uploader_org_id, std::string(UploaderKindName(n.uploader_kind)));
  VersionRecord v;
  v.id = r.Int(0, 0);
  v.version_no = static_cast<int>(r.Int(0, 1));
  v.member_id = n.member_id;
  v.blob_uri = n.blob_uri;
  v.sha256 = n.sha256;
  v.size = n.size;
  v.uploaded_by = n.uploaded_by;
  v.uploader_org_id = n.uploader_org_id;
  v.uploader_kind = n.uploader_kind;
  return v;
}

void PgStore::SetStatus(std::int64_t member_id, ArchiveStatus to, std::optional<std::int64_t> current_version_id) {
  tx_.Run("life_member_set_status", member_id, std::string(StatusName(to)), current_version_id);
}

bool PgStore::RecordDecision(std::int64_t version_id, Decision decision, std::int64_t by,
                             const std::optional<std::string>& reason) {
  return !tx_.Run("api_version_decide", version_id, std::string(DecisionName(decision)), by, reason).empty();
}

void PgStore::MarkWithdrawn(std::int64_t version_id, std::int64_t by) {
  tx_.Run("life_version_withdraw", version_id, by);
}

std::optional<ChangeRequestRecord> PgStore::OpenChangeRequest(std::int64_t member_id) {
  auto c = ReadChangeRequest(tx_.Run("api_change_request_open", member_id), 1);
  if (c) c->member_id = member_id;
  return c;
}

std::optional<ChangeRequestRecord> PgStore::FindChangeRequest(std::int64_t id) {
  return ReadChangeRequest(tx_.Run("api_change_request_get", id), 2);
}

std::int64_t PgStore::AddChangeRequest(std::int64_t member_id, std::int64_t by, const std::string& reason) {
  return tx_.Run("api_change_request_insert", member_id, by, reason).Int(0, 0);
}

bool PgStore::DecideChangeRequest(std::int64_t id, Decision decision, std::int64_t by,
                                  const std::optional<std::string>& reason) {
  return !tx_.Run("api_change_request_decide", id, std::string(DecisionName(decision)), by, reason).empty();
}

void PgStore::UseChangeRequest(std::int64_t member_id) {
  tx_.Run("api_change_request_use", member_id);
}

void PgStore::SetDevNumber(std::int64_t member_id, const std::string& number) {
  tx_.Run("api_member_set_dev_number", member_id, number);
}

void PgStore::EditMember(std::int64_t member_id, const MemberEdit& e) {
  tx_.Run("life_member_edit", member_id, e.name, e.id_card, member::FormatDate(e.joined_on),
          std::string(StatusName(e.status)), OptionalDate(e.deadline));
}

bool PgStore::IdCardTaken(const std::string& id_card, std::int64_t except_member) {
  return tx_.Run("life_taken", id_card, std::nullopt, except_member).Bool(0, 0);
}

bool PgStore::DevNumberTaken(const std::string& number, std::int64_t except_member) {
  return tx_.Run("life_taken", std::nullopt, number, except_member).Bool(0, 1);
}

void PgStore::Publish(std::string_view topic, const events::Envelope& event) {
  outbox::Enqueue(tx_, topic, event);
}

void PgStore::Audit(const AuditEntry& e) {
  tx_.Run("audit_record", e.user_id, e.actor, e.action, e.object_type, e.object_id, e.member_id, e.from_state,
          e.to_state, e.reason, e.remote_addr, e.trace_id, ObjectText(e.detail));
}

void PgStore::Notify(const Notice& n) {
  tx_.Run("notification_insert", n.org_id, std::string(NoticeKindName(n.kind)), n.member_id, n.version_id, n.title,
          n.text, ObjectText(n.detail));
}

}  // namespace archive::lifecycle
