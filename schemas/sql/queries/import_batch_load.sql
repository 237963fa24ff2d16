SELECT b.status, b.org_id, o.path::text, o.kind, b.blob_uri, b.size_bytes, b.dry_run, o.name
FROM import_batches b JOIN organizations o ON o.id = b.org_id
WHERE b.id = $1::uuid
