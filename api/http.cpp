#include "api/http.hpp"

#include "common/base/text.hpp"

namespace archive::api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += in[i];
    }
  }
  return true;
}

}  // namespace

Response Json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Error(int status, std::string_view code, std::string_view message) {
  return Json(status, {{"code", code}, {"message", message}});
}

std::string ScrubIdNumbers(std::string text) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    const bool last = run == 17 && (digit || text[i] == 'X' || text[i] == 'x');
    if (last && (i + 1 == text.size() || !(text[i + 1] >= '0' && text[i + 1] <= '9'))) {
      text.replace(i - 17, 18, MaskIdCard(text.substr(i - 17, 18)));
      run = 0;
      continue;
    }
    run = digit ? run + 1 : 0;
  }
  return text;
}

bool ParseQuery(std::string_view text, std::map<std::string, std::string>& out) {
  while (!text.empty()) {
    const auto amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string key;
    std::string value;
    if (!Decode(pair.substr(0, eq), key)) return false;
    if (eq != std::string_view::npos && !Decode(pair.substr(eq + 1), value)) return false;
    out[key] = value;
  }
  return true;
}

}  // namespace archive::api
