#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "api/app.hpp"
#include "common/base/clock.hpp"
#include "common/testing/testing.hpp"

// schemas/openapi.yaml and the router table describe the same routes: a route added to one and not the other
// fails here.
namespace archive::api {
namespace {

using Operation = std::tuple<std::string, std::string, std::string>;  // method, path, operationId

std::set<Operation> SpecOperations(const std::string& file) {
  std::ifstream in(file);
  EXPECT_TRUE(in) << "cannot read " << file;
  const std::regex path_line(R"(^  (/\S*):\s*$)");
  const std::regex method_line(R"(^    (get|post|put|delete|patch):\s*$)");
  const std::regex operation_line(R"(^      operationId:\s*(\w+)\s*$)");
  std::set<Operation> out;
  bool in_paths = false;
  std::string path;
  std::string method;
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (line == "paths:") {
      in_paths = true;
    } else if (!line.empty() && line[0] != ' ') {
      in_paths = false;
    } else if (in_paths && std::regex_match(line, m, path_line)) {
      path = m[1];
    } else if (in_paths && std::regex_match(line, m, method_line)) {
      method = m[1];
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else if (in_paths && std::regex_match(line, m, operation_line)) {
      out.emplace(method, path, m[1]);
    }
  }
  return out;
}

TEST(OpenApi, TheSpecDescribesExactlyTheRoutesOfTheRouter) {
  const auto root = std::filesystem::temp_directory_path() / testing::UniqueName("openapi_blobs");
  {
    DbPool db("postgresql://unused", 1);  // connects lazily: never here
    blob::FileStore blobs(root);
    SystemClock clock;
    Api api(ApiConfig{}, db, blobs, clock);
    std::set<Operation> routes;
    for (const auto& r : api.router().routes()) routes.emplace(r.method, r.pattern, r.operation);
    const auto spec = SpecOperations(testing::SourcePath("schemas/openapi.yaml"));
    for (const auto& op : routes) {
      EXPECT_TRUE(spec.count(op)) << "route " << std::get<0>(op) << " " << std::get<1>(op) << " (" << std::get<2>(op)
                                  << ") is missing from schemas/openapi.yaml";
    }
    for (const auto& op : spec) {
      EXPECT_TRUE(routes.count(op)) << "schemas/openapi.yaml describes " << std::get<0>(op) << " " << std::get<1>(op)
                                    << " (" << std::get<2>(op) << "), which the router does not have";
    }
    EXPECT_GE(routes.size(), 20u);
  }
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace archive::api
