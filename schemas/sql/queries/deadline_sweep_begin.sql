-- Records the start of a sweep: $1 event id, $2 as_of, $3 day, $4 requested by, $5 when the lock was taken.
INSERT INTO deadline_sweeps (event_id, as_of, day, requested_by, started_at)
VALUES ($1, $2::timestamptz, $3::date, $4, $5::timestamptz)
RETURNING id
