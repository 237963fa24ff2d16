#include "common/prereview/sandboxed.hpp"

// prereview-sandbox: the sandboxed child that pre-reviews one PDF per request (common/prereview/sandboxed.hpp).
// Started by sandbox::Pool with its limits and the configuration in argv[1]; never run by hand.
int main(int argc, char** argv) {
  return archive::prereview::ServeChild(argc, argv);
}
