#pragma once

#include <stdexcept>

namespace archive {

// A dependency the process needs (database, broker, blob store) is unavailable right now. Thrown, never
// returned: the consumer loop and the HTTP layer catch it once, back off and try again later, without
// losing the message. Expected failures of the input itself are values, not exceptions.
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace archive
