-- R10 by development number within the caller's subtree ($1). The number is unique,
-- so the member is found first and the subtree checked after (OFFSET 0 keeps a generic plan from starting at the
-- subtree's organizations). The search's audit row is written by api/audit_writer.hpp, in a batch, before the
-- answer leaves.
SELECT m.id, m.name, m.id_card, m.dev_number, m.archive_status, m.org_id, o.name AS org_name
FROM (SELECT * FROM members WHERE dev_number = $2 OFFSET 0) m JOIN organizations o ON o.id = m.org_id
WHERE o.path OPERATOR(public.<@) $1::public.ltree
ORDER BY m.id LIMIT $3
