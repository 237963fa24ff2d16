#include "common/blob/blob.hpp"
#include "common/worker/process.hpp"
#include "workers/import/handler.hpp"

// import-worker [CONFIG.json]: consumes import.requested (see workers/import/importer.hpp).
int main(int argc, char** argv) {
  using namespace archive;
  return worker::RunWorker(
      argc, argv, "import-worker", {.group = "import", .topics = {"import.requested"}, .max_batch = 1},
      [](worker::Process& process) {
        auto import_section = process.settings().Child("import");
        const auto import_config =
            import::Config::From(import_section, lifecycle::Policy::FromSettings(process.settings()));
        pg::Connection progress_db(process.db_url(), "import-worker-progress");
        blob::FileStore blobs(config::RequireEnv("ARCHIVE_BLOB_ROOT"));
        SystemClock clock;
        const auto layout = member::BuiltinMemberTemplate();
        import::SandboxedParser parser(import::SandboxProgramBesideSelf("import-sandbox"), sandbox::Limits{}, 1);
        import::Importer importer(import_config, layout, parser, blobs, clock);
        import::Handler handler(importer, progress_db, process.metrics());
        process.Run(handler);
      });
}
