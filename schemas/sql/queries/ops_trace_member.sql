-- Resolves --member: $1 the member id (NULL unless the value is a short number), $2 the value as given, which may
-- be the 12-digit development number or the 18-character ID card number.
SELECT m.id, m.archive_status, o.code, m.id_card, COALESCE(m.dev_number, '')
FROM members m JOIN organizations o ON o.id = m.org_id
WHERE m.id = $1 OR m.dev_number = $2 OR m.id_card = upper($2)
LIMIT 1
