-- Adds an organization; $4 is the parent's id (NULL for a root). Its path extends the parent's.
WITH parent AS (SELECT id, path FROM organizations WHERE id = $4),
     fresh AS (SELECT nextval(pg_get_serial_sequence('organizations', 'id')) AS id)
INSERT INTO organizations (id, code, name, kind, parent_id, path)
SELECT fresh.id, $1, $2, $3, parent.id,
       CASE WHEN parent.id IS NULL THEN fresh.id::text::public.ltree ELSE parent.path || fresh.id::text END
FROM fresh LEFT JOIN parent ON true
RETURNING id, path::text
