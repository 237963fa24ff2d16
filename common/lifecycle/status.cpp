#include "common/lifecycle/status.hpp"

#include <array>
#include <utility>

namespace archive::lifecycle {
namespace {

template <typename E, std::size_t N>
std::optional<E> Lookup(const std::array<std::pair<E, std::string_view>, N>& names, std::string_view name) {
  for (const auto& [value, text] : names) {
    if (text == name) return value;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& [v, text] : names) {
    if (v == value) return text;
  }
  return {};
}

constexpr std::array<std::pair<ArchiveStatus, std::string_view>, 5> kStatusNames{{
    {ArchiveStatus::kExempt, "EXEMPT"},
    {ArchiveStatus::kNotUploaded, "NOT_UPLOADED"},
    {ArchiveStatus::kPending, "PENDING"},
    {ArchiveStatus::kAuthenticated, "AUTHENTICATED"},
    {ArchiveStatus::kRejected, "REJECTED"},
}};

constexpr std::array<std::pair<ArchiveStatus, std::string_view>, 5> kStatusTexts{{
    {ArchiveStatus::kExempt, "无需上传电子档案"},
    {ArchiveStatus::kNotUploaded, "档案未上传"},
    {ArchiveStatus::kPending, "尚未认证"},
    {ArchiveStatus::kAuthenticated, "团员身份已认证"},
    {ArchiveStatus::kRejected, "认证不通过"},
}};

constexpr std::array<std::pair<Decision, std::string_view>, 2> kDecisionNames{{
    {Decision::kApproved, "APPROVED"},
    {Decision::kRejected, "REJECTED"},
}};

constexpr std::array<std::pair<UploaderKind, std::string_view>, 2> kUploaderKindNames{{
    {UploaderKind::kBranch, "branch"},
    {UploaderKind::kCommittee, "committee"},
}};

}  // namespace

std::string_view StatusName(ArchiveStatus status) {
  return NameOf(kStatusNames, status);
}

std::optional<ArchiveStatus> ParseStatus(std::string_view name) {
  return Lookup(kStatusNames, name);
}

std::string_view StatusText(ArchiveStatus status) {
  return NameOf(kStatusTexts, status);
}

std::string_view DecisionName(Decision decision) {
  return NameOf(kDecisionNames, decision);
}

std::optional<Decision> ParseDecision(std::string_view name) {
  return Lookup(kDecisionNames, name);
}

std::string_view UploaderKindName(UploaderKind kind) {
  return NameOf(kUploaderKindNames, kind);
}

std::optional<UploaderKind> ParseUploaderKind(std::string_view name) {
  return Lookup(kUploaderKindNames, name);
}

}  // namespace archive::lifecycle
