#pragma once

#include <memory>

namespace archive {

// Owns a C handle and releases it with its library's destroy function, e.g.
//   using KafkaHandle = Holder<rd_kafka_t, &rd_kafka_destroy>;
template <auto Destroy>
struct CallDestroy {
  template <typename T>
  void operator()(T* handle) const noexcept {
    if (handle != nullptr) Destroy(handle);
  }
};

template <typename T, auto Destroy>
using Holder = std::unique_ptr<T, CallDestroy<Destroy>>;

}  // namespace archive
