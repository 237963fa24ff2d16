-- The member's ($1) newest version numbered below $2 that was not withdrawn: where a withdrawal goes back to.
SELECT id, member_id, version_no, blob_uri, sha256, size_bytes, uploaded_by, uploader_org_id, uploader_kind, verdict,
       decision, withdrawn_at IS NOT NULL
FROM archive_versions
WHERE member_id = $1 AND version_no < $2 AND withdrawn_at IS NULL
ORDER BY version_no DESC
LIMIT 1
