-- Marks one dead letter replayed, at most $2 times in its life; returns what to re-publish. Nothing comes back
-- when it is no longer DEAD (replayed already: the replay is idempotent) or has reached the limit.
UPDATE failed_jobs
SET status = 'REPLAYED', replay_count = replay_count + 1, replayed_at = now()
WHERE id = $1 AND status = 'DEAD' AND replay_count < $2
RETURNING topic, COALESCE(message_key, ''), event_key, payload, headers::text, replay_count, consumer, error_code
