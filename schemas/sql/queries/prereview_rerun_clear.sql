-- Clears version $1's verdict and findings for a re-run (prereview_rerun_claim kept them first).
WITH gone AS (DELETE FROM prereview_findings WHERE version_id = $1)
UPDATE archive_versions SET verdict = NULL, prereviewed_at = NULL, page1_fingerprint = NULL
WHERE id = $1
