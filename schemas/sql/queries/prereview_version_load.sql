-- The version to pre-review and its member's record, locked so that two reviews of one member serialize.
SELECT v.id, v.member_id, v.blob_uri, v.sha256, v.uploader_kind, v.verdict, m.name, m.dev_number,
       extract(year FROM m.joined_on)::int AS joined_year, m.archive_status, m.current_version_id,
       v.decision
FROM archive_versions v
JOIN members m ON m.id = v.member_id
WHERE v.id = $1
FOR UPDATE OF v, m
