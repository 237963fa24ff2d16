-- The members of the subtree of the organization with path $1 (成员库), by archive status ($2, a text[]; NULL: any),
-- only the overdue ones when $3 (NOT_UPLOADED or REJECTED past their deadline, before day $4), in id order after
-- the cursor $5, $6 rows.
SELECT m.id, m.name, m.id_card, m.gender, m.joined_on::text, m.dev_number, o.id, o.name, m.archive_status,
       m.upload_deadline::text,
       m.archive_status IN ('NOT_UPLOADED', 'REJECTED') AND m.upload_deadline < $4::date AS overdue
FROM organizations o
JOIN members m ON m.org_id = o.id
WHERE o.path <@ $1::text::public.ltree
  AND ($2::text[] IS NULL OR m.archive_status = ANY ($2::text[]))
  AND (NOT $3::boolean OR (m.archive_status IN ('NOT_UPLOADED', 'REJECTED') AND m.upload_deadline < $4::date))
  AND ($5::bigint IS NULL OR m.id > $5::bigint)
ORDER BY m.id
LIMIT $6
