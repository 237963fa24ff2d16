#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/clock.hpp"
#include "common/blob/blob.hpp"
#include "common/config/config.hpp"
#include "common/lifecycle/policy.hpp"
#include "common/member/row.hpp"
#include "common/member/template.hpp"
#include "common/pg/pg.hpp"
#include "common/sandbox/sandbox.hpp"
#include "common/sheet/sheet.hpp"
#include "workers/import/wire.hpp"

// The batch import of members (R11): read the sheet (in the sandbox), validate every row, check it against
// the database, import the valid rows in one statement, and record the result and a failure report.
namespace archive::import {

struct Config {
  sheet::Limits limits;
  member::ValidationConfig validation;
  lifecycle::Policy policy;  // R1 and R3: who needs an archive, and by when

  // The "import" section, with policy the top-level "policy" section (its R1 date goes to validation too).
  static Config From(config::Section& section, const lifecycle::Policy& policy);
};

// The seam for parsing untrusted bytes: the worker and archivectl use the sandboxed one.
class SheetParser {
 public:
  // The rows of the sheet in order, a part at a time as they are read, with the sheet's info.
  using RowSink = std::function<void(const sheet::SheetInfo&, std::vector<SheetRow>&&)>;

  virtual ~SheetParser() = default;
  // Reads bytes within limits, passing every row to rows; returns the error, the info and the merged ranges (and
  // no rows). After an error, the rows passed so far are to be discarded.
  virtual ParsedSheet Parse(std::string_view bytes, const sheet::Limits& limits, const RowSink& rows) = 0;
};

// Parses in warm children of the import-sandbox program, which send the rows as they read them. Thread-safe.
class SandboxedParser final : public SheetParser {
 public:
  SandboxedParser(std::string program, sandbox::Limits limits, int children);
  ParsedSheet Parse(std::string_view bytes, const sheet::Limits& limits, const RowSink& rows) override;

 private:
  sandbox::Pool pool_;
};

// The import-sandbox program next to the running executable (build/bin, /usr/lib/league-archive, ...).
std::string SandboxProgramBesideSelf(const std::string& name);

struct RowOutcome {
  std::int64_t row_number = 0;
  bool imported = false;
  std::vector<std::string> codes;
  std::vector<std::string> reasons;
};

struct NeedsUpload {  // R11: a new member admitted under the e-archive rule, now waiting for the PDF
  std::int64_t member_id = 0;
  std::int64_t row_number = 0;
  std::string name;
  std::string id_card_masked;
  std::string deadline;
};

struct Result {
  std::string batch_id;
  std::string status;  // DONE or FAILED
  std::optional<std::string> error_code;
  std::optional<std::string> error_message;  // Chinese, for a batch-level problem
  int total = 0;
  int imported = 0;  // with dry_run: the rows that would be imported
  int failed = 0;
  bool dry_run = false;
  bool repeated = false;  // the batch had finished before: nothing was done this time
  std::optional<std::string> report_uri;
  std::vector<RowOutcome> rows;
  std::vector<NeedsUpload> needs_upload;

  // "成功导入 X 位团员，Y 位团员导入失败" (R11), or the batch-level error.
  std::string Summary() const;
};

// Reports progress (rows validated so far, and the rows read so far: the reader runs ahead, so the total is
// soon the sheet's); called from the importing thread while a chunk is written, before the batch row is
// updated in the import transaction (so a second connection may record it without waiting on that row).
using Progress = std::function<void(int done, int total)>;

// Runs a batch that import_batches already holds (status QUEUED or RUNNING). Everything it writes goes
// through tx, so a batch killed halfway leaves nothing and runs again whole. Throws archive::Unavailable
// when the database or blob store is down. Not thread-safe; one per worker thread.
class Importer {
 public:
  Importer(Config config, const member::MemberTemplate& layout, SheetParser& parser, blob::Store& blobs,
           const Clock& clock);

  Result Run(pg::Tx& tx, const std::string& batch_id, const Progress& progress);

 private:
  Config config_;
  const member::MemberTemplate& layout_;
  SheetParser& parser_;
  blob::Store& blobs_;
  const Clock& clock_;
};

}  // namespace archive::import
