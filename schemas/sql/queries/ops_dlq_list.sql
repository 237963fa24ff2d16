-- Dead letters matching the filters (each NULL means any), oldest first. $3 matches the Kafka message key,
-- which is the member id for archive.* events and the batch id for import.* events.
SELECT id, consumer, topic, error_code, COALESCE(message_key, ''), COALESCE(event_type, ''), attempts, replay_count,
       status, to_char(failed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), error
FROM failed_jobs
WHERE ($1::text IS NULL OR topic = $1)
  AND ($2::text IS NULL OR error_code = $2)
  AND ($3::text IS NULL OR message_key = $3)
  AND ($4::timestamptz IS NULL OR failed_at >= $4)
  AND ($5::timestamptz IS NULL OR failed_at < $5)
  AND ($6::text IS NULL OR status = $6)
  AND ($7::text IS NULL OR consumer = $7)
  AND id > $8
ORDER BY id
LIMIT $9
