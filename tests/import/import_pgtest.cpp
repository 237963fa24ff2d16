#include "workers/import/importer.hpp"

#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/base/crypto.hpp"
#include "common/base/text.hpp"
#include "common/lifecycle/policy.hpp"
#include "common/lifecycle/registry.hpp"
#include "common/member/date.hpp"
#include "common/testing/testing.hpp"
#include "tests/sheet/fixtures.hpp"

namespace archive::import {
namespace {

using testing::QueryInt;

const auto MakeId = testing::MakeIdCard;

// One cell to write: text, or a number as Excel would store it.
struct Cell {
  std::string text;
  std::optional<double> number;
  std::string number_format;
};

// A workbook made the way users make theirs, with libxlsxwriter.
struct Sheet {
  std::vector<std::string> headers;
  std::vector<std::vector<Cell>> rows;
  std::vector<std::string> merged;  // e.g. "A3:B3"
  std::vector<int> hidden_rows;     // 0-based sheet rows

  std::string Write() const {
    const auto path = std::filesystem::temp_directory_path() / (RandomHex(6) + ".xlsx");
    lxw_workbook* book = workbook_new(path.c_str());
    lxw_worksheet* ws = workbook_add_worksheet(book, "团员信息");
    for (std::size_t c = 0; c < headers.size(); ++c)
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), headers[c].c_str(), nullptr);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      for (std::size_t c = 0; c < rows[r].size(); ++c) {
        const Cell& cell = rows[r][c];
        const auto row = static_cast<lxw_row_t>(r + 1);
        const auto col = static_cast<lxw_col_t>(c);
        if (cell.number) {
          lxw_format* f = nullptr;
          if (!cell.number_format.empty()) {
            f = workbook_add_format(book);
            format_set_num_format(f, cell.number_format.c_str());
          }
          worksheet_write_number(ws, row, col, *cell.number, f);
        } else if (!cell.text.empty()) {
          worksheet_write_string(ws, row, col, cell.text.c_str(), nullptr);
        }
      }
    }
    for (const auto& range : merged) {
      const lxw_row_t r = static_cast<lxw_row_t>(std::stoi(range.substr(1, range.find(':') - 1)) - 1);
      worksheet_merge_range(ws, r, 0, r, 1, "merged", nullptr);
    }
    for (const int r : hidden_rows) {
      lxw_row_col_options hidden{1, 0, 0};
      worksheet_set_row_opt(ws, static_cast<lxw_row_t>(r), LXW_DEF_ROW_HEIGHT, nullptr, &hidden);
    }
    workbook_close(book);
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    std::filesystem::remove(path);
    return bytes.str();
  }
};

// A cell of a sheet written record by record (tests/sheet/fixtures), for what libxlsxwriter cannot write: a formula
// saved without its result.
struct FormulaCell {
  std::string text;                    // the value, or a formula's saved result
  std::optional<std::string> formula;  // a formula; with an empty text, saved without a result
};
using FormulaRows = std::vector<std::vector<FormulaCell>>;

// The rows as an .xlsx: strings inline, a formula with a result as t="str", one without as a bare <f>.
std::string XlsxOf(const FormulaRows& rows) {
  namespace t = sheet::testing;
  std::string xml;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    xml += fmt::format("<row r=\"{}\">", r + 1);
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const FormulaCell& cell = rows[r][c];
      const std::string ref = sheet::ColumnName(static_cast<int>(c)) + std::to_string(r + 1);
      if (cell.formula) {
        const std::string f = "<f>" + t::XmlEscape(*cell.formula) + "</f>";
        xml += cell.text.empty()
                   ? fmt::format("<c r=\"{}\">{}</c>", ref, f)
                   : fmt::format("<c r=\"{}\" t=\"str\">{}<v>{}</v></c>", ref, f, t::XmlEscape(cell.text));
      } else if (!cell.text.empty()) {
        xml += fmt::format("<c r=\"{}\" t=\"inlineStr\"><is><t>{}</t></is></c>", ref, t::XmlEscape(cell.text));
      }
    }
    xml += "</row>";
  }
  return t::Xlsx({.sheets = {{"团员信息", t::SheetXml(xml), ""}}});
}

// The rows as an .xls: a formula with a result has its STRING record, one without has none.
std::string XlsOf(const FormulaRows& rows) {
  namespace t = sheet::testing;
  t::XlsSpec spec;
  std::string& records = spec.sheets.emplace_back(t::XlsSheet{"团员信息", 0, ""}).records;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const FormulaCell& cell = rows[r][c];
      const auto row = static_cast<std::uint16_t>(r);
      const auto col = static_cast<std::uint16_t>(c);
      if (cell.formula) {
        records += cell.text.empty() ? t::XlsFormulaOther(row, col, 0) : t::XlsFormulaString(row, col, cell.text);
      } else if (!cell.text.empty()) {
        records += t::XlsLabel(row, col, cell.text);
      }
    }
  }
  return t::Xls(spec);
}

const std::vector<std::string> kHeaders = {"姓名",     "性别",         "身份证号码", "民族",
                                           "入团年月", "发展团员编号", "所在团支部", "备注"};

std::vector<Cell> Row(const std::string& name, const std::string& gender, const std::string& id,
                      const std::string& joined, const std::string& number, const std::string& branch) {
  return {{name}, {gender}, {id}, {"汉族"}, {joined}, {number}, {branch}, {"随便写点什么"}};
}

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.InTransaction([&](pg::Tx& tx) {
      tx.ExecScript(
          "INSERT INTO organizations (id, code, name, kind, parent_id, path) VALUES"
          " (1, 'SCHOOL', '示例中学团委', 'committee', NULL, '1'),"
          " (2, 'B1', '高一(1)班团支部', 'branch', 1, '1.2'),"
          " (3, 'B2', '高一(2)班团支部', 'branch', 1, '1.3'),"
          " (4, 'OTHER', '另一所中学团委', 'committee', NULL, '4'),"
          " (5, 'OB', '另一所中学高二(3)班团支部', 'branch', 4, '4.5');"
          "SELECT setval(pg_get_serial_sequence('organizations', 'id'), 10);"
          "INSERT INTO members (org_id, name, id_card, joined_on, archive_status) VALUES"
          " (5, '已在别处', '" +
          MakeId("20070505", "555") + "', '2022-05-04', 'NOT_UPLOADED');");
    });
  }

  std::string Submit(const std::string& bytes, const std::string& org_code = "SCHOOL", bool dry_run = false) {
    const auto ref = blobs_.Put(bytes);
    const std::string id = RandomUuid();
    db_.InTransaction([&](pg::Tx& tx) {
      const auto org = tx.Run("org_by_code", org_code);
      tx.Run("import_batch_create", id, org.Int(0, 0), std::nullopt, "members.xlsx", "xlsx", ref.uri, ref.sha256,
             ref.size, dry_run);
    });
    return id;
  }

  // A batch that user asked for (the importer's subtree is the user's organization's).
  std::string SubmitBy(const std::string& bytes, std::int64_t user, bool dry_run = false) {
    const std::string id = Submit(bytes, "SCHOOL", dry_run);
    QueryInt(db_, fmt::format("UPDATE import_batches SET requested_by = {} WHERE id = '{}' RETURNING 1", user, id));
    return id;
  }

  Result Run(const std::string& batch_id) {
    return db_.InTransaction([&](pg::Tx& tx) { return importer_.Run(tx, batch_id, nullptr); });
  }

  std::int64_t Count(const std::string& sql) { return QueryInt(db_, sql); }

  testing::TestSchema schema_;
  pg::Connection db_{schema_.url()};
  std::filesystem::path blob_root_ = std::filesystem::temp_directory_path() / ("import-blobs-" + RandomHex(4));
  blob::FileStore blobs_{blob_root_};
  testing::FakeClock clock_{std::chrono::sys_days(std::chrono::year{2026} / 11 / 27)};
  member::MemberTemplate layout_ = member::BuiltinMemberTemplate();
  SandboxedParser parser_{testing::BinaryPath("bin/import-sandbox"), sandbox::Limits{}, 1};
  Importer importer_{Config{}, layout_, parser_, blobs_, clock_};

  void TearDown() override { std::filesystem::remove_all(blob_root_); }
};

TEST_F(ImportTest, ImportsTheValidRowsAndReportsEachFailedOneWithItsReason) {
  // Given ten rows in reordered columns with an extra one: seven good (two admitted before 2020), three bad
  Sheet sheet{kHeaders, {}};
  sheet.rows.push_back(Row("张三", "男", MakeId("20080101", "011"), "2024-03-10", "202400000001", "高一(1)班团支部"));
  sheet.rows.push_back(Row("李四", "女", MakeId("20080202", "022"), "2024/3/10", "202400000002", "B2"));
  sheet.rows.push_back(Row("王五", "男", MakeId("20080303", "031"), "2024年3月10日", "202400000003", "B1"));
  sheet.rows.push_back(Row("赵六", "女", MakeId("20080404", "042"), "202403", "202400000004", "B1"));
  sheet.rows.push_back(Row("钱七", "男", MakeId("20080505", "051"), "2024.03", "202400000005", "B1"));
  sheet.rows.push_back(Row("孙八", "男", MakeId("20020606", "061"), "2018-05-04", "", "B1"));
  sheet.rows.push_back(Row("周九", "女", MakeId("20020707", "072"), "2019-05-04", "", "B1"));
  std::string bad_check = MakeId("20080808", "081");
  bad_check.back() = bad_check.back() == '0' ? '1' : '0';
  sheet.rows.push_back(Row("吴十", "男", bad_check, "2024-03-10", "202400000008", "B1"));
  auto scientific = Row("郑十一", "男", "", "2024-03-10", "202400000009", "B1");
  scientific[2] = Cell{"", 4.20106200801011e17, "0.00E+00"};
  sheet.rows.push_back(scientific);
  sheet.rows.push_back(Row("冯十二", "女", MakeId("20070505", "555"), "2024-03-10", "202400000010", "B1"));

  // When it is imported into the school's committee
  const Result result = Run(Submit(sheet.Write()));

  // Then the seven good rows are members and the three bad ones are reported
  ASSERT_EQ(result.status, "DONE") << result.error_message.value_or("");
  EXPECT_EQ(result.Summary(), "成功导入 7 位团员，3 位团员导入失败");
  EXPECT_EQ(Count("SELECT count(*) FROM members WHERE org_id IN (2, 3)"), 7);
  EXPECT_EQ(Count("SELECT count(*) FROM members WHERE archive_status = 'EXEMPT'"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM members WHERE archive_status = 'NOT_UPLOADED' AND org_id IN (2, 3) "
                  "AND upload_deadline = joined_on + 30"),
            5);
  EXPECT_EQ(result.needs_upload.size(), 5u) << "R11: the new members who need an upload are listed";
  EXPECT_EQ(Count("SELECT count(*) FROM import_rows WHERE outcome = 'FAILED'"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM import_rows WHERE 'ID_CHECKSUM' = ANY(codes) AND row_no = 9"), 1);
  EXPECT_EQ(
      Count("SELECT count(*) FROM import_rows WHERE 'ID_SCIENTIFIC' = ANY(codes) OR 'ID_PRECISION_LOST' = ANY(codes)"),
      1);
  EXPECT_EQ(Count("SELECT count(*) FROM import_rows WHERE 'ID_IN_ANOTHER_ORG' = ANY(codes)"), 1);
  EXPECT_EQ(Count("SELECT ok_rows * 100 + failed_rows FROM import_batches"), 703);
  for (const auto& row : result.rows) {
    for (const auto& reason : row.reasons) {
      EXPECT_EQ(reason.find(MakeId("20070505", "555")), std::string::npos) << "a full ID number in a reason";
      EXPECT_EQ(reason.find("另一所中学高二(3)班团支部"), std::string::npos) << "the other organization unmasked";
    }
  }

  // And the failure report holds exactly the failed rows in the template layout, with their reasons
  ASSERT_TRUE(result.report_uri);
  std::stringstream report;
  report << blobs_.Open(*result.report_uri)->rdbuf();
  std::vector<std::vector<std::string>> report_rows;
  const auto read = sheet::Read(report.str(), sheet::Limits{}, [&](const sheet::SheetInfo&, const sheet::Row& row) {
    auto& texts = report_rows.emplace_back();
    for (const auto& c : row.cells) texts.push_back(c.text);
    return true;
  });
  ASSERT_FALSE(read.error) << read.error->detail;
  ASSERT_EQ(report_rows.size(), 4u);
  EXPECT_EQ(report_rows[0].front(), "姓名");
  EXPECT_EQ(report_rows[0].back(), "失败原因");
  EXPECT_EQ(report_rows[1].front(), "吴十");
  EXPECT_NE(report_rows[1].back().find("第 9 行"), std::string::npos);

  // And the fixed report imports the rest
  Sheet fixed{layout_.columns().size() ? std::vector<std::string>{} : kHeaders, {}};
  for (const auto& c : layout_.columns()) fixed.headers.push_back(c.header);
  fixed.headers.push_back("失败原因");
  std::vector<Cell> wu(fixed.headers.size());
  for (std::size_t c = 0; c < report_rows[1].size() && c < wu.size(); ++c) wu[c].text = report_rows[1][c];
  const auto id_col =
      std::distance(fixed.headers.begin(), std::find(fixed.headers.begin(), fixed.headers.end(), "身份证号码"));
  wu[static_cast<std::size_t>(id_col)].text = MakeId("20080808", "081");
  fixed.rows.push_back(wu);
  const Result again = Run(Submit(fixed.Write()));
  EXPECT_EQ(again.Summary(), "成功导入 1 位团员，0 位团员导入失败")
      << (again.rows.empty() || again.rows[0].reasons.empty() ? "" : again.rows[0].reasons[0]);
}

TEST_F(ImportTest, ReadsFormulasAsTheirSavedResultsAndFailsOnlyTheRowOfOneSavedWithout) {
  for (const auto& [format, write] : {std::pair{"xlsx", &XlsxOf}, std::pair{"xls", &XlsOf}}) {
    // Given three members: the first's name and the third's ethnicity are formulas Excel saved with their results,
    // the second's ID number a formula saved without one
    FormulaRows rows(1);
    for (const auto& header : kHeaders) rows[0].push_back({header});
    const int person = std::string(format) == "xls" ? 3 : 0;  // each format its own people
    for (const auto* name : {"张三", "李四", "王五"}) {
      const int n = person + static_cast<int>(rows.size());
      auto& row = rows.emplace_back();
      for (const Cell& c : Row(name, "", MakeId("20080101", fmt::format("{:03d}", n)), "2024-03-10",
                               fmt::format("2024{:08d}", n), "B1")) {
        row.push_back({c.text});
      }
    }
    rows[1][0].formula = "\"张\"&\"三\"";
    rows[2][2] = {"", "TEXT(D3,\"0\")"};
    rows[3][3].formula = "\"汉族\"";

    // When it is imported
    const std::string batch = Submit(write(rows));
    const Result result = Run(batch);

    // Then the other rows are members, and the second is reported with the reason, naming the column
    ASSERT_EQ(result.status, "DONE") << format << ": " << result.error_message.value_or("");
    EXPECT_EQ(result.Summary(), "成功导入 2 位团员，1 位团员导入失败") << format;
    ASSERT_EQ(result.rows.size(), 3u) << format;
    EXPECT_EQ(result.rows[1].row_number, 3) << format;
    EXPECT_EQ(result.rows[1].codes, std::vector<std::string>{"FORMULA_NO_VALUE"}) << format;
    ASSERT_EQ(result.rows[1].reasons.size(), 1u) << format;
    EXPECT_NE(result.rows[1].reasons[0].find("“身份证号码”列是公式"), std::string::npos) << result.rows[1].reasons[0];
    EXPECT_EQ(Count("SELECT count(*) FROM members WHERE name IN ('张三', '王五') AND ethnicity = '汉族' AND "
                    "import_batch_id = '" +
                    batch + "'"),
              2)
        << format;

    // And the failure report lists that row, its reason and (xlsx) the formula to replace
    ASSERT_TRUE(result.report_uri) << format;
    std::stringstream report;
    report << blobs_.Open(*result.report_uri)->rdbuf();
    std::vector<std::string> failed;
    sheet::Read(report.str(), sheet::Limits{}, [&](const sheet::SheetInfo&, const sheet::Row& row) {
      if (row.number == 2) failed = sheet::testing::Texts(row);
      return true;
    });
    ASSERT_FALSE(failed.empty()) << format;
    EXPECT_EQ(failed.front(), "李四");
    EXPECT_NE(failed.back().find("第 3 行：“身份证号码”列是公式"), std::string::npos) << failed.back();
    if (std::string(format) == "xlsx") {
      EXPECT_NE(std::find(failed.begin(), failed.end(), "'=TEXT(D3,\"0\")"), failed.end()) << format;
    }
  }
}

TEST_F(ImportTest, RefusesASheetWithAHeaderAndNoMembers) {
  // Given the template's header and no row under it, as xlsx, xls and csv
  FormulaRows header_only(1);
  for (const auto& header : kHeaders) header_only[0].push_back({header});
  std::string csv;
  for (const auto& header : kHeaders) csv += (csv.empty() ? "" : ",") + header;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"xlsx", Sheet{kHeaders, {}}.Write()}, {"xls", XlsOf(header_only)}, {"csv", csv + "\r\n,,,\r\n\r\n"}};
  for (const auto& [format, bytes] : files) {
    // When it is imported
    const Result result = Run(Submit(bytes));

    // Then the batch fails with its own code and a message that says what is missing
    EXPECT_EQ(result.status, "FAILED") << format;
    EXPECT_EQ(result.error_code.value_or(""), "NO_ROWS") << format;
    EXPECT_NE(result.error_message.value_or("").find("表格只有表头"), std::string::npos) << format;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM import_batches WHERE status = 'FAILED' AND error_code = 'NO_ROWS'"), 3);
}

TEST_F(ImportTest, RunsABatchOnceEvenWhenDeliveredTwice) {
  Sheet sheet{kHeaders, {Row("张三", "男", MakeId("20080101", "011"), "2024-03-10", "202400000001", "B1")}};
  const std::string batch = Submit(sheet.Write());
  EXPECT_EQ(Run(batch).imported, 1);
  EXPECT_EQ(Run(batch).imported, 0) << "a second run must not import again";
  EXPECT_EQ(Count("SELECT count(*) FROM members WHERE org_id = 2"), 1);
}

TEST_F(ImportTest, TellsAReImportFromANumberThatBelongsToSomeoneElse) {
  // Given a member imported once
  Sheet first{kHeaders, {Row("张三", "男", MakeId("20080101", "011"), "2024-03-10", "202400000001", "B1")}};
  ASSERT_EQ(Run(Submit(first.Write())).imported, 1);

  // When the same row comes again, beside a new person who was given the same development number
  Sheet again{kHeaders,
              {Row("张三", "男", MakeId("20080101", "011"), "2024-03-10", "202400000001", "B1"),
               Row("李四", "女", MakeId("20080202", "022"), "2024-03-10", "202400000001", "B1")}};
  const Result result = Run(Submit(again.Write()));

  // Then the first is only "already imported" (the number is their own), and the second clashes twice: with the
  // row above and with the member in the database
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.rows[0].codes, std::vector<std::string>{"ALREADY_IMPORTED"});
  EXPECT_EQ(result.rows[1].codes, (std::vector<std::string>{"DUPLICATE_DEV_NUMBER_IN_FILE", "DEV_NUMBER_TAKEN"}));
}

TEST_F(ImportTest, LeavesNothingBehindWhenTheTransactionDiesHalfway) {
  Sheet sheet{kHeaders, {Row("张三", "男", MakeId("20080101", "011"), "2024-03-10", "202400000001", "B1")}};
  const std::string batch = Submit(sheet.Write());
  {
    pg::Tx tx = db_.Begin();
    importer_.Run(tx, batch, nullptr);
    tx.Abort();  // the worker was killed before its commit
  }
  EXPECT_EQ(Count("SELECT count(*) FROM members WHERE org_id = 2"), 0);
  EXPECT_EQ(Run(batch).imported, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM members WHERE org_id = 2"), 1);
}

TEST_F(ImportTest, ValidatesWithoutWritingInADryRun) {
  Sheet sheet{kHeaders, {Row("张三", "男", MakeId("20080101", "011"), "2024-03-10", "202400000001", "B1")}};
  const Result result = Run(Submit(sheet.Write(), "SCHOOL", true));
  EXPECT_EQ(result.imported, 1);
  EXPECT_NE(result.Summary().find("未导入"), std::string::npos);
  EXPECT_EQ(Count("SELECT count(*) FROM members WHERE org_id = 2"), 0);
}

TEST_F(ImportTest, RefusesBranchesOutsideTheImportersSubtree) {
  Sheet sheet{kHeaders, {Row("张三", "男", MakeId("20080101", "011"), "2024-03-10", "202400000001", "OB")}};
  const Result result = Run(Submit(sheet.Write()));
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].codes, std::vector<std::string>{"BRANCH_NOT_FOUND"});
  EXPECT_EQ(Count("SELECT count(*) FROM members WHERE org_id = 5"), 1);
}

TEST_F(ImportTest, RefusesAWholeBatchWhoseShapeIsUnreliable) {
  const auto good = Row("张三", "男", MakeId("20080101", "011"), "2024-03-10", "202400000001", "B1");
  struct Case {
    std::string name;
    std::string bytes;
    std::string code;
  };
  Sheet merged{kHeaders, {good, good}};
  merged.merged = {"A3:B3"};
  Sheet hidden{kHeaders, {good}};
  hidden.hidden_rows = {1};
  Sheet no_header{{"甲", "乙", "丙"}, {{{"1"}, {"2"}, {"3"}}}};
  Sheet missing_column{{"姓名", "性别"}, {{{"张三"}, {"男"}}}};
  const std::vector<Case> cases = {
      {"merged cells", merged.Write(), "MERGED_CELLS"},
      {"hidden rows", hidden.Write(), "HIDDEN_ROWS"},
      {"no header", no_header.Write(), "HEADER_NOT_FOUND"},
      {"missing column", missing_column.Write(), "MISSING_COLUMN"},
      {"html saved as xls", "<html><body>团员名单</body></html>", "UNSUPPORTED_FORMAT"},
      {"not a spreadsheet", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\x00", 18), "NOT_SPREADSHEET"},
      {"empty file", "", "EMPTY_FILE"},
      {"random bytes", std::string("PK\x03\x04\xff\xfe garbage", 14), "CORRUPT"},
  };
  for (const auto& c : cases) {
    const Result result = Run(Submit(c.bytes));
    EXPECT_EQ(result.status, "FAILED") << c.name;
    EXPECT_EQ(result.error_code.value_or(""), c.code) << c.name << ": " << result.error_message.value_or("");
    EXPECT_FALSE(result.error_message.value_or("").empty()) << c.name;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM members"), 1) << "a refused batch imported something";
  EXPECT_EQ(Count("SELECT count(*) FROM import_batches WHERE status = 'FAILED' AND error_message <> ''"),
            static_cast<std::int64_t>(cases.size()));
}

// The sandbox sends rows in parts of kPartRows while it reads, and chunks are written while later ones are
// validated: a sheet of several parts still has one outcome, and a problem found late undoes what was written.
TEST_F(ImportTest, ImportsASheetOfManyPartsAndRefusesItWholeForAProblemFoundLate) {
  Sheet big{kHeaders, {}};
  for (int i = 0; i < 12000; ++i) {
    const auto day = std::chrono::sys_days(std::chrono::year{2008} / 1 / 1) + std::chrono::days(i / 500);
    const std::string birth = member::FormatDate(member::Date(day));
    const std::string seq = fmt::format("{:03d}", i % 500 * 2 + 1);  // odd: 男
    big.rows.push_back(Row("张三", "男", MakeId(birth.substr(0, 4) + birth.substr(5, 2) + birth.substr(8, 2), seq),
                           "2024-03-10", fmt::format("2024{:08d}", i + 1), "B1"));
  }
  big.rows[11000][2] = big.rows[1][2];  // the same person twice, in different parts and chunks
  Sheet hidden_late = big;
  hidden_late.hidden_rows = {11500};
  Sheet merged_late = big;
  merged_late.merged = {"A11990:B11990"};

  for (const auto& [name, sheet, code] : {std::tuple{"hidden row 11,500", hidden_late, "HIDDEN_ROWS"},
                                          std::tuple{"merged row 11,990", merged_late, "MERGED_CELLS"}}) {
    const Result refused = Run(Submit(sheet.Write()));
    EXPECT_EQ(refused.status, "FAILED") << name;
    EXPECT_EQ(refused.error_code.value_or(""), code) << name;
    EXPECT_EQ(refused.imported, 0) << name;
    EXPECT_EQ(Count("SELECT count(*) FROM members WHERE org_id = 2"), 0) << name << ": written chunks were kept";
    EXPECT_EQ(Count("SELECT count(*) FROM import_rows"), 0) << name;
  }

  std::vector<std::pair<int, int>> progress;  // done, total
  const std::string batch = Submit(big.Write());
  const Result result = db_.InTransaction([&](pg::Tx& tx) {
    return importer_.Run(tx, batch, [&](int done, int total) { progress.emplace_back(done, total); });
  });
  ASSERT_EQ(result.status, "DONE") << result.error_message.value_or("");
  EXPECT_EQ(result.Summary(), "成功导入 11999 位团员，1 位团员导入失败");
  ASSERT_EQ(progress.size(), 3u) << "one report a chunk";
  EXPECT_EQ(progress[0].first, 5000);
  EXPECT_EQ(progress[1].first, 10000);
  EXPECT_EQ(progress[2], std::make_pair(12000, 12000));
  for (const auto& [done, total] : progress) EXPECT_LE(done, total);
  ASSERT_EQ(result.rows.size(), 12000u);
  EXPECT_EQ(result.rows[11000].row_number, 11002);
  EXPECT_EQ(result.rows[11000].codes, std::vector<std::string>{"DUPLICATE_ID_IN_FILE"});
  EXPECT_EQ(Count("SELECT count(*) FROM members WHERE org_id = 2"), 11999);
  EXPECT_EQ(Count("SELECT count(*) FROM members WHERE import_batch_id = '" + batch + "' AND import_row_no > 1"), 11999);
  EXPECT_EQ(Count("SELECT count(*) FROM import_rows WHERE row_no = 11002"), 1) << "only the failed row";
  EXPECT_EQ(Count("SELECT last_member_id - first_member_id + 1 FROM import_batches WHERE status = 'DONE'"), 11999);
  EXPECT_EQ(Count("SELECT total_rows FROM import_batches WHERE status = 'DONE'"), 12000);
  EXPECT_EQ(result.needs_upload.size(), 11999u);
}

TEST_F(ImportTest, ReadsWithinTheConfiguredRowLimit) {
  Config config;
  config.limits.max_rows = 10;  // the header row included
  Importer importer{config, layout_, parser_, blobs_, clock_};
  Sheet sheet{kHeaders, {}};
  for (int i = 1; i <= 12; ++i) {
    sheet.rows.push_back(Row("张三", "男", MakeId("20080101", fmt::format("{:03d}", 2 * i + 1)), "2024-03-10",
                             fmt::format("2024{:08d}", i), "B1"));
  }
  const std::string batch = Submit(sheet.Write());
  const Result result = db_.InTransaction([&](pg::Tx& tx) { return importer.Run(tx, batch, nullptr); });
  EXPECT_EQ(result.status, "FAILED");
  EXPECT_EQ(result.error_code.value_or(""), "TOO_MANY_ROWS") << result.error_message.value_or("");
  EXPECT_EQ(Count("SELECT count(*) FROM members WHERE org_id = 2"), 0);
}

TEST_F(ImportTest, DeadlinesAndR1ComeFromThePolicySectionEveryProcessReads) {
  // Given the "policy" section that archive-api, the workers and archivectl all read, with a 45-day window and R1
  // from 2024-01-01, when a sheet is imported with it, then each member's stored deadline is Policy::Deadline, the
  // one the API writes and the sweep reads, and a member admitted before R1 is EXEMPT with none
  config::Section settings(
      nlohmann::json{{"policy", {{"upload_window_days", 45}, {"e_archive_required_from", "2024-01-01"}}}}, "");
  const auto policy = lifecycle::Policy::FromSettings(settings);
  config::Section section(nlohmann::json::object(), "import");
  Importer importer{Config::From(section, policy), layout_, parser_, blobs_, clock_};
  Sheet sheet{kHeaders, {}};
  sheet.rows.push_back(Row("张三", "男", MakeId("20080101", "011"), "2024-03-10", "202400000001", "B1"));
  sheet.rows.push_back(Row("李四", "女", MakeId("20070202", "022"), "2023-05-04", "202300000002", "B1"));
  const std::string batch = Submit(sheet.Write());
  const Result result = db_.InTransaction([&](pg::Tx& tx) { return importer.Run(tx, batch, nullptr); });
  ASSERT_EQ(result.status, "DONE") << result.error_message.value_or("");
  const auto expected = member::FormatDate(*policy.Deadline(*member::ParseIsoDate("2024-03-10")));
  EXPECT_EQ(expected, "2024-04-24");
  EXPECT_EQ(Count(fmt::format("SELECT count(*) FROM members WHERE name = '张三' AND archive_status = 'NOT_UPLOADED' "
                              "AND upload_deadline = '{}'",
                              expected)),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM members WHERE name = '李四' AND archive_status = 'EXEMPT' "
                  "AND upload_deadline IS NULL"),
            1);
}

TEST_F(ImportTest, AnIdRegisteredElsewhereIsToldWithoutTheOrganizationAuditedAndCounted) {
  // Given a committee admin of the school, and a sheet with the ID number of another school's member
  QueryInt(db_,
           "INSERT INTO users (id, login, display_name, role, org_id) VALUES "
           "(1, 'teacher', '老师', 'committee_admin', 1) RETURNING 1");
  const std::string elsewhere = MakeId("20070505", "555");
  Sheet sheet{kHeaders, {}};
  sheet.rows.push_back(Row("冯十二", "男", elsewhere, "2024-03-10", "202400000010", "B1"));
  sheet.rows.push_back(Row("张三", "男", MakeId("20080101", "011"), "2024-03-10", "202400000001", "B1"));

  // When the admin checks it (a dry run)
  const std::string batch = SubmitBy(sheet.Write(), 1, true);
  const Result result = Run(batch);

  // Then the row says the person is registered elsewhere and a transfer is the way, and nothing about where
  ASSERT_EQ(result.status, "DONE") << result.error_message.value_or("");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.rows[0].codes, std::vector<std::string>{"ID_IN_ANOTHER_ORG"});
  ASSERT_EQ(result.rows[0].reasons.size(), 1u);
  EXPECT_EQ(result.rows[0].reasons[0], lifecycle::IdRegisteredElsewhere());
  EXPECT_NE(result.rows[0].reasons[0].find("组织关系转接"), std::string::npos);
  EXPECT_EQ(result.rows[0].reasons[0].find("另一"), std::string::npos) << result.rows[0].reasons[0];
  EXPECT_EQ(result.rows[0].reasons[0].find('*'), std::string::npos) << result.rows[0].reasons[0];
  EXPECT_TRUE(result.rows[1].imported);

  // And the hit is audited (who, the holder, the number masked, the batch) and counted against the admin's day
  EXPECT_EQ(Count(fmt::format("SELECT count(*) FROM audit_log a JOIN members m ON m.id = a.member_id "
                              "WHERE a.action = 'member.registered_elsewhere' AND a.actor_user_id = 1 AND "
                              "a.actor = 'teacher' AND m.id_card = '{}' AND a.detail->>'value' = '{}' AND "
                              "a.detail->>'context' = 'import.dry_run' AND a.detail->>'batch_id' = '{}'",
                              elsewhere, MaskIdCard(elsewhere), batch)),
            1);
  EXPECT_EQ(Count(fmt::format("SELECT count(*) FROM audit_log WHERE detail::text LIKE '%{}%'", elsewhere)), 0);
  EXPECT_EQ(Count("SELECT used FROM daily_counts WHERE rule = 'registered_elsewhere' AND subject = 1"), 1);
}

TEST_F(ImportTest, PastTheDailyAllowanceTheBatchIsRefusedWholeAndTheNextOneAtOnce) {
  // Given an allowance of one answer a day, and a sheet with a new member and two members of another school
  Config config;
  config.policy.registered_elsewhere_per_day = 1;
  Importer limited{config, layout_, parser_, blobs_, clock_};
  const auto run = [&](const std::string& batch) {
    return db_.InTransaction([&](pg::Tx& tx) { return limited.Run(tx, batch, nullptr); });
  };
  QueryInt(db_,
           "INSERT INTO users (id, login, display_name, role, org_id) VALUES "
           "(1, 'teacher', '老师', 'committee_admin', 1) RETURNING 1");
  QueryInt(db_, "INSERT INTO members (org_id, name, id_card, joined_on, archive_status) VALUES (5, '也在别处', '" +
                    MakeId("20070606", "666") + "', '2022-05-04', 'NOT_UPLOADED') RETURNING 1");
  Sheet sheet{kHeaders, {}};
  sheet.rows.push_back(Row("张三", "男", MakeId("20080101", "011"), "2024-03-10", "202400000001", "B1"));
  sheet.rows.push_back(Row("冯十二", "女", MakeId("20070505", "555"), "2024-03-10", "202400000010", "B1"));
  sheet.rows.push_back(Row("冯十三", "女", MakeId("20070606", "666"), "2024-03-10", "202400000011", "B1"));

  // When the admin imports it
  const Result result = run(SubmitBy(sheet.Write(), 1));

  // Then the batch is refused whole with the limit's message, nothing is imported, and both hits count
  EXPECT_EQ(result.status, "FAILED");
  EXPECT_EQ(result.error_code.value_or(""), "LOOKUP_LIMIT_REACHED");
  EXPECT_NE(result.error_message.value_or("").find("明天"), std::string::npos);
  EXPECT_EQ(Count("SELECT count(*) FROM members WHERE org_id IN (2, 3)"), 0);
  EXPECT_EQ(Count("SELECT used FROM daily_counts WHERE rule = 'registered_elsewhere' AND subject = 1"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'member.registered_elsewhere'"), 2);

  // And the admin's next batch, with only a new member, is refused before it is read
  Sheet fresh{kHeaders, {}};
  fresh.rows.push_back(Row("张三", "男", MakeId("20080101", "011"), "2024-03-10", "202400000001", "B1"));
  const Result next = run(SubmitBy(fresh.Write(), 1));
  EXPECT_EQ(next.status, "FAILED");
  EXPECT_EQ(next.error_code.value_or(""), "LOOKUP_LIMIT_REACHED");
  EXPECT_EQ(Count("SELECT count(*) FROM members WHERE org_id IN (2, 3)"), 0);

  // And an import by ops (archivectl, no user) is not limited
  EXPECT_EQ(run(Submit(fresh.Write())).Summary(), "成功导入 1 位团员，0 位团员导入失败");
}

}  // namespace
}  // namespace archive::import
