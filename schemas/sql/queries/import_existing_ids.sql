SELECT m.id_card, m.org_id, o.name FROM members m JOIN organizations o ON o.id = m.org_id
WHERE m.id_card = ANY($1::text[])
