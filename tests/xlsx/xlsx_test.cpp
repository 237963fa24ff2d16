#include "common/xlsx/workbook.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/base/crypto.hpp"
#include "common/sheet/sheet.hpp"

// Debian's libxlsxwriter (1.1.5) leaks a few strings it strdup()s for each workbook; the leak is the library's.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:lxw_strdup\n";
}

namespace archive::xlsx {
namespace {

using ::testing::ElementsAre;

struct ReadBack {
  std::string sheet;
  std::vector<std::vector<sheet::Cell>> rows;
};

ReadBack Read(const std::string& bytes) {
  ReadBack out;
  const auto result = sheet::Read(bytes, sheet::Limits{}, [&](const sheet::SheetInfo&, const sheet::Row& row) {
    out.rows.push_back(row.cells);
    return true;
  });
  EXPECT_FALSE(result.error) << result.error->detail;
  out.sheet = result.sheet.name;
  return out;
}

std::vector<std::string> Texts(const std::vector<sheet::Cell>& cells) {
  std::vector<std::string> texts;
  for (const auto& c : cells) texts.push_back(c.text);
  return texts;
}

// Points $TMPDIR at a folder of the test's own, so that what a Workbook leaves behind can be seen.
class XlsxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* old = std::getenv("TMPDIR")) old_tmpdir_ = old;
    std::filesystem::create_directories(tmp_);
    setenv("TMPDIR", tmp_.c_str(), 1);
  }
  void TearDown() override {
    if (old_tmpdir_) {
      setenv("TMPDIR", old_tmpdir_->c_str(), 1);
    } else {
      unsetenv("TMPDIR");
    }
    std::filesystem::remove_all(tmp_);
  }
  bool TmpIsEmpty() const { return std::filesystem::is_empty(tmp_); }

  std::filesystem::path tmp_ = std::filesystem::path(::testing::TempDir()) / ("xlsx-test-" + RandomHex(4));
  std::optional<std::string> old_tmpdir_;
};

TEST_F(XlsxTest, WritesAMemberListThatTheImportReaderReadsBackAsText) {
  // Given a member list: a header row, then one text row per member
  Workbook book;
  const Format header = book.AddFormat({.bold = true, .fill = 0xD9E1F2});
  const Format text = book.AddFormat({.text = true});
  Sheet sheet = book.AddSheet("团员名单");
  sheet.SetColumns(0, 2, 20, text);
  EXPECT_TRUE(sheet.WriteRow(0, {"姓名", "身份证号码", "备注"}, header));
  EXPECT_TRUE(sheet.WriteRow(1, {"张三", "420106200801011234", "=1+1"}, text));
  EXPECT_TRUE(sheet.WriteRow(2, {"李四", "00012", ""}, text));
  sheet.FreezeRows(1);

  // When it is closed and read back
  const ReadBack got = Read(book.Close());

  // Then every cell is the text written, digits and formula-like text included, formatted as text
  EXPECT_EQ(got.sheet, "团员名单");
  ASSERT_EQ(got.rows.size(), 3u);
  EXPECT_THAT(Texts(got.rows[0]), ElementsAre("姓名", "身份证号码", "备注"));
  EXPECT_THAT(Texts(got.rows[1]), ElementsAre("张三", "420106200801011234", "=1+1"));
  EXPECT_THAT(Texts(got.rows[2]), ElementsAre("李四", "00012"));
  for (const auto& cell : got.rows[1]) {
    EXPECT_EQ(cell.kind, sheet::Cell::Kind::kText);
    EXPECT_EQ(cell.number_format, "@");
  }
  EXPECT_TRUE(TmpIsEmpty()) << "the temporary file was left behind";
}

TEST_F(XlsxTest, WritesManyRowsInConstantMemoryAndRefusesARowWrittenTooLate) {
  Workbook book({.constant_memory = true});
  Sheet sheet = book.AddSheet("团员名单");
  for (int r = 0; r < 20000; ++r) ASSERT_TRUE(sheet.WriteRow(r, {"张三", std::to_string(r)}));
  EXPECT_FALSE(sheet.Write(5, 0, "too late")) << "an earlier row after it was flushed";

  const ReadBack got = Read(book.Close());

  ASSERT_EQ(got.rows.size(), 20000u);
  EXPECT_THAT(Texts(got.rows[19999]), ElementsAre("张三", "19999"));
  EXPECT_EQ(got.rows[5][0].text, "张三");
}

TEST_F(XlsxTest, LeavesACellExcelCannotHoldEmptyAndWritesTheRest) {
  Workbook book;
  Sheet sheet = book.AddSheet("Sheet1");
  EXPECT_FALSE(sheet.WriteRow(0, {"a", std::string(40000, 'x'), "c"}));
  EXPECT_FALSE(sheet.Write(0, 20000, "beyond column XFD"));
  EXPECT_FALSE(sheet.Write(-1, 0, "a negative row"));

  const ReadBack got = Read(book.Close());

  ASSERT_EQ(got.rows.size(), 1u);
  EXPECT_THAT(Texts(got.rows[0]), ElementsAre("a", "", "c"));
}

TEST_F(XlsxTest, RefusesASheetNameExcelRefuses) {
  Workbook book;
  book.AddSheet("团员信息");
  EXPECT_THROW(book.AddSheet("团员信息"), std::invalid_argument);
  EXPECT_THROW(book.AddSheet("a/b"), std::invalid_argument);
  EXPECT_THROW(book.AddSheet(std::string(32, 'a')), std::invalid_argument);
}

TEST_F(XlsxTest, ClosesIntoAFileAndLeavesNothingBehindWhenDroppedUnclosed) {
  // Given a workbook closed into a file, and one dropped without being closed
  const auto out = tmp_.parent_path() / ("xlsx-test-out-" + RandomHex(4) + ".xlsx");
  {
    Workbook book;
    Sheet hidden = book.AddSheet("选项");
    hidden.WriteRow(0, {"男", "女"});
    hidden.Hide();
    Sheet data = book.AddSheet("团员信息");
    data.WriteRow(0, {"性别"});
    data.AddList({.column = 0,
                  .first_row = 1,
                  .last_row = kMaxRow,
                  .source = "='选项'!$A$1:$B$1",
                  .error_title = "性别",
                  .error_message = "请从下拉列表中选择性别"});
    data.Activate();
    book.CloseTo(out);
  }
  {
    Workbook dropped;
    dropped.AddSheet("Sheet1").Write(0, 0, "x");
  }

  // Then the file holds the workbook (the hidden sheet is not the one read), and the temporary folder is empty
  std::ifstream in(out, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::filesystem::remove(out);
  const ReadBack got = Read(bytes.str());
  EXPECT_EQ(got.sheet, "团员信息");
  ASSERT_EQ(got.rows.size(), 1u);
  EXPECT_TRUE(TmpIsEmpty());
}

TEST_F(XlsxTest, SaysWhichFileItCouldNotWrite) {
  Workbook book;
  book.AddSheet("Sheet1");
  EXPECT_THROW(book.CloseTo(tmp_ / "no-such-folder" / "out.xlsx"), std::runtime_error);
}

}  // namespace
}  // namespace archive::xlsx
