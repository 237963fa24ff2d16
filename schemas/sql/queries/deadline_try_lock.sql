-- The sweep lock, held until the transaction ends: one sweep at a time across all processes (per schema).
SELECT pg_try_advisory_xact_lock(hashtext('deadline.sweep ' || current_schema()))
