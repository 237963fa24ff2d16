SELECT v.id, v.member_id, v.version_no, v.blob_uri, v.sha256, v.size_bytes, v.uploader_kind, v.verdict, v.decision
FROM archive_versions v
WHERE v.member_id = $1 AND v.version_no = $2
