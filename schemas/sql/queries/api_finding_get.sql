SELECT f.id, v.member_id, f.evidence_uri FROM prereview_findings f JOIN archive_versions v ON v.id = f.version_id
WHERE f.id = $1
