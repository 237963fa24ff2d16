SELECT id, member_id, status FROM change_requests WHERE id = $1
