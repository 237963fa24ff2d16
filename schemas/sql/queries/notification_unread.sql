SELECT count(*) FROM notifications WHERE org_id = $1 AND read_at IS NULL
