#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

// The request and response values that the HTTP server (server.hpp) hands to the application and back. They
// carry no Beast types, so handlers and their tests need no sockets.
namespace archive::api {

struct Request {
  std::string method;                         // "GET", "POST", ...
  std::string path;                           // the target without its query, e.g. "/v1/members/7"
  std::map<std::string, std::string> query;   // decoded query parameters; a repeated name keeps the last
  std::map<std::string, std::string> params;  // path parameters of the matched route, e.g. {"id", "7"}
  std::string authorization;                  // the Authorization header
  std::string content_type;
  std::string body;  // JSON routes only; an upload's bytes go to the blob store instead
  std::string remote_addr;
};

// Lets a finished response leave once something else is done (see Response::hold): called with a callback, which
// it calls exactly once, from any thread, with true to send the response or false to answer 503 instead.
using Hold = std::function<void(std::function<void(bool send)>)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  // When set, the body is streamed from here instead (a download), file_size bytes long.
  std::unique_ptr<std::istream> file;
  std::int64_t file_size = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the response leaves only once this lets it (Hold), e.g. false when the read's audit row could not be
  // committed. The server waits for it without holding a thread.
  Hold hold;
};

Response Json(int status, const nlohmann::json& body);

// The error body of every failure: {"code": "<stable English code>", "message": "<Chinese for the user>"}.
Response Error(int status, std::string_view code, std::string_view message);

// Masks every run of 17 digits plus a digit or X (an ID card number's shape) as MaskIdCard does, for text on its
// way to a log: a database error can quote a row.
std::string ScrubIdNumbers(std::string text);

// Splits "a=1&b=%E5%9B%A2" into decoded pairs. Returns false when an escape is malformed.
bool ParseQuery(std::string_view text, std::map<std::string, std::string>& out);

}  // namespace archive::api
