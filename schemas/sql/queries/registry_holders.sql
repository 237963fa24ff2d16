-- The members other than $3 who hold the ID card number $1 or the development number $2, and the path of their
-- organization. One person is registered once nationally, so this looks across the whole country; the caller
-- (common/lifecycle/registry.hpp) tells the asker only what their subtree may know.
SELECT 'id_card', m.id, o.path::text FROM members m JOIN organizations o ON o.id = m.org_id
WHERE m.id_card = $1 AND m.id IS DISTINCT FROM $3::bigint
UNION ALL
SELECT 'dev_number', m.id, o.path::text FROM members m JOIN organizations o ON o.id = m.org_id
WHERE m.dev_number = $2 AND m.id IS DISTINCT FROM $3::bigint
