-- A re-run request ($1) on version $2: keeps the verdict and findings it replaces, once per request and version.
-- No row back: this request re-ran the version before (a redelivered or replayed event).
INSERT INTO prereview_reruns (request_id, version_id, member_id, requested_by, previous_verdict,
                              previous_prereviewed_at, previous_findings)
SELECT $1, v.id, v.member_id, $3, v.verdict, v.prereviewed_at,
       COALESCE((SELECT jsonb_agg(jsonb_build_object('code', f.code, 'severity', f.severity, 'page', f.page,
                                                     'message', f.message, 'evidence', f.evidence,
                                                     'evidence_uri', f.evidence_uri) ORDER BY f.id)
                 FROM prereview_findings f WHERE f.version_id = v.id), '[]')
FROM archive_versions v
WHERE v.id = $2
ON CONFLICT DO NOTHING
RETURNING version_id
