-- 信息确认: name, ID card number, admission date, and the status and deadline that follow from the date (R1, R3).
UPDATE members SET name = $2, id_card = $3, joined_on = $4::date, archive_status = $5, upload_deadline = $6::date
WHERE id = $1
