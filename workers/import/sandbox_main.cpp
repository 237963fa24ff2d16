#include "common/sandbox/sandbox.hpp"
#include "workers/import/wire.hpp"

// import-sandbox: the sandboxed child of the import worker. Reads one spreadsheet per request and replies
// with its rows (workers/import/wire.hpp), in parts as it reads them. Started by sandbox::Pool with its limits; never
// run by hand.
int main() {
  const archive::sheet::Limits limits;
  return archive::sandbox::Serve([&](std::string_view request, const archive::sandbox::SendPart& send) {
    using archive::import::Encode;
    return Encode(archive::import::ReadSheet(request, limits, [&](const auto& part) { send(Encode(part)); }));
  });
}
