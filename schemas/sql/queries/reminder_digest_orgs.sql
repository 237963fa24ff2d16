-- The organizations due a digest on day $1: those with an open reminder not yet carried by a digest, and
-- no digest for that day yet (at most one per organization and day; the rest waits for the next day).
SELECT DISTINCT rr.org_id
FROM reminder_recipients rr
JOIN reminders r ON r.id = rr.reminder_id AND r.resolved_at IS NULL
WHERE rr.digest_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM reminder_digests d WHERE d.org_id = rr.org_id AND d.day = $1::date)
ORDER BY rr.org_id
