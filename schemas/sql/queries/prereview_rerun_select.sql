-- The versions a pre-review re-run applies to: each member's current version still awaiting a decision (member
-- PENDING, version undecided), of member $1 or uploaded since $2 (both NULL: none), in upload order.
SELECT v.id, v.member_id, v.verdict, v.uploaded_at::text
FROM archive_versions v
JOIN members m ON m.current_version_id = v.id
WHERE m.archive_status = 'PENDING'
  AND v.decision IS NULL
  AND ($1::bigint IS NOT NULL OR $2::timestamptz IS NOT NULL)
  AND ($1::bigint IS NULL OR v.member_id = $1::bigint)
  AND ($2::timestamptz IS NULL OR v.uploaded_at >= $2::timestamptz)
ORDER BY v.uploaded_at, v.id
