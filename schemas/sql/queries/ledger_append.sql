-- Batched by pg::Tx::Append: one array per column.
INSERT INTO ledger_entries (event_id, seq, produced_at_us)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
