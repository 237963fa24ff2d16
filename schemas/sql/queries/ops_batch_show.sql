SELECT b.id, o.code, b.status, b.dry_run, b.filename, b.format, b.size_bytes, COALESCE(b.total_rows, 0), b.done_rows,
       b.ok_rows, b.failed_rows, COALESCE(b.report_uri, ''), COALESCE(b.error_code, ''), COALESCE(b.error_message, ''),
       to_char(b.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       COALESCE(to_char(b.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ''),
       COALESCE(to_char(b.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ''),
       (SELECT count(*) FROM failed_jobs f WHERE f.message_key = b.id::text AND f.status = 'DEAD')
FROM import_batches b JOIN organizations o ON o.id = b.org_id
WHERE b.id::text = $1
