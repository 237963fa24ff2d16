-- Records a decision on an undecided version; no row when someone decided it first.
UPDATE archive_versions SET decision = $2, decided_by = $3, decided_at = now(), decision_reason = $4
WHERE id = $1 AND decision IS NULL
RETURNING id
