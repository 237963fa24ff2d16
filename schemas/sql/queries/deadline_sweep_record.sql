-- Records a finished sweep: $1 event id, $2 as_of, $3 day, $4 requested by, $5 created, $6 resolved,
-- $7 started at (wall clock when the lock was taken).
INSERT INTO deadline_sweeps (event_id, as_of, day, requested_by, created, resolved, started_at, finished_at)
VALUES ($1, $2::timestamptz, $3::date, $4, $5::int, $6::int, $7::timestamptz, clock_timestamp())
RETURNING id
