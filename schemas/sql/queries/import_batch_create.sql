INSERT INTO import_batches (id, org_id, requested_by, filename, format, blob_uri, sha256, size_bytes, dry_run)
VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9)
