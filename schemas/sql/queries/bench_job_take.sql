DELETE FROM bench_jobs
WHERE id = (SELECT id FROM bench_jobs ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
RETURNING event_id, seq, produced_at_us
