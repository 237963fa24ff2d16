-- R11: the members a batch imported who still need their e-archive uploaded, found through the range of ids the
-- batch created (other batches' members may lie in it too: import_batch_id tells them apart).
SELECT m.id, m.import_row_no, m.name, m.id_card, m.upload_deadline::text
FROM import_batches b JOIN members m ON m.id BETWEEN b.first_member_id AND b.last_member_id
WHERE b.id = $1::uuid AND m.import_batch_id = b.id AND m.archive_status = 'NOT_UPLOADED'
ORDER BY m.import_row_no
LIMIT $2
