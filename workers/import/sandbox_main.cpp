#include "common/sandbox/sandbox.hpp"
#include "workers/import/wire.hpp"

// import-sandbox: the sandboxed child of the import worker. Reads one spreadsheet per request, within the limits
// the request names, and replies
// with its rows (workers/import/wire.hpp), in parts as it reads them. Started by sandbox::Pool with its limits; never
// run by hand.
int main() {
  return archive::sandbox::Serve([](std::string_view request, const archive::sandbox::SendPart& send) {
    using archive::import::Encode;
    const auto asked = archive::import::DecodeRequest(request);
    if (!asked) return std::string();  // the worker reads an empty reply as a garbled one
    const auto& [limits, file] = *asked;
    return Encode(archive::import::ReadSheet(file, limits, [&](const auto& part) { send(Encode(part)); }));
  });
}
