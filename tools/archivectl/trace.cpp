#include <string>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "common/base/text.hpp"
#include "tools/archivectl/commands.hpp"
#include "tools/archivectl/ops.hpp"
#include "tools/archivectl/ops_common.hpp"

namespace archive::ctl {

int Trace(const Args& args, std::ostream& out, std::ostream& err) {
  args.Allow({"member", "json"});
  if (args.positional().size() != 1) throw UsageError("trace --member ID");
  const std::string wanted = args.Require("member");
  auto db = ops::Database();
  return db.InTransaction([&](pg::Tx& tx) {
    const bool short_number =
        !wanted.empty() && wanted.size() <= 11 && wanted.find_first_not_of("0123456789") == std::string::npos;
    const auto member = tx.Run("ops_trace_member",
                               short_number ? std::optional<std::int64_t>(std::stoll(wanted)) : std::nullopt, wanted);
    if (member.empty()) {
      fmt::print(err, "archivectl: no member with id, development number or ID card number {}\n",
                 wanted.size() == 18 ? MaskIdCard(wanted) : wanted);
      return static_cast<int>(kFailed);
    }
    const std::int64_t member_id = member.Int(0, 0);
    tx.Run("audit_record", std::nullopt, ops::Actor(), "member.trace", "member", std::to_string(member_id), member_id,
           std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
    const auto events = tx.Run("ops_trace", member_id);
    if (args.Flag("json")) {
      nlohmann::json timeline = nlohmann::json::array();
      for (std::size_t i = 0; i < events.size(); ++i) {
        timeline.push_back({{"at", events.Text(i, 0)},
                            {"kind", events.Text(i, 1)},
                            {"what", events.Text(i, 2)},
                            {"detail", events.Text(i, 3)}});
      }
      const nlohmann::json shown = {{"member_id", member_id},          {"status", member.Text(0, 1)},
                                    {"org", member.Text(0, 2)},        {"id_card", MaskIdCard(member.Text(0, 3))},
                                    {"dev_number", member.Text(0, 4)}, {"timeline", timeline}};
      out << shown.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return static_cast<int>(kOk);
    }
    fmt::print(out, "member {}  {}  org {}  ID {}  dev number {}\n", member_id, member.Text(0, 1), member.Text(0, 2),
               MaskIdCard(member.Text(0, 3)), member.Text(0, 4).empty() ? "-" : member.Text(0, 4));
    for (std::size_t i = 0; i < events.size(); ++i) {
      fmt::print(out, "  {:<32}  {:<14}  {:<28}  {}\n", events.Text(i, 0), events.Text(i, 1), events.Text(i, 2),
                 events.Text(i, 3));
    }
    fmt::print(out, "{} entries\n", events.size());
    return static_cast<int>(kOk);
  });
}

}  // namespace archive::ctl
