INSERT INTO api_tokens (user_id, token_sha256, label, expires_at)
VALUES ($1, $2::bytea, $3, now() + make_interval(days => $4::int))
RETURNING id, expires_at
