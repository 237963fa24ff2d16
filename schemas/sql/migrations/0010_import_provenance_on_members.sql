-- An imported member records its batch and row itself, and import_rows keeps only the failed rows (what the
-- failure report and the result's reasons read). Writing an import_rows row for each of 50,000 imported members
-- cost the import a tenth of its database time (tools/bench/import-bench), to store what two columns of the new
-- member hold. A batch's members are found through the range of ids it created, so no index is added to members.
ALTER TABLE members
  ADD COLUMN import_batch_id uuid,
  ADD COLUMN import_row_no integer;
ALTER TABLE import_batches
  ADD COLUMN first_member_id bigint,
  ADD COLUMN last_member_id bigint;

UPDATE members m SET import_batch_id = r.batch_id, import_row_no = r.row_no
FROM import_rows r
WHERE r.member_id = m.id AND r.outcome = 'IMPORTED';
UPDATE import_batches b SET first_member_id = r.first, last_member_id = r.last
FROM (SELECT batch_id, min(member_id) AS first, max(member_id) AS last FROM import_rows
      WHERE outcome = 'IMPORTED' GROUP BY batch_id) r
WHERE r.batch_id = b.id;
DELETE FROM import_rows WHERE outcome = 'IMPORTED';
ALTER TABLE import_rows DROP COLUMN member_id;
ALTER TABLE import_rows ADD CONSTRAINT import_rows_failed CHECK (outcome = 'FAILED');
