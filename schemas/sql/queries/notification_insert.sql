INSERT INTO notifications (org_id, kind, member_id, version_id, title, text, detail)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
