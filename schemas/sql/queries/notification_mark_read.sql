-- Marks unread items of organization $1 read by user $2: the ids $3, or all of them when $4.
UPDATE notifications SET read_at = now(), read_by = $2
WHERE org_id = $1 AND read_at IS NULL AND ($4::boolean OR id = ANY ($3::bigint[]))
RETURNING id
