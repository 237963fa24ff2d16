-- Resolves --member: the member id, the 12-digit development number or the 18-character ID card number.
SELECT m.id, m.archive_status, o.code, m.id_card, COALESCE(m.dev_number, '')
FROM members m JOIN organizations o ON o.id = m.org_id
WHERE (length($1) <= 11 AND $1 ~ '^[0-9]+$' AND m.id = $1::bigint)
   OR (length($1) = 12 AND m.dev_number = $1)
   OR (length($1) = 18 AND m.id_card = upper($1))
