-- Serialises migration runs on one schema across processes; released at commit.
SELECT pg_advisory_xact_lock(hashtext('league-archive migrations ' || current_schema()))
