INSERT INTO ledger_entries (event_id, seq, produced_at_us) VALUES ($1, $2, $3)
