INSERT INTO change_requests (member_id, requested_by, reason) VALUES ($1, $2, $3) RETURNING id, created_at::text
