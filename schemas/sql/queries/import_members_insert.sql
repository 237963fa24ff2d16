INSERT INTO members (org_id, name, id_card, gender, ethnicity, birth_date, joined_on, dev_number, phone, education,
                     archive_status, upload_deadline, import_batch_id, import_row_no)
SELECT o, n, i, g, e, b, j, d, p, ed, s, u, $13::uuid, r
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[], $8::text[],
            $9::text[], $10::text[], $11::text[], $12::date[], $14::int[]) AS t(o, n, i, g, e, b, j, d, p, ed, s, u, r)
RETURNING id, id_card
