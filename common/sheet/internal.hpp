#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sheet/sheet.hpp"

// Shared by the three readers; not part of the public API.
namespace archive::sheet::internal {

// An Error with the standard Chinese message for its code. row/column (when known) go into the message of the
// row-level codes (TOO_MANY_COLUMNS, CELL_TOO_LONG).
Error MakeError(ErrorCode code, const Limits& limits, std::string detail, std::int64_t row = 0, int column = -1);

// Turns cells into rows and enforces the row-level limits: skips blank rows, trims trailing blank cells, counts rows
// and cells, refuses cells past max_columns or longer than max_cell_bytes, calls the callback. The readers feed it
// cells in sheet order. Once failed() or stopped(), it must not be fed any more.
class RowAssembler {
 public:
  RowAssembler(const Limits& limits, const RowCallback& on_row, Result& result)
      : limits_(limits), on_row_(on_row), result_(result) {}

  // Starts a row. Row numbers must ascend; a repeated or smaller number fails with CORRUPT.
  bool StartRow(std::int64_t number, bool hidden);
  // The cell at column (0-based) of the current row, cleared, with every cell skipped since the previous one
  // cleared too. Columns must ascend within a row. nullptr after a failure (out of order, or a non-blank cell beyond
  // max_columns).
  Cell* At(int column);
  // Finishes the row and hands it to the callback unless it is blank. False: stop reading.
  bool EndRow();

  void Fail(Error error);
  bool failed() const { return result_.error.has_value(); }
  bool stopped() const { return result_.stopped; }
  bool in_row() const { return in_row_; }
  std::int64_t row_number() const { return row_.number; }
  const Limits& limits() const { return limits_; }
  // The sheet the rows come from; set by the reader before the first row.
  SheetInfo& sheet() { return result_.sheet; }
  std::vector<Range>& merged() { return result_.merged; }
  // EMPTY_FILE when no row was delivered; call at the end of a complete read.
  void Finish();

 private:
  bool CheckOverflow();

  const Limits& limits_;
  const RowCallback& on_row_;
  Result& result_;
  Row row_;
  std::size_t used_ = 0;  // cells of row_ handed out in the current row
  int last_column_ = -1;
  bool in_row_ = false;
  std::int64_t last_number_ = 0;
  std::int64_t cells_ = 0;
  Cell overflow_;  // cells beyond max_columns land here; a non-blank one fails the read
  int overflow_column_ = -1;
};

void ClearCell(Cell& cell);

// A workbook's shared strings: every string in one buffer, so millions of short strings cost 4 bytes each on top of
// their text. Build one string at a time: Begin, append to pool(), End.
class StringTable {
 public:
  std::size_t size() const { return ends_.size(); }
  std::string_view Get(std::size_t i) const {
    const std::uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(pool_).substr(begin, ends_[i] - begin);
  }
  void Begin() { start_ = pool_.size(); }
  std::string& pool() { return pool_; }
  // The bytes of the string being built.
  std::size_t building_size() const { return pool_.size() - start_; }
  std::size_t building_start() const { return start_; }
  // Ends the string being built. False if the pool has outgrown 32-bit offsets.
  bool End() {
    if (pool_.size() > 0xFFFFFFFFu) return false;
    ends_.push_back(static_cast<std::uint32_t>(pool_.size()));
    return true;
  }

 private:
  std::string pool_;
  std::vector<std::uint32_t> ends_;
  std::size_t start_ = 0;
};

void ReadXlsx(std::string_view bytes, RowAssembler& rows);
void ReadXls(std::string_view bytes, RowAssembler& rows);
void ReadCsv(std::string_view bytes, RowAssembler& rows);

}  // namespace archive::sheet::internal
