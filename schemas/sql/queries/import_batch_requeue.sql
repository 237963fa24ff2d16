-- archivectl import replay: a batch that failed (or never ran) is queued again from the start.
UPDATE import_batches
SET status = 'QUEUED', total_rows = NULL, done_rows = 0, ok_rows = 0, failed_rows = 0, report_uri = NULL,
    error_code = NULL, error_message = NULL, started_at = NULL, finished_at = NULL
WHERE id = $1::uuid AND status <> 'DONE'
RETURNING org_id, requested_by, blob_uri, sha256, size_bytes, filename, format, dry_run
