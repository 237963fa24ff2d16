-- The holders of the development numbers $1 from before batch $2, as import_existing_ids: the number, the holder's
-- ID number, the member and the path of their organization.
SELECT m.dev_number, m.id_card, m.id, o.path::text FROM members m JOIN organizations o ON o.id = m.org_id
WHERE m.dev_number = ANY($1::text[]) AND m.import_batch_id IS DISTINCT FROM $2::uuid
