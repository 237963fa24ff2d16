-- Decides a pending change request; no row when someone decided it first.
UPDATE change_requests SET status = $2, decided_by = $3, decided_at = now(), decision_reason = $4
WHERE id = $1 AND status = 'PENDING'
RETURNING id
