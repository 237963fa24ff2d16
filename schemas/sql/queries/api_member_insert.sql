INSERT INTO members (org_id, name, id_card, gender, ethnicity, birth_date, joined_on, dev_number, phone, education,
                     archive_status, upload_deadline)
VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8, $9, $10, $11, $12::date)
RETURNING id
