SELECT id, role, disabled_at IS NOT NULL AS disabled FROM users WHERE login = $1
