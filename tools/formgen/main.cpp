#include <iostream>
#include <string>
#include <variant>
#include <vector>

#include "common/log/log.hpp"
#include "tools/formgen/corpus.hpp"

int main(int argc, char** argv) {
  archive::log::SetupFromEnvironment();
  auto parsed = archive::formgen::ParseArgs(std::vector<std::string>(argv + 1, argv + argc));
  if (auto* message = std::get_if<std::string>(&parsed)) {
    std::cerr << *message;
    return 2;
  }
  return archive::log::RunMain("formgen", [&] {
    archive::formgen::WriteCorpus(std::get<archive::formgen::Options>(parsed), std::cout);
    return 0;
  });
}
