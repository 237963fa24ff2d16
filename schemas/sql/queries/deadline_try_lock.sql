-- The sweep lock, held until the transaction ends: one sweep at a time across all processes (per schema).
-- Also returns the wall clock at that moment, recorded as the sweep's start.
SELECT pg_try_advisory_xact_lock(hashtext('deadline.sweep ' || current_schema())), clock_timestamp()::text
