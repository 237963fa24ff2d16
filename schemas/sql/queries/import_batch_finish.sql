-- $9, $10: the first and last id of the members the batch created (NULL when it created none).
UPDATE import_batches
SET status = $2, total_rows = $3, done_rows = $3, ok_rows = $4, failed_rows = $5, report_uri = $6,
    error_code = $7, error_message = $8, started_at = COALESCE(started_at, now()), finished_at = now(),
    first_member_id = $9, last_member_id = $10
WHERE id = $1::uuid
