-- The 操作中心 feed of organization $1, newest first: unread only when $2, older than the cursor id $3, $4 rows.
SELECT id, kind, member_id, version_id, title, text, detail::text, created_at::text, read_at::text
FROM notifications
WHERE org_id = $1 AND (NOT $2::boolean OR read_at IS NULL) AND ($3::bigint IS NULL OR id < $3::bigint)
ORDER BY id DESC
LIMIT $4
