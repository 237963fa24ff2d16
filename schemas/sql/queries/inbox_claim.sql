-- Claims the event keys for one consumer; returns the keys not seen before. Commits with the effects.
INSERT INTO inbox (consumer, event_key)
SELECT $1, k FROM (SELECT DISTINCT unnest($2::text[]) AS k) keys
ON CONFLICT DO NOTHING
RETURNING event_key
