#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/member/cell.hpp"
#include "common/sheet/sheet.hpp"

// What the import sandbox child sends back: the rows of the sheet it read, or the batch-level error.
// A compact length-prefixed encoding, because a 50,000-row sheet is half a million cells.
namespace archive::import {

struct SheetRow {
  std::int64_t number = 0;
  bool hidden = false;
  std::vector<member::CellValue> cells;
};

struct ParsedSheet {
  std::optional<sheet::Error> error;
  sheet::SheetInfo info;
  std::vector<SheetRow> rows;
  std::vector<sheet::Range> merged;
};

// What the worker asks of the child: the limits to read the sheet within (the worker's configuration), then the file.
std::string EncodeRequest(const sheet::Limits& limits, std::string_view file);
// nullopt when the request is not well formed.
std::optional<std::pair<sheet::Limits, std::string_view>> DecodeRequest(std::string_view request);

// Reads the spreadsheet into a ParsedSheet (runs in the sandbox child). With a part sink, each kPartRows rows read
// go to it as they are read (a ParsedSheet of those rows and the sheet's info), and the result holds the rest.
// After an error, the rows already sent are to be discarded.
inline constexpr std::size_t kPartRows = 5000;
using PartSink = std::function<void(const ParsedSheet&)>;
ParsedSheet ReadSheet(std::string_view bytes, const sheet::Limits& limits, const PartSink& part = {});

std::string Encode(const ParsedSheet& sheet);
// nullopt when the bytes are not a well-formed encoding (a broken or hostile child).
std::optional<ParsedSheet> Decode(std::string_view bytes);

}  // namespace archive::import
