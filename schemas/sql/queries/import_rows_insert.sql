-- Codes and reasons arrive joined by chr(31), one string per row, because unnest flattens arrays of arrays.
INSERT INTO import_rows (batch_id, row_no, outcome, member_id, codes, reasons)
SELECT $1::uuid, r, o, m, string_to_array(c, chr(31)), string_to_array(s, chr(31))
FROM unnest($2::int[], $3::text[], $4::bigint[], $5::text[], $6::text[]) AS t(r, o, m, c, s)
