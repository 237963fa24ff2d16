#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "api/console.hpp"
#include "api/server.hpp"
#include "tests/api/api_fixture.hpp"

namespace archive::api::testing {
namespace {

namespace fs = std::filesystem;

// Answers every request that reaches it with 200 {"inner": true}: what the console does not answer goes here.
class InnerApplication final : public Application {
 public:
  Admission Admit(Request&) override { return {}; }
  std::unique_ptr<blob::Writer> NewUpload() override { return nullptr; }
  Response Handle(Request&, Admission&, const std::optional<blob::BlobRef>&) override {
    return Json(200, {{"inner", true}});
  }
};

std::string Header(const HttpResult& r, const std::string& name) {
  const auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A built console (index.html, a hashed script) in www/, and beside it, outside the folder, a secret file and a
// link from inside the folder to it.
class ConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / archive::testing::UniqueName("console");
    root_ = base_ / "www";
    Write(root_ / "index.html", "<!doctype html><title>console</title>");
    Write(root_ / "assets" / "index-Ab12_-.js", "console.log('hi')");
    Write(root_ / "assets" / "index-Cd34.css", "body{}");
    Write(root_ / ".env", "hidden");
    Write(root_ / "notes.exe", "not a console file type");
    Write(base_ / "secret.txt", "SECRET");
    Write(base_ / "www-old" / "index.html", "OLD");
    fs::create_symlink(base_ / "secret.txt", root_ / "leak.txt");
    ServerConfig c;
    c.port = 0;
    c.threads = 1;
    console_ = std::make_unique<ConsoleApplication>(ConsoleConfig{root_.string()}, inner_);
    server_ = std::make_unique<Server>(c, *console_);
    server_->Start();
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(base_);
  }

  HttpResult Get(const std::string& target) { return Send(server_->port(), "GET", target, ""); }

  fs::path base_;
  fs::path root_;
  InnerApplication inner_;
  std::unique_ptr<ConsoleApplication> console_;
  std::unique_ptr<Server> server_;
};

TEST_F(ConsoleTest, ServesThePageAndItsAssetsWithTheirTypesAndAPolicyWithoutInlineScript) {
  const auto page = Get("/console/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.body, "<!doctype html><title>console</title>");
  EXPECT_EQ(Header(page, "content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(Header(page, "cache-control"), "no-cache");
  const auto csp = Header(page, "content-security-policy");
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;
  EXPECT_NE(csp.find("object-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("base-uri 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;

  const auto script = Get("/console/assets/index-Ab12_-.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.body, "console.log('hi')");
  EXPECT_EQ(Header(script, "content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(script, "cache-control"), "public, max-age=31536000, immutable");
  EXPECT_FALSE(Header(script, "content-security-policy").empty());
  EXPECT_EQ(Header(Get("/console/assets/index-Cd34.css"), "content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(Get("/console/index.html").status, 200);
}

TEST_F(ConsoleTest, RedirectsTheBarePathToTheFolder) {
  const auto r = Get("/console");
  EXPECT_EQ(r.status, 308);
  EXPECT_EQ(Header(r, "location"), "/console/");
}

TEST_F(ConsoleTest, NoPathLeavesTheFolder) {
  for (const std::string target :
       {"/console/../secret.txt", "/console/assets/../../secret.txt", "/console/%2e%2e/secret.txt",
        "/console/..%2fsecret.txt", "/console/assets/%2e%2e%2f%2e%2e%2fsecret.txt", "/console/./index.html",
        "/console//index.html", "/console/assets/", "/console/.env", "/console/leak.txt",
        "/console/../www-old/index.html", "/console/assets\\..\\..\\secret.txt", "/console/index.html%00.js"}) {
    const auto r = Get(target);
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("OLD"), std::string::npos) << target;
    if (r.status == 400) continue;  // a target the HTTP parser itself refuses never reaches the console
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_FALSE(Header(r, "content-security-policy").empty()) << target;
  }
}

TEST_F(ConsoleTest, ServesOnlyTheFileTypesAConsoleIsMadeOfAndOnlyToGet) {
  EXPECT_EQ(Get("/console/notes.exe").status, 404);
  EXPECT_EQ(Get("/console/missing.js").status, 404);
  const auto post = Send(server_->port(), "POST", "/console/index.html", "");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(Header(post, "allow"), "GET");
}

TEST_F(ConsoleTest, EverythingElseGoesToTheApiWithoutThePolicy) {
  for (const std::string target : {"/v1/me", "/consoles/index.html", "/healthz"}) {
    const auto r = Get(target);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.json()["inner"], true) << target;
    EXPECT_TRUE(Header(r, "content-security-policy").empty()) << target;
  }
}

TEST(ConsoleConfigTest, WithoutARootTheConsoleIsNotServedAndAMissingFolderStopsStartUp) {
  InnerApplication inner;
  ConsoleApplication none(ConsoleConfig{}, inner);
  Request request;
  request.method = "GET";
  request.path = "/console/";
  const auto a = none.Admit(request);
  ASSERT_TRUE(a.reject);
  EXPECT_EQ(a.reject->status, 404);
  EXPECT_THROW(ConsoleApplication(ConsoleConfig{"/nonexistent/console-folder"}, inner), config::Error);
}

}  // namespace
}  // namespace archive::api::testing
