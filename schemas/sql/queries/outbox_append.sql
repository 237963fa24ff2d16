-- Many events into the outbox in one statement (pg::Tx::Append): one array per column, payloads as hex bytea text.
INSERT INTO outbox (topic, key, event_id, payload, headers)
SELECT topic, key, event_id, payload::bytea, headers::jsonb
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t (topic, key, event_id, payload, headers)
