-- The digest of organization $1 for day $2 (the latest one when $2 is NULL): id, day, text.
SELECT id, day::text, text FROM reminder_digests
WHERE org_id = $1 AND ($2::date IS NULL OR day = $2::date)
ORDER BY day DESC LIMIT 1
