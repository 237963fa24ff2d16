SELECT row_no, codes, array_to_string(reasons, '；') FROM import_rows
WHERE batch_id = $1::uuid AND outcome = 'FAILED' ORDER BY row_no
