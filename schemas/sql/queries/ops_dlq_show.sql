SELECT id, consumer, event_key, topic, kafka_partition, kafka_offset, COALESCE(event_type, ''), COALESCE(message_key, ''),
       error_code, error, attempts, payload, headers::text, status, replay_count,
       to_char(failed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       COALESCE(to_char(replayed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '')
FROM failed_jobs
WHERE id = $1
