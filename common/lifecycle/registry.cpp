#include "common/lifecycle/registry.hpp"

#include <chrono>

#include <fmt/format.h>

#include "common/base/text.hpp"

namespace archive::lifecycle {
namespace {

constexpr std::string_view kRule = "registered_elsewhere";

}  // namespace

bool Elsewhere(const Asker& asker, std::string_view holder_path) {
  if (asker.subtree.empty()) return false;
  if (holder_path == asker.subtree) return false;
  return !(holder_path.size() > asker.subtree.size() && holder_path.starts_with(asker.subtree) &&
           holder_path[asker.subtree.size()] == '.');
}

std::string IdRegisteredElsewhere() {
  return "该身份证号码已在其他组织登记，不能重复登记。同一人全国只能登记一次；该团员如转入本组织，"
         "请办理组织关系转接。";
}

std::string DevNumberRegisteredElsewhere(std::string_view number) {
  return fmt::format(
      "发展团员编号 {} 已在其他组织登记。请核对《入团志愿书》第 1 页上的编号；如确为同一人，请办理组织关系转接。",
      number);
}

Refusal LookupLimitReached(int per_day) {
  return {429, "LOOKUP_LIMIT_REACHED",
          fmt::format("今天查询到已在其他组织登记的号码已达 {} 次上限。为保护团员信息，今天不能再新增、导入团员或修改"
                      "身份证号码、发展团员编号，请明天再办理；如确有需要，请联系上级团委。",
                      per_day)};
}

std::string Registry::Today() const {
  return member::FormatDate(policy_.Today(clock_));
}

std::optional<int> Registry::Remaining(const Asker& asker) {
  if (!asker.user_id) return std::nullopt;
  const auto used = tx_.Run("daily_count_get", kRule, *asker.user_id, Today()).Int(0, 0);
  return static_cast<int>(policy_.registered_elsewhere_per_day - used);
}

int Registry::Record(const Asker& asker, const std::vector<Hit>& hits, std::string_view context,
                     const nlohmann::json& extra) {
  if (hits.empty()) return 0;
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch()).count();
  for (const auto& hit : hits) {
    nlohmann::json detail = extra;
    detail["by"] = hit.kind;
    detail["value"] = hit.value;
    detail["context"] = context;
    tx_.Append("audit_append", asker.user_id, asker.actor, "member.registered_elsewhere", "member",
               std::to_string(hit.member_id), hit.member_id, asker.remote_addr, detail.dump(),
               static_cast<std::int64_t>(now_us));
  }
  if (!asker.user_id) return 0;
  return static_cast<int>(
      tx_.Run("daily_count_add", kRule, *asker.user_id, Today(), static_cast<std::int64_t>(hits.size())).Int(0, 0));
}

std::optional<Refusal> Registry::Check(const Asker& asker, const std::optional<std::string>& id_card,
                                       const std::optional<std::string>& dev_number, std::optional<std::int64_t> except,
                                       std::string_view context) {
  if (!id_card && !dev_number) return std::nullopt;
  if (const auto left = Remaining(asker); left && *left <= 0) {
    return LookupLimitReached(policy_.registered_elsewhere_per_day);
  }
  const auto held = tx_.Run("registry_holders", id_card, dev_number, except);
  std::vector<Hit> hits;
  std::optional<Refusal> refusal;
  for (std::size_t i = 0; i < held.size(); ++i) {
    const bool id = held.Text(i, 0) == "id_card";
    const bool elsewhere = Elsewhere(asker, held.Text(i, 2));
    if (elsewhere) hits.push_back({held.Text(i, 0), id ? MaskIdCard(*id_card) : *dev_number, held.Int(i, 1)});
    if (refusal && !id) continue;  // the ID number's answer comes first
    if (id) {
      refusal = Refusal{409, "DUPLICATE_ID_CARD",
                        elsewhere ? IdRegisteredElsewhere() : "该身份证号码已登记在本组织管辖范围内的其他团员名下"};
    } else {
      refusal = Refusal{409, "DUPLICATE_DEV_NUMBER",
                        elsewhere ? DevNumberRegisteredElsewhere(*dev_number) : "该发展团员编号已被使用"};
    }
  }
  Record(asker, hits, context);
  return refusal;
}

}  // namespace archive::lifecycle
