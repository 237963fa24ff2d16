#include "common/lifecycle/life.hpp"

#include <fmt/format.h>

#include "common/events/envelope.hpp"

namespace archive::lifecycle {
namespace {

constexpr const char* kProducer = "archive-lifecycle";

// 3.2.2: a committee's (or leading body's) own upload needs no approval once its pre-review found nothing that fails.
bool NeedsNoApproval(UploaderKind kind, std::string_view verdict) {
  return kind == UploaderKind::kCommittee && verdict != "FAIL";
}

Refusal Conflict(std::string code, std::string message) {
  return Refusal{409, std::move(code), std::move(message)};
}

nlohmann::json Optional(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json();
}

}  // namespace

std::string_view NoticeKindName(NoticeKind kind) {
  switch (kind) {
    case NoticeKind::kArchiveRejected:
      return "ARCHIVE_REJECTED";
    case NoticeKind::kArchiveApproved:
      return "ARCHIVE_APPROVED";
    case NoticeKind::kPrereviewFailed:
      return "PREREVIEW_FAILED";
    case NoticeKind::kChangeApproved:
      return "CHANGE_APPROVED";
    case NoticeKind::kChangeRejected:
      return "CHANGE_REJECTED";
    case NoticeKind::kDigest:
      return "DIGEST";
  }
  return "DIGEST";
}

AuditEntry Life::Entry(const Actor& actor, std::string_view action, std::string_view object_type, std::string object_id,
                       const MemberRecord& m) const {
  AuditEntry e;
  e.user_id = actor.user_id;
  e.actor = actor.name;
  e.action = std::string(action);
  e.object_type = std::string(object_type);
  e.object_id = std::move(object_id);
  e.member_id = m.place.member_id;
  e.remote_addr = actor.remote_addr;
  e.trace_id = actor.trace_id;
  return e;
}

void Life::ChangeStatus(const Actor& actor, const MemberRecord& m, ArchiveStatus to,
                        std::optional<std::int64_t> current_version_id, std::string_view action,
                        const std::optional<std::string>& reason, nlohmann::json detail) {
  store_.SetStatus(m.place.member_id, to, current_version_id);
  auto entry = Entry(actor, action, "member", std::to_string(m.place.member_id), m);
  entry.from_state = std::string(StatusName(m.status));
  entry.to_state = std::string(StatusName(to));
  entry.reason = reason;
  entry.detail = detail;
  store_.Audit(entry);
  Announce(actor, m, to, current_version_id, action, reason);
}

void Life::Announce(const Actor& actor, const MemberRecord& m, ArchiveStatus to, std::optional<std::int64_t> version_id,
                    std::string_view action, const std::optional<std::string>& reason) {
  if (to == m.status) return;
  nlohmann::json payload{{"member_id", m.place.member_id}, {"org_id", m.place.org_id}, {"from", StatusName(m.status)},
                         {"to", StatusName(to)},           {"action", action},         {"actor", actor.name}};
  if (version_id) payload["version_id"] = *version_id;
  if (reason) payload["reason"] = *reason;
  store_.Publish("archive.status-changed",
                 events::MakeEnvelope("archive.status-changed", 1, kProducer, std::to_string(m.place.member_id),
                                      std::move(payload), clock_.Now()));
}

void Life::Tell(const MemberRecord& m, const VersionRecord& v, NoticeKind kind, std::string title, std::string text,
                nlohmann::json detail) {
  Notice n{.org_id = v.uploader_org_id,
           .kind = kind,
           .member_id = m.place.member_id,
           .version_id = v.id,
           .title = std::move(title),
           .text = std::move(text),
           .detail = std::move(detail)};
  store_.Notify(n);
  // The member's own branch hears it too when its superior uploaded for it (R5).
  if (m.place.org_id != v.uploader_org_id) {
    n.org_id = m.place.org_id;
    store_.Notify(n);
  }
}

std::optional<Refusal> Life::UploadRefusal(const MemberRecord& m, UploadKind kind) {
  switch (m.status) {
    case ArchiveStatus::kExempt:
      return Conflict("NOT_REQUIRED", "该团员入团时间早于电子档案启用日期，无需上传电子档案");
    case ArchiveStatus::kNotUploaded:
      if (kind == UploadKind::kReplace) return Conflict("NOTHING_TO_REPLACE", "档案尚未上传，请先上传档案");
      return std::nullopt;
    case ArchiveStatus::kPending: {
      if (kind == UploadKind::kFirst)
        return Conflict("ARCHIVE_PENDING", "档案已上传，正在等待审批；如需更换请使用替换档案");
      const auto current = m.current_version_id ? store_.FindVersion(*m.current_version_id) : std::nullopt;
      if (current && !current->verdict) {
        return Conflict("PREREVIEW_RUNNING", "档案正在预审，请等待预审完成后再替换");
      }
      return std::nullopt;
    }
    case ArchiveStatus::kRejected:
      if (kind == UploadKind::kFirst) return Conflict("ARCHIVE_EXISTS", "档案已上传；认证不通过时请使用替换档案");
      return std::nullopt;
    case ArchiveStatus::kAuthenticated: {
      if (kind == UploadKind::kFirst) return Conflict("ARCHIVE_EXISTS", "档案已上传；认证不通过时请使用替换档案");
      const auto open = store_.OpenChangeRequest(m.place.member_id);
      if (!open || open->status != ChangeStatus::kApproved) {
        return Conflict("CHANGE_REQUEST_REQUIRED", "团员身份已认证，修改档案需先提交变更申请并经上级批准");
      }
      return std::nullopt;
    }
  }
  return Conflict("INVALID_STATE", "当前状态不允许此操作");
}

Result<VersionRecord> Life::Upload(const Actor& actor, const MemberRecord& m, UploadKind kind, const FileRef& file) {
  if (auto refusal = UploadRefusal(m, kind)) return *refusal;
  const auto v = store_.AddVersion({.member_id = m.place.member_id,
                                    .blob_uri = file.uri,
                                    .sha256 = file.sha256,
                                    .size = file.size,
                                    .uploaded_by = actor.user_id.value_or(0),
                                    .uploader_org_id = actor.org_id.value_or(0),
                                    .uploader_kind = actor.kind});
  if (m.status == ArchiveStatus::kAuthenticated) store_.UseChangeRequest(m.place.member_id);
  ChangeStatus(actor, m, ArchiveStatus::kPending, v.id,
               kind == UploadKind::kFirst ? "archive.upload" : "archive.replace", std::nullopt,
               {{"version_id", v.id}, {"version_no", v.version_no}, {"sha256", file.sha256}, {"size", file.size}});
  store_.Publish("archive.uploaded",
                 events::MakeEnvelope("archive.uploaded", 1, "archive-api", std::to_string(m.place.member_id),
                                      {{"member_id", m.place.member_id},
                                       {"version_id", v.id},
                                       {"version_no", v.version_no},
                                       {"blob", {{"uri", file.uri}, {"sha256", file.sha256}, {"size", file.size}}},
                                       {"uploaded_by", v.uploaded_by},
                                       {"uploader_org_id", v.uploader_org_id},
                                       {"uploader_kind", UploaderKindName(v.uploader_kind)}},
                                      clock_.Now()));
  return v;
}

Result<ArchiveStatus> Life::Withdraw(const Actor& actor, const MemberRecord& m) {
  const auto current = m.current_version_id ? store_.FindVersion(*m.current_version_id) : std::nullopt;
  if (m.status != ArchiveStatus::kPending || !current || current->decision) {
    return Conflict("NOTHING_TO_WITHDRAW", "只能撤回正在等待审批的档案");
  }
  store_.MarkWithdrawn(current->id, actor.user_id.value_or(0));
  const auto before = store_.PreviousVersion(m.place.member_id, current->version_no);
  ArchiveStatus to = ArchiveStatus::kNotUploaded;
  if (before) {
    if (before->decision == Decision::kRejected) {
      to = ArchiveStatus::kRejected;
    } else if (before->decision == Decision::kApproved ||
               (before->verdict && NeedsNoApproval(before->uploader_kind, *before->verdict))) {
      to = ArchiveStatus::kAuthenticated;
    } else {
      to = ArchiveStatus::kPending;
    }
  }
  ChangeStatus(actor, m, to, before ? std::optional(before->id) : std::nullopt, "archive.withdraw", std::nullopt,
               {{"version_id", current->id}, {"version_no", current->version_no}});
  return to;
}

void Life::ApplyVerdict(const Actor& worker, const MemberRecord& m, const VersionRecord& v, std::string_view verdict,
                        const std::string& reasons, bool rerun) {
  const std::string action = rerun ? "archive.prereview.rerun" : "archive.prereview";
  const nlohmann::json detail{{"version_id", v.id}, {"verdict", verdict}};
  const bool awaiting = m.current_version_id == v.id && m.status == ArchiveStatus::kPending && !v.withdrawn;
  if (awaiting && NeedsNoApproval(v.uploader_kind, verdict)) {
    ChangeStatus(worker, m, ArchiveStatus::kAuthenticated, v.id, action,
                 "上级团委（领导机关）上传，预审未发现问题，无需审批（3.2.2）", detail);
    return;
  }
  auto entry = Entry(worker, action, "archive_version", std::to_string(v.id), m);
  entry.detail = detail;
  store_.Audit(entry);
  if (awaiting && verdict == "FAIL") {
    Tell(m, v, NoticeKind::kPrereviewFailed, fmt::format("{}的档案预审未通过", m.name),
         fmt::format("{}的档案（第{}版）预审未通过：{}。请在上级团委审批前替换档案。", m.name, v.version_no, reasons),
         {{"verdict", verdict}});
  }
}

Result<ArchiveStatus> Life::Decide(const Actor& actor, const MemberRecord& m, std::int64_t version_id,
                                   Decision decision, const std::optional<std::string>& reason) {
  const auto v = store_.FindVersion(version_id);
  if (!v || v->member_id != m.place.member_id) {
    return Refusal{404, "VERSION_NOT_FOUND", "该档案版本不存在或不在本组织管理范围内"};
  }
  if (decision == Decision::kRejected && !reason) return Refusal{400, "REASON_REQUIRED", "退回时必须填写原因"};
  if (v->uploader_kind == UploaderKind::kCommittee) {
    return Conflict("NO_APPROVAL_NEEDED", "上级组织上传的档案无需审批");
  }
  if (v->decision) return Conflict("ALREADY_DECIDED", "该档案已被审批，请刷新后查看");
  if (m.current_version_id != version_id || m.status != ArchiveStatus::kPending || v->withdrawn) {
    return Conflict("VERSION_SUPERSEDED", "该档案版本已被替换、撤回或状态已变化，请刷新后查看");
  }
  if (!v->verdict) return Conflict("PREREVIEW_RUNNING", "档案预审尚未完成，请稍后再审批");
  if (!store_.RecordDecision(version_id, decision, actor.user_id.value_or(0), reason)) {
    return Conflict("ALREADY_DECIDED", "该档案已被审批，请刷新后查看");
  }
  const bool approve = decision == Decision::kApproved;
  const auto to = approve ? ArchiveStatus::kAuthenticated : ArchiveStatus::kRejected;
  ChangeStatus(actor, m, to, version_id, approve ? "archive.approve" : "archive.reject", reason,
               {{"version_id", version_id}, {"version_no", v->version_no}, {"verdict", *v->verdict}});
  if (approve) {
    Tell(m, *v, NoticeKind::kArchiveApproved, fmt::format("{}的档案已通过审批", m.name),
         fmt::format("{}的档案（第{}版）已通过上级团委审批，团员身份已认证。", m.name, v->version_no),
         nlohmann::json::object());
  } else {
    Tell(m, *v, NoticeKind::kArchiveRejected, fmt::format("{}的档案审批未通过", m.name),
         fmt::format("{}的档案（第{}版）审批未通过，原因：{}。请替换档案后重新提交。", m.name, v->version_no, *reason),
         {{"reason", *reason}});
  }
  return to;
}

Result<std::int64_t> Life::RequestChange(const Actor& actor, const MemberRecord& m, const std::string& reason) {
  if (m.status != ArchiveStatus::kAuthenticated) {
    return Conflict("NOT_AUTHENTICATED", "只有已认证的档案需要通过变更申请修改");
  }
  if (store_.OpenChangeRequest(m.place.member_id)) return Conflict("CHANGE_REQUEST_OPEN", "该团员已有未完成的变更申请");
  const auto id = store_.AddChangeRequest(m.place.member_id, actor.user_id.value_or(0), reason);
  auto entry = Entry(actor, "change_request.create", "change_request", std::to_string(id), m);
  entry.to_state = "PENDING";
  entry.reason = reason;
  store_.Audit(entry);
  return id;
}

Result<Decision> Life::DecideChange(const Actor& actor, const MemberRecord& m, std::int64_t id, Decision decision,
                                    const std::optional<std::string>& reason) {
  const auto c = store_.FindChangeRequest(id);
  if (!c || c->member_id != m.place.member_id) {
    return Refusal{404, "CHANGE_REQUEST_NOT_FOUND", "该变更申请不存在或不在本组织管理范围内"};
  }
  if (decision == Decision::kRejected && !reason) return Refusal{400, "REASON_REQUIRED", "退回时必须填写原因"};
  if (!store_.DecideChangeRequest(id, decision, actor.user_id.value_or(0), reason)) {
    return Conflict("ALREADY_DECIDED", "该变更申请已被处理，请刷新后查看");
  }
  const bool approve = decision == Decision::kApproved;
  auto entry = Entry(actor, approve ? "change_request.approve" : "change_request.reject", "change_request",
                     std::to_string(id), m);
  entry.from_state = "PENDING";
  entry.to_state = std::string(DecisionName(decision));
  entry.reason = reason;
  store_.Audit(entry);
  Notice n{.org_id = m.place.org_id,
           .kind = approve ? NoticeKind::kChangeApproved : NoticeKind::kChangeRejected,
           .member_id = m.place.member_id,
           .title = fmt::format("{}的档案变更申请{}", m.name, approve ? "已批准" : "未批准"),
           .text = approve ? fmt::format("{}的档案变更申请已批准，请上传新的档案。", m.name)
                           : fmt::format("{}的档案变更申请未批准，原因：{}。", m.name, *reason),
           .detail = {{"change_request_id", id}, {"reason", Optional(reason)}}};
  store_.Notify(n);
  return decision;
}

Result<bool> Life::CorrectNumber(const Actor& actor, const MemberRecord& m, const std::string& number) {
  if (m.dev_number == number) return false;
  if (store_.DevNumberTaken(number, m.place.member_id)) {
    return Conflict("DUPLICATE_DEV_NUMBER", "该发展团员编号已被使用");
  }
  store_.SetDevNumber(m.place.member_id, number);
  auto entry = Entry(actor, "member.correct_dev_number", "member", std::to_string(m.place.member_id), m);
  entry.detail = {{"from", Optional(m.dev_number)}, {"to", number}};
  store_.Audit(entry);
  const auto current = m.current_version_id ? store_.FindVersion(*m.current_version_id) : std::nullopt;
  if (m.status == ArchiveStatus::kPending && current && !current->decision && current->verdict) {
    // The pre-review worker re-runs a version once per request id, and only while it awaits a decision.
    store_.Publish("prereview.requested",
                   events::MakeEnvelope("prereview.requested", 1, "archive-api", std::to_string(m.place.member_id),
                                        {{"member_id", m.place.member_id},
                                         {"version_id", current->id},
                                         {"request_id", "correction-" + events::NewUuidV4()},
                                         {"requested_by", "api:" + actor.name},
                                         {"reason", "发展团员编号已更正"}},
                                        clock_.Now()));
  }
  return true;
}

Result<EditOutcome> Life::EditMember(const Actor& actor, const MemberRecord& m, const std::string& name,
                                     const std::string& id_card, const member::Date& joined_on, bool confirm) {
  if (m.status == ArchiveStatus::kAuthenticated) {
    return Conflict("MEMBER_AUTHENTICATED", "团员身份已认证，不能直接修改基本信息");
  }
  EditOutcome out;
  out.edit = {.name = name,
              .id_card = id_card,
              .joined_on = joined_on,
              .status = m.status,
              .deadline = policy_.Deadline(joined_on)};
  const bool waiting_for_first = m.status == ArchiveStatus::kExempt || m.status == ArchiveStatus::kNotUploaded;
  if (waiting_for_first) {
    out.edit.status = policy_.InitialStatus(joined_on);
  } else if (!policy_.NeedsArchive(joined_on)) {
    return Conflict("ARCHIVE_EXISTS", fmt::format("该团员已上传档案，入团时间不能改为电子档案启用日期（{}）之前",
                                                  member::FormatDate(policy_.e_archive_required_from)));
  }
  if (id_card != m.id_card && store_.IdCardTaken(id_card, m.place.member_id)) {
    return Conflict("DUPLICATE_ID_CARD", "该身份证号码已登记在其他团员名下");
  }
  if (!confirm) return out;
  store_.EditMember(m.place.member_id, out.edit);
  auto entry = Entry(actor, "member.edit", "member", std::to_string(m.place.member_id), m);
  entry.from_state = std::string(StatusName(m.status));
  entry.to_state = std::string(StatusName(out.edit.status));
  // The ID card number is personal data: the audit row says that it changed, not what it is.
  entry.detail = {{"name_changed", name != m.name},
                  {"id_card_changed", id_card != m.id_card},
                  {"joined_on", {{"from", member::FormatDate(m.joined_on)}, {"to", member::FormatDate(joined_on)}}}};
  store_.Audit(entry);
  Announce(actor, m, out.edit.status, m.current_version_id, "member.edit", std::nullopt);
  out.applied = true;
  return out;
}

}  // namespace archive::lifecycle
