-- R11: the members a batch imported who still need their e-archive uploaded.
SELECT m.id, r.row_no, m.name, m.id_card, m.upload_deadline::text
FROM import_rows r JOIN members m ON m.id = r.member_id
WHERE r.batch_id = $1::uuid AND r.outcome = 'IMPORTED' AND m.archive_status = 'NOT_UPLOADED'
ORDER BY r.row_no
LIMIT $2
