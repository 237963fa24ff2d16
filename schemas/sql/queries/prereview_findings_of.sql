SELECT code, severity, page, message, evidence::text, evidence_uri
FROM prereview_findings WHERE version_id = $1 ORDER BY id
