INSERT INTO outbox (topic, key, event_id, payload, headers) VALUES ($1, $2, $3, $4::bytea, $5::jsonb)
