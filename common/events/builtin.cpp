#include "common/events/builtin.hpp"

namespace archive::embedded {
const std::map<std::string, std::string_view, std::less<>>& EventSchemas();
}

namespace archive::events {

Registry BuiltinRegistry() {
  return Registry(embedded::EventSchemas());
}

}  // namespace archive::events
