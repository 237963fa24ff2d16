SELECT status, total_rows, done_rows, ok_rows, failed_rows, report_uri, error_code, error_message, dry_run
FROM import_batches WHERE id = $1::uuid
