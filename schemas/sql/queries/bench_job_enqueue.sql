INSERT INTO bench_jobs (event_id, seq, produced_at_us)
SELECT gen_random_uuid()::text, s, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
FROM generate_series($1::bigint, $2::bigint) AS s
