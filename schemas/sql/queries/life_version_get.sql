-- One version (VersionRecord of common/lifecycle/store.hpp).
SELECT id, member_id, version_no, blob_uri, sha256, size_bytes, uploaded_by, uploader_org_id, uploader_kind, verdict,
       decision, withdrawn_at IS NOT NULL
FROM archive_versions
WHERE id = $1
