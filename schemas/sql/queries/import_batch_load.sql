-- A batch to run: its status, organization (id, path, kind), file, dry run, the organization's name, and who asked
-- for it (a user, their login and their organization's path; NULL for ops).
SELECT b.status, b.org_id, o.path::text, o.kind, b.blob_uri, b.size_bytes, b.dry_run, o.name,
       b.requested_by, u.login, uo.path::text
FROM import_batches b JOIN organizations o ON o.id = b.org_id
LEFT JOIN users u ON u.id = b.requested_by LEFT JOIN organizations uo ON uo.id = u.org_id
WHERE b.id = $1::uuid
