#include "common/events/builtin.hpp"

namespace archive::embedded {
const std::map<std::string, std::string_view, std::less<>>& event_schemas();
}

namespace archive::events {

Registry BuiltinRegistry() {
  return Registry(embedded::event_schemas());
}

}  // namespace archive::events
