-- A new archive version, numbered after the member's last one (the member row is locked by the caller).
INSERT INTO archive_versions (member_id, version_no, blob_uri, sha256, size_bytes, uploaded_by, uploader_org_id,
                              uploader_kind)
SELECT $1, COALESCE(MAX(version_no), 0) + 1, $2, $3, $4, $5, $6, $7 FROM archive_versions WHERE member_id = $1
RETURNING id, version_no
