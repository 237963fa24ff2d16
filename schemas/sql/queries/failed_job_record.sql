-- One row per (consumer, event). Returns the id when the row is new, or when a replayed job failed
-- again; returns nothing for a redelivery of a message already dead-lettered.
INSERT INTO failed_jobs (consumer, event_key, topic, kafka_partition, kafka_offset, event_type, message_key,
                         error_code, error, attempts, payload, headers)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::bytea, $12::jsonb)
ON CONFLICT (consumer, event_key) DO UPDATE
  SET topic = EXCLUDED.topic, kafka_partition = EXCLUDED.kafka_partition, kafka_offset = EXCLUDED.kafka_offset,
      error_code = EXCLUDED.error_code, error = EXCLUDED.error,
      attempts = failed_jobs.attempts + EXCLUDED.attempts, status = 'DEAD', failed_at = now()
  WHERE failed_jobs.status <> 'DEAD'
RETURNING id
