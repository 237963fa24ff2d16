-- The oldest unpublished events, in commit-independent id order; locked until the relay deletes them.
SELECT id, topic, key, payload, headers FROM outbox ORDER BY id LIMIT $1 FOR UPDATE
