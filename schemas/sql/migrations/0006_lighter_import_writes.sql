-- Cheaper writes for the batch import, where a 50,000-row sheet becomes 50,000 members and 50,000 import rows in
-- one transaction. A foreign key costs one lookup per inserted row (measured with tools/bench import-bench:
-- the two keys of import_rows were most of the time spent inserting them), so:

-- The archive status is one of five fixed states: a CHECK says so without a lookup per row. archive_states still
-- anchors archive_state_transitions, which the transition trigger reads.
ALTER TABLE members DROP CONSTRAINT members_archive_status_fkey;
ALTER TABLE members ADD CONSTRAINT members_archive_status_check
  CHECK (archive_status IN ('EXEMPT', 'NOT_UPLOADED', 'PENDING', 'AUTHENTICATED', 'REJECTED'));

-- import_rows is a write-once log, written in the transaction that creates its batch and its members, and neither
-- batches nor members are ever deleted: the keys guarded nothing a later statement could break.
ALTER TABLE import_rows DROP CONSTRAINT import_rows_batch_id_fkey;
ALTER TABLE import_rows DROP CONSTRAINT import_rows_member_id_fkey;
