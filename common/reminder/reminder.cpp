#include "common/reminder/reminder.hpp"

#include <fmt/format.h>

namespace archive::reminder {

std::vector<Banner> Banners::Messages() const {
  std::vector<Banner> out;
  if (not_uploaded > 0) out.push_back({"ARCHIVE_NOT_UPLOADED", "组织内有团员档案尚未上传", not_uploaded});
  if (unauthenticated > 0) out.push_back({"IDENTITY_UNAUTHENTICATED", "组织内有团员身份尚未认证", unauthenticated});
  return out;
}

Banners ReadBanners(pg::Tx& tx, std::int64_t org_id) {
  const auto r = tx.Run("reminder_banners", org_id);
  return {.not_uploaded = r.Int(0, 0), .unauthenticated = r.Int(0, 1)};
}

std::string DigestText(const DigestCounts& counts) {
  std::string text;
  if (counts.not_uploaded > 0) {
    text = fmt::format("组织内有 {} 名团员档案尚未上传", counts.not_uploaded);
    if (counts.overdue > 0) text += fmt::format("，其中 {} 名已逾期", counts.overdue);
  }
  if (counts.awaiting > 0) {
    text += text.empty() ? "组织内有 " : "；";
    text += fmt::format("{} 名团员身份尚未认证", counts.awaiting);
  }
  return text.empty() ? "组织内团员档案均已上传" : text;
}

}  // namespace archive::reminder
