-- One version by id: its member, file and decision.
SELECT v.id, v.member_id, v.version_no, v.blob_uri, v.sha256, v.size_bytes, v.uploader_kind, v.verdict, v.decision
FROM archive_versions v
WHERE v.id = $1
