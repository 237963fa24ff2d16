#pragma once

#include "common/events/envelope.hpp"

namespace archive::events {

// The registry of every schema in schemas/events, compiled into this binary.
Registry BuiltinRegistry();

}  // namespace archive::events
