UPDATE import_batches
SET status = 'RUNNING', started_at = COALESCE(started_at, now()), total_rows = $2, done_rows = $3
WHERE id = $1::uuid AND status IN ('QUEUED', 'RUNNING')
