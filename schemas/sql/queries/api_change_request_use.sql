-- R6: the approved change request that allows this upload is spent by it.
UPDATE change_requests SET status = 'USED' WHERE member_id = $1 AND status = 'APPROVED' RETURNING id
