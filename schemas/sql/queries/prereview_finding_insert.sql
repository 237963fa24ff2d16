INSERT INTO prereview_findings (version_id, code, severity, page, message, evidence, evidence_uri)
VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
