-- R10 within the caller's subtree ($1). Each search key has its own statement, so each uses its own index.
-- The search's audit row is written by api/audit_writer.hpp, in a batch, before the answer leaves.
SELECT m.id, m.name, m.id_card, m.dev_number, m.archive_status, m.org_id, o.name AS org_name
FROM members m JOIN organizations o ON o.id = m.org_id
WHERE m.name = $2 AND o.path OPERATOR(public.<@) $1::public.ltree
ORDER BY m.id LIMIT $3
