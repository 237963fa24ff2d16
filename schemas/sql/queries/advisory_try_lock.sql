-- A session-level advisory lock named by $1, per schema (so each test schema, or tenant, has its own).
SELECT pg_try_advisory_lock(hashtext($1 || ' ' || current_schema()))
