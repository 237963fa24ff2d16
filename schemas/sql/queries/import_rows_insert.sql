-- The failed rows of a batch. Codes and reasons arrive joined by chr(31), one string per row, because unnest
-- flattens arrays of arrays.
INSERT INTO import_rows (batch_id, row_no, outcome, codes, reasons)
SELECT $1::uuid, r, 'FAILED', string_to_array(c, chr(31)), string_to_array(s, chr(31))
FROM unnest($2::int[], $3::text[], $4::text[]) AS t(r, c, s)
