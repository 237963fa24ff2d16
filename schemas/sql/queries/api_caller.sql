-- The caller behind a bearer token; $1 is the SHA-256 of the secret. An expired or revoked token, or a
-- disabled user, gives no row.
SELECT u.id, u.login, u.role, u.org_id, o.path::text, o.kind, u.member_id,
       (extract(epoch FROM t.expires_at) * 1000)::bigint, COALESCE(k.decides, false)
FROM api_tokens t
JOIN users u ON u.id = t.user_id
LEFT JOIN organizations o ON o.id = u.org_id
LEFT JOIN org_kinds k ON k.kind = o.kind
WHERE t.token_sha256 = $1::bytea AND t.revoked_at IS NULL AND t.expires_at > now() AND u.disabled_at IS NULL
