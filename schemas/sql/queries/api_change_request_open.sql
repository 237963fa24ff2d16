SELECT id, status FROM change_requests WHERE member_id = $1 AND status IN ('PENDING', 'APPROVED')
