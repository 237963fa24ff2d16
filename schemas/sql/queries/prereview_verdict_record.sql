-- The verdict, once: a second review of the same version changes nothing.
UPDATE archive_versions
SET verdict = $2, prereviewed_at = now(), page1_fingerprint = $3
WHERE id = $1 AND verdict IS NULL
RETURNING id
