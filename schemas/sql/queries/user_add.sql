INSERT INTO users (login, display_name, role, org_id, member_id) VALUES ($1, $2, $3, $4, $5) RETURNING id
