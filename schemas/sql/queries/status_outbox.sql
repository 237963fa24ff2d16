SELECT count(*), COALESCE(extract(epoch FROM now() - min(created_at))::bigint, 0) FROM outbox
