#pragma once

#include <ostream>

#include "tools/archivectl/args.hpp"

// archivectl commands of the blob store.
namespace archive::ctl {

// blobs gc [--dry-run] [--grace DURATION]: marks every blob the database refers to (blob_gc_referenced.sql),
// removes the unreferenced blobs and the incomplete writes (a crash's .part files) older than the grace period
// (blob.gc_grace_hours; --grace 90m, 24h, 7d), and prints the plan: counts and bytes. The plan is audited
// (blob.gc or blob.gc.dry_run) before anything is removed; --dry-run removes nothing. The store is the one of
// ARCHIVE_BLOB_ROOT, through blob::Store's List and Remove.
int Blobs(const Args& args, std::ostream& out);

}  // namespace archive::ctl
