INSERT INTO audit_log (actor_user_id, actor, action, object_type, object_id, member_id, from_state, to_state,
                       reason, remote_addr, trace_id, detail)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, COALESCE($12::jsonb, '{}'))
