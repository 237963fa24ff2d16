#include <iostream>

#include "common/log/log.hpp"
#include "tools/archivectl/commands.hpp"

int main(int argc, char** argv) {
  archive::log::SetupFromEnvironment();
  return archive::ctl::Run(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
}
