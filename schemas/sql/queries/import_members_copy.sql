-- A chunk's valid rows as members, through pg::Tx::Copy, with the ids import_member_ids took for them.
COPY members (id, org_id, name, id_card, gender, ethnicity, birth_date, joined_on, dev_number, phone, education, archive_status, upload_deadline, import_batch_id, import_row_no) FROM STDIN
