-- The archive statistics of organization $1 broken down by subordinate: one row for its own members (本级) and one for
-- each direct subordinate's whole subtree, with the members by archive status and the overdue ones on day $2.
WITH parts AS (
  SELECT id, code, name, kind, path, true AS own FROM organizations WHERE id = $1
  UNION ALL
  SELECT id, code, name, kind, path, false FROM organizations WHERE parent_id = $1
)
SELECT p.id, p.code, p.name, p.kind, p.own,
       count(m.id),
       count(m.id) FILTER (WHERE m.archive_status = 'NOT_UPLOADED'),
       count(m.id) FILTER (WHERE m.archive_status = 'PENDING'),
       count(m.id) FILTER (WHERE m.archive_status = 'AUTHENTICATED'),
       count(m.id) FILTER (WHERE m.archive_status = 'REJECTED'),
       count(m.id) FILTER (WHERE m.archive_status = 'EXEMPT'),
       count(m.id) FILTER (WHERE m.archive_status IN ('NOT_UPLOADED', 'REJECTED') AND m.upload_deadline < $2::date)
FROM parts p
LEFT JOIN organizations o ON CASE WHEN p.own THEN o.id = p.id ELSE o.path <@ p.path END
LEFT JOIN members m ON m.org_id = o.id
GROUP BY p.id, p.code, p.name, p.kind, p.own
ORDER BY p.own DESC, p.code
