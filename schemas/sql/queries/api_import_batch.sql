-- One import batch with its organization's path, for the caller's scope.
SELECT b.id::text, b.org_id, o.path::text, b.filename, b.status, b.total_rows, b.done_rows, b.ok_rows, b.failed_rows,
       b.report_uri, b.error_code, b.error_message, b.dry_run, b.created_at::text, b.started_at::text,
       b.finished_at::text
FROM import_batches b JOIN organizations o ON o.id = b.org_id
WHERE b.id = $1::uuid
