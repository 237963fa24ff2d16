-- R10 by development number within the caller's subtree ($1).
SELECT m.id, m.name, m.id_card, m.dev_number, m.archive_status, m.org_id, o.name
FROM members m JOIN organizations o ON o.id = m.org_id
WHERE m.dev_number = $2 AND o.path OPERATOR(public.<@) $1::public.ltree
ORDER BY m.id LIMIT $3
