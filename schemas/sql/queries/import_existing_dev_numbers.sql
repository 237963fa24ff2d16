-- The holders of the development numbers $1 from before batch $2, as import_existing_ids.
SELECT dev_number, id_card FROM members
WHERE dev_number = ANY($1::text[]) AND import_batch_id IS DISTINCT FROM $2::uuid
