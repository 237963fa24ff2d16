INSERT INTO members (org_id, name, id_card, gender, ethnicity, birth_date, joined_on, dev_number, phone, education,
                     archive_status, upload_deadline)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[], $8::text[],
                     $9::text[], $10::text[], $11::text[], $12::date[])
RETURNING id, id_card
