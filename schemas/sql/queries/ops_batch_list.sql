SELECT b.id, o.code, b.status, b.dry_run, COALESCE(b.total_rows, 0), b.ok_rows, b.failed_rows,
       to_char(b.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), b.filename
FROM import_batches b JOIN organizations o ON o.id = b.org_id
WHERE ($1::text IS NULL OR b.status = $1)
  AND ($2::text IS NULL OR o.path <@ (SELECT path FROM organizations WHERE code = $2))
  AND ($3::timestamptz IS NULL OR b.created_at >= $3)
ORDER BY b.created_at DESC, b.id
LIMIT $4
